"""Read-only page data for the portfolio: each page's rows loaded in a fixed number of queries
whatever the number of items, reviews or replies, so templates never query."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..db import MAX_DB_INT, db
from ..errors import NotFound
from ..profiles.models import Skill
from ..projects.models import Project
from . import services
from .models import FeedbackRequest, PortfolioItem, PortfolioUpdate, Review, ReviewReply


@dataclass
class ItemPage:
    item: PortfolioItem
    is_owner: bool
    active: FeedbackRequest | None  # the request waiting for feedback now
    state: services.RequestState | None
    may_review: bool
    changes: dict[int, list[PortfolioUpdate]] = field(default_factory=dict)  # my review id -> edits since
    may_edit: set[int] = field(default_factory=set)  # ids of the reviews the viewer may edit
    may_reply: set[int] = field(default_factory=set)  # ids of the reviews the viewer may reply under
    project_title: str | None = None


def _project_title(project_id: int | None) -> str | None:
    if not project_id:
        return None
    return db.session.scalar(select(Project.title).where(Project.id == project_id))


def item_page(viewer, item_id: int) -> ItemPage:
    """The item page: the item with its owner, skills, domains, edits, requests and reviews (with
    reviewers, scores and replies with their authors)."""
    item = db.session.scalar(
        select(PortfolioItem).where(PortfolioItem.id == item_id).options(
            joinedload(PortfolioItem.owner), selectinload(PortfolioItem.skills),
            selectinload(PortfolioItem.domains), selectinload(PortfolioItem.updates),
            selectinload(PortfolioItem.requests).options(joinedload(FeedbackRequest.claimed_by),
                                                         joinedload(FeedbackRequest.mentor)),
            selectinload(PortfolioItem.reviews).options(
                joinedload(Review.reviewer), selectinload(Review.scores),
                selectinload(Review.replies).joinedload(ReviewReply.author)),
        )
    ) if 0 < item_id <= MAX_DB_INT else None
    if item is None or not services.can_view(viewer, item):
        raise NotFound("No such portfolio item.")
    viewer = viewer if viewer is not None and viewer.is_authenticated else None
    active = next((r for r in item.requests if r.active_item_id == item.id), None)
    mine = [r for r in item.reviews if viewer is not None and r.reviewer_id == viewer.id]
    return ItemPage(
        item=item, is_owner=viewer is not None and viewer.id == item.owner_id, active=active,
        state=services.latest_request_state(item),
        may_review=active is not None and viewer is not None and services.may_review_request(viewer, active),
        changes={r.id: services.updates_since(item, r.item_version) for r in mine},
        may_edit={r.id for r in item.reviews if services.can_edit_review(viewer, r) is None},
        may_reply={r.id for r in item.reviews if services.can_reply(viewer, item, r) is None},
        project_title=_project_title(item.project_id),
    )


def filter_skills() -> list[Skill]:
    """The skills a list can be filtered by."""
    return list(db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)).order_by(Skill.name)))


def oldest_waiting_feedback_request():
    """When the oldest feedback request still waiting for its review (open or claimed) was made."""
    return db.session.scalar(select(func.min(FeedbackRequest.created_at))
                             .where(FeedbackRequest.status.in_(("open", "claimed"))))
