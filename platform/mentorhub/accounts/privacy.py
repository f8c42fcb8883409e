"""The account's own rows in a data export and an account deletion (mentorhub/privacy.py runs
every feature's hooks; this one runs last, as it anonymises the account itself)."""
from __future__ import annotations

from sqlalchemy import delete

from ..db import db
from .models import Block, LinkedIdentity, User
from .queries import blocks_by, identities_of
from .sessions import end_all_sessions


def export_user_data(user: User) -> dict:
    """The account and the people it blocked (top-level keys of the export)."""
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "is_admin": user.is_admin,
            "created_at": user.created_at.isoformat() if user.created_at else None,
            "last_seen_at": user.last_seen_at.isoformat() if user.last_seen_at else None,
        },
        "blocked_members": [
            {"user_id": u.id, "display_name": u.display_name, "created_at": b.created_at.isoformat()}
            for b, u in blocks_by(user)
        ],
        "linked_sign_ins": [
            {"provider": i.provider, "login": i.login, "profile_url": i.profile_url,
             "created_at": i.created_at.isoformat() if i.created_at else None}
            for i in identities_of(user)
        ],
    }


def erase_user_data(user: User) -> None:
    """Anonymise the account and log it out everywhere (no commit; see templates/accounts/delete.html)."""
    # The blocks this person made are theirs; blocks others made against them stay in force.
    db.session.execute(delete(Block).where(Block.blocker_id == user.id))
    db.session.execute(delete(LinkedIdentity).where(LinkedIdentity.user_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = "Former member"
    user.password_hash = ""
    user.is_deleted = True
    user.is_admin = False
    user.is_organiser = False
    user.timezone = "UTC"
    user.last_seen_at = None
    end_all_sessions(user)
