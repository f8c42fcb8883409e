"""Passwords: hashing, the strength rules, logging in with one, changing it, and the reset link."""
from __future__ import annotations

from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db, utcnow
from ..errors import ValidationError
from ..lazyimport import lazy_module
from ..notifications.outbox import queue_email
from ..urls import external_url
from ..validation import setting
from .models import User
from .queries import find_by_email, normalize_email
from .sessions import end_all_sessions

# zxcvbn's dictionaries take ~12 MiB and ~20 ms to load; only the requests that set a password need them.
zxcvbn = lazy_module("zxcvbn")

GENERIC_LOGIN_ERROR = "That email and password do not match an active account."
PASSWORD_MAX = 256
# A hash to compare against when the email is unknown, so both paths take the same time. Written
# out rather than computed at import (an scrypt hash costs ~0.1 s of every process's start-up); it
# carries the default PASSWORD_HASH_METHOD's scrypt parameters (tests/accounts/test_services.py checks).
DUMMY_HASH = ("scrypt:32768:8:1$LIQkBoyDTEsvD8ie$649accdd03f707312d973f05fc6448fe833aafbf66f40e"
              "ea9c5d7df60254b26ed99820478a4e138b321a4bb5340157a6e6c5f031282c6506a6d0c3a3201dcdd4")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=setting("PASSWORD_HASH_METHOD"))


@cache
def _dummy_hash_for(method: str) -> str:
    if DUMMY_HASH.startswith(method + "$"):
        return DUMMY_HASH
    return generate_password_hash("not-a-real-password-0000", method=method)  # once per process


def dummy_hash() -> str:
    """A hash with the configured parameters, checked when there is no real one to check."""
    return _dummy_hash_for(setting("PASSWORD_HASH_METHOD"))


def password_matches(user: User, password: str | None) -> bool:
    """Whether ``password`` is the account's (an account without one costs the same hash)."""
    return check_password_hash(user.password_hash or dummy_hash(), password or "")


def require_password(user: User, password: str | None, message: str = "Your password is not right.",
                     field: str = "password") -> None:
    """The re-entered password before a change that needs it (email, deletion)."""
    if not password_matches(user, password):
        raise ValidationError(message, field=field)


def check_password_rules(password: str, user_inputs: list[str] | None = None) -> None:
    """At least PASSWORD_MIN_LENGTH characters and not a known-common or guessable password."""
    min_len = setting("PASSWORD_MIN_LENGTH")
    if len(password or "") < min_len:
        raise ValidationError(f"Use at least {min_len} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"Use at most {PASSWORD_MAX} characters.", field="password")
    result = zxcvbn.zxcvbn(password[:100], user_inputs=[u for u in (user_inputs or []) if u])
    common = any(
        m.get("pattern") == "dictionary" and m.get("dictionary_name") == "passwords"
        and len(m.get("token", "")) >= len(password) - 2
        for m in result["sequence"]
    )
    if common or result["score"] < setting("PASSWORD_MIN_SCORE"):
        raise ValidationError(
            "That password is too common or too easy to guess. Try a few unrelated words.",
            field="password",
        )


def authenticate(email: str, password: str) -> User | None:
    """The active account this email and password open, or None (as slow either way)."""
    user = find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(dummy_hash(), password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    require_password(user, current, "Your current password is not right.", field="current_password")
    check_password_rules(new, [user.display_name, user.email])
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    db.session.commit()


# ---- password reset and invitations -------------------------------------------------


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(setting("SECRET_KEY"), salt="reset")


def make_reset_token(user: User | None) -> str:
    # The password hash's tail makes the token single-use: it changes once used. Without a user
    # (an address with no account) the same work makes a token that opens nothing.
    if user is None:
        return _reset_serializer().dumps({"u": 0, "h": ""})
    return _reset_serializer().dumps({"u": user.id, "h": (user.password_hash or "")[-12:]})


def request_password_reset(email: str) -> None:
    """Looks the same to the caller and does the same work whatever the address (one token,
    one queued mail, one commit), so the answer takes as long for an account as for none. An
    active account's address gets a link; any other address a note that it has no account."""
    try:
        email = normalize_email(email)
    except ValidationError:
        return
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    active = user is not None and user.is_active
    link = external_url("accounts.reset_password", token=make_reset_token(user if active else None))
    if active:
        body = (f"Use this link to choose a new password (valid for 3 days):\n\n{link}\n\n"
                "If you did not ask for this, you can ignore this email.")
    else:
        body = ("Someone asked to reset the mentorhub password of this address, but no active account "
                "uses it, so nothing changed. If it was you, try the address you registered with.\n\n"
                "If you did not ask for this, you can ignore this email.")
    # At most one such mail per address and minute, whichever it is.
    queue_email(to=email, subject="Reset your mentorhub password", body=body,
                key=f"reset:{email}:{utcnow():%Y-%m-%dT%H:%M}", user=user if active else None)
    db.session.commit()


def invite(user: User) -> None:
    """Invitation to set a password, for accounts created by an import (no commit)."""
    link = external_url("accounts.reset_password", token=make_reset_token(user))
    queue_email(
        to=user.email,
        subject="You are invited to mentorhub",
        body=f"An account was created for you on mentorhub. Choose your password here:\n\n{link}\n",
        key=f"invite:{user.id}",
        user=user,
        kind="system",  # not asked for by the recipient: carries an unsubscribe link
    )


def user_for_reset_token(token: str) -> User:
    try:
        data = _reset_serializer().loads(token, max_age=setting("RESET_TOKEN_MAX_AGE"))
    except SignatureExpired:
        raise ValidationError("That link has expired. Ask for a new one.") from None
    except BadSignature:
        raise ValidationError("That link is not valid. Ask for a new one.") from None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or (user.password_hash or "")[-12:] != data.get("h"):
        raise ValidationError("That link is not valid any more. Ask for a new one.")
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    check_password_rules(new, [user.display_name, user.email])
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    db.session.commit()
    return user
