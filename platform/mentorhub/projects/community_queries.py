"""Reads of projects for the community features above (the outcomes timeline, abuse reports,
program statistics), kept apart so that queries.py stays under the size limit; the same rule
applies: other features read projects' tables only through these functions."""
from __future__ import annotations

from sqlalchemy import Select, select

from ..db import db
from .models import Milestone, MilestoneCredit, Project

# ---- for outcomes ----


def milestone_timeline_select(user_id: int):
    """``milestones_reached_by`` as timeline rows (at, ref_id, title, detail): a select the outcomes
    timeline unions with its own rows (the person page then needs one query for both)."""
    return (select(Milestone.reached_at.label("at"), Project.id.label("ref_id"), Milestone.title.label("title"),
                   Project.title.label("detail"))
            .join(Milestone, Milestone.project_id == Project.id)
            .join(MilestoneCredit, MilestoneCredit.milestone_id == Milestone.id)
            .where(MilestoneCredit.user_id == user_id, Milestone.reached_at.is_not(None)))


# ---- for reports ----


def idea_for_report(project_id: int) -> tuple[int, str] | None:
    """(owner id, title and summary) of a project idea, or None."""
    project = db.session.get(Project, project_id)
    return None if project is None else (project.owner_id, f"{project.title}\n{project.summary}")


# ---- for stats ----


def milestone_reachers(people) -> Select:
    """The ids among the ``people`` select credited with a reached project milestone (a select to count)."""
    return (select(MilestoneCredit.user_id).distinct()
            .join(Milestone, Milestone.id == MilestoneCredit.milestone_id)
            .where(MilestoneCredit.user_id.in_(people), Milestone.reached_at.is_not(None)))