"""Feedback requests and the review queue: reviewer settings, asking (a mentor or the community),
withdrawing, claiming and releasing, and each reviewer's queue.

Each public write runs as one write unit (``db.write_unit()`` used as a decorator): it commits at
the end, and on any error it rolls back, so a caller that shows the error finds the session clean.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import defer, joinedload, selectinload

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..profiles.models import Skill
from ..urls import path_for
from ..validation import choice, db_ids, setting, text
from . import rules
from .items import chosen_skills, withdraw_active
from .models import REQUEST_MODES, FeedbackRequest, PortfolioItem, ReviewerSetting
from .queries import active_request, get_item, get_request, mentor_choices, reviewer_setting


@db.write_unit()
def set_reviewer_setting(actor: User, is_opted_in: bool, skill_ids) -> ReviewerSetting:
    skills = chosen_skills(skill_ids)
    row = reviewer_setting(actor)
    if row is None:
        row = ReviewerSetting(user_id=actor.id)
        db.session.add(row)
    row.is_opted_in = bool(is_opted_in)
    row.skills = skills
    row.updated_at = utcnow()
    return row


@db.write_unit()
def request_feedback(actor: User, item_id: int, mode: str, mentor_id: int | None = None,
                     note: str = "") -> FeedbackRequest:
    item = get_item(actor, item_id)
    reason = rules.can_request_feedback(actor, item, active_request(item))
    if reason:  # not the author, or a request of the item is waiting already
        raise (PermissionDenied if rules.can_edit(actor, item) else Conflict)(reason)
    mode = choice(mode, REQUEST_MODES, field="mode", label="who should review it")
    note = text(note, field="note", label="the note", max_len=setting("PORTFOLIO_COMMENT_MAX"))
    mentor = None
    if mode == "mentor":
        allowed = {u.id: u for u in mentor_choices(actor)}
        wanted = db_ids([mentor_id]) if mentor_id else []
        if not wanted or wanted[0] not in allowed:
            raise ValidationError("Choose one of your mentors.", field="mentor_id")
        mentor = allowed[wanted[0]]
    if rules.publishes_on_request(item):
        item.status = "seeking"
    if mentor is not None and rules.can_see(mentor, item) is not None:  # the unit rolls the status back
        raise ValidationError("Your mentor cannot see this item; change its visibility first.", field="mentor_id")
    req = FeedbackRequest(item_id=item.id, active_item_id=item.id, requester_id=actor.id, mode=mode,
                          mentor_id=mentor.id if mentor else None, note=note, status="open", created_at=utcnow())
    db.session.add(req)
    db.session.flush()
    if mentor is not None:
        notify(mentor, "review_asked", f"{actor.display_name} asks for your feedback",
               f"“{item.title}” is waiting for your review.", link=path_for("portfolio.queue"),
               key=f"portfolio:ask:{req.id}")
    return req


@db.write_unit()
def withdraw_request(actor: User, request_id: int) -> FeedbackRequest:
    """The author takes back a waiting request; returns it (closed)."""
    req = db.session.get(FeedbackRequest, request_id) if db_ids([request_id]) else None
    if req is None:
        raise NotFound("No such feedback request.")
    reason = rules.can_withdraw(actor, req)
    if reason:
        raise PermissionDenied(reason)
    if not rules.is_waiting(req):
        raise Conflict("This request is already closed.")
    withdraw_active(req.item)
    return req


@db.write_unit()
def claim_request(actor: User, request_id: int, now: datetime | None = None) -> FeedbackRequest:
    """Claim a request so that nobody else reviews it meanwhile. One conditional UPDATE:
    of two reviewers clicking at once, exactly one wins; the other gets Conflict."""
    now = now or utcnow()
    req = get_request(actor, request_id)
    reason = rules.can_review(actor, req)
    if reason:
        raise PermissionDenied(reason)
    expires = now + timedelta(hours=setting("PORTFOLIO_CLAIM_HOURS"))
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == req.id, rules.available(now))
        .values(status="claimed", claimed_by_id=actor.id, claimed_at=now, claim_expires_at=expires)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise Conflict("Someone else has just claimed this item, or it is no longer waiting.")
    db.session.refresh(req)
    author = db.session.get(User, req.requester_id)
    notify(author, "review_update", f"{actor.display_name} is reviewing “{req.item.title}”",
           "A reviewer has picked up your work.", link=path_for("portfolio.detail", item_id=req.item_id),
           key=f"portfolio:claim:{req.id}:{actor.id}:{int(now.timestamp())}")
    return req


@db.write_unit()
def release_claim(actor: User, request_id: int) -> None:
    req = get_request(actor, request_id)
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == req.id, FeedbackRequest.status == "claimed",
               FeedbackRequest.claimed_by_id == actor.id)
        .values(status="open", claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise Conflict("You do not hold a claim on this request.")


# ---- the queue ------------------------------------------------------------------------------------


@dataclass
class QueueEntry:
    request: FeedbackRequest
    item: PortfolioItem
    waited_seconds: float


def _queue_loads():
    """What a queue entry shows, loaded with the request; never the notebooks, which weigh up to MBs each."""
    return (joinedload(FeedbackRequest.item).options(
        defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints), defer(PortfolioItem.notebook_html),
        joinedload(PortfolioItem.owner), selectinload(PortfolioItem.skills)),)


def queue_for(actor: User, now: datetime | None = None) -> dict:
    """The reviewer's queue: asked of me, community (oldest first, matching my skills), my claims;
    in a fixed number of queries however long each list is. Read-only."""
    now = now or utcnow()
    mine_setting = db.session.scalars(select(ReviewerSetting).where(ReviewerSetting.user_id == actor.id)
                                      .options(joinedload(ReviewerSetting.skills))).unique().one_or_none()

    def entry(req):
        return QueueEntry(req, req.item, (now - req.created_at).total_seconds())

    is_asked = (FeedbackRequest.mode == "mentor") & (FeedbackRequest.mentor_id == actor.id) & rules.available(now)
    mine_rows = db.session.scalars(  # asked of me and my claims in one query, split below
        select(FeedbackRequest).where(or_(is_asked, rules.live_claim_of(actor.id, now))).options(*_queue_loads())
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    ).all()
    claimed = [r.status == "claimed" and r.claimed_by_id == actor.id and r.claim_expires_at >= now
               for r in mine_rows]  # live_claim_of in Python: an asked request is never also a live claim
    asked = [r for r, c in zip(mine_rows, claimed) if not c]
    claims = sorted((r for r, c in zip(mine_rows, claimed) if c), key=lambda r: r.claim_expires_at)
    community: list[QueueEntry] = []
    community_total = 0
    if mine_setting is not None and mine_setting.is_opted_in:
        stmt = (
            select(FeedbackRequest)
            .join(PortfolioItem, PortfolioItem.id == FeedbackRequest.item_id)
            .where(FeedbackRequest.mode == "community", rules.available(now), PortfolioItem.owner_id != actor.id,
                   PortfolioItem.status != "draft", rules.visible_filter(actor))
        )
        mine = [s.id for s in mine_setting.skills]
        if mine:  # items with no skills are offered to everyone
            stmt = stmt.where(or_(~PortfolioItem.skills.any(), PortfolioItem.skills.any(Skill.id.in_(mine))))
        community_total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.session.scalars(
            stmt.options(*_queue_loads()).order_by(FeedbackRequest.created_at, FeedbackRequest.id)
            .limit(setting("PORTFOLIO_QUEUE_LIMIT"))
        )
        community = [entry(r) for r in rows]
    return {"asked": [entry(r) for r in asked], "community": community, "community_total": community_total,
            "claims": [entry(r) for r in claims], "setting": mine_setting}
