"""Settings. Every value can be set through the environment; see README "Settings"."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = Path(os.environ.get("MENTORHUB_INSTANCE", ROOT / "instance"))
# libyaml's parser where PyYAML has it (its wheels do): the seed files are read as the app loads,
# and the pure-Python parser takes ~35 ms for seed/roadmap.yaml alone.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path | str):
    """One of our YAML files (seed/), parsed safely (plain data, no Python objects)."""
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)


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
    REMEMBER_COOKIE_SAMESITE = "Lax"
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
    # Re-entering your password (change password or email, delete account), shared by the three pages
    PASSWORD_CONFIRM_RATE_LIMIT = _env("PASSWORD_CONFIRM_RATE_LIMIT", "5 per minute;20 per hour")  # account
    PASSWORD_CONFIRM_IP_RATE_LIMIT = _env("PASSWORD_CONFIRM_IP_RATE_LIMIT", "10 per minute;50 per hour")
    # Rendered pages kept per viewer until the next write anywhere (pagecache.py); 0 turns it off.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 30)
    PAGE_CACHE_ENTRIES = _int("PAGE_CACHE_ENTRIES", 200)  # per worker, without Redis
    PAGE_CACHE_REDIS_URL = _env("PAGE_CACHE_REDIS_URL", "")  # one cache shared by every worker
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)  # reverse proxies in front (X-Forwarded-For/-Proto)

    # Accounts
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 12)
    PASSWORD_MIN_SCORE = _int("PASSWORD_MIN_SCORE", 2)  # zxcvbn 0..4
    # werkzeug's scrypt parameters (N:r:p, ~0.1-0.2 s a hash). Not read from the environment: only
    # TestConfig lowers it, so the test suite's thousand logins do not each cost a full hash.
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    RESET_TOKEN_MAX_AGE = _int("RESET_TOKEN_MAX_AGE", 60 * 60 * 24 * 3)
    # Accept addresses under the reserved .test domain (the demo logins); off in production.
    EMAIL_ALLOW_TEST_DOMAINS = _bool("EMAIL_ALLOW_TEST_DOMAINS", True)
    UNSUBSCRIBE_TOKEN_MAX_AGE = _int("UNSUBSCRIBE_TOKEN_MAX_AGE", 60 * 60 * 24 * 90)
    ADMIN_USERS_PAGE_SIZE = _int("ADMIN_USERS_PAGE_SIZE", 50)
    ADMIN_SEARCH_MAX = _int("ADMIN_SEARCH_MAX", 100)  # characters of an admin search query

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
    PLANNER_STATS_HOUR_UTC = _int("PLANNER_STATS_HOUR_UTC", 3)

    # Scheduler
    SCHEDULER_OUTBOX_SECONDS = _int("SCHEDULER_OUTBOX_SECONDS", 30)
    SCHEDULER_HEARTBEAT_SECONDS = _int("SCHEDULER_HEARTBEAT_SECONDS", 30)
    SCHEDULER_HEARTBEAT_KEEP_DAYS = _int("SCHEDULER_HEARTBEAT_KEEP_DAYS", 7)  # old process rows are pruned
    SCHEDULER_SWEEP_SECONDS = _int("SCHEDULER_SWEEP_SECONDS", 300)

    # Operations: backups, metrics, logs, health (README "Operating mentorhub")
    BACKUP_DIR = _env("BACKUP_DIR")  # nightly backups go here when set
    BACKUP_KEEP = _int("BACKUP_KEEP", 7)  # complete backups kept in BACKUP_DIR (older ones deleted)
    BACKUP_HOUR_UTC = _int("BACKUP_HOUR_UTC", 2)  # the nightly backup starts at HH:15 UTC
    PG_BIN_DIR = _env("PG_BIN_DIR")  # where pg_dump/pg_restore are; default: PATH, then /usr/lib/postgresql/*/bin
    METRICS_TOKEN = _env("METRICS_TOKEN")  # a bearer token that may read /metrics from anywhere
    METRICS_ALLOWED_IPS = _env("METRICS_ALLOWED_IPS", "127.0.0.1,::1")  # addresses or networks, comma-separated
    LOG_FORMAT = _env("LOG_FORMAT", "text")  # text | json (one JSON object per line)
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    HEALTH_HEARTBEAT_INTERVALS = _int("HEALTH_HEARTBEAT_INTERVALS", 3)  # heartbeats missed before "degraded"
    HEALTH_OUTBOX_BACKLOG = _int("HEALTH_OUTBOX_BACKLOG", 500)  # due unsent mails before "degraded"
    SECRET_KEY_FROM_ENV = bool(_env("SECRET_KEY"))  # check-config: production needs SECRET_KEY set

    # Events
    EVENTS_PAGE_SIZE = _int("EVENTS_PAGE_SIZE", 20)
    EVENTS_MAX_CAPACITY = _int("EVENTS_MAX_CAPACITY", 1000)
    EVENTS_MAX_DURATION_HOURS = _int("EVENTS_MAX_DURATION_HOURS", 12)
    EVENTS_TITLE_MAX = _int("EVENTS_TITLE_MAX", 150)
    EVENTS_DESCRIPTION_MAX = _int("EVENTS_DESCRIPTION_MAX", 10000)
    EVENTS_MAX_TAGS = _int("EVENTS_MAX_TAGS", 8)
    EVENTS_SERIES_HORIZON_DAYS = _int("EVENTS_SERIES_HORIZON_DAYS", 56)  # occurrences created this far ahead
    EVENTS_SERIES_MAX_OCCURRENCES = _int("EVENTS_SERIES_MAX_OCCURRENCES", 104)
    EVENTS_REMINDER_HOURS = (24, 1)
    EVENTS_REMINDER_SECONDS = _int("EVENTS_REMINDER_SECONDS", 300)  # how often the reminder sweep runs
    EVENTS_SERIES_SWEEP_SECONDS = _int("EVENTS_SERIES_SWEEP_SECONDS", 3600)  # how often series are extended
    EVENTS_BEST_TIME_MAX_MEMBERS = _int("EVENTS_BEST_TIME_MAX_MEMBERS", 200)
    EVENTS_BEST_TIME_PROPOSALS = _int("EVENTS_BEST_TIME_PROPOSALS", 3)
    EVENTS_BEST_TIME_SLOT_MINUTES = 15  # divides 15: every zone offset is exact
    EVENTS_COHORT_MAX_MEMBERS = _int("EVENTS_COHORT_MAX_MEMBERS", 200)
    EVENTS_COHORT_NAME_MAX = _int("EVENTS_COHORT_NAME_MAX", 120)
    EVENTS_ADDRESS_MAX = _int("EVENTS_ADDRESS_MAX", 300)  # characters of a venue address

    # Dates people enter (meetups, series, best-time weeks, sessions, milestones, check-ins)
    DATE_WINDOW_PAST_DAYS = _int("DATE_WINDOW_PAST_DAYS", 365)  # earliest: today minus this
    DATE_WINDOW_FUTURE_DAYS = _int("DATE_WINDOW_FUTURE_DAYS", 5 * 365)  # latest: today plus this

    # Mentoring
    MENTORING_MAX_PENDING_REQUESTS = _int("MENTORING_MAX_PENDING_REQUESTS", 3)
    MENTORING_REQUEST_REMINDER_DAYS = _int("MENTORING_REQUEST_REMINDER_DAYS", 3)
    MENTORING_REQUEST_EXPIRY_DAYS = _int("MENTORING_REQUEST_EXPIRY_DAYS", 10)
    MENTORING_DECLINE_COOLDOWN_DAYS = _int("MENTORING_DECLINE_COOLDOWN_DAYS", 60)
    MENTORING_MIN_NOTICE_HOURS = _int("MENTORING_MIN_NOTICE_HOURS", 12)
    MENTORING_BOOKING_HORIZON_DAYS = _int("MENTORING_BOOKING_HORIZON_DAYS", 28)
    MENTORING_SESSION_REMINDER_HOURS = (24, 1)  # one reminder this many hours before each session
    MENTORING_CHECKIN_NUDGE_DAYS = _int("MENTORING_CHECKIN_NUDGE_DAYS", 3)
    MENTORING_CHECKIN_MISS_DAYS = _int("MENTORING_CHECKIN_MISS_DAYS", 7)
    MENTORING_RATING_MIN_COUNT = _int("MENTORING_RATING_MIN_COUNT", 3)
    # A mentor's public average changes only after this many new ratings (then in half points).
    MENTORING_RATING_PUBLISH_EVERY = _int("MENTORING_RATING_PUBLISH_EVERY", 3)
    MENTORING_TEXT_MAX = _int("MENTORING_TEXT_MAX", 4000)
    MENTORING_TITLE_MAX = _int("MENTORING_TITLE_MAX", 200)
    MENTORING_GOALS_MAX = _int("MENTORING_GOALS_MAX", 30)
    MENTORING_SWEEP_BATCH = _int("MENTORING_SWEEP_BATCH", 500)
    MENTORING_SWEEP_PAUSE_MS = _int("MENTORING_SWEEP_PAUSE_MS", 0)  # between sweep batches
    MENTORING_SWEEP_SECONDS = _int("MENTORING_SWEEP_SECONDS", 60)
    MENTORING_CALENDAR_PAST_DAYS = _int("MENTORING_CALENDAR_PAST_DAYS", 90)

    # Portfolio
    PORTFOLIO_NOTEBOOK_MAX_BYTES = _int("PORTFOLIO_NOTEBOOK_MAX_BYTES", 2 * 1024 * 1024)
    PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES = _int("PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES", 512 * 1024)  # one output
    PORTFOLIO_NOTEBOOK_MAX_CELLS = _int("PORTFOLIO_NOTEBOOK_MAX_CELLS", 1000)
    PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX = _int("PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX", 100_000)  # chars, one code cell
    PORTFOLIO_NOTEBOOK_SOURCE_MAX = _int("PORTFOLIO_NOTEBOOK_SOURCE_MAX", 1_000_000)  # chars, all code cells
    PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX = _int("PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX", 20_000)  # one markdown cell
    PORTFOLIO_NOTEBOOK_MARKDOWN_MAX = _int("PORTFOLIO_NOTEBOOK_MARKDOWN_MAX", 100_000)  # all markdown cells
    # The work one upload may cost (validation, hints, rendering): characters handed to linear passes,
    # and a wall-clock backstop in seconds; past either the upload is refused with a 400.
    PORTFOLIO_NOTEBOOK_WORK_STEPS = _int("PORTFOLIO_NOTEBOOK_WORK_STEPS", 40_000_000)
    PORTFOLIO_NOTEBOOK_WORK_SECONDS = _int("PORTFOLIO_NOTEBOOK_WORK_SECONDS", 10)
    PORTFOLIO_BODY_MAX = _int("PORTFOLIO_BODY_MAX", 20000)  # characters of an item's body
    PORTFOLIO_COMMENT_MAX = _int("PORTFOLIO_COMMENT_MAX", 4000)  # a review text, comment or reply
    PORTFOLIO_CLAIM_HOURS = _int("PORTFOLIO_CLAIM_HOURS", 72)  # a reviewer's claim expires after this
    PORTFOLIO_REMINDER_DAYS = _int("PORTFOLIO_REMINDER_DAYS", 3)  # unclaimed this long: remind reviewers
    PORTFOLIO_REMINDER_MAX_REVIEWERS = _int("PORTFOLIO_REMINDER_MAX_REVIEWERS", 20)
    PORTFOLIO_PAGE_SIZE = _int("PORTFOLIO_PAGE_SIZE", 20)
    PORTFOLIO_QUEUE_LIMIT = _int("PORTFOLIO_QUEUE_LIMIT", 50)  # community queue entries shown at once
    PORTFOLIO_URL_MAX = _int("PORTFOLIO_URL_MAX", 300)  # characters of an item's repository or demo link
    PORTFOLIO_PROJECT_CHOICES_MAX = _int("PORTFOLIO_PROJECT_CHOICES_MAX", 500)  # project ideas an item may pick from

    # Profiles
    PROFILE_HEADLINE_MAX = _int("PROFILE_HEADLINE_MAX", 120)  # characters (also the current role)
    PROFILE_TEXT_MAX = _int("PROFILE_TEXT_MAX", 4000)  # characters of goals and bios
    PROFILE_URL_MAX = _int("PROFILE_URL_MAX", 300)
    URL_MAX = _int("URL_MAX", 500)  # characters of any other web address people enter (meeting links, repos)
    PROFILE_MAX_SKILLS = _int("PROFILE_MAX_SKILLS", 30)  # per profile, and skills to learn
    PROFILE_MAX_WINDOWS = _int("PROFILE_MAX_WINDOWS", 21)  # weekly availability windows per person
    PROFILE_HOURS_MAX = _int("PROFILE_HOURS_MAX", 60)  # hours per week a learner can give
    PROFILE_BLANK_WINDOW_ROWS = _int("PROFILE_BLANK_WINDOW_ROWS", 3)  # empty rows on the edit form
    MENTOR_CAPACITY_MAX = _int("MENTOR_CAPACITY_MAX", 10)  # the database allows at most 10
    MENTOR_YEARS_MAX = _int("MENTOR_YEARS_MAX", 60)
    MENTOR_SESSION_MINUTES = (30, 45, 60, 90)
    DIRECTORY_PAGE_SIZE = _int("DIRECTORY_PAGE_SIZE", 12)
    OVERLAP_GOOD_HOURS = _int("OVERLAP_GOOD_HOURS", 2)  # weekly shared hours shown in green (0 h is red)
    HOME_SHOWCASE_SIZE = _int("HOME_SHOWCASE_SIZE", 3)  # mentors, ideas and meetups each on the home page
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 50_000)
    # How the importer reads parts of the day people write in availability answers (their own zone).
    IMPORT_TIME_MORNING = _env("IMPORT_TIME_MORNING", "08:00-11:00")
    IMPORT_TIME_LUNCH = _env("IMPORT_TIME_LUNCH", "12:00-13:00")
    IMPORT_TIME_AFTERNOON = _env("IMPORT_TIME_AFTERNOON", "14:00-17:00")
    IMPORT_TIME_EVENING = _env("IMPORT_TIME_EVENING", "18:00-21:00")
    IMPORT_TIME_DAY = _env("IMPORT_TIME_DAY", "10:00-18:00")  # a day named without a time ("weekends")
    IMPORT_AFTER_HOURS = _int("IMPORT_AFTER_HOURS", 3)  # "after 6pm" and a lone "7pm" last this long
    IMPORT_WEB_MAX_ROWS = _int("IMPORT_WEB_MAX_ROWS", 2000)  # rows the web import previews and imports
    SCALE_BATCH_ROWS = _int("SCALE_BATCH_ROWS", 5000)  # rows per executemany in seed --scale

    # Listing
    PAGE_SIZE = _int("PAGE_SIZE", 20)
    NOTIFICATIONS_PAGE_SIZE = _int("NOTIFICATIONS_PAGE_SIZE", 30)
    DASHBOARD_NOTIFICATIONS = _int("DASHBOARD_NOTIFICATIONS", 5)  # unread shown on the dashboard

    # JSON API (/api/v1) and personal access tokens
    API_PAGE_SIZE = _int("API_PAGE_SIZE", 20)  # items per page when the caller gives no limit
    API_PAGE_SIZE_MAX = _int("API_PAGE_SIZE_MAX", 100)  # the largest limit a caller may ask for
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "120 per minute;2000 per hour")  # per token (per address without one)
    API_TOKEN_DAYS = _int("API_TOKEN_DAYS", 90)  # a new token's lifetime unless the creator picks one
    API_TOKEN_MAX_DAYS = _int("API_TOKEN_MAX_DAYS", 365)
    API_TOKENS_PER_USER = _int("API_TOKENS_PER_USER", 20)  # live (unrevoked, unexpired) tokens per person
    API_TOKEN_NAME_MAX = _int("API_TOKEN_NAME_MAX", 80)
    API_TOKEN_TOUCH_SECONDS = _int("API_TOKEN_TOUCH_SECONDS", 60)  # last-used is written at most this often

    # Projects
    PROJECT_STALE_DAYS = _int("PROJECT_STALE_DAYS", 60)  # no activity this long: stale, hidden by default
    PROJECT_ACTIVE_DAYS = _int("PROJECT_ACTIVE_DAYS", 30)  # the "active recently" filter
    PROJECT_TITLE_MAX = _int("PROJECT_TITLE_MAX", 120)
    PROJECT_SUMMARY_MAX = _int("PROJECT_SUMMARY_MAX", 300)
    PROJECT_DESCRIPTION_MAX = _int("PROJECT_DESCRIPTION_MAX", 20_000)
    PROJECT_MOTIVATION_MAX = _int("PROJECT_MOTIVATION_MAX", 2_000)
    PROJECT_MOTIVATION_MIN = _int("PROJECT_MOTIVATION_MIN", 20)
    PROJECT_REASON_MAX = _int("PROJECT_REASON_MAX", 500)
    PROJECT_SEATS_MAX = _int("PROJECT_SEATS_MAX", 20)
    PROJECT_HOURS_MAX = _int("PROJECT_HOURS_MAX", 40)
    PROJECT_WEEKS_MAX = _int("PROJECT_WEEKS_MAX", 52)
    PROJECT_SKILLS_MAX = _int("PROJECT_SKILLS_MAX", 12)
    PROJECT_DOMAINS_MAX = _int("PROJECT_DOMAINS_MAX", 5)
    PROJECT_MILESTONES_MAX = _int("PROJECT_MILESTONES_MAX", 20)
    PROJECT_ACTIVITY_SHOWN = _int("PROJECT_ACTIVITY_SHOWN", 50)

    # Matching (weights are relative; each component lies in 0..1)
    MATCH_WEIGHT_SKILLS = float(_env("MATCH_WEIGHT_SKILLS", "0.40"))
    MATCH_WEIGHT_DOMAINS = float(_env("MATCH_WEIGHT_DOMAINS", "0.15"))
    MATCH_WEIGHT_TEXT = float(_env("MATCH_WEIGHT_TEXT", "0.20"))
    MATCH_WEIGHT_AVAILABILITY = float(_env("MATCH_WEIGHT_AVAILABILITY", "0.25"))
    MATCH_WEIGHT_ACTIVITY = float(_env("MATCH_WEIGHT_ACTIVITY", "0.5"))  # how far an inactive mentor sinks
    MATCH_WEIGHT_READINESS = float(_env("MATCH_WEIGHT_READINESS", "0.35"))
    MATCH_WEIGHT_GROWTH = float(_env("MATCH_WEIGHT_GROWTH", "0.35"))
    MATCH_WEIGHT_PROJECT_DOMAINS = float(_env("MATCH_WEIGHT_PROJECT_DOMAINS", "0.15"))
    MATCH_WEIGHT_DIFFICULTY = float(_env("MATCH_WEIGHT_DIFFICULTY", "0.10"))
    MATCH_WEIGHT_SEATS = float(_env("MATCH_WEIGHT_SEATS", "0.05"))
    MATCH_OVERLAP_SCALE_HOURS = float(_env("MATCH_OVERLAP_SCALE_HOURS", "2"))  # availability = 1 - exp(-hours / this)
    MATCH_REACH_HOURS = float(_env("MATCH_REACH_HOURS", "1"))  # shared hours a week that rank a teaching mentor first
    MATCH_RELATED_CREDIT = float(_env("MATCH_RELATED_CREDIT", "0.5"))  # credit for a related skill (taxonomy)
    MATCH_SEATS_TARGET = _int("MATCH_SEATS_TARGET", 3)
    MATCH_TEXT_DIMS = _int("MATCH_TEXT_DIMS", 64)
    MATCH_TEXT_MAX_FEATURES = _int("MATCH_TEXT_MAX_FEATURES", 20_000)
    MATCH_SLOT_MINUTES = _int("MATCH_SLOT_MINUTES", 15)  # grid step; divides 15 so every zone offset is exact
    MATCH_ACTIVE_DAYS = _int("MATCH_ACTIVE_DAYS", 14)  # seen within this: fully active
    MATCH_INACTIVE_DAYS = _int("MATCH_INACTIVE_DAYS", 56)  # not seen for this long: lowest activity
    MATCH_INACTIVE_FLOOR = float(_env("MATCH_INACTIVE_FLOOR", "0.2"))
    MATCH_INDEX_DIR = _env("MATCH_INDEX_DIR", "match-index")  # published builds, under the instance folder
    MATCH_INDEX_JOB_SECONDS = _int("MATCH_INDEX_JOB_SECONDS", 30)  # how often the scheduler checks for a due rebuild
    MATCH_INDEX_REBUILD_SECONDS = _int("MATCH_INDEX_REBUILD_SECONDS", 6 * 3600)  # rebuild at least this often
    MATCH_INDEX_REBUILD_CHANGES = _int("MATCH_INDEX_REBUILD_CHANGES", 2000)  # pending changes that trigger a rebuild
    MATCH_INDEX_KEEP_SECONDS = _int("MATCH_INDEX_KEEP_SECONDS", 600)  # old builds kept this long after a swap
    MATCH_INDEX_LATE_ROWS = _int("MATCH_INDEX_LATE_ROWS", 200)  # change-log positions looked back over for late commits
    MATCH_OUTCOME_CHECKINS = _int("MATCH_OUTCOME_CHECKINS", 3)  # answered check-ins that count as a mentorship that worked
    MATCH_TUNE_MIN_EVENTS = _int("MATCH_TUNE_MIN_EVENTS", 200)  # labelled outcomes below which match-tune keeps the weights
    MATCH_TUNE_HELDOUT_SHARE = float(_env("MATCH_TUNE_HELDOUT_SHARE", "0.25"))  # newest share of outcomes held out
    MATCH_ACCEPT_WEIGHT = float(_env("MATCH_ACCEPT_WEIGHT", "0.3"))  # how much the chance the mentor accepts weighs
    MATCH_ACCEPT_PRIOR = _int("MATCH_ACCEPT_PRIOR", 4)  # pseudo-decisions smoothing a mentor's acceptance rate
    MATCH_ACCEPT_MISS = float(_env("MATCH_ACCEPT_MISS", "0.35"))  # chance factor per stated preference not met
    PROFILE_MAX_LANGUAGES = _int("PROFILE_MAX_LANGUAGES", 5)
    MATCH_INDEX_MEMO_ENTRIES = _int("MATCH_INDEX_MEMO_ENTRIES", 20000)  # explanations kept per process and index
    MATCH_TOP_K = _int("MATCH_TOP_K", 10)
    MATCH_TOP_K_MAX = _int("MATCH_TOP_K_MAX", 50)
    MATCH_RESPONSE_SAMPLE = _int("MATCH_RESPONSE_SAMPLE", 20)  # latest answers behind a mentor's median response time
    MATCH_MIN_SCORE = float(_env("MATCH_MIN_SCORE", "0.05"))  # below this a suggestion is not shown
    MATCH_COHORT_MIN_SCORE = float(_env("MATCH_COHORT_MIN_SCORE", "0.25"))  # below this a learner stays unmatched
    MATCH_COHORT_CANDIDATES = _int("MATCH_COHORT_CANDIDATES", 10)  # top-k mentors per learner in the graph
    MATCH_COHORT_MAX_LEARNERS = _int("MATCH_COHORT_MAX_LEARNERS", 20_000)
    MATCH_COHORT_NOTE_MAX = _int("MATCH_COHORT_NOTE_MAX", 200)  # characters in a round's note
    MATCH_BATCH_CHUNK = _int("MATCH_BATCH_CHUNK", 1000)

    # Sign in with GitHub / OpenID Connect (each is off while its client id is unset)
    OIDC_ISSUER = _env("OIDC_ISSUER")  # discovery at <issuer>/.well-known/openid-configuration
    OIDC_CLIENT_ID = _env("OIDC_CLIENT_ID")
    OIDC_CLIENT_SECRET = _env("OIDC_CLIENT_SECRET")
    OIDC_NAME = _env("OIDC_NAME", "single sign-on")  # the button says "Sign in with <OIDC_NAME>"
    OIDC_SCOPES = _env("OIDC_SCOPES", "openid email profile")
    GITHUB_CLIENT_ID = _env("GITHUB_CLIENT_ID")
    GITHUB_CLIENT_SECRET = _env("GITHUB_CLIENT_SECRET")
    GITHUB_AUTHORIZE_URL = _env("GITHUB_AUTHORIZE_URL", "https://github.com/login/oauth/authorize")
    GITHUB_TOKEN_URL = _env("GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token")
    GITHUB_API_URL = _env("GITHUB_API_URL", "https://api.github.com/")
    OAUTH_TIMEOUT = _int("OAUTH_TIMEOUT", 10)  # seconds for each call to the provider
    OAUTH_PENDING_SECONDS = _int("OAUTH_PENDING_SECONDS", 900)  # an unlinked sign-in waits this long

    # Outgoing webhooks (organisers' Discord, Slack or generic endpoints)
    WEBHOOKS_SSRF_PROTECTION = _bool("WEBHOOKS_SSRF_PROTECTION", True)  # refuse private addresses
    WEBHOOK_MAX_ATTEMPTS = _int("WEBHOOK_MAX_ATTEMPTS", 6)  # then the delivery is given up
    WEBHOOK_BACKOFF_SECONDS = _int("WEBHOOK_BACKOFF_SECONDS", 60)  # doubled after each failure
    WEBHOOK_TIMEOUT = _int("WEBHOOK_TIMEOUT", 10)  # seconds to connect and to read the answer
    WEBHOOK_BATCH = _int("WEBHOOK_BATCH", 100)  # deliveries per sweep
    WEBHOOK_SWEEP_SECONDS = _int("WEBHOOK_SWEEP_SECONDS", 30)
    WEBHOOK_LATE_SECONDS = _int("WEBHOOK_LATE_SECONDS", 300)  # look back this far for late commits
    WEBHOOK_MAX_PER_OWNER = _int("WEBHOOK_MAX_PER_OWNER", 20)
    WEBHOOK_NAME_MAX = _int("WEBHOOK_NAME_MAX", 80)
    WEBHOOK_LOG_SHOWN = _int("WEBHOOK_LOG_SHOWN", 50)  # deliveries shown in an endpoint's log
    OUTCOME_TITLE_MAX = _int("OUTCOME_TITLE_MAX", 200)
    OUTCOMES_MAX_PER_USER = _int("OUTCOMES_MAX_PER_USER", 100)
    OUTCOMES_TIMELINE_MAX = _int("OUTCOMES_TIMELINE_MAX", 100)  # entries on a person's timeline (and milestones on the projects card)
    REPORT_RATE_LIMIT = _env("REPORT_RATE_LIMIT", "5 per minute;20 per day")  # reports one member may file
    REPORT_DETAILS_MAX = _int("REPORT_DETAILS_MAX", 2000)
    REPORT_EXCERPT_MAX = _int("REPORT_EXCERPT_MAX", 2000)  # characters of the reported content kept for the admins
    REPORTS_QUEUE_SHOWN = _int("REPORTS_QUEUE_SHOWN", 100)
    STATS_DEFAULT_DAYS = _int("STATS_DEFAULT_DAYS", 84)  # the statistics' date range unless one is chosen
    STATS_MAX_WEEKS = _int("STATS_MAX_WEEKS", 104)  # weeks drawn in the weekly chart at most


class ProductionConfig(Config):
    EMAIL_ALLOW_TEST_DOMAINS = _bool("EMAIL_ALLOW_TEST_DOMAINS", False)
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
    OIDC_CLIENT_ID = None  # sign-in providers stay off unless a test turns one on
    GITHUB_CLIENT_ID = None
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # the same algorithm at 1/32 of the cost, for speed only


def default_config() -> type[Config]:
    return ProductionConfig if Config.ENV_NAME == "production" else Config
