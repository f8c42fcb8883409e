"""Logins on devices: the login loader, one session per device, logging out here or everywhere."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, delete, select

from ..db import db, utcnow
from ..pagecache import VERSION_NOW, quiet_write, remember_version
from ..validation import setting
from .models import LoginSession, User, new_token

LAST_SEEN_EVERY = timedelta(minutes=5)

# Built once at import: every logged-in request runs it (building it took longer than the query).
# It reads the data version too, the page cache's key, so a cached page costs this one query.
_LOAD_USER = (select(User, VERSION_NOW).join(LoginSession, LoginSession.user_id == User.id)
              .where(User.session_token == bindparam("session_token"), LoginSession.token == bindparam("device_token")))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``<session_token>.<device token>`` (see User.get_id), both still valid."""
    session_token, _, device_token = (user_id or "").partition(".")
    if not session_token or not device_token:
        return None
    row = db.session.execute(_LOAD_USER, {"session_token": session_token, "device_token": device_token}).first()
    if row is None or not row[0].is_active:
        return None
    user, version = row
    remember_version(version)
    user.device_token = device_token
    return user


def start_device_session(user: User) -> None:
    """A new login on one device: its own token, folded into ``user.get_id()``. Logins older
    than the remember-me lifetime are pruned on the way."""
    cutoff = utcnow() - timedelta(seconds=setting("REMEMBER_COOKIE_DURATION"))
    with db.write_unit():  # also from a GET: the sign-in callback of GitHub / OpenID Connect
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                      LoginSession.created_at < cutoff))
        row = LoginSession(user_id=user.id, token=new_token(), created_at=utcnow())
        db.session.add(row)
    user.device_token = row.token


def end_device_session(user: User) -> None:
    """Logging out: this device's session and remember cookie stop working, others stay."""
    if user.device_token:
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                      LoginSession.token == user.device_token))
        db.session.commit()
    user.device_token = None


def end_all_sessions(user: User) -> None:
    """Every device is logged out (the caller commits)."""
    user.session_token = new_token()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.device_token = None


def log_out_everywhere(user: User) -> None:
    end_all_sessions(user)
    db.session.commit()


def touch_last_seen(user: User) -> None:
    now = utcnow()
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_EVERY:
        with db.write_unit():  # a GET's read transaction never writes
            quiet_write()  # no page shows it (the match index's next build reads it)
            user.last_seen_at = now
