"""The matching panel of the dashboard: plain data from the matching services."""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from . import services

PANEL_MENTORS = 3  # best mentors named on the dashboard
PANEL_LEARNERS = 5  # learners a mentor could help, counted on the dashboard


@dataclass(frozen=True)
class MentorLine:
    user_id: int
    name: str
    score: float


def dashboard_panel(user: User) -> dict:
    """Data for templates/matching/_dashboard.html."""
    ready = services.is_ready(user)
    mentors = services.mentor_matches(user, k=PANEL_MENTORS) if ready else []
    return {
        "ready": ready,
        "admin": user.is_admin,
        "preparing": not services.index_ready(),
        "mentors": [MentorLine(s.user.id, s.user.display_name, s.score) for s in mentors],
        "learner_count": services.suggested_learner_count(user, k=PANEL_LEARNERS),
    }
