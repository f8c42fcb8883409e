"""Mentorships: goals, ending one (with a private rating) and rating it afterwards. Ratings are
published as a rounded average only after enough of them (see _publish_mentor_rating).
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import match_events
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..generations import user_changed
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import integer, setting
from .checkins import answered_checkins
from .models import (
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    MentorshipRating,
    PublishedMentorRating,
)
from .rules import can_change_mentorship, can_rate, is_member, refuse
from .sessions import cancel_booked
from .writing import body_text, set_done, title_text


def add_goal(actor: User, m: Mentorship, title: str) -> MentorshipGoal:
    refuse(can_change_mentorship(actor, m), not is_member(actor, m))
    title = title_text(title, "title", "the goal")
    count = db.session.scalar(select(func.count(MentorshipGoal.id)).where(MentorshipGoal.mentorship_id == m.id))
    if count >= setting("MENTORING_GOALS_MAX"):
        raise ValidationError(f"A mentorship can have at most {setting('MENTORING_GOALS_MAX')} goals.", field="title")
    goal = MentorshipGoal(mentorship_id=m.id, title=title, created_by_id=actor.id, created_at=utcnow())
    db.session.add(goal)
    db.session.commit()
    return goal


def set_goal_done(actor: User, goal_id: int, done: bool) -> MentorshipGoal:
    return set_done(actor, MentorshipGoal, goal_id, done, "No such goal.")


def _rate(actor: User, m: Mentorship, score, comment: str) -> MentorshipRating:
    try:
        score = integer(score, field="score", label="your rating", low=1, high=5)
    except ValidationError:
        raise ValidationError("Give a rating from 1 to 5.", field="score") from None
    comment = body_text(comment, "comment", "your comment")
    if db.session.scalar(select(MentorshipRating.id).where(
            MentorshipRating.mentorship_id == m.id, MentorshipRating.rater_id == actor.id)):
        raise Conflict("You have already rated this mentorship.")
    is_learner = actor.id == m.learner_id
    rating = MentorshipRating(mentorship_id=m.id, rater_id=actor.id,
                              ratee_id=m.mentor_id if is_learner else m.learner_id,
                              ratee_role="mentor" if is_learner else "learner", score=score, comment=comment,
                              created_at=utcnow())
    db.session.add(rating)
    if rating.ratee_role == "mentor":
        match_events.record(match_events.RATED, m.learner_id, m.mentor_id, value=score, at=rating.created_at)
        db.session.flush()
        _publish_mentor_rating(rating.ratee_id)
    return rating


def half_points(average: float) -> int:
    """``average`` rounded to the nearest half point, in halves (4.24 -> 8, 4.25 -> 9)."""
    return int(average * 2 + 0.5)


def _publish_mentor_rating(mentor_id: int) -> None:
    """Publish a new average only once MENTORING_RATING_PUBLISH_EVERY ratings have arrived since
    the last publication (the first after MENTORING_RATING_MIN_COUNT), rounded to half points."""
    avg, count = db.session.execute(
        select(func.avg(MentorshipRating.score), func.count(MentorshipRating.id))
        .where(MentorshipRating.ratee_id == mentor_id, MentorshipRating.ratee_role == "mentor")).one()
    values = {"average_halves": half_points(float(avg or 0)), "rating_count": int(count), "published_at": utcnow()}
    published = db.session.scalar(select(PublishedMentorRating).where(PublishedMentorRating.mentor_id == mentor_id))
    if published is None:
        if count < max(setting("MENTORING_RATING_MIN_COUNT"), setting("MENTORING_RATING_PUBLISH_EVERY")):
            return
        try:
            with db.session.begin_nested():
                db.session.add(PublishedMentorRating(mentor_id=mentor_id, **values))
        except IntegrityError:  # a rating given at the same moment published first; that one stands
            pass
    elif count - published.rating_count >= setting("MENTORING_RATING_PUBLISH_EVERY"):
        for name, value in values.items():
            setattr(published, name, value)


def end_mentorship(actor: User, m: Mentorship, score, comment: str = "", rematch: bool = False) -> Mentorship:
    """Either side ends it, with a private rating. ``rematch``: the learner asks for a different mentor."""
    refuse(can_change_mentorship(actor, m), not is_member(actor, m))
    if rematch and actor.id != m.learner_id:
        raise PermissionDenied("Only the learner can ask for a different mentor.")
    _rate(actor, m, score, comment)
    now = utcnow()
    result = db.session.execute(update(Mentorship).where(Mentorship.id == m.id, Mentorship.status == "active")
                                .values(status="ended", ended_at=now, ended_by_id=actor.id,
                                        is_rematch_requested=bool(rematch), next_checkin_at=None)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("This mentorship has already ended.")
    db.session.refresh(m)
    for s in db.session.scalars(select(MentoringSession).where(
            MentoringSession.mentorship_id == m.id, MentoringSession.status == "booked",
            MentoringSession.starts_at > now)):
        cancel_booked(s, actor, "The mentorship ended.", now)
    other = m.other(actor.id)
    body = "You can leave a private rating on the mentorship page."
    if rematch:
        body = "They asked to be matched with a different mentor. " + body
    notify(other, "mentorship_update", f"{actor.display_name} ended your mentorship", body=body,
           link=path_for("mentoring.mentorship_detail", mentorship_id=m.id), key=f"mentorship:{m.id}:ended")
    user_changed(m.mentor_id)
    if answered_checkins(m.id) < setting("MATCH_OUTCOME_CHECKINS"):
        match_events.record(match_events.ENDED_EARLY, m.learner_id, m.mentor_id, at=now)
    db.session.commit()
    return m


def rate_ended_mentorship(actor: User, m: Mentorship, score, comment: str = "") -> MentorshipRating:
    # A second rating is refused by _rate (Conflict), as when ending.
    refuse(can_rate(actor, m, has_rated=False), not is_member(actor, m))
    rating = _rate(actor, m, score, comment)
    db.session.commit()
    return rating
