"""The daily digest: one email per member with the notifications they chose to get that way."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..urls import absolute
from .kinds import KINDS
from .models import Notification
from .outbox import queue_email
from .preferences import DIGEST, channel_of, chosen_channels


def send_digests(now: datetime | None = None) -> int:
    """One email per user with the notifications they chose to get as a daily digest."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Notification).where(Notification.digest_pending.is_(True)).order_by(Notification.user_id,
                                                                                     Notification.created_at)
    ).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in rows:
        by_user[note.user_id].append(note)
    # The users and their channels in a few set-based queries, not two per user.
    users: dict[int, User] = {}
    ids = sorted(by_user)
    for i in range(0, len(ids), 500):
        users.update((u.id, u) for u in db.session.scalars(select(User).where(User.id.in_(ids[i:i + 500]))))
    chosen = chosen_channels(ids, {n.kind for n in rows})
    sent = 0
    for user_id, notes in by_user.items():
        user = users.get(user_id)
        if user is not None and not user.is_deleted and not user.is_suspended:
            # A kind switched away from the digest since it was notified is left out.
            # (A kind no longer in kinds.py is left out too.)
            wanted = [n for n in notes if n.kind in KINDS and channel_of(chosen, user_id, n.kind) == "digest"]
            if wanted:
                lines = [f"- {n.title}" + (f"\n  {absolute(n.link)}" if n.link else "") for n in wanted]
                body = (f"Here is what happened on mentorhub since your last digest ({len(wanted)}):\n\n"
                        + "\n".join(lines))
                if queue_email(to=user.email, subject=f"Your mentorhub digest: {len(wanted)} update{'s' if len(wanted) != 1 else ''}",
                               body=body, key=f"digest:{user_id}:{now.date().isoformat()}:{wanted[-1].id}",
                               user=user, kind=DIGEST):
                    sent += 1
        for note in notes:
            note.digest_pending = False
        db.session.commit()
    return sent
