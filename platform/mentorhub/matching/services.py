"""Matching services: suggestions with explanations, filters and permissions, and the admin's
cohort rounds. Reads go through the published index plus its deltas (matching/index.py);
every write and every permission check is here. No request builds an index: before the
first build is published the reads return nothing and ``index_ready`` is False.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from flask import current_app, g, has_request_context
from sqlalchemy import bindparam, literal_column, select, union_all, update

from ..accounts.models import User
from ..accounts.queries import blocks_of_select
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..mentoring.services import decline_cutoff, exclusion_selects
from ..timeutil import to_zone
from . import reasons
from .assignment import assign
from .index import MatchIndex, get_index, slot_intervals
from .model import candidate_edges
from .models import CohortPair, CohortRound


def cfg(name: str):
    return current_app.config[name]


@dataclass
class Suggestion:
    """One explained match. ``user`` is the mentor or learner suggested; ``project`` a project."""

    score: float
    components: dict[str, float]
    weighted: dict[str, float]
    reason: str
    user: User | None = None
    project: object | None = None
    teach_skills: list[str] = field(default_factory=list)
    shared_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    shared_domains: list[str] = field(default_factory=list)
    overlap_hours: float = 0.0
    overlap_windows: list[str] = field(default_factory=list)
    activity: float = 1.0

    def as_dict(self) -> dict:
        out = {
            "score": round(self.score, 4),
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "reason": self.reason,
            "teach_skills": self.teach_skills,
            "shared_skills": self.shared_skills,
            "missing_skills": self.missing_skills,
            "shared_domains": self.shared_domains,
            "overlap_hours": self.overlap_hours,
            "overlap_windows": self.overlap_windows,
        }
        if self.user is not None:
            out["user"] = {"id": self.user.id, "name": self.user.display_name, "email": self.user.email}
        if self.project is not None:
            out["project"] = {"id": self.project.id, "title": self.project.title}
        return out


# ---- helpers ---------------------------------------------------------------------------------


def _require_self_or_admin(actor: User, user: User) -> None:
    if actor is None or (actor.id != user.id and not actor.is_admin):
        raise PermissionDenied("You can only see your own matches.")


def _require_admin(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise PermissionDenied("Only administrators run matching rounds.")


def _per_request(name: str, load):
    """``load()`` once per request (a page asks for mentors, projects and learners at once)."""
    if not has_request_context():
        return load()
    cache = g.setdefault("matching_cache", {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def _blocked() -> set[tuple[int, int]]:
    from ..accounts.queries import blocked_pairs

    return _per_request("blocked", blocked_pairs)


def _exclusions() -> set[tuple[int, int]]:
    from ..mentoring.services import matching_exclusions

    return _per_request("exclusions", matching_exclusions)


def _involving_statement():
    """The exclusions (0) and blocks (1) with :user_id on either side, declines since :cutoff."""
    user_id = bindparam("user_id")
    parts = [q.add_columns(literal_column("0")) for q in exclusion_selects(user_id, bindparam("cutoff"))]
    parts.append(blocks_of_select(user_id).add_columns(literal_column("1")))
    return union_all(*parts)


# Built once at import: the dashboard and the matches page run it on every request.
_INVOLVING = _involving_statement()


def _involving(user_id: int) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(exclusions, blocked) as ``_exclusions()`` and ``_blocked()``, but only the pairs with
    ``user_id`` on either side (all a single person's suggestions need): one query per request."""
    def load():
        exclusions, blocked = set(), set()
        for a, b, is_block in db.session.execute(_INVOLVING, {"user_id": user_id, "cutoff": decline_cutoff()}):
            if is_block:
                blocked |= {(a, b), (b, a)}
            else:
                exclusions.add((a, b))
        return exclusions, blocked

    return _per_request(f"involving:{user_id}", load)


def _excluded_mentor_rows(index: MatchIndex, learner_user_id: int, exclusions=None, blocked=None) -> set[int]:
    """Mentor rows a learner must not be offered: self, already paired or recently declined, blocked."""
    exclusions = _exclusions() if exclusions is None else exclusions
    blocked = _blocked() if blocked is None else blocked
    out = set()
    row = index.mentor_row.get(learner_user_id)
    if row is not None:
        out.add(row)
    for a, b in exclusions:
        if a == learner_user_id and b in index.mentor_row:
            out.add(index.mentor_row[b])
    for a, b in blocked:
        if a == learner_user_id and b in index.mentor_row:
            out.add(index.mentor_row[b])
    return out


