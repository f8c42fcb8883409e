"""The admin's cohort rounds: plan the best assignment of unmatched learners to mentors with free
places (exact, under capacities), keep it as a draft round to review (remove or swap pairs),
then approve it (every pair becomes a mentorship offer) or discard it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, update

from ..accounts.models import User
from ..accounts.queries import user_ids_by_email, users_by_id
from ..db import db, utcnow
from ..errors import Conflict, NotFound, ValidationError
from ..mentoring.queries import learners_with_active_mentorship
from ..mentoring.requests import create_match_offer
from ..validation import setting, text
from . import reasons
from .assignment import assign
from .filters import blocked, excluded_mentor_rows, exclusions
from .index import MatchIndex, get_index
from .model import candidate_edges
from .models import CohortPair, CohortRound
from .rules import can_run_cohorts, is_draft, is_proposed, require

ROUNDS_LISTED = 50  # the newest rounds on the cohort page
REASON_MAX = 300  # CohortPair.reason's column


@dataclass
class PlannedPair:
    learner: User
    mentor: User | None
    score: float
    reason: str


def _require_index() -> MatchIndex:
    index = get_index()
    if index is None:
        raise Conflict("Matches are being prepared: the first match index is not published yet. Try again in a minute.")
    return index


def _max_learners_error(field: str | None = None) -> ValidationError:
    return ValidationError(f"A round takes at most {setting('MATCH_COHORT_MAX_LEARNERS')} learners.", field=field)


def unmatched_learner_ids() -> list[int]:
    """Active learners with a wanted skill and no active mentorship and no open request."""
    index = _require_index()
    busy = learners_with_active_mentorship() | {a for a, _ in exclusions()}
    has_want = index.scorer.learners_wanting()
    return [int(u) for k, u in enumerate(index.learner_users)
            if index.learner_active[k] and has_want[k] and int(u) not in busy]


def plan_cohort(learner_ids: list[int] | None = None, min_score: float | None = None,
                progress=None) -> list[PlannedPair]:
    """The best assignment of the learners to mentors with free places (no writes).

    Exact on the candidate graph of each learner's top MATCH_COHORT_CANDIDATES mentors;
    a learner stays unmatched when no mentor clears ``min_score``.
    """
    index = _require_index()
    min_score = setting("MATCH_COHORT_MIN_SCORE") if min_score is None else float(min_score)
    if learner_ids is None:
        learner_ids = unmatched_learner_ids()
    learner_ids = [u for u in dict.fromkeys(int(x) for x in learner_ids) if u in index.learner_row]
    if len(learner_ids) > setting("MATCH_COHORT_MAX_LEARNERS"):
        raise _max_learners_error()
    if not learner_ids:
        return []
    rows = np.array([index.learner_row[u] for u in learner_ids], dtype=np.int64)
    excluded, blocks = exclusions(), blocked()
    exclude = {int(r): excluded_mentor_rows(index, u, excluded, blocks) for r, u in zip(rows, learner_ids)}
    idx, sc = index.scorer.top_mentors_all(setting("MATCH_COHORT_CANDIDATES"), chunk=setting("MATCH_BATCH_CHUNK"),
                                           rows=rows, exclude=exclude, progress=progress)
    r, c, v = candidate_edges(idx, sc, -np.inf)
    # the threshold is on the match score people see; the assignment maximises the ranked score,
    # so reachable teachers (the reach tier) are preferred
    keep = v - index.scorer.reach_tiers(rows[r], c) >= min_score
    r, c, v = r[keep], c[keep], v[keep]
    free = np.where(index.scorer.m_eligible, np.maximum(0, index.mentor_capacity - index.mentor_load), 0)
    result = assign(len(rows), free, r, c, v, min_score=-np.inf)
    users = users_by_id(set(learner_ids) | {int(index.mentor_users[j]) for j in result.mentor if j >= 0})
    out = []
    for n, (u, j, score) in enumerate(zip(learner_ids, result.mentor, result.score)):
        mentor = users.get(int(index.mentor_users[j])) if j >= 0 else None
        reason = ""
        if mentor is not None:
            e = index.scorer.explain_mentor(int(rows[n]), int(j))
            reason = reasons.mentor_reason(e, index.skill_names, index.domain_names)
            score = e.total - e.tier  # the match score people see
        out.append(PlannedPair(learner=users[u], mentor=mentor, score=float(score), reason=reason))
    return out


def create_round(actor: User, learner_ids: list[int] | None = None, min_score: float | None = None,
                 note: str = "", progress=None) -> CohortRound:
    require(can_run_cohorts(actor))
    note = text(note, field="note", label="the note", max_len=setting("MATCH_COHORT_NOTE_MAX"))
    plan = plan_cohort(learner_ids, min_score, progress)
    if not plan:
        raise ValidationError("There are no learners to match: each needs a learner profile with a wanted skill.")
    rnd = CohortRound(created_by_id=actor.id, status="draft", learner_count=len(plan), note=note,
                      min_score=setting("MATCH_COHORT_MIN_SCORE") if min_score is None else float(min_score))
    db.session.add(rnd)
    db.session.flush()
    for p in plan:
        db.session.add(CohortPair(round_id=rnd.id, learner_id=p.learner.id,
                                  mentor_id=p.mentor.id if p.mentor else None, score=round(p.score, 4),
                                  reason=p.reason[:REASON_MAX], status="proposed" if p.mentor else "unmatched"))
    db.session.commit()
    return rnd


def learner_ids_from_emails(actor: User, emails_text: str | None) -> list[int] | None:
    """Parse the admin's list of learner addresses; None (empty list) means every unmatched learner."""
    require(can_run_cohorts(actor))
    emails = [e.strip().lower() for e in (emails_text or "").replace(",", "\n").splitlines() if e.strip()]
    if not emails:
        return None
    if len(emails) > setting("MATCH_COHORT_MAX_LEARNERS"):
        raise _max_learners_error("emails")
    found = user_ids_by_email(emails)
    missing = [e for e in emails if e not in found]
    if missing:
        raise ValidationError(f"No account with the address {missing[0]}.", field="emails")
    return [found[e] for e in emails]


