"""Telling a member about something: an in-app notification and, by their choice, an email now,
in the daily digest, or none.

The rules of a send are shared by notify() and bulk.notify_many() (the set-based path for
sweeps): who gets nothing, which channel, the digest flag, the instant email's text, subject
and key, and the footer with the unsubscribe link (also sent as List-Unsubscribe).
"""
from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from ..db import utcnow
from ..urls import absolute
from .kinds import kind as get_kind
from .models import Notification
from .outbox import add_once, queue_email
from .preferences import channel_for

# The mail of notification N has the outbox key MAIL_KEY_PREFIX + N (bulk's PostgreSQL
# statement builds the same key in SQL).
MAIL_KEY_PREFIX = "notification:"


def skips(user) -> bool:
    """Deleted accounts get nothing at all (suspended ones still get in-app notifications)."""
    return bool(user.is_deleted)


def gets_email(user, channel: str) -> bool:
    return channel == "instant" and not user.is_suspended


def notification_values(user_id: int, kind: str, title: str, body: str, link: str | None, key: str | None,
                        channel: str, now: datetime) -> dict:
    """Column values of a Notification row."""
    return {"user_id": user_id, "kind": kind, "title": title[:200], "body": body, "link": link, "key": key,
            "created_at": now, "digest_pending": channel == "digest"}


def instant_body(body: str, link: str | None) -> str:
    """An instant notification email's text (before the footer): ``link`` is a site path."""
    return body + (f"\n\n{absolute(link)}" if link else "")


def notify(user: User, kind: str, title: str, body: str = "", link: str | None = None,
           key: str | None = None) -> Notification | None:
    """Tell ``user`` about something. Emails now, in the digest, or not, per their preference.
    ``link`` is a site path (``urls.path_for``).

    Does not commit: the caller's service owns the transaction. Returns None when ``key``
    was already notified (so sweeps can run again safely).
    """
    get_kind(kind)
    if skips(user):
        return None
    channel = channel_for(user, kind)
    note = Notification(**notification_values(user.id, kind, title, body, link, key, channel, utcnow()))
    if not add_once(note):
        return None
    if gets_email(user, channel):
        queue_email(to=user.email, subject=title, body=instant_body(body, link),
                    key=f"{MAIL_KEY_PREFIX}{note.id}", user=user, kind=kind)
    return note
