"""The catalogue's cards: plain rows with only what a card shows, not Project objects.

A page of cards costs two small queries (the page's columns with the champion's name, and the
domain and required-skill names) and no ORM identity-map work per row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, false, literal_column, select, true, union_all
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..db import db
from ..profiles.models import Domain, Skill
from .models import COMPUTE_LABELS, STATUS_LABELS, Project, ProjectSkill, project_domains

_champion = aliased(User)

# The Project columns a card reads, in ProjectCard's field order.
CARD_COLUMNS = (Project.id, Project.title, Project.summary, Project.difficulty, Project.compute,
                Project.hours_per_week, Project.duration_weeks, Project.status, Project.seats,
                Project.seats_taken, Project.is_stale, Project.last_activity_at)


@dataclass(slots=True)
class ProjectCard:
    id: int
    title: str
    summary: str
    difficulty: str
    compute: str
    hours_per_week: int
    duration_weeks: int
    status: str
    seats: int
    seats_taken: int
    is_stale: bool
    last_activity_at: datetime
    champion_name: str | None
    domain_names: list[str] = field(default_factory=list)
    skill_names: list[str] = field(default_factory=list)  # required skills, by name

    @property
    def free_seats(self) -> int:
        return max(0, self.seats - self.seats_taken)

    @property
    def compute_label(self) -> str:
        return COMPUTE_LABELS.get(self.compute, self.compute)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def card_columns(stmt: Select) -> Select:
    """``stmt`` (a select of Project, filtered and ordered) selecting only the card's columns."""
    return (stmt.with_only_columns(*CARD_COLUMNS, _champion.display_name)
            .outerjoin(_champion, _champion.id == Project.champion_id))


def cards_from_rows(rows) -> list[ProjectCard]:
    """Cards from rows of ``card_columns``, with their domain and required-skill names."""
    cards = [ProjectCard(*row) for row in rows]
    if not cards:
        return cards
    by_id = {card.id: card for card in cards}
    domains = (select(project_domains.c.project_id, true().label("is_domain"), Domain.name.label("name"))
               .join(Domain, Domain.id == project_domains.c.domain_id).where(project_domains.c.project_id.in_(by_id)))
    skills = (select(ProjectSkill.project_id, false(), Skill.name).join(Skill, Skill.id == ProjectSkill.skill_id)
              .where(ProjectSkill.project_id.in_(by_id), ProjectSkill.kind == "required"))
    # Ordered by name in SQL, as the Project.domains relationship orders them (the database's collation)
    for project_id, is_domain, name in db.session.execute(union_all(domains, skills).order_by(literal_column("name"))):
        card = by_id[project_id]
        (card.domain_names if is_domain else card.skill_names).append(name)
    for card in cards:
        card.skill_names.sort()  # as Project.required_skills: by name, in Python
    return cards
