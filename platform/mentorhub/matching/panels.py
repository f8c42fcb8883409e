"""The matching panel of the dashboard: plain data from the matching reads."""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from ..profiles.panels import viewer_profiles
from . import queries, suggestions

PANEL_MENTORS = 3  # best mentors named on the dashboard
PANEL_LEARNERS = 5  # learners a mentor could help, counted on the dashboard


@dataclass(frozen=True)
class MentorLine:
    user_id: int
    name: str
    score: float


def dashboard_panel(user: User) -> dict:
    """Data for templates/matching/_dashboard.html."""
    profiles = viewer_profiles(user)
    ready = queries.is_ready(user)
    mentors = suggestions.mentor_matches(user, k=PANEL_MENTORS) if ready else []
    return {
        "ready": ready,
        "admin": user.is_admin,
        "mentor_only": profiles.mentor and not profiles.learner,
        "preparing": not queries.index_ready(),
        "mentors": [MentorLine(s.user.id, s.user.display_name, s.score) for s in mentors],
        "learner_count": suggestions.suggested_learner_count(user, k=PANEL_LEARNERS),
    }