def _windows_text(index: MatchIndex, slots: list[int], tz: str) -> list[str]:
    out = []
    for start, end in slot_intervals(index, slots):
        a, b = to_zone(start, tz), to_zone(end, tz)
        end_text = b.strftime("%H:%M") if b.date() == a.date() else b.strftime("%a %H:%M")
        out.append(f"{a.strftime('%a %H:%M')}–{end_text}")
    return out


def _users(ids) -> dict[int, User]:
    ids = [int(i) for i in ids]
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _names(index: MatchIndex, cols, kind: str = "skill") -> list[str]:
    names = index.skill_names if kind == "skill" else index.domain_names
    return [names.get(int(c), "?") for c in cols]


def _mentor_suggestion(index: MatchIndex, i: int, j: int, viewer_tz: str, user: User | None,
                       for_mentor: bool = False) -> Suggestion:
    e = index.remember(("mentor", i, j), lambda: index.scorer.explain_mentor(i, j))
    reason_fn = reasons.learner_reason if for_mentor else reasons.mentor_reason
    return Suggestion(
        score=e.total, components=e.components, weighted=e.weighted,
        reason=reason_fn(e, index.skill_names, index.domain_names), user=user,
        teach_skills=_names(index, [s for s, _, _ in e.teachable_skills]),
        shared_skills=_names(index, e.shared_skills), shared_domains=_names(index, e.shared_domains, "domain"),
        overlap_hours=round(e.overlap_hours, 1), overlap_windows=_windows_text(index, e.overlap_slots, viewer_tz),
        activity=e.activity,
    )


def _learner_row(index: MatchIndex, user: User) -> int | None:
    row = index.learner_row.get(user.id)
    if row is None:
        return None
    return row


def _fresh_index() -> MatchIndex | None:
    return get_index()


def index_ready() -> bool:
    """Whether a build is published (before the scheduler's first build matches are being prepared)."""
    return get_index() is not None


def mentor_empty_reason(user: User, domain: str | None = None, min_overlap=None) -> str:
    """Why a learner sees no mentor: "profile" (it lacks what matching needs), "preparing" (no
    build published yet), "filters" (a filter is set) or "no_mentor" (nobody with free places fits)."""
    if not is_ready(user):
        return "profile"
    if not index_ready():
        return "preparing"
    if domain or min_overlap not in (None, ""):
        return "filters"
    return "no_mentor"


def _require_index() -> MatchIndex:
    index = get_index()
    if index is None:
        raise Conflict("Matches are being prepared: the first match index is not published yet. Try again in a minute.")
    return index


def _top_k(k: int | None) -> int:
    k = cfg("MATCH_TOP_K") if k is None else int(k)
    if k < 1 or k > cfg("MATCH_TOP_K_MAX"):
        raise ValidationError(f"Choose between 1 and {cfg('MATCH_TOP_K_MAX')} suggestions.", field="top")
    return k


# ---- what a learner sees -------------------------------------------------------------------------


def _learner_facts(user: User) -> dict[str, bool] | None:
    """Whether the learner profile has wanted skills, skills, free time and fields; None without
    a profile. From the index (current up to this request: no query) once one is published."""
    index = _fresh_index()
    if index is not None:
        i = index.learner_row.get(user.id)
        return None if i is None else index.scorer.learner_facts(i)
    from ..profiles.services import learner_profile_of, windows_of

    profile = learner_profile_of(user)
    if profile is None:
        return None
    return {"wanted": bool(profile.wanted_skills), "skills": bool(profile.skills), "free_time": bool(windows_of(user)),
            "domains": bool(profile.domains)}


def profile_gaps(user: User) -> list[str]:
    """What the person should fill in before matches make sense (empty list: ready)."""
    facts = _learner_facts(user)
    if facts is None:
        return ["Create your learner profile: the skills you have and the ones you want to learn."]
    gaps = []
    if not facts["wanted"]:
        gaps.append("Add at least one skill you want to learn; matching is built around it.")
    if not facts["skills"]:
        gaps.append("Add the skills you already have, with your level, so suggestions start where you are.")
    if not facts["free_time"]:
        gaps.append("Add your weekly free time, so we can find mentors awake when you are.")
    if not facts["domains"]:
        gaps.append("Pick the fields you care about (for example NLP or computer vision).")
    return gaps


