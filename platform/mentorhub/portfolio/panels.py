"""The portfolio panel of the dashboard: the viewer's items with their feedback state and the
reviewer's queue counts, as plain data in a fixed number of queries (one, or two for an
opted-in reviewer)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..db import db, utcnow
from ..profiles.models import Skill
from ..profiles.panels import viewer_profiles
from ..profiles.sections import person_section
from ..validation import setting
from . import rules
from .models import FeedbackRequest, PortfolioItem, ReviewerSetting, reviewer_setting_skills
from .queries import public_items_of, review_counts_for, score_chart


@dataclass(frozen=True)
class WorkLine:
    id: int
    title: str
    status: str
    summary: str


@dataclass(frozen=True)
class StateLine:
    item_id: int
    title: str
    label: str


def _counts(user: User, now):
    """One row: (requests asked of this reviewer and available, claims they hold, their opted-in
    reviewer setting id), the counts behind feedback.queue_for."""
    asked = select(func.count(FeedbackRequest.id)).where(
        FeedbackRequest.mode == "mentor", FeedbackRequest.mentor_id == user.id, rules.available(now))
    claims = select(func.count(FeedbackRequest.id)).where(rules.live_claim_of(user.id, now))
    opted = select(ReviewerSetting.id).where(ReviewerSetting.user_id == user.id, ReviewerSetting.is_opted_in.is_(True))
    return select(asked.scalar_subquery().label("asked"), claims.scalar_subquery().label("claims"),
                  opted.scalar_subquery().label("setting_id")).subquery()


def _item_states(user: User, now) -> tuple[int, list[StateLine], tuple]:
    """How many items the viewer has, the feedback state of those on the first page of their
    portfolio (queries.list_items ordering), withdrawn requests left out, and the reviewer counts
    of ``_counts``: one query, the row of counts joined to each item (or to none), each item
    joined to its latest request."""
    counts = _counts(user, now)
    latest = (select(func.max(FeedbackRequest.id))
              .where(FeedbackRequest.item_id == PortfolioItem.id, FeedbackRequest.status != "withdrawn")
              .correlate(PortfolioItem).scalar_subquery())
    rows = db.session.execute(
        select(counts.c.asked, counts.c.claims, counts.c.setting_id,
               PortfolioItem.id, PortfolioItem.title, func.count().over(), FeedbackRequest)
        .select_from(counts)
        .outerjoin(PortfolioItem, and_(true(), PortfolioItem.owner_id == user.id))
        .outerjoin(FeedbackRequest, FeedbackRequest.id == latest)
        .options(joinedload(FeedbackRequest.claimed_by), joinedload(FeedbackRequest.mentor))
        .order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc())
        .limit(setting("PORTFOLIO_PAGE_SIZE"))
    ).all()
    counted = tuple(rows[0][:3])
    if rows[0][3] is None:
        return 0, [], counted
    states = [StateLine(item_id, title, rules.request_state(req, now).label)
              for *_, item_id, title, _, req in rows if req is not None]
    return rows[0][5], states, counted


def _queue_counts(user: User, now, counted: tuple) -> tuple[int, int]:
    """(requests waiting for this reviewer, claims this reviewer holds), each community count
    capped at PORTFOLIO_QUEUE_LIMIT as feedback.queue_for is."""
    asked_n, claims_n, setting_id = counted
    available = rules.available(now)
    community = 0
    if setting_id is not None:
        mine = select(reviewer_setting_skills.c.skill_id).where(reviewer_setting_skills.c.setting_id == setting_id)
        stmt = (
            select(FeedbackRequest.id)
            .join(PortfolioItem, PortfolioItem.id == FeedbackRequest.item_id)
            .where(FeedbackRequest.mode == "community", available, PortfolioItem.owner_id != user.id,
                   PortfolioItem.status != "draft", rules.visible_filter(user),
                   # items with no skills are offered to everyone, and so is everything to a reviewer with none
                   or_(~exists(mine), ~PortfolioItem.skills.any(), PortfolioItem.skills.any(Skill.id.in_(mine))))
            .limit(setting("PORTFOLIO_QUEUE_LIMIT"))
        )
        community = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return (asked_n or 0) + community, claims_n or 0


def dashboard_panel(user: User) -> dict:
    """Data for templates/portfolio/_dashboard.html."""
    now = utcnow()
    total, states, counted = _item_states(user, now)
    queue_count, claims = _queue_counts(user, now, counted)
    profiles = viewer_profiles(user)
    return {"total": total, "states": states, "queue_count": queue_count, "claims": claims,
            "mentor_only": profiles.mentor and not profiles.learner}


@person_section("portfolio")
def person_portfolio(person: User, viewer: User | None) -> dict:
    """For templates/portfolio/_profile_section.html: the items of ``person`` that ``viewer`` may
    see, their rubric chart and the review counts."""
    items = public_items_of(person, viewer)
    helpful, given = review_counts_for(person)
    return {"works": [WorkLine(i.id, i.title, i.status, i.summary) for i in items],
            "chart": score_chart(person, viewer, visible=items), "helpful": helpful, "reviews_given": given}
