"""notify() for a whole batch at once, for sweeps over many due rows.

Same rules as ``services.notify``: every send has a unique key (a key used before sends
nothing), the user's channel preference decides between an instant email, the digest or
nothing, deleted users get nothing and suspended users get no email. Instead of one ORM
round trip per row it uses a handful of set-based statements per batch: the keys already
used, the preferences, then INSERT … ON CONFLICT DO NOTHING … RETURNING for the
notifications and their outbox mails (so a concurrent sweep's key is skipped, not an error).
Does not commit: the caller's sweep owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from .kinds import kind as get_kind
from .models import Notification, NotificationPreference, OutboxEmail
from .services import _absolute, _unsubscribe_serializer

CHUNK = 500


@dataclass(frozen=True)
class Send:
    user: User  # or any row with id, email, is_deleted, is_suspended
    kind: str
    title: str
    key: str
    body: str = ""
    link: str | None = None


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the platform runs on SQLite and PostgreSQL
        raise RuntimeError(f"notify_many does not support {dialect}")
    return insert(model).on_conflict_do_nothing(index_elements=["key"])


def _footer(serializer, user_id: int, kind: str, settings_url: str) -> str:
    # The same footer as services.queue_email writes (services.unsubscribe_url's token and link).
    token = serializer.dumps({"u": user_id, "k": kind})
    return (
        "\n\n--\nYou get this because of your mentorhub notification settings.\n"
        f"Stop these emails: {_absolute(f'/unsubscribe/{token}')}\n"
        f"All settings: {settings_url}\n"
    )


def notify_many(sends: list[Send]) -> int:
    """Send each item once (by key); returns how many notifications were new."""
    sends = [s for s in sends if not s.user.is_deleted]
    if not sends:
        return 0
    for name in {s.kind for s in sends}:
        get_kind(name)
    used: set[str] = set()
    keys = [s.key for s in sends]
    for i in range(0, len(keys), CHUNK):
        used.update(db.session.scalars(select(Notification.key).where(Notification.key.in_(keys[i:i + CHUNK]))))
    fresh: dict[str, Send] = {}
    for s in sends:
        if s.key not in used and s.key not in fresh:
            fresh[s.key] = s
    if not fresh:
        return 0
    user_ids = sorted({s.user.id for s in fresh.values()})
    kinds = sorted({s.kind for s in fresh.values()})
    chosen: dict[tuple[int, str], str] = {}
    for i in range(0, len(user_ids), CHUNK):
        rows = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.kind,
                                         NotificationPreference.channel).where(
            NotificationPreference.user_id.in_(user_ids[i:i + CHUNK]), NotificationPreference.kind.in_(kinds)))
        chosen.update({(uid, k): ch for uid, k, ch in rows})

    def channel(s: Send) -> str:
        return chosen.get((s.user.id, s.kind)) or get_kind(s.kind).default

    now = utcnow()
    params = [{"user_id": s.user.id, "kind": s.kind, "title": s.title[:200], "body": s.body, "link": s.link,
               "key": s.key, "created_at": now, "digest_pending": channel(s) == "digest"}
              for s in fresh.values()]
    inserted: list[tuple[int, str]] = []
    for i in range(0, len(params), CHUNK):
        result = db.session.connection().execute(_insert(Notification).returning(Notification.id, Notification.key),
                                    params[i:i + CHUNK])
        inserted.extend((row[0], row[1]) for row in result)
    mails = []
    serializer, settings_url = _unsubscribe_serializer(), _absolute("/notifications/settings")
    footers: dict[tuple[int, str], str] = {}
    for note_id, key in inserted:
        s = fresh[key]
        if channel(s) != "instant" or s.user.is_suspended:
            continue
        text = s.body + (f"\n\n{_absolute(s.link)}" if s.link else "")
        footer = footers.get((s.user.id, s.kind))
        if footer is None:
            footer = footers[(s.user.id, s.kind)] = _footer(serializer, s.user.id, s.kind, settings_url)
        mails.append({"key": f"notification:{note_id}", "user_id": s.user.id, "to_addr": s.user.email,
                      "subject": s.title[:200], "body": text + footer, "status": "pending",
                      "attempts": 0, "next_attempt_at": now, "created_at": now})
    for i in range(0, len(mails), CHUNK):
        db.session.connection().execute(_insert(OutboxEmail), mails[i:i + CHUNK])
    return len(inserted)