def is_ready(user: User) -> bool:
    """A learner needs a profile with wanted skills before matches are shown."""
    facts = _learner_facts(user)
    return facts is not None and facts["wanted"]


def _parse_filters(domain: str | None, min_overlap) -> tuple[int | None, float]:
    from ..profiles.models import Domain

    domain_id = None
    if domain:
        d = db.session.scalar(select(Domain).where(Domain.slug == domain))
        if d is None:
            raise ValidationError("Choose a field from the list.", field="domain")
        domain_id = d.id
    hours = 0.0
    if min_overlap not in (None, ""):
        try:
            hours = float(min_overlap)
        except (TypeError, ValueError):
            raise ValidationError("Minimum overlap must be a number of hours.", field="min_overlap") from None
        if not 0 <= hours <= 168:
            raise ValidationError("Minimum overlap must be between 0 and 168 hours a week.", field="min_overlap")
    return domain_id, hours


def mentor_matches(actor: User, user: User | None = None, k: int | None = None, domain: str | None = None,
                   min_overlap=None) -> list[Suggestion]:
    """The best mentors for ``user`` (default: the actor), explained, after the hard filters."""
    user = user or actor
    _require_self_or_admin(actor, user)
    k = _top_k(k)
    domain_id, hours = _parse_filters(domain, min_overlap)
    index = _fresh_index()
    i = _learner_row(index, user) if index is not None else None
    if i is None or not index.scorer.has_wanted(i):
        return []
    s = index.scorer
    mask = np.ones(s.n_mentors, bool)
    if domain_id is not None:
        col = index.domain_column(domain_id)
        mask &= s.mentors_in_domain(col) if col is not None else False
    if hours > 0:
        mask &= s.overlap_hours(i) >= hours
    ranked = s.top_mentors(i, k, exclude=_excluded_mentor_rows(index, user.id, *_involving(user.id)),
                           min_score=cfg("MATCH_MIN_SCORE"), mask=mask)
    users = _users(index.mentor_users[ranked.index])
    tz = actor.timezone or "UTC"
    return [_mentor_suggestion(index, i, int(j), tz, users.get(int(index.mentor_users[j])))
            for j in ranked.index if int(index.mentor_users[j]) in users]


def _owned_ids(index: MatchIndex, user: User) -> set[int]:
    return {int(p) for p in index.project_ids[index.project_owner == user.id]}


def _project_exclusions(index: MatchIndex, user: User) -> set[int]:
    """Projects not to suggest: owned (from the index), joined, or already applied to (pending
    or accepted): one query."""
    from ..projects.models import ProjectApplication, ProjectMember

    taken = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id).union(
        select(ProjectApplication.project_id).where(ProjectApplication.user_id == user.id,
                                                    ProjectApplication.status.in_(("pending", "accepted"))))
    return _owned_ids(index, user) | set(db.session.scalars(taken))


def _project_suggestion(index: MatchIndex, i: int, p: int, project) -> Suggestion:
    e = index.remember(("project", i, p), lambda: index.scorer.explain_project(i, p))
    return Suggestion(
        score=e.total, components=e.components, weighted=e.weighted,
        reason=reasons.project_reason(e, index.skill_names, index.domain_names), project=project,
        teach_skills=_names(index, [s for s, _, _ in e.teachable_skills]),
        shared_skills=_names(index, e.shared_skills),
        missing_skills=_names(index, [s for s, _, _ in e.missing_skills]),
        shared_domains=_names(index, e.shared_domains, "domain"),
    )


def project_matches(actor: User, user: User | None = None, k: int | None = None,
                    domain: str | None = None) -> list[Suggestion]:
    user = user or actor
    _require_self_or_admin(actor, user)
    k = _top_k(k)
    domain_id, _ = _parse_filters(domain, None)
    index = _fresh_index()
    i = _learner_row(index, user) if index is not None else None
    if i is None or index.scorer.n_projects == 0:
        return []
    s = index.scorer
    mask = np.ones(s.n_projects, bool)
    if domain_id is not None:
        col = index.domain_column(domain_id)
        mask &= s.projects_in_domain(col) if col is not None else False
    exclude = {index.project_row[p] for p in _project_exclusions(index, user) if p in index.project_row}
    ranked = s.top_projects(i, k, exclude=exclude, min_score=cfg("MATCH_MIN_SCORE"), mask=mask)
    from ..projects.models import Project

    ids = [int(index.project_ids[p]) for p in ranked.index]
    projects = {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))} if ids else {}
    return [_project_suggestion(index, i, int(p), projects[int(index.project_ids[p])])
            for p in ranked.index if int(index.project_ids[p]) in projects]


