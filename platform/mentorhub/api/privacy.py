"""The API's part of a person's data: their tokens (never the secret, which is not stored).
``export_user_data`` and ``erase_user_data`` (no commit), for the account's export and deletion."""
from __future__ import annotations

from sqlalchemy import delete

from ..accounts.models import User
from ..db import db
from .models import ApiToken
from .tokens import tokens_of


def export_user_data(user: User) -> dict:
    def iso(dt):
        return dt.isoformat() if dt else None

    return {"api_tokens": [{"name": t.name, "scope": t.scope, "prefix": t.prefix, "created_at": iso(t.created_at),
                            "expires_at": iso(t.expires_at), "last_used_at": iso(t.last_used_at),
                            "revoked_at": iso(t.revoked_at)} for t in tokens_of(user)]}


def erase_user_data(user: User) -> None:
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
