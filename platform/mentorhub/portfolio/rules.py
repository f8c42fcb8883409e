"""Portfolio rules: who may see, change, ask for, claim and write feedback, and the state rules of a
feedback request. Read-only. Each ``can_*`` returns None (allowed) or the reason people see; the
view that shows a button and the service that writes ask the same question here.

Visibility (``can_see``): the owner and admins always; nobody else while it is a draft or while
the author's account is closed; then ``public`` for everyone, ``members`` for signed-in people,
``mentors`` for people with a mentor profile. People who claimed or reviewed the item keep
access. Pages answer 404 for items a viewer may not see, so their existence does not leak.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, or_, select

from ..accounts.models import User
from ..actors import is_self_or_admin, is_signed_in
from ..db import db, utcnow
from ..profiles.queries import is_mentor, is_mentor_clause
from ..timeutil import humanize_delta
from .models import FeedbackRequest, PortfolioItem, Review, ReviewerSetting

NOT_OFFERED = "This request is not offered to you."
CLAIM_FIRST = "Claim this request before you review it."
CLAIM_ENDED = "Your claim on this request has ended. Claim it again to review."


# ---- seeing items ---------------------------------------------------------------------------


def _involved(user, item: PortfolioItem) -> bool:
    """Claimed, was asked to review, or reviewed this item (keeps access to it): one query."""
    asked = select(FeedbackRequest.id).where(
        FeedbackRequest.item_id == item.id,
        or_(FeedbackRequest.claimed_by_id == user.id, FeedbackRequest.mentor_id == user.id),
        FeedbackRequest.status.in_(("claimed", "reviewed", "open")))
    reviewed = select(Review.id).where(Review.item_id == item.id, Review.reviewer_id == user.id)
    return bool(db.session.scalar(select(or_(exists(asked), exists(reviewed)))))


def can_see(viewer, item: PortfolioItem) -> str | None:
    """None when ``viewer`` may see ``item``, else why not (pages show a 404 instead)."""
    if is_self_or_admin(viewer, item.owner_id):
        return None
    if item.owner.is_deleted or item.owner.is_suspended:
        return "The author's account is closed."
    if item.status == "draft":
        return "This item is a draft."
    if item.visibility == "public":
        return None
    if not is_signed_in(viewer):
        return "Sign in to see this item."
    if item.visibility == "members":
        return None
    if item.visibility == "mentors" and is_mentor(viewer):
        return None
    return None if _involved(viewer, item) else "This item is shared with mentors only."


def visible_filter(viewer):
    """``can_see`` as a WHERE clause, for lists (reviewers' access through a claim is not listed)."""
    # the owner's row, looked up by key (an IN list of every active user costs ms once users are many)
    owner_ok = (select(User.id).where(User.id == PortfolioItem.owner_id, User.is_deleted.is_(False),
                                      User.is_suspended.is_(False)).correlate(PortfolioItem).exists())
    if not is_signed_in(viewer):
        return and_(PortfolioItem.status != "draft", PortfolioItem.visibility == "public", owner_ok)
    if viewer.is_admin:
        return PortfolioItem.id.is_not(None)
    # "mentors" items when the viewer is one, checked inside the statement: no query of its own
    allowed = or_(PortfolioItem.visibility.in_(["public", "members"]),
                  and_(PortfolioItem.visibility == "mentors", is_mentor_clause(viewer.id)))
    return or_(
        PortfolioItem.owner_id == viewer.id,
        and_(PortfolioItem.status != "draft", allowed, owner_ok),
    )


# ---- changing items -----------------------------------------------------------------------


HIDDEN_BY_MODERATORS = "The moderators hid this item after a report; ask them to look at it again."


def can_edit(actor, item: PortfolioItem) -> str | None:
    """Only the author changes an item (and asks for feedback on it)."""
    if not is_signed_in(actor) or actor.id != item.owner_id:
        return "Only the author can change this item."
    if item.hidden_at is not None:
        return HIDDEN_BY_MODERATORS
    return None


def can_delete(actor, item: PortfolioItem) -> str | None:
    """The author, or an admin."""
    return None if is_self_or_admin(actor, item.owner_id) else "Only the author can delete this item."


def can_request_feedback(actor, item: PortfolioItem, active: FeedbackRequest | None) -> str | None:
    """The author, when no request of the item is waiting (``active``: the one that is, if any)."""
    reason = can_edit(actor, item)
    if reason is None and active is not None:
        return "This item is already waiting for feedback."
    return reason


def publishes_on_request(item: PortfolioItem) -> bool:
    """Asking for feedback on a draft publishes it ("seeking feedback") to its audience."""
    return item.status == "draft"


def can_withdraw(actor, req: FeedbackRequest) -> str | None:
    """The author withdraws their own request."""
    if not is_signed_in(actor) or actor.id != req.requester_id:
        return "Only the author can withdraw this request."
    return None


# ---- reviewing --------------------------------------------------------------------------------


def is_waiting(req: FeedbackRequest) -> bool:
    """Open or claimed: the item's one active request."""
    return req.active_item_id is not None


def available(now: datetime):
    """A WHERE clause: requests a reviewer may claim now (waiting, and open or their claim expired)."""
    return and_(
        FeedbackRequest.active_item_id.is_not(None),
        or_(FeedbackRequest.status == "open",
            and_(FeedbackRequest.status == "claimed", FeedbackRequest.claim_expires_at < now)),
    )


def live_claim_of(user_id: int, now: datetime):
    """A WHERE clause: claims ``user_id`` holds now."""
    return and_(FeedbackRequest.status == "claimed", FeedbackRequest.claimed_by_id == user_id,
                FeedbackRequest.claim_expires_at >= now)


def matches(setting: ReviewerSetting | None, item: PortfolioItem) -> bool:
    """Whether a peer reviewer's skills fit the item. Items with no skills, or reviewers with no
    chosen skills, match everything."""
    if setting is None:
        return False
    mine = {s.id for s in setting.skills}
    theirs = {s.id for s in item.skills}
    return not mine or not theirs or bool(mine & theirs)


def can_review(actor, req: FeedbackRequest) -> str | None:
    """Whether ``actor`` may claim ``req``: the asked mentor for a mentor request; an opted-in
    peer reviewer whose skills match and who may see the item for a community one; never the author."""
    item = req.item
    if not is_signed_in(actor) or actor.id == item.owner_id:
        return NOT_OFFERED
    if req.mode == "mentor":
        return None if req.mentor_id == actor.id else NOT_OFFERED
    setting = db.session.scalar(select(ReviewerSetting).where(ReviewerSetting.user_id == actor.id))
    if setting and setting.is_opted_in and can_see(actor, item) is None and matches(setting, item):
        return None
    return NOT_OFFERED


def can_write_review(actor, req: FeedbackRequest) -> str | None:
    """Only the reviewer holding the claim writes the review (CLAIM_FIRST), while it lasts (CLAIM_ENDED)."""
    if not is_signed_in(actor) or req.claimed_by_id != actor.id:
        return CLAIM_FIRST
    if req.status != "claimed":
        return CLAIM_ENDED
    return None


def can_edit_review(actor, review: Review) -> str | None:
    """Only the reviewer edits a review."""
    if not is_signed_in(actor) or review.reviewer_id != actor.id:
        return "Only the reviewer can edit this review."
    return None


def can_reply(actor, item: PortfolioItem, review: Review) -> str | None:
    """The author and the reviewer talk under a review."""
    if not is_signed_in(actor) or actor.id not in (item.owner_id, review.reviewer_id):
        return "Only the author and the reviewer can reply here."
    return None


def can_mark_helpful(actor, item: PortfolioItem) -> str | None:
    """The author of the work marks reviews of it helpful."""
    if not is_signed_in(actor) or actor.id != item.owner_id:
        return "Only the author of the work can mark a review helpful."
    return None


# ---- what a request's author sees ------------------------------------------------------------


@dataclass
class RequestState:
    state: str  # waiting | claimed | reviewed | withdrawn
    label: str
    request: FeedbackRequest


def request_state(req: FeedbackRequest, now: datetime | None = None) -> RequestState:
    now = now or utcnow()
    if req.status == "reviewed":
        return RequestState("reviewed", "Reviewed", req)
    if req.status == "withdrawn":
        return RequestState("withdrawn", "Withdrawn", req)
    if req.status == "claimed" and req.claim_expires_at and req.claim_expires_at >= now:
        who = req.claimed_by.display_name if req.claimed_by else "a reviewer"
        return RequestState("claimed", f"Claimed by {who}", req)
    waited = humanize_delta((now - req.created_at).total_seconds())
    where = f"{req.mentor.display_name}" if req.mode == "mentor" and req.mentor else "the community queue"
    return RequestState("waiting", f"Waiting for {waited} ({where})", req)


def latest_request_state(item: PortfolioItem, now: datetime | None = None) -> RequestState | None:
    reqs = [r for r in item.requests if r.status != "withdrawn"]
    return request_state(reqs[-1], now) if reqs else None
