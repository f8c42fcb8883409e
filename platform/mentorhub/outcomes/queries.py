"""Reads of outcomes: a person's timeline (outcomes, project milestones, portfolio reviews in ONE
query: the features hand over selects, this module unions them) and, for stats, who has one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, case, false, literal, select, union_all

from ..accounts.models import User
from ..actors import is_signed_in
from ..db import db
from ..mentoring.community_queries import is_active_mentor_clause
from ..portfolio.queries import review_timeline_select
from ..projects.community_queries import milestone_timeline_select
from ..projects.queries import Outcome as Milestone
from ..urls import path_for
from ..validation import setting
from . import rules
from .models import KINDS, Outcome


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # outcome | milestone | review
    label: str
    title: str
    link: str | None
    outcome_id: int | None = None
    confirmed: bool = False
    can_confirm: bool = False


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    milestones: list[Milestone]  # for the projects' outcomes card (templates/projects/_outcomes.html)


def outcomes_of(user_id: int) -> list[Outcome]:
    return list(db.session.scalars(select(Outcome).where(Outcome.user_id == user_id)
                                   .order_by(Outcome.achieved_at.desc(), Outcome.id.desc())))


def _outcome_rows(person_id: int, viewer):
    mentor = is_active_mentor_clause(viewer.id, person_id) if is_signed_in(viewer) else false()
    return (select(Outcome.achieved_at.label("at"), Outcome.id.label("ref_id"), Outcome.title.label("title"),
                   Outcome.evidence_url.label("detail"))
            .where(Outcome.user_id == person_id)
            .add_columns(literal("outcome", String).label("kind"), Outcome.kind.label("sub"),
                         (case((Outcome.confirmed_at.is_not(None), 1), else_=0)
                          + case((mentor, 2), else_=0)).label("flag")))


def timeline(person: User, viewer) -> Timeline:
    """Outcomes, project milestones and portfolio reviews of ``person``, newest first (one query)."""
    rows = union_all(
        _outcome_rows(person.id, viewer),
        milestone_timeline_select(person.id).add_columns(literal("milestone", String).label("kind"),
                                                         literal("", String).label("sub"), literal(0).label("flag")),
        review_timeline_select(person.id, viewer).add_columns(literal("review", String).label("kind"),
                                                             literal("", String).label("sub"), literal(0).label("flag")),
    ).subquery()
    found = db.session.execute(select(rows).order_by(rows.c.at.desc(), rows.c.ref_id.desc())
                               .limit(setting("OUTCOMES_TIMELINE_MAX"))).all()
    entries, milestones = [], []
    for r in found:
        if r.kind == "outcome":
            probe = Outcome(id=r.ref_id, user_id=person.id, confirmed_at=r.at if r.flag & 1 else None)
            mentors = [viewer.id] if r.flag & 2 else []
            entries.append(TimelineEntry(r.at, "outcome", KINDS.get(r.sub, r.sub), r.title, r.detail or None, r.ref_id,
                                         bool(r.flag & 1), rules.can_confirm_outcome(viewer, probe, mentors) is None))
        elif r.kind == "milestone":
            milestones.append(Milestone(r.ref_id, r.detail, r.title, r.at))
            entries.append(TimelineEntry(r.at, "milestone", "Project milestone", f"{r.title} — {r.detail}",
                                         path_for("projects.detail", project_id=r.ref_id)))
        else:
            entries.append(TimelineEntry(r.at, "review", "Portfolio review", r.title,
                                         path_for("portfolio.detail", item_id=r.ref_id)))
    return Timeline(entries, milestones)


# ---- for stats ----


def learners_with_outcome(people) -> Select:
    """The ids among the ``people`` select who recorded an outcome (a select to count)."""
    return (select(Outcome.user_id).distinct().where(Outcome.user_id.in_(people)))