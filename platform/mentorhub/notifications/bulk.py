"""notify() for a whole batch at once, for sweeps over many due rows.

The rules are ``notify.notify``'s own, from the same functions (notify.py: skips,
notification_values, gets_email, instant_body; preferences.py: chosen_channels/channel_of;
outbox.py: mail_subject, footer): every send has a unique key (a key used before sends nothing), the
user's channel preference decides between an instant email, the digest or nothing, deleted
users get nothing and suspended users get no email. Only the writing differs: instead of
one ORM round trip per row it uses a handful of set-based statements per batch: the preferences,
then INSERT … ON CONFLICT (key) DO NOTHING … RETURNING for the notifications (a key used
before, or by a concurrent sweep, is skipped, not an error) and their outbox mails.
Does not commit: the caller's sweep owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_request_context
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..accounts.models import User
from ..db import db, utcnow
from ..lazyimport import lazy_module
from .kinds import kind as get_kind
from .models import Notification, OutboxEmail
from .notify import MAIL_KEY_PREFIX, gets_email, instant_body, notification_values, skips
from .outbox import footer, mail_subject, settings_link
from .preferences import channel_of, chosen_channels, unsubscribe_serializer

postgresql = lazy_module("sqlalchemy.dialects.postgresql")  # its insert, on PostgreSQL only

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
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite_insert
    else:  # pragma: no cover - the platform runs on SQLite and PostgreSQL
        raise RuntimeError(f"notify_many does not support {dialect}")
    return insert(model).on_conflict_do_nothing(index_elements=["key"])


_PG_NOTIFY = text("""
    WITH v AS (
        SELECT * FROM unnest(CAST(:user_id AS integer[]), CAST(:kind AS varchar[]), CAST(:title AS varchar[]),
                             CAST(:body AS text[]), CAST(:link AS varchar[]), CAST(:key AS varchar[]),
                             CAST(:digest_pending AS boolean[]), CAST(:mail_to AS varchar[]),
                             CAST(:mail_subject AS varchar[]), CAST(:mail_body AS text[]))
            AS v(user_id, kind, title, body, link, key, digest_pending, mail_to, mail_subject, mail_body)
    ), n AS (
        INSERT INTO notifications (user_id, kind, title, body, link, key, created_at, digest_pending)
        SELECT user_id, kind, title, body, link, key, CAST(:now AS timestamptz), digest_pending FROM v
        ON CONFLICT (key) DO NOTHING RETURNING id, key
    ), m AS (
        INSERT INTO outbox_emails (key, user_id, to_addr, subject, body, status, attempts, next_attempt_at,
                                   created_at)
        SELECT CAST(:mail_key_prefix AS varchar) || n.id, v.user_id, v.mail_to, v.mail_subject, v.mail_body,
               'pending', 0,
               CAST(:now AS timestamptz), CAST(:now AS timestamptz)
        FROM n JOIN v ON v.key = n.key WHERE v.mail_to IS NOT NULL
        ON CONFLICT (key) DO NOTHING
    )
    SELECT count(*) FROM n""")


def notify_many(sends: list[Send]) -> int:
    """Send each item once (by key); returns how many notifications were new."""
    for name in {s.kind for s in sends}:
        get_kind(name)
    sends = [s for s in sends if not skips(s.user)]
    if not sends:
        return 0
    if has_request_context():
        return _notify_many(sends)
    # A sweep: one request context for the whole batch, so each footer's unsubscribe link is one
    # url_for (outside a request, urls.path_for would set a context up per link: ~10x the cost).
    with current_app.test_request_context("/"):
        return _notify_many(sends)


def _notify_many(sends: list[Send]) -> int:
    # A key used before (now or by a concurrent sweep) is skipped by ON CONFLICT DO NOTHING below.
    fresh: dict[str, Send] = {}
    for s in sends:
        fresh.setdefault(s.key, s)
    chosen = chosen_channels((s.user.id for s in fresh.values()), (s.kind for s in fresh.values()))
    channels = {key: channel_of(chosen, s.user.id, s.kind) for key, s in fresh.items()}

    now = utcnow()
    params = [notification_values(s.user.id, s.kind, s.title, s.body, s.link, s.key, channels[s.key], now)
              for s in fresh.values()]
    conn = db.session.connection()
    serializer, settings_url = unsubscribe_serializer(), settings_link()
    footers: dict[tuple[int, str], str] = {}

    def mail_body(s: Send) -> str | None:
        """The instant email's text, or None when this send gets no email."""
        if not gets_email(s.user, channels[s.key]):
            return None
        tail = footers.get((s.user.id, s.kind))
        if tail is None:  # one signed token per person and kind in a batch
            tail = footers[(s.user.id, s.kind)] = footer(s.user.id, s.kind, serializer, settings_url)
        return instant_body(s.body, s.link) + tail

    if conn.dialect.name == "postgresql":
        # One statement per chunk: the notifications, then mails for exactly the rows inserted.
        items = list(fresh.values())
        new = 0
        for i in range(0, len(items), CHUNK):
            chunk = items[i:i + CHUNK]
            bodies = [mail_body(s) for s in chunk]
            rows = params[i:i + CHUNK]
            new += conn.execute(_PG_NOTIFY, {
                "now": now, "mail_key_prefix": MAIL_KEY_PREFIX, "user_id": [p["user_id"] for p in rows],
                "kind": [p["kind"] for p in rows], "title": [p["title"] for p in rows],
                "body": [p["body"] for p in rows], "link": [p["link"] for p in rows], "key": [p["key"] for p in rows],
                "digest_pending": [p["digest_pending"] for p in rows],
                "mail_to": [s.user.email if body is not None else None for s, body in zip(chunk, bodies)],
                "mail_subject": [mail_subject(s.title) if body is not None else None
                                 for s, body in zip(chunk, bodies)],
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
        mails.append({"key": f"{MAIL_KEY_PREFIX}{note_id}", "user_id": s.user.id, "to_addr": s.user.email,
                      "subject": mail_subject(s.title), "body": body, "status": "pending",
                      "attempts": 0, "next_attempt_at": now, "created_at": now})
    for i in range(0, len(mails), CHUNK):
        conn.execute(_insert(OutboxEmail), mails[i:i + CHUNK])
    return len(inserted)
