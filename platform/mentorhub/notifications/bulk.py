"""notify() for a whole batch at once, for sweeps over many due rows.

Same rules as ``services.notify``: every send has a unique key (a key used before sends
nothing), the user's channel preference decides between an instant email, the digest or
nothing, deleted users get nothing and suspended users get no email. Instead of one ORM
round trip per row it uses a handful of set-based statements per batch: the preferences,
then INSERT … ON CONFLICT (key) DO NOTHING … RETURNING for the notifications (a key used
before, or by a concurrent sweep, is skipped, not an error) and their outbox mails.
Does not commit: the caller's sweep owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text

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


_PG_NOTIFY = text("""
    WITH v AS (
        SELECT * FROM unnest(CAST(:user_id AS integer[]), CAST(:kind AS varchar[]), CAST(:title AS varchar[]),
                             CAST(:body AS text[]), CAST(:link AS varchar[]), CAST(:key AS varchar[]),
                             CAST(:digest_pending AS boolean[]), CAST(:mail_to AS varchar[]),
                             CAST(:mail_body AS text[]))
            AS v(user_id, kind, title, body, link, key, digest_pending, mail_to, mail_body)
    ), n AS (
        INSERT INTO notifications (user_id, kind, title, body, link, key, created_at, digest_pending)
        SELECT user_id, kind, title, body, link, key, CAST(:now AS timestamptz), digest_pending FROM v
        ON CONFLICT (key) DO NOTHING RETURNING id, key
    ), m AS (
        INSERT INTO outbox_emails (key, user_id, to_addr, subject, body, status, attempts, next_attempt_at,
                                   created_at)
        SELECT 'notification:' || n.id, v.user_id, v.mail_to, v.title, v.mail_body, 'pending', 0,
               CAST(:now AS timestamptz), CAST(:now AS timestamptz)
        FROM n JOIN v ON v.key = n.key WHERE v.mail_to IS NOT NULL
        ON CONFLICT (key) DO NOTHING
    )
    SELECT count(*) FROM n""")


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
    # A key used before (now or by a concurrent sweep) is skipped by ON CONFLICT DO NOTHING below.
    fresh: dict[str, Send] = {}
    for s in sends:
        fresh.setdefault(s.key, s)
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
    conn = db.session.connection()
    serializer, settings_url = _unsubscribe_serializer(), _absolute("/notifications/settings")
    footers: dict[tuple[int, str], str] = {}

    def mail_body(s: Send) -> str | None:
        """The instant email's text, or None when this send gets no email."""
        if channel(s) != "instant" or s.user.is_suspended:
            return None
        footer = footers.get((s.user.id, s.kind))
        if footer is None:
            footer = footers[(s.user.id, s.kind)] = _footer(serializer, s.user.id, s.kind, settings_url)
        return s.body + (f"\n\n{_absolute(s.link)}" if s.link else "") + footer

    if conn.dialect.name == "postgresql":
        # One statement per chunk: the notifications, then mails for exactly the rows inserted.
        items = list(fresh.values())
        new = 0
        for i in range(0, len(items), CHUNK):
            chunk = items[i:i + CHUNK]
            bodies = [mail_body(s) for s in chunk]
            new += conn.execute(_PG_NOTIFY, {
                "now": now, "user_id": [s.user.id for s in chunk], "kind": [s.kind for s in chunk],
                "title": [s.title[:200] for s in chunk], "body": [s.body for s in chunk],
                "link": [s.link for s in chunk], "key": [s.key for s in chunk],
                "digest_pending": [p["digest_pending"] for p in params[i:i + CHUNK]],
                "mail_to": [s.user.email if body is not None else None for s, body in zip(chunk, bodies)],
                "mail_body": bodies,
            }).scalar_one()
        return new
    inserted: list[tuple[int, str]] = []
    for i in range(0, len(params), CHUNK):
        result = conn.execute(_insert(Notification).returning(Notification.id, Notification.key), params[i:i + CHUNK])
        inserted.extend((row[0], row[1]) for row in result)
    mails = []
    for note_id, key in inserted:
        s = fresh[key]
        body = mail_body(s)
        if body is None:
            continue
        mails.append({"key": f"notification:{note_id}", "user_id": s.user.id, "to_addr": s.user.email,
                      "subject": s.title[:200], "body": body, "status": "pending",
                      "attempts": 0, "next_attempt_at": now, "created_at": now})
    for i in range(0, len(mails), CHUNK):
        conn.execute(_insert(OutboxEmail), mails[i:i + CHUNK])
    return len(inserted)
