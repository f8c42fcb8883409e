"""The events panel of the dashboard: the viewer's next meetups, as plain data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..accounts.models import User
from ..profiles.panels import viewer_profiles
from ..profiles.sections import person_section
from .queries import participation_of, upcoming_for
from .rules import can_organise

PANEL_EVENTS = 5  # next meetups listed on the dashboard


@dataclass(frozen=True)
class EventLine:
    id: int
    title: str
    starts_at: datetime


def dashboard_panel(user: User) -> dict:
    """Data for templates/events/_dashboard.html: meetups the viewer goes to or waits for."""
    return {"upcoming": [EventLine(e.id, e.title, e.starts_at) for e in upcoming_for(user, PANEL_EVENTS)],
            "may_organise": can_organise(user, viewer_profiles(user).mentor) is None}


@person_section("participation")
def person_participation(person: User, viewer: User | None) -> dict:
    """For templates/events/_participation.html: meetups attended, coming up and organised."""
    return participation_of(person)
