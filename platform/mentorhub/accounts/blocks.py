"""Blocking: a member stops being suggested to, or reachable by, someone else."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..actors import is_signed_in
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..generations import user_changed
from .models import Block, User
from .rules import can_block


def block(actor: User, user: User) -> Block | None:
    """``actor`` blocks ``user``. Blocking twice is harmless (returns None the second time)."""
    reason = can_block(actor, user)
    if reason:
        raise (ValidationError if is_signed_in(actor) else PermissionDenied)(reason)
    if user.is_deleted:
        raise NotFound("No such member.")
    if db.session.scalar(select(Block.id).where(Block.blocker_id == actor.id, Block.blocked_id == user.id)):
        return None
    row = Block(blocker_id=actor.id, blocked_id=user.id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent request blocked first
        return None
    user_changed(actor.id)
    db.session.commit()
    return row


def unblock(actor: User, user: User) -> bool:
    result = db.session.execute(
        delete(Block).where(Block.blocker_id == actor.id, Block.blocked_id == user.id)
    )
    if result.rowcount:
        user_changed(actor.id)
    db.session.commit()
    return bool(result.rowcount)
