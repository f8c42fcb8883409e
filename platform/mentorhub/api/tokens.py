"""Personal access tokens: create, revoke, list, and resolve a bearer secret to its person.

The secret is shown once (the return value of ``create_token``); only its SHA-256 hash and a
short prefix are stored. Rules are ``can_*`` questions (None or the reason), asked here and by
the settings page that shows the buttons.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.models import User
from ..accounts.queries import users_by_id
from ..actors import is_self_or_admin, is_signed_in
from ..db import db, utcnow
from ..pagecache import quiet_write
from ..errors import NotFound, PermissionDenied, ValidationError
from ..validation import choice, integer, setting, text
from .models import SCOPES, ApiToken

TOKEN_PREFIX = "mh_"


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def live_count(user_id: int, now: datetime) -> int:
    return db.session.scalar(select(func.count(ApiToken.id)).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)) or 0


def can_create_token(actor, user: User, now: datetime | None = None) -> str | None:
    if not is_self_or_admin(actor, user.id):
        return "You can only create tokens for your own account."
    if not user.is_active:
        return "This account is suspended or deleted, so it cannot have API tokens."
    limit = setting("API_TOKENS_PER_USER")
    if live_count(user.id, now or utcnow()) >= limit:
        return f"You already have {limit} live tokens. Revoke one before creating another."
    return None


def can_revoke_token(actor, token: ApiToken) -> str | None:
    if not is_self_or_admin(actor, token.user_id):
        return "You can only revoke your own tokens."
    return "This token is already revoked." if token.revoked_at is not None else None


def create_token(actor, user: User, name: str, scope: str = "read", days=None,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the secret (shown once, never stored)."""
    now = now or utcnow()
    name = text(name, field="name", label="the token's name", max_len=setting("API_TOKEN_NAME_MAX"),
                required=True)
    scope = choice(scope, SCOPES, field="scope", label="the scope")
    days = setting("API_TOKEN_DAYS") if days in (None, "") else integer(
        days, field="days", label="the lifetime in days", low=1, high=setting("API_TOKEN_MAX_DAYS"))
    reason = can_create_token(actor, user, now)
    if reason:
        raise PermissionDenied(reason) if not is_self_or_admin(actor, user.id) else ValidationError(reason)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, token_hash=token_hash(secret),
                     prefix=secret[:10], created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.commit()
    return token, secret


def get_token(actor, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or not is_self_or_admin(actor, token.user_id):
        raise NotFound("No such token.")
    return token


def revoke_token(actor, token_id: int) -> ApiToken:
    token = get_token(actor, token_id)
    reason = can_revoke_token(actor, token)
    if reason:
        raise ValidationError(reason)
    token.revoked_at = utcnow()
    db.session.commit()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first (revoked and expired ones too, marked as such)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def resolve(secret: str, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    """The active person and live token a bearer secret names, or None. Records when it was
    last used, at most every API_TOKEN_TOUCH_SECONDS (so reads rarely take the write lock)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None or not token.is_usable(now):
        return None
    user = users_by_id([token.user_id]).get(token.user_id)
    if user is None or not is_signed_in(user) or not user.is_active:
        return None
    every = timedelta(seconds=setting("API_TOKEN_TOUCH_SECONDS"))
    if token.last_used_at is None or now - token.last_used_at >= every:
        with db.write_unit():  # a GET's read transaction never writes
            quiet_write()  # only /account/tokens shows it, and that page is never cached
            db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                               .execution_options(synchronize_session=False))
        set_committed_value(token, "last_used_at", now)  # no pending change for a read transaction
    return user, token
