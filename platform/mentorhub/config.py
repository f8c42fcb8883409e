"""Settings. Every value can be set through the environment; see README "Settings"."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = Path(os.environ.get("MENTORHUB_INSTANCE", ROOT / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _bool(name: str, default: bool = False) -> bool:
    return (_env(name, "1" if default else "0") or "").lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in instance/ for development."""
    key = _env("SECRET_KEY")
    if key:
        return key
    INSTANCE.mkdir(parents=True, exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = _env("MENTORHUB_ENV", "development")
    SECRET_KEY = _secret_key()
    DATABASE_URL = _env("DATABASE_URL", f"sqlite:///{INSTANCE / 'mentorhub.db'}")
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    SITE_NAME = "mentorhub"

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * _int("REMEMBER_DAYS", 30)
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_ENABLED = True
    MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

    # Rate limits (Flask-Limiter syntax); storage is in-memory unless a URI is given
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    REGISTER_RATE_LIMIT = _env("REGISTER_RATE_LIMIT", "5 per minute;20 per hour")
    RESET_RATE_LIMIT = _env("RESET_RATE_LIMIT", "5 per minute")

    # Accounts
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 12)
    PASSWORD_MIN_SCORE = _int("PASSWORD_MIN_SCORE", 2)  # zxcvbn 0..4
    RESET_TOKEN_MAX_AGE = _int("RESET_TOKEN_MAX_AGE", 60 * 60 * 24 * 3)
    UNSUBSCRIBE_TOKEN_MAX_AGE = _int("UNSUBSCRIBE_TOKEN_MAX_AGE", 60 * 60 * 24 * 90)

    # Email: SMTP delivery when SMTP_HOST is set, otherwise mail is written to the log
    SMTP_HOST = _env("SMTP_HOST")
    SMTP_PORT = _int("SMTP_PORT", 587)
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_SSL = _bool("SMTP_SSL", False)
    SMTP_TIMEOUT = _int("SMTP_TIMEOUT", 20)
    MAIL_FROM = _env("MAIL_FROM", "mentorhub <no-reply@mentorhub.local>")
    OUTBOX_BATCH = _int("OUTBOX_BATCH", 100)
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 6)
    OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 60)
    OUTBOX_CLAIM_TIMEOUT = _int("OUTBOX_CLAIM_TIMEOUT", 600)
    DIGEST_HOUR_UTC = _int("DIGEST_HOUR_UTC", 7)

    # Scheduler
    SCHEDULER_OUTBOX_SECONDS = _int("SCHEDULER_OUTBOX_SECONDS", 30)
    SCHEDULER_HEARTBEAT_SECONDS = _int("SCHEDULER_HEARTBEAT_SECONDS", 30)
    SCHEDULER_SWEEP_SECONDS = _int("SCHEDULER_SWEEP_SECONDS", 300)

    # Listing
    PAGE_SIZE = _int("PAGE_SIZE", 20)
    NOTIFICATIONS_PAGE_SIZE = _int("NOTIFICATIONS_PAGE_SIZE", 30)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    DATABASE_URL = "sqlite://"
    SMTP_HOST = None
    SERVER_NAME = None


def default_config() -> type[Config]:
    return ProductionConfig if Config.ENV_NAME == "production" else Config
