"""Rubric reviews: submitting one (which closes the claimed request), editing it, the thread of
replies under it, and the author's "helpful" mark.

Each public write runs as one write unit (``db.write_unit()`` used as a decorator): it commits at
the end, and on any error it rolls back, so a caller that shows the error finds the session clean.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from .. import match_events
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, PermissionDenied
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import integer, setting, text
from . import rubric, rules
from .models import FeedbackRequest, Review, ReviewReply, ReviewScore
from .queries import get_request, get_review, own_review


def _review_link(item_id: int, review_id: int) -> str:
    return path_for("portfolio.detail", item_id=item_id) + f"#review-{review_id}"


def _clean_scores(scores: dict) -> list[tuple[int, str, int, str]]:
    max_len = setting("PORTFOLIO_COMMENT_MAX")
    rows = []
    for position, crit in enumerate(rubric.criteria()):
        score, comment = (scores or {}).get(crit.slug, (None, ""))
        score = integer(score, field=f"score_{crit.slug}", label=f"the score for “{crit.name}”", low=1, high=4)
        comment = text(comment, field=f"comment_{crit.slug}", label="the comment", max_len=max_len)
        rows.append((position, crit.slug, score, comment))
    return rows


def _clean_texts(summary: str, next_step: str) -> tuple[str, str]:
    max_len = setting("PORTFOLIO_COMMENT_MAX")
    return (text(summary, field="summary", label="the summary", max_len=max_len, required=True),
            text(next_step, field="next_step", label="the suggested next step", max_len=max_len, required=True))


@db.write_unit()
def submit_review(actor: User, request_id: int, scores: dict, summary: str, next_step: str,
                  now: datetime | None = None) -> Review:
    """``scores``: {criterion slug: (score 1-4, comment)} for every rubric criterion.
    Only the reviewer who holds the claim can submit; the request closes in the same UPDATE."""
    now = now or utcnow()
    req = get_request(actor, request_id)
    rows = _clean_scores(scores)
    summary, next_step = _clean_texts(summary, next_step)
    if rules.can_write_review(actor, req) == rules.CLAIM_FIRST:  # an ended claim is the UPDATE's Conflict
        raise PermissionDenied(rules.CLAIM_FIRST)
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == req.id, FeedbackRequest.status == "claimed",
               FeedbackRequest.claimed_by_id == actor.id)
        .values(status="reviewed", reviewed_at=now, active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        raise Conflict(rules.CLAIM_ENDED)
    item = req.item
    review = Review(item_id=item.id, request_id=req.id, reviewer_id=actor.id, item_version=item.version,
                    summary=summary, next_step=next_step, created_at=now, updated_at=now)
    review.scores = [ReviewScore(position=p, criterion=c, score=s, comment=m) for p, c, s, m in rows]
    db.session.add(review)
    db.session.flush()
    notify(item.owner, "review_update", f"New feedback on “{item.title}”",
           f"{actor.display_name} reviewed your work.", link=_review_link(item.id, review.id),
           key=f"portfolio:review:{review.id}")
    db.session.commit()
    db.session.refresh(req)
    return review


@db.write_unit()
def edit_review(actor: User, review_id: int, scores: dict, summary: str, next_step: str) -> Review:
    review = own_review(actor, review_id)
    rows = _clean_scores(scores)
    review.summary, review.next_step = _clean_texts(summary, next_step)
    by_slug = {s.criterion: s for s in review.scores}
    for position, slug, score, comment in rows:
        row = by_slug.get(slug)
        if row is None:
            review.scores.append(ReviewScore(position=position, criterion=slug, score=score, comment=comment))
        else:
            row.score, row.comment, row.position = score, comment, position
    review.updated_at = utcnow()
    return review


@db.write_unit()
def reply(actor: User, review_id: int, body: str) -> ReviewReply:
    """The item's author and the reviewer talk in a thread under the review."""
    review = get_review(actor, review_id)
    item = review.item
    reason = rules.can_reply(actor, item, review)
    if reason:
        raise PermissionDenied(reason)
    body = text(body, field="body", label="the reply", max_len=setting("PORTFOLIO_COMMENT_MAX"), required=True)
    row = ReviewReply(review_id=review.id, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    other = review.reviewer if actor.id == item.owner_id else item.owner
    notify(other, "review_update", f"{actor.display_name} replied about “{item.title}”", body[:300],
           link=_review_link(item.id, review.id), key=f"portfolio:reply:{row.id}")
    return row


@db.write_unit()
def mark_helpful(actor: User, review_id: int, helpful: bool = True) -> Review:
    review = get_review(actor, review_id)
    reason = rules.can_mark_helpful(actor, review.item)
    if reason:
        raise PermissionDenied(reason)
    if review.is_helpful != helpful:
        review.is_helpful = helpful
        review.helpful_at = utcnow() if helpful else None
        if helpful:
            match_events.record(match_events.REVIEW_HELPFUL, review.item.owner_id, review.reviewer_id, at=review.helpful_at)
            notify(review.reviewer, "review_update", "Your review was marked helpful",
                   f"{actor.display_name} found your feedback on “{review.item.title}” helpful.",
                   link=_review_link(review.item_id, review.id), key=f"portfolio:helpful:{review.id}")
    return review


# ---- for reports ----


def hide_review(review_id: int, notice: str) -> None:
    """Moderation: the review's texts, its rubric comments included, give way to ``notice`` (no commit:
    the caller's)."""
    db.session.execute(update(Review).where(Review.id == review_id).values(summary=notice, next_step=""))
    db.session.execute(update(ReviewScore).where(ReviewScore.review_id == review_id).values(comment=""))
