"""Calendar files: one .ics per item and a private per-user feed URL (secret token, revocable).

The feed combines the sources listed in feed_sources(): each feature's
``calendar_events(user) -> list[icalendar.Event]`` with stable UIDs and DTSTAMP; adding a
source is one line there.
"""
from __future__ import annotations

import secrets

from icalendar import Calendar
from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied
from .models import CalendarFeed


def feed_sources() -> tuple:
    """Every feature that puts items in a person's feed, as registered by the features
    themselves (mentoring's sessions, events' meetups): notifications sits below them."""
    return tuple(_FEED_SOURCES)


def build_calendar(events, name: str = "mentorhub") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//mentorhub//calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_events(user: User) -> list:
    return [event for source in feed_sources() for event in source(user)]


def feed_ics(user: User) -> bytes:
    return build_calendar(feed_events(user), name=f"mentorhub: {user.display_name}")


# ---- feed tokens ------------------------------------------------------------------------


def feed_of(user: User) -> CalendarFeed | None:
    """The user's live feed (None when they have none or revoked it)."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return feed if feed is not None and feed.revoked_at is None else None


def regenerate_feed(actor: User, user: User) -> CalendarFeed:
    """A new secret URL for ``user``; any old one stops working at once."""
    if actor.id != user.id:
        raise PermissionDenied()
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    feed.revoked_at = None
    db.session.commit()
    return feed


def revoke_feed(actor: User, user: User) -> None:
    if actor.id != user.id:
        raise PermissionDenied()
    feed = feed_of(user)
    if feed is not None:
        feed.revoked_at = utcnow()
        db.session.commit()


def user_for_token(token: str) -> User:
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == (token or "")[:64]))
    if feed is None or feed.revoked_at is not None:
        raise NotFound("This calendar feed does not exist or was turned off.")
    user = db.session.get(User, feed.user_id)
    if user is None or not user.is_active:
        raise NotFound("This calendar feed does not exist or was turned off.")
    return user


# ---- for mentoring: feed source and one item's .ics ---------------------------------------
# Features sit above notifications, so they register how to build one item's event here
# (mentoring: "mentoring-session") instead of notifications importing them.

_ITEM_EVENTS: dict = {}
_FEED_SOURCES: list = []  # registered by mentoring.queries and events.queries


def register_source(calendar_events) -> None:
    """``calendar_events(user) -> list[icalendar.Event]`` joins every person's feed."""
    if calendar_events not in _FEED_SOURCES:
        _FEED_SOURCES.append(calendar_events)


def register_item(kind: str, event_for) -> None:
    """``event_for(actor, item_id) -> icalendar.Event`` raises NotFound / PermissionDenied itself."""
    _ITEM_EVENTS[kind] = event_for


def item_ics(kind: str, actor: User, item_id: int) -> bytes:
    """The .ics file of one registered item, as ``actor`` may see it."""
    return build_calendar([_ITEM_EVENTS[kind](actor, item_id)])
