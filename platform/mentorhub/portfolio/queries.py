"""Read-only portfolio data for pages and other features: each page's rows loaded in a fixed
number of queries whatever the number of items, reviews or replies, so templates never query.
Loaders that check who may see a row answer NotFound (or PermissionDenied for the wrong person)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from ..accounts.models import User
from ..db import MAX_DB_INT, db, utcnow
from ..errors import NotFound, PermissionDenied
from ..mentoring.queries import active_mentor_ids
from ..pagination import Page, paginate
from ..profiles.models import Domain, Skill
from ..profiles.queries import skill_ids_known_by
from ..projects.queries import project_choices as _project_choices
from ..projects.queries import project_title
from ..urls import path_for
from ..validation import setting
from . import rubric, rules
from .models import (
    STATUSES,
    FeedbackRequest,
    PortfolioItem,
    PortfolioUpdate,
    Review,
    ReviewerSetting,
    ReviewReply,
)

# Learner skills at this level or above are offered as reviewer skills on first opt-in.
_REVIEWER_LEVEL = 3


@dataclass
class ItemPage:
    item: PortfolioItem
    is_owner: bool
    active: FeedbackRequest | None  # the request waiting for feedback now
    state: rules.RequestState | None
    may_review: bool  # the viewer may claim the active request
    may_request: bool  # the viewer may ask for feedback now
    may_withdraw: bool  # the viewer may withdraw the active request
    may_delete: bool
    may_mark_helpful: bool
    changes: dict[int, list[PortfolioUpdate]] = field(default_factory=dict)  # my review id -> edits since
    may_edit: set[int] = field(default_factory=set)  # ids of the reviews the viewer may edit
    may_reply: set[int] = field(default_factory=set)  # ids of the reviews the viewer may reply under
    project_title: str | None = None


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
    if item is None or rules.can_see(viewer, item) is not None:
        raise NotFound("No such portfolio item.")
    active = next((r for r in item.requests if r.active_item_id == item.id), None)
    is_owner = rules.can_edit(viewer, item) is None
    mine = [r for r in item.reviews if rules.can_edit_review(viewer, r) is None]
    return ItemPage(
        item=item, is_owner=is_owner, active=active,
        state=rules.latest_request_state(item),
        may_review=active is not None and rules.can_review(viewer, active) is None,
        may_request=rules.can_request_feedback(viewer, item, active) is None,
        may_withdraw=active is not None and rules.can_withdraw(viewer, active) is None,
        may_delete=rules.can_delete(viewer, item) is None,
        may_mark_helpful=rules.can_mark_helpful(viewer, item) is None,
        changes={r.id: updates_since(item, r.item_version) for r in mine},
        may_edit={r.id for r in mine},
        may_reply={r.id for r in item.reviews if rules.can_reply(viewer, item, r) is None},
        project_title=project_title(item.project_id),
    )


def updates_since(item: PortfolioItem, version: int) -> list[PortfolioUpdate]:
    return [u for u in item.updates if u.version > version]


def notebook_html(item: PortfolioItem) -> Markup | None:
    """The HTML stored when the notebook was accepted (sanitised then; never rendered per view)."""
    return Markup(item.notebook_html) if item.notebook_html else None


# ---- loading one row for someone -----------------------------------------------------------


def get_item(viewer, item_id: int) -> PortfolioItem:
    item = db.session.get(PortfolioItem, item_id) if 0 < item_id <= MAX_DB_INT else None
    if item is None or rules.can_see(viewer, item) is not None:
        raise NotFound("No such portfolio item.")
    return item


def own_item(actor, item_id: int) -> PortfolioItem:
    """An item ``actor`` may change (rules.can_edit)."""
    item = get_item(actor, item_id)
    reason = rules.can_edit(actor, item)
    if reason:
        raise PermissionDenied(reason)
    return item


def get_request(actor, request_id: int) -> FeedbackRequest:
    """A request whose item ``actor`` may see (or that asks ``actor`` as the mentor)."""
    req = db.session.get(FeedbackRequest, request_id) if 0 < request_id <= MAX_DB_INT else None
    if req is None or not (rules.can_see(actor, req.item) is None or req.mentor_id == actor.id):
        raise NotFound("No such feedback request.")
    return req


def active_request(item: PortfolioItem) -> FeedbackRequest | None:
    return db.session.scalar(select(FeedbackRequest).where(FeedbackRequest.active_item_id == item.id))


def get_review(viewer, review_id: int) -> Review:
    review = db.session.get(Review, review_id) if 0 < review_id <= MAX_DB_INT else None
    if review is None or rules.can_see(viewer, review.item) is not None:
        raise NotFound("No such review.")
    return review


def own_review(actor, review_id: int) -> Review:
    """A review ``actor`` may edit (rules.can_edit_review)."""
    review = get_review(actor, review_id)
    reason = rules.can_edit_review(actor, review)
    if reason:
        raise PermissionDenied(reason)
    return review


# ---- lists ----------------------------------------------------------------------------------


def list_items(viewer, page: int = 1, skill: str | None = None, owner_id: int | None = None,
               status: str | None = None) -> Page:
    stmt = select(PortfolioItem).where(rules.visible_filter(viewer))
    if skill:
        stmt = stmt.where(PortfolioItem.skills.any(Skill.slug == skill))
    if owner_id:
        stmt = stmt.where(PortfolioItem.owner_id == owner_id)
    if status in STATUSES:
        stmt = stmt.where(PortfolioItem.status == status)
    stmt = stmt.order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc()).options(
        # what list pages show, in a fixed number of queries; never the notebooks (up to MBs each)
        defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints), defer(PortfolioItem.notebook_html),
        selectinload(PortfolioItem.owner), selectinload(PortfolioItem.skills),
        selectinload(PortfolioItem.requests).options(joinedload(FeedbackRequest.claimed_by),
                                                     joinedload(FeedbackRequest.mentor)),
    )
    return paginate(db.session, stmt, page, setting("PORTFOLIO_PAGE_SIZE"))


def request_states(viewer, items: list[PortfolioItem]) -> dict[int, rules.RequestState | None]:
    """The feedback state of each of the viewer's own items among ``items`` (loaded by list_items)."""
    return {i.id: rules.latest_request_state(i) for i in items if rules.can_edit(viewer, i) is None}


