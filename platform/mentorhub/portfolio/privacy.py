"""The portfolio's personal data: what a member's export holds, and what erasing them removes."""
from __future__ import annotations

import json

from sqlalchemy import delete, select, update

from ..accounts.models import User
from ..db import db
from .models import FeedbackRequest, PortfolioItem, Review, ReviewReply
from .queries import reviewer_setting


def _iso(dt):
    return dt.isoformat() if dt else None


def export_user_data(user: User) -> dict:
    """The user's own items (with notebooks), requests, reviews they wrote and their replies.
    Other people's items are never included, only the ids of those the user reviewed."""
    items = db.session.scalars(select(PortfolioItem).where(PortfolioItem.owner_id == user.id))
    reviews = db.session.scalars(select(Review).where(Review.reviewer_id == user.id))
    replies = db.session.scalars(select(ReviewReply).where(ReviewReply.author_id == user.id))
    reviewer = reviewer_setting(user)
    return {
        "items": [
            {
                "id": i.id, "title": i.title, "summary": i.summary, "body": i.body, "repo_url": i.repo_url,
                "demo_url": i.demo_url, "visibility": i.visibility, "status": i.status,
                "skills": [s.slug for s in i.skills], "domains": [d.slug for d in i.domains],
                "project_id": i.project_id, "version": i.version,
                "notebook_name": i.notebook_name,
                "notebook": json.loads(i.notebook_json) if i.notebook_json else None,
                "created_at": _iso(i.created_at), "updated_at": _iso(i.updated_at),
                "updates": [{"version": u.version, "note": u.note, "changed": u.changed_fields,
                             "created_at": _iso(u.created_at)} for u in i.updates],
                "feedback_requests": [{"mode": r.mode, "status": r.status, "note": r.note,
                                       "created_at": _iso(r.created_at)} for r in i.requests],
                "reviews_received": [
                    {"summary": r.summary, "next_step": r.next_step, "is_helpful": r.is_helpful,
                     "scores": {s.criterion: s.score for s in r.scores}, "created_at": _iso(r.created_at)}
                    for r in i.reviews
                ],
            }
            for i in items
        ],
        "reviews_written": [
            {"item_id": r.item_id, "summary": r.summary, "next_step": r.next_step,
             "scores": {s.criterion: {"score": s.score, "comment": s.comment} for s in r.scores},
             "created_at": _iso(r.created_at)}
            for r in reviews
        ],
        "replies": [{"review_id": r.review_id, "body": r.body, "created_at": _iso(r.created_at)} for r in replies],
        "reviewer": {"is_opted_in": reviewer.is_opted_in, "skills": [s.slug for s in reviewer.skills]}
        if reviewer else None,
    }


def erase_user_data(user: User) -> None:
    """Delete the user's items (with their requests, reviews and threads), their replies and
    reviewer setting; release their claims. Reviews they wrote on others' work stay (the
    authors need them) and show as by a former member. Does not commit."""
    for item in db.session.scalars(select(PortfolioItem).where(PortfolioItem.owner_id == user.id)):
        db.session.delete(item)
    db.session.flush()
    db.session.execute(delete(ReviewReply).where(ReviewReply.author_id == user.id))
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.claimed_by_id == user.id, FeedbackRequest.status == "claimed")
        .values(status="open", claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.mentor_id == user.id, FeedbackRequest.active_item_id.is_not(None))
        .values(status="withdrawn", active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )
    reviewer = reviewer_setting(user)
    if reviewer is not None:
        db.session.delete(reviewer)
