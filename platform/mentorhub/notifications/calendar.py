"""Calendar files: one .ics per item and a private per-user feed URL (secret token, revocable).

The feed combines the sources create_app registers (register_feed_sources): each feature's
``calendar_events(user) -> list[icalendar.Event]`` with stable UIDs and DTSTAMP. Those features
sit above notifications, so they are handed in rather than imported here.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app
from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied
from ..lazyimport import lazy_module
from .models import CalendarFeed

icalendar = lazy_module("icalendar")  # only calendar downloads and feeds build .ics files

_SOURCES = "mentorhub.calendar_sources"


def register_feed_sources(app: Flask, *sources) -> None:
    """The features that put items in a person's feed, in feed order (create_app lists them)."""
    app.extensions[_SOURCES] = tuple(sources)


def feed_sources() -> tuple:
    return current_app.extensions.get(_SOURCES, ())


def build_calendar(events, name: str = "mentorhub") -> bytes:
    cal = icalendar.Calendar()
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


# ---- one item's .ics ---------------------------------------------------------------------
# Features sit above notifications, so create_app registers how to build one item's event here
# (mentoring: "mentoring-session") instead of notifications importing them.

_ITEMS = "mentorhub.calendar_items"


def register_item(app: Flask, kind: str, event_for) -> None:
    """``event_for(actor, item_id) -> icalendar.Event`` raises NotFound / PermissionDenied itself."""
    app.extensions.setdefault(_ITEMS, {})[kind] = event_for


def item_ics(kind: str, actor: User, item_id: int) -> bytes:
    """The .ics file of one registered item, as ``actor`` may see it."""
    return build_calendar([current_app.extensions[_ITEMS][kind](actor, item_id)])