def project_scores_for(user: User) -> dict[int, float]:
    """Project id -> match score (0..1) for this learner; empty without a learner profile.
    The projects list sorts by it for ``?sort=match``."""
    if user is None or not getattr(user, "is_authenticated", True):
        return {}
    index = _fresh_index()
    i = _learner_row(index, user) if index is not None else None
    if i is None or index.scorer.n_projects == 0:
        return {}
    scores = index.scorer.project_scores(i)
    return {int(pid): round(float(v), 4) for pid, v in zip(index.project_ids, scores)}


# ---- what a mentor and a project owner see --------------------------------------------------------


def _ranked_learners(actor: User, k: int | None):
    """(index, mentor row, ranked learner rows) for suggested_learners; None without a mentor profile."""
    k = _top_k(k)
    index = _fresh_index()
    j = index.mentor_row.get(actor.id) if index is not None else None
    if j is None:
        return None
    s = index.scorer
    eligible = index.learner_active & s.learners_wanting()
    exclude = set()
    if actor.id in index.learner_row:
        exclude.add(index.learner_row[actor.id])
    exclusions, blocked = _involving(actor.id)
    for a, b in exclusions | blocked:
        if b == actor.id and a in index.learner_row:
            exclude.add(index.learner_row[a])
    return index, j, s.top_learners_for_mentor(j, k, eligible=eligible, exclude=exclude,
                                               min_score=cfg("MATCH_MIN_SCORE"))


def suggested_learner_count(actor: User, k: int | None = None) -> int:
    """How many learners ``suggested_learners`` lists, without loading them (the index is
    current up to this request, so every ranked row is a person who exists)."""
    found = _ranked_learners(actor, k)
    return 0 if found is None else len(found[2].index)


def suggested_learners(actor: User, k: int | None = None) -> list[Suggestion]:
    """Learners a mentor could help most; empty when the actor has no mentor profile."""
    found = _ranked_learners(actor, k)
    if found is None:
        return []
    index, j, ranked = found
    users = _users(index.learner_users[ranked.index])
    tz = actor.timezone or "UTC"
    return [_mentor_suggestion(index, int(i), j, tz, users.get(int(index.learner_users[i])), for_mentor=True)
            for i in ranked.index if int(index.learner_users[i]) in users]


def suggested_contributors(actor: User, project_id: int, k: int | None = None) -> tuple[object, list[Suggestion]]:
    """Learners who fit a project, for its owner (or an admin)."""
    from ..projects.models import Project, ProjectApplication, ProjectMember

    k = _top_k(k)
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound("No such project.")
    if actor.id != project.owner_id and not actor.is_admin:
        raise PermissionDenied("Only the project's owner sees suggested contributors.")
    index = _fresh_index()
    p = index.project_row.get(project.id) if index is not None else None
    if p is None:
        return project, []
    s = index.scorer
    taken = {project.owner_id}
    taken |= set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)))
    taken |= set(db.session.scalars(select(ProjectApplication.user_id).where(ProjectApplication.project_id == project.id)))
    blocked = {a for a, b in _blocked() if b == project.owner_id}
    exclude = {index.learner_row[u] for u in taken | blocked if u in index.learner_row}
    eligible = index.learner_active.copy()
    ranked = s.top_learners_for_project(p, k, eligible=eligible, exclude=exclude, min_score=cfg("MATCH_MIN_SCORE"))
    users = _users(index.learner_users[ranked.index])
    out = []
    for i in ranked.index:
        u = users.get(int(index.learner_users[i]))
        if u is None:
            continue
        sug = _project_suggestion(index, int(i), p, project)
        sug.user = u
        sug.reason = reasons.contributor_reason(sug.teach_skills, sug.missing_skills,
                                                 sug.components.get("readiness", 0))
        out.append(sug)
    return project, out


# ---- cohort rounds --------------------------------------------------------------------------------


@dataclass
class PlannedPair:
    learner: User
    mentor: User | None
    score: float
    reason: str