# ---- reading and reviewing a round -----------------------------------------------------------


def round_people(rnd: CohortRound) -> dict[int, User]:
    return users_by_id({p.learner_id for p in rnd.pairs} | {p.mentor_id for p in rnd.pairs if p.mentor_id})


def _pair(actor: User, pair_id: int) -> CohortPair:
    require(can_run_cohorts(actor))
    pair = db.session.get(CohortPair, pair_id)
    if pair is None:
        raise NotFound("No such pair.")
    return pair


def round_of_pair(actor: User, pair_id: int) -> CohortRound:
    return _pair(actor, pair_id).round


def get_round(actor: User, round_id: int) -> CohortRound:
    require(can_run_cohorts(actor))
    rnd = db.session.get(CohortRound, round_id)
    if rnd is None:
        raise NotFound("No such matching round.")
    return rnd


def list_rounds(actor: User) -> list[CohortRound]:
    require(can_run_cohorts(actor))
    return list(db.session.scalars(select(CohortRound).order_by(CohortRound.id.desc()).limit(ROUNDS_LISTED)))


def _draft_pair(actor: User, pair_id: int) -> CohortPair:
    pair = _pair(actor, pair_id)
    if not is_draft(pair.round):
        raise Conflict("This round is no longer a draft.")
    return pair


def remove_pair(actor: User, pair_id: int) -> CohortPair:
    pair = _draft_pair(actor, pair_id)
    if not is_proposed(pair):
        raise ValidationError("Only a proposed pair can be removed.")
    pair.status = "removed"
    db.session.commit()
    return pair


def swap_pairs(actor: User, pair_id: int, other_id: int) -> tuple[CohortPair, CohortPair]:
    """Exchange the mentors of two proposed pairs of the same round (scores and reasons redone)."""
    a = _draft_pair(actor, pair_id)
    b = db.session.get(CohortPair, other_id)
    if b is None or a.id == b.id or a.round_id != b.round_id:
        raise ValidationError("Choose two different pairs of this round.", field="other")
    if not (is_proposed(a) and is_proposed(b)):
        raise ValidationError("Only proposed pairs can be swapped.", field="other")
    index = _require_index()
    excluded, blocks = exclusions(), blocked()
    for learner, mentor in ((a.learner_id, b.mentor_id), (b.learner_id, a.mentor_id)):
        if learner == mentor or (learner, mentor) in excluded or (learner, mentor) in blocks:
            raise ValidationError("That swap would pair people who must not be matched.", field="other")
    a.mentor_id, b.mentor_id = b.mentor_id, a.mentor_id
    for pair in (a, b):
        i, j = index.learner_row.get(pair.learner_id), index.mentor_row.get(pair.mentor_id)
        if i is not None and j is not None:
            e = index.scorer.explain_mentor(i, j)
            pair.score = round(e.total - e.tier, 4)
            pair.reason = reasons.mentor_reason(e, index.skill_names, index.domain_names)[:REASON_MAX]
    db.session.commit()
    return a, b


# ---- closing a round -------------------------------------------------------------------------


def _close_draft(actor: User, round_id: int, message: str, **values) -> CohortRound:
    """Move a draft round to its final status once (a conditional UPDATE: a second click loses)."""
    rnd = get_round(actor, round_id)
    res = db.session.execute(update(CohortRound).where(CohortRound.id == rnd.id, CohortRound.status == "draft")
                             .values(**values))
    if res.rowcount != 1:
        db.session.rollback()
        raise Conflict(message)
    db.session.commit()
    return rnd


def discard_round(actor: User, round_id: int) -> CohortRound:
    return _close_draft(actor, round_id, "This round is no longer a draft.", status="discarded")


def approve_round(actor: User, round_id: int) -> dict[str, int]:
    """Every proposed pair becomes a mentorship offer the mentor confirms. Runs once per round."""
    rnd = _close_draft(actor, round_id, "This round was already approved or discarded.",
                       status="approved", approved_at=utcnow())
    offered = skipped = 0
    pairs = list(db.session.scalars(select(CohortPair).where(CohortPair.round_id == rnd.id,
                                                             CohortPair.status == "proposed")))
    for pair in pairs:
        people = users_by_id((pair.learner_id, pair.mentor_id))
        try:
            req = create_match_offer(actor, people.get(pair.learner_id), people.get(pair.mentor_id), pair.reason)
        except (Conflict, ValidationError):
            db.session.rollback()
            pair = db.session.get(CohortPair, pair.id)
            pair.status = "skipped"
            skipped += 1
        else:
            pair = db.session.get(CohortPair, pair.id)
            pair.status = "offered"
            pair.request_id = getattr(req, "id", None)
            offered += 1
        db.session.commit()
    return {"offered": offered, "skipped": skipped}
