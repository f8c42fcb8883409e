"""The outcomes timeline on a person's page (a profiles section: profiles sit below outcomes)."""
from __future__ import annotations

from ..accounts.models import User
from ..profiles.sections import person_section
from .queries import Timeline, timeline


@person_section("timeline")
def person_timeline(person: User, viewer: User | None) -> Timeline:
    """For templates/outcomes/_timeline.html, and (its milestones) templates/projects/_outcomes.html:
    one query for both cards."""
    return timeline(person, viewer)
