"""Every kind of notification, with its label and default channel. One place for all features."""
from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("instant", "digest", "off")


@dataclass(frozen=True)
class Kind:
    label: str
    default: str = "instant"


KINDS: dict[str, Kind] = {
    "system": Kind("Account and system messages"),
    # profiles
    # projects
    "project_application": Kind("Applications to my project ideas"),
    "project_decision": Kind("Decisions on my project applications"),
    "project_team": Kind("Changes to my project teams"),
    "project_stale": Kind("My project ideas going quiet", default="digest"),
    # mentoring
    "mentorship_request": Kind("Mentorship requests"),
    "mentorship_update": Kind("Updates to my mentorships"),
    "session_reminder": Kind("Session reminders"),
    "checkin": Kind("Check-ins"),
    # events
    "event_update": Kind("Meetups I'm going to"),
    "event_reminder": Kind("Meetup reminders"),
    # portfolio
    "review_queue": Kind("Work waiting for review", default="digest"),
    "review_asked": Kind("Reviews asked of me by name"),
    "review_update": Kind("Feedback on my work"),
}


def kind(name: str) -> Kind:
    if name not in KINDS:
        raise KeyError(f"unknown notification kind {name!r}: add it to notifications/kinds.py")
    return KINDS[name]
