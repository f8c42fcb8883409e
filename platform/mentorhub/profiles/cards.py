"""The mentor directory's cards: plain rows with only what a card shows, not MentorProfile objects.

A page of cards costs a few small queries (the page's columns with the mentor's name and zone,
the skill names and levels, the active mentee counts) and no ORM identity-map work per row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, select

from ..accounts.models import User
from ..db import db
from .models import MentorProfile, MentorSkill, Skill

TOP_SKILLS = 5  # skills a card shows, best level first

# Active mentees per mentor come from mentoring (a higher layer), which create_app registers
# (register_mentor_load); the one count lives in mentoring.queries.mentor_load.
_mentor_load: list[Callable[[Iterable[int]], dict[int, int]]] = []


def register_mentor_load(load: Callable[[Iterable[int]], dict[int, int]]) -> None:
    _mentor_load[:] = [load]

# The columns a card reads, in MentorCard's field order (the statement joins User).
CARD_COLUMNS = (MentorProfile.id, MentorProfile.user_id, MentorProfile.headline, MentorProfile.capacity,
                MentorProfile.is_accepting, User.display_name, User.timezone)


@dataclass(slots=True)
class MentorCard:
    id: int
    user_id: int
    headline: str
    capacity: int
    is_accepting: bool
    display_name: str
    timezone: str
    top_skills: list[tuple[str, int]] = field(default_factory=list)  # (skill name, level)
    free_seats: int = 0
    overlap_hours: float | None = None  # hours both are free this week; None for anonymous viewers


def card_columns(stmt: Select) -> Select:
    """``stmt`` (a select of MentorProfile joined with its User) selecting only the card's columns."""
    return stmt.with_only_columns(*CARD_COLUMNS)


def cards_from_rows(rows) -> list[MentorCard]:
    """Cards from rows of ``card_columns``, with their top skills and free places."""
    cards = [MentorCard(*row) for row in rows]
    if not cards:
        return cards
    by_id = {card.id: card for card in cards}
    skills: dict[int, list[tuple[str, int]]] = {}
    for mentor_id, name, level in db.session.execute(
            select(MentorSkill.mentor_id, Skill.name, MentorSkill.level).join(Skill, Skill.id == MentorSkill.skill_id)
            .where(MentorSkill.mentor_id.in_(by_id))):
        skills.setdefault(mentor_id, []).append((name, level))
    user_ids = [card.user_id for card in cards]
    taken = _mentor_load[0](user_ids) if _mentor_load else {}
    for card in cards:
        card.top_skills = sorted(skills.get(card.id, ()), key=lambda s: (-s[1], s[0]))[:TOP_SKILLS]
        card.free_seats = max(0, card.capacity - taken.get(card.user_id, 0))
    return cards