def unmatched_learner_ids() -> list[int]:
    """Active learners with a wanted skill and no active mentorship and no open request."""
    index = _require_index()
    exclusions = _exclusions()
    from ..mentoring.models import Mentorship

    busy = set(db.session.scalars(select(Mentorship.learner_id).where(Mentorship.status == "active")))
    busy |= {a for a, _ in exclusions}
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
    min_score = cfg("MATCH_COHORT_MIN_SCORE") if min_score is None else float(min_score)
    if learner_ids is None:
        learner_ids = unmatched_learner_ids()
    learner_ids = [u for u in dict.fromkeys(int(x) for x in learner_ids) if u in index.learner_row]
    if len(learner_ids) > cfg("MATCH_COHORT_MAX_LEARNERS"):
        raise ValidationError(f"A round takes at most {cfg('MATCH_COHORT_MAX_LEARNERS')} learners.")
    if not learner_ids:
        return []
    rows = np.array([index.learner_row[u] for u in learner_ids], dtype=np.int64)
    exclusions, blocked = _exclusions(), _blocked()
    exclude = {int(r): _excluded_mentor_rows(index, u, exclusions, blocked) for r, u in zip(rows, learner_ids)}
    k = cfg("MATCH_COHORT_CANDIDATES")
    idx, sc = index.scorer.top_mentors_all(k, chunk=cfg("MATCH_BATCH_CHUNK"), rows=rows, exclude=exclude,
                                           progress=progress)
    r, c, v = candidate_edges(idx, sc, min_score)
    free = np.where(index.scorer.m_eligible, np.maximum(0, index.mentor_capacity - index.mentor_load), 0)
    result = assign(len(rows), free, r, c, v, min_score=min_score)
    users = _users(set(learner_ids) | {int(index.mentor_users[j]) for j in result.mentor if j >= 0})
    out = []
    for n, (u, j, score) in enumerate(zip(learner_ids, result.mentor, result.score)):
        mentor = users.get(int(index.mentor_users[j])) if j >= 0 else None
        reason = ""
        if mentor is not None:
            e = index.scorer.explain_mentor(int(rows[n]), int(j))
            reason = reasons.mentor_reason(e, index.skill_names, index.domain_names)
        out.append(PlannedPair(learner=users[u], mentor=mentor, score=float(score), reason=reason))
    return out


def create_round(actor: User, learner_ids: list[int] | None = None, min_score: float | None = None,
                 note: str = "", progress=None) -> CohortRound:
    _require_admin(actor)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError("Keep the note under 200 characters.", field="note")
    plan = plan_cohort(learner_ids, min_score, progress)
    if not plan:
        raise ValidationError("There are no learners to match: each needs a learner profile with a wanted skill.")
    rnd = CohortRound(created_by_id=actor.id, status="draft", learner_count=len(plan), note=note,
                      min_score=cfg("MATCH_COHORT_MIN_SCORE") if min_score is None else float(min_score))
    db.session.add(rnd)
    db.session.flush()
    for p in plan:
        db.session.add(CohortPair(round_id=rnd.id, learner_id=p.learner.id,
                                  mentor_id=p.mentor.id if p.mentor else None, score=round(p.score, 4),
                                  reason=p.reason[:300], status="proposed" if p.mentor else "unmatched"))
    db.session.commit()
    return rnd


def learner_ids_from_emails(actor: User, text: str | None) -> list[int] | None:
    """Parse the admin's list of learner addresses; None (empty list) means every unmatched learner."""
    _require_admin(actor)
    emails = [e.strip().lower() for e in (text or "").replace(",", "\n").splitlines() if e.strip()]
    if not emails:
        return None
    if len(emails) > cfg("MATCH_COHORT_MAX_LEARNERS"):
        raise ValidationError(f"A round takes at most {cfg('MATCH_COHORT_MAX_LEARNERS')} learners.", field="emails")
    from sqlalchemy import func

    found = dict(db.session.execute(select(func.lower(User.email), User.id)
                                    .where(func.lower(User.email).in_(emails))).all())
    missing = [e for e in emails if e not in found]
    if missing:
        raise ValidationError(f"No account with the address {missing[0]}.", field="emails")
    return [found[e] for e in emails]


def round_people(rnd: CohortRound) -> dict[int, User]:
    return _users({p.learner_id for p in rnd.pairs} | {p.mentor_id for p in rnd.pairs if p.mentor_id})