def public_items_of(owner_user: User, viewer) -> list[PortfolioItem]:
    """The items of ``owner_user`` that ``viewer`` may see (for the profile page)."""
    stmt = (
        select(PortfolioItem)
        .where(PortfolioItem.owner_id == owner_user.id, rules.visible_filter(viewer))
        .order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc())
        .options(defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints))  # MBs each, never shown here
    )
    return list(db.session.scalars(stmt))


def filter_skills() -> list[Skill]:
    """The skills a list can be filtered by (and items and reviewers can choose)."""
    return list(db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)).order_by(Skill.name)))


def filter_domains() -> list[Domain]:
    """The domains an item can choose."""
    return list(db.session.scalars(select(Domain).where(Domain.is_retired.is_(False)).order_by(Domain.name)))


def project_choices() -> list[tuple[int, str]]:
    """The project ideas an item can link to."""
    return _project_choices(setting("PORTFOLIO_PROJECT_CHOICES_MAX"))


# ---- reviewers ----------------------------------------------------------------------------------


def reviewer_setting(user: User) -> ReviewerSetting | None:
    return db.session.scalar(select(ReviewerSetting).where(ReviewerSetting.user_id == user.id))


def suggested_reviewer_skills(user: User) -> list[int]:
    """Skill ids to pre-select on first opt-in: what the person's profiles say they know well
    (mentor skills, and learner skills at level 3 or more)."""
    return skill_ids_known_by(user.id, _REVIEWER_LEVEL)


def mentor_choices(actor: User) -> list[User]:
    """Whom "ask my mentor" may address: the learner's active mentors."""
    ids = active_mentor_ids(actor.id)
    if not ids:
        return []
    stmt = select(User).where(User.id.in_(ids), User.id != actor.id, User.is_deleted.is_(False),
                              User.is_suspended.is_(False))
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def review_counts_for(reviewer_user: User) -> tuple[int, int]:
    """(reviews found helpful, reviews given) of a reviewer, in one query."""
    helpful, given = db.session.execute(
        select(func.count(Review.id).filter(Review.is_helpful.is_(True)), func.count(Review.id))
        .where(Review.reviewer_id == reviewer_user.id)
    ).one()
    return helpful or 0, given or 0


# ---- the rubric chart ----------------------------------------------------------------------


def score_history(owner: User, viewer, visible: list[PortfolioItem] | None = None) -> list[dict]:
    """One point per review on items of ``owner`` that ``viewer`` may see (``visible``: those
    items when the caller already has them), oldest first:
    {"at": datetime, "item": title, "scores": {slug: score}, "mean": float}."""
    items = {i.id: i for i in (public_items_of(owner, viewer) if visible is None else visible)}
    if not items:
        return []
    reviews = db.session.scalars(
        select(Review).options(selectinload(Review.scores))  # one query for every review's scores
        .where(Review.item_id.in_(list(items))).order_by(Review.created_at, Review.id)
    )
    points = []
    for r in reviews:
        scores = {s.criterion: s.score for s in r.scores}
        if scores:
            points.append({"at": r.created_at, "item": items[r.item_id].title, "scores": scores,
                           "mean": sum(scores.values()) / len(scores)})
    return points


CHART_COLOURS = ("#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555")


