"""The dashboard's next-steps panel, and the order of the panels: a mentor's own work first."""
from __future__ import annotations

from ..accounts.models import User
from ..db import utcnow
from ..profiles.panels import viewer_profiles
from .nextsteps import load_facts, steps_for

# The panels a mentor sees first, in this order; the rest keep their order after them.
MENTOR_FIRST = ("dashboard", "mentoring", "portfolio", "matching")
ROLE_TITLES = {"learner": "as a learner", "mentor": "as a mentor"}


def dashboard_panel(user: User) -> dict:
    """Data for templates/dashboard/_dashboard.html: per role, the steps still to take and those
    done; ``quiet`` once every step is done (the panel then shows nothing)."""
    roles = steps_for(load_facts(user.id), utcnow())
    groups = [{"role": role, "title": ROLE_TITLES[role], "steps": steps,
               "left": sum(not s.done for s in steps)} for role, steps in roles.items()]
    return {"groups": [g for g in groups if g["left"]], "quiet": all(not g["left"] for g in groups)}


def arrange(user: User, view: str | None, panels: list[tuple[str, object]]) -> list:
    """``panels`` ((name, data) in the usual order), with a mentor's own work first when the
    viewer looks at the dashboard as a mentor: they only mentor, or chose the mentor view."""
    profiles = viewer_profiles(user)
    as_mentor = profiles.mentor and (view == "mentor" or (view != "learner" and not profiles.learner))
    if not as_mentor:
        return panels
    rank = {name: i for i, name in enumerate(MENTOR_FIRST)}
    return sorted(panels, key=lambda p: rank.get(p[0], len(rank)))