def round_of_pair(actor: User, pair_id: int) -> CohortRound:
    _require_admin(actor)
    pair = db.session.get(CohortPair, pair_id)
    if pair is None:
        raise NotFound("No such pair.")
    return pair.round


def owned_projects(user: User) -> list:
    from ..projects.models import Project

    index = _fresh_index()
    if index is not None and not _owned_ids(index, user):
        return []  # the index is current up to this request: no query for the many who own none
    return list(db.session.scalars(select(Project).where(Project.owner_id == user.id).order_by(Project.title)))


def get_round(actor: User, round_id: int) -> CohortRound:
    _require_admin(actor)
    rnd = db.session.get(CohortRound, round_id)
    if rnd is None:
        raise NotFound("No such matching round.")
    return rnd


def list_rounds(actor: User) -> list[CohortRound]:
    _require_admin(actor)
    return list(db.session.scalars(select(CohortRound).order_by(CohortRound.id.desc()).limit(50)))


def _draft_pair(actor: User, pair_id: int) -> CohortPair:
    _require_admin(actor)
    pair = db.session.get(CohortPair, pair_id)
    if pair is None:
        raise NotFound("No such pair.")
    if pair.round.status != "draft":
        raise Conflict("This round is no longer a draft.")
    return pair


def remove_pair(actor: User, pair_id: int) -> CohortPair:
    pair = _draft_pair(actor, pair_id)
    if pair.status != "proposed":
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
    if a.status != "proposed" or b.status != "proposed":
        raise ValidationError("Only proposed pairs can be swapped.", field="other")
    index = _require_index()
    exclusions, blocked = _exclusions(), _blocked()
    for learner, mentor in ((a.learner_id, b.mentor_id), (b.learner_id, a.mentor_id)):
        if learner == mentor or (learner, mentor) in exclusions or (learner, mentor) in blocked:
            raise ValidationError("That swap would pair people who must not be matched.", field="other")
    a.mentor_id, b.mentor_id = b.mentor_id, a.mentor_id
    for pair in (a, b):
        i, j = index.learner_row.get(pair.learner_id), index.mentor_row.get(pair.mentor_id)
        if i is not None and j is not None:
            e = index.scorer.explain_mentor(i, j)
            pair.score = round(e.total, 4)
            pair.reason = reasons.mentor_reason(e, index.skill_names, index.domain_names)[:300]
    db.session.commit()
    return a, b


def discard_round(actor: User, round_id: int) -> CohortRound:
    rnd = get_round(actor, round_id)
    res = db.session.execute(update(CohortRound).where(CohortRound.id == rnd.id, CohortRound.status == "draft")
                             .values(status="discarded"))
    if res.rowcount != 1:
        db.session.rollback()
        raise Conflict("This round is no longer a draft.")
    db.session.commit()
    return rnd


def approve_round(actor: User, round_id: int) -> dict[str, int]:
    """Every proposed pair becomes a mentorship offer the mentor confirms. Runs once per round."""
    rnd = get_round(actor, round_id)
    res = db.session.execute(update(CohortRound).where(CohortRound.id == rnd.id, CohortRound.status == "draft")
                             .values(status="approved", approved_at=utcnow()))
    if res.rowcount != 1:
        db.session.rollback()
        raise Conflict("This round was already approved or discarded.")
    db.session.commit()
    from ..mentoring.services import create_match_offer

    offered = skipped = 0
    pairs = list(db.session.scalars(select(CohortPair).where(CohortPair.round_id == rnd.id,
                                                             CohortPair.status == "proposed")))
    for pair in pairs:
        learner, mentor = db.session.get(User, pair.learner_id), db.session.get(User, pair.mentor_id)
        try:
            req = create_match_offer(actor, learner, mentor, pair.reason)
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


# ---- personal data ------------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    pairs = db.session.scalars(select(CohortPair).where(
        (CohortPair.learner_id == user.id) | (CohortPair.mentor_id == user.id)))
    return {"cohort_pairs": [{"round": p.round_id, "learner_id": p.learner_id, "mentor_id": p.mentor_id,
                              "score": p.score, "reason": p.reason, "status": p.status} for p in pairs]}


def erase_user_data(user: User) -> None:
    for pair in db.session.scalars(select(CohortPair).where(
            (CohortPair.learner_id == user.id) | (CohortPair.mentor_id == user.id))):
        db.session.delete(pair)