def score_chart(owner: User, viewer, width: int = 560, height: int = 220,
                visible: list[PortfolioItem] | None = None) -> dict | None:
    """Geometry for an inline SVG line chart of rubric scores over time (one line a criterion)."""
    points = score_history(owner, viewer, visible)
    if not points:
        return None
    left, right, top, bottom = 36, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i):
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(score):
        return round(top + plot_h * (4 - score) / 3, 1)

    series = []
    for idx, crit in enumerate(rubric.criteria()):
        coords = [(x(i), y(p["scores"][crit.slug])) for i, p in enumerate(points) if crit.slug in p["scores"]]
        if coords:
            series.append({"name": crit.name, "colour": CHART_COLOURS[idx % len(CHART_COLOURS)],
                           "points": " ".join(f"{a},{b}" for a, b in coords), "dots": coords})
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": height - bottom,
        "grid": [{"score": s, "y": y(s), "label": rubric.scale().get(s, str(s))} for s in (1, 2, 3, 4)],
        "series": series,
        "mean": " ".join(f"{x(i)},{y(p['mean'])}" for i, p in enumerate(points)),
        "ticks": [{"x": x(i), "at": p["at"], "item": p["item"], "mean": round(p["mean"], 1)}
                  for i, p in enumerate(points)],
    }


# ---- for operations ----


def oldest_waiting_feedback_request():
    """When the oldest feedback request still waiting for its review (open or claimed) was made."""
    return db.session.scalar(select(func.min(FeedbackRequest.created_at))
                             .where(FeedbackRequest.status.in_(("open", "claimed"))))


# ---- for api ----


def items_select(viewer, owner_id: int | None = None):
    """Items ``viewer`` may see (as list_items), without the notebooks."""
    stmt = select(PortfolioItem).where(rules.visible_filter(viewer))
    if owner_id:
        stmt = stmt.where(PortfolioItem.owner_id == owner_id)
    return stmt.options(defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints),
                        defer(PortfolioItem.notebook_html), selectinload(PortfolioItem.owner),
                        selectinload(PortfolioItem.skills))


# ---- for webhooks ----


def review_requests_since(since: datetime, limit: int) -> list[dict]:
    """Community review requests opened after ``since``; the title only of public items."""
    rows = db.session.execute(
        select(FeedbackRequest.id, FeedbackRequest.created_at, PortfolioItem.id.label("item_id"),
               PortfolioItem.title, PortfolioItem.visibility)
        .join(PortfolioItem, PortfolioItem.id == FeedbackRequest.item_id)
        .where(FeedbackRequest.created_at > since, FeedbackRequest.mode == "community")
        .order_by(FeedbackRequest.created_at).limit(limit))
    return [{"key": f"portfolio.review_requested:{r.id}", "kind": "portfolio.review_requested", "at": r.created_at,
             "title": r.title if r.visibility == "public" else "A portfolio item",
             "path": path_for("portfolio.detail", item_id=r.item_id), "detail": "Seeking review"} for r in rows]
# ---- for dashboard ----


def step_facts(user_id: int) -> dict:
    """Next-step facts of the portfolio for the dashboard's one facts query: feedback asked for,
    reviews asked of this person and still available, and whether they review for the community."""
    now = utcnow()
    return {
        "asked_feedback": exists().where(FeedbackRequest.requester_id == user_id),
        "reviews_asked": select(func.count(FeedbackRequest.id)).where(
            FeedbackRequest.mode == "mentor", FeedbackRequest.mentor_id == user_id,
            or_(rules.available(now), rules.live_claim_of(user_id, now))).scalar_subquery(),
        "community_reviewer": exists().where(ReviewerSetting.user_id == user_id,
                                             ReviewerSetting.is_opted_in.is_(True)),
    }


# ---- for outcomes ----


def review_timeline_select(user_id: int, viewer):
    """Reviews of ``user_id``'s items that ``viewer`` may see, as timeline rows (at, ref_id, title,
    detail): a select the outcomes timeline unions with its own rows."""
    return (select(Review.created_at.label("at"), PortfolioItem.id.label("ref_id"), PortfolioItem.title.label("title"),
                   PortfolioItem.summary.label("detail"))
            .join(Review, Review.item_id == PortfolioItem.id)
            .where(PortfolioItem.owner_id == user_id, rules.visible_filter(viewer)))

# ---- for reports ----


def item_for_report(item_id: int, viewer) -> tuple[int, str] | None:
    """(owner id, title and summary) of an item ``viewer`` may see, or None."""
    item = db.session.get(PortfolioItem, item_id)
    if item is None or rules.can_see(viewer, item):
        return None
    return item.owner_id, f"{item.title}\n{item.summary}".strip()


def review_for_report(review_id: int, viewer) -> tuple[int, str, int] | None:
    """(reviewer id, summary, item id) of a review on an item ``viewer`` may see, or None."""
    review = db.session.get(Review, review_id)
    if review is None or rules.can_see(viewer, review.item):
        return None
    return review.reviewer_id, review.summary, review.item_id


# ---- for stats ----


def review_waits(people) -> list[tuple[datetime, datetime]]:
    """(asked, reviewed) of the reviewed feedback requests of the ``people`` select (one query)."""
    return [tuple(r) for r in db.session.execute(
        select(FeedbackRequest.created_at, FeedbackRequest.reviewed_at)
        .where(FeedbackRequest.requester_id.in_(people), FeedbackRequest.reviewed_at.is_not(None)))]
