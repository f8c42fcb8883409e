"""A person's suggestions, explained: mentors and projects for a learner, learners for a mentor,
contributors for a project. Read from the published index plus its deltas (matching/index.py)
after the hard filters (matching/filters.py); no request builds an index, so before the first
build is published these lists are empty (matching/queries.py ``index_ready``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..accounts.models import User
from ..accounts.queries import users_by_id
from ..errors import NotFound, ValidationError
from ..profiles.queries import domain_id_by_slug
from ..projects.queries import (
    people_on_project,
    project_by_id,
    projects_by_id,
    projects_joined_or_applied,
)
from ..projects.rules import can_see_contributors
from ..timeutil import to_zone
from ..validation import integer, setting
from . import reasons, twosided
from .filters import blocked, excluded_mentor_rows, involving
from .index import MatchIndex, get_index, slot_intervals
from .rules import can_see_matches, require

HOURS_A_WEEK = 168


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
    also_knows: list[str] = field(default_factory=list)
    close_skills: list[str] = field(default_factory=list)  # "TensorFlow (close to PyTorch)"
    reachable: bool = True
    shared_skills: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)
    shared_domains: list[str] = field(default_factory=list)
    overlap_hours: float = 0.0
    overlap_windows: list[str] = field(default_factory=list)
    activity: float = 1.0
    acceptance: float | None = None  # the estimated chance the mentor accepts (matching/twosided.py)

    def as_dict(self) -> dict:
        out = {
            "score": round(self.score, 4),
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "reason": self.reason,
            "teach_skills": self.teach_skills,
            "also_knows": self.also_knows,
            "close_skills": self.close_skills,
            "shared_skills": self.shared_skills,
            "missing_skills": self.missing_skills,
            "shared_domains": self.shared_domains,
            "overlap_hours": self.overlap_hours,
            "overlap_windows": self.overlap_windows,
        }
        if self.acceptance is not None:
            out["acceptance"] = round(self.acceptance, 3)
        if self.user is not None:
            out["user"] = {"id": self.user.id, "name": self.user.display_name, "email": self.user.email}
        if self.project is not None:
            out["project"] = {"id": self.project.id, "title": self.project.title}
        return out


# ---- helpers ---------------------------------------------------------------------------------


def _windows_text(index: MatchIndex, slots: list[int], tz: str) -> list[str]:
    out = []
    for start, end in slot_intervals(index, slots):
        a, b = to_zone(start, tz), to_zone(end, tz)
        end_text = b.strftime("%H:%M") if b.date() == a.date() else b.strftime("%a %H:%M")
        out.append(f"{a.strftime('%a %H:%M')}–{end_text}")
    return out


def _names(index: MatchIndex, cols, kind: str = "skill") -> list[str]:
    names = index.skill_names if kind == "skill" else index.domain_names
    return [names.get(int(c), "?") for c in cols]


def _mentor_suggestion(index: MatchIndex, i: int, j: int, viewer_tz: str, user: User | None,
                       for_mentor: bool = False) -> Suggestion:
    e = index.remember(("mentor", i, j), lambda: index.scorer.explain_mentor(i, j))
    reason_fn = reasons.learner_reason if for_mentor else reasons.mentor_reason
    return Suggestion(
        score=e.total - e.tier, components=e.components, weighted=e.weighted,
        reason=reason_fn(e, index.skill_names, index.domain_names), user=user,
        teach_skills=_names(index, [s for s, _, _ in e.teachable_skills]),
        also_knows=_names(index, [s for s, _, _ in e.also_knows]),
        close_skills=[f"{index.skill_names.get(r, '?')} (close to {index.skill_names.get(s, '?')})"
                      for s, r in e.related_skills],
        reachable=e.reachable,
        shared_skills=_names(index, e.shared_skills), shared_domains=_names(index, e.shared_domains, "domain"),
        overlap_hours=round(e.overlap_hours, 2), overlap_windows=_windows_text(index, e.overlap_slots, viewer_tz),
        activity=e.activity,
    )


def _project_suggestion(index: MatchIndex, i: int, p: int, project) -> Suggestion:
    e = index.remember(("project", i, p), lambda: index.scorer.explain_project(i, p))
    return Suggestion(
        score=e.total - e.tier, components=e.components, weighted=e.weighted,
        reason=reasons.project_reason(e, index.skill_names, index.domain_names), project=project,
        teach_skills=_names(index, [s for s, _, _ in e.teachable_skills]),
        shared_skills=_names(index, e.shared_skills),
        missing_skills=_names(index, [s for s, _, _ in e.missing_skills]),
        shared_domains=_names(index, e.shared_domains, "domain"),
    )


def _top_k(k: int | None) -> int:
    k = setting("MATCH_TOP_K") if k is None else int(k)
    if k < 1 or k > setting("MATCH_TOP_K_MAX"):
        raise ValidationError(f"Choose between 1 and {setting('MATCH_TOP_K_MAX')} suggestions.", field="top")
    return k


def _parse_filters(domain: str | None, min_overlap) -> tuple[int | None, float]:
    domain_id = None
    if domain:
        domain_id = domain_id_by_slug(domain)
        if domain_id is None:
            raise ValidationError("Choose a field from the list.", field="domain")
    hours = 0.0
    if min_overlap not in (None, ""):
        try:
            hours = float(min_overlap)
        except (TypeError, ValueError):
            raise ValidationError("Minimum overlap must be a number of hours.", field="min_overlap") from None
        if not 0 <= hours <= HOURS_A_WEEK:
            raise ValidationError(f"Minimum overlap must be between 0 and {HOURS_A_WEEK} hours a week.",
                                  field="min_overlap")
    return domain_id, hours


# ---- what a learner sees -------------------------------------------------------------------------


def mentor_matches(actor: User, user: User | None = None, k: int | None = None, domain: str | None = None,
                   min_overlap=None) -> list[Suggestion]:
    """The best mentors for ``user`` (default: the actor), explained, after the hard filters."""
    user = user or actor
    require(can_see_matches(actor, user))
    k = _top_k(k)
    domain_id, hours = _parse_filters(domain, min_overlap)
    index = get_index()
    i = index.learner_row.get(user.id) if index is not None else None
    if i is None or not index.scorer.has_wanted(i):
        return []
    s = index.scorer
    mask = np.ones(s.n_mentors, bool)
    if domain_id is not None:
        col = index.domain_column(domain_id)
        mask &= s.mentors_in_domain(col) if col is not None else False
    if hours > 0:
        mask &= s.overlap_hours(i) >= hours
    rows, chance = twosided.top_mentors(index, i, user.id, k,
                                        excluded_mentor_rows(index, user.id, *involving(user.id)),
                                        setting("MATCH_MIN_SCORE"), mask)
    users = users_by_id(index.mentor_users[rows])
    tz = actor.timezone or "UTC"
    return [_two_sided(_mentor_suggestion(index, i, j, tz, users.get(int(index.mentor_users[j]))),
                       chance.get(int(index.mentor_users[j])))
            for j in rows if int(index.mentor_users[j]) in users]


def _two_sided(s: Suggestion, c: twosided.Chance | None) -> Suggestion:
    """The suggestion with the mentor's chance to accept, and its sentence in the reason."""
    if c is not None:
        s.acceptance = c.value
        said = twosided.sentence(s.user.display_name, c)
        s.reason = f"{s.reason} {said}".strip() if said else s.reason
    return s


def reach_note(mentors: list[Suggestion]) -> str | None:
    """The page's note when none of the suggested mentors who can teach shares an hour of free time."""
    return reasons.no_reachable_note([m.reachable for m in mentors], [bool(m.teach_skills) for m in mentors])


def mentor_match_page(actor: User, page, domain: str | None = None,
                      min_overlap=None) -> tuple[list[Suggestion], int, int, bool]:
    """Page ``page`` (from 1, as typed) of the actor's mentor matches, MATCH_TOP_K a page up to
    MATCH_TOP_K_MAX in all: (the page's suggestions, the page, the rank of its first, whether more follow)."""
    per, most = setting("MATCH_TOP_K"), setting("MATCH_TOP_K_MAX")
    page = integer(page or "1", field="page", label="page", low=1, high=max(1, -(-most // per)))
    upto = min(per * page, most)
    found = mentor_matches(actor, k=min(upto + 1, most), domain=domain, min_overlap=min_overlap)
    return found[per * (page - 1):upto], page, per * (page - 1) + 1, len(found) > upto


def _project_exclusions(index: MatchIndex, user: User) -> set[int]:
    """Projects not to suggest: owned (from the index), joined, or already applied to (pending
    or accepted): one query."""
    owned = {int(p) for p in index.project_ids[index.project_owner == user.id]}
    return owned | projects_joined_or_applied(user.id)


def project_matches(actor: User, user: User | None = None, k: int | None = None,
                    domain: str | None = None) -> list[Suggestion]:
    user = user or actor
    require(can_see_matches(actor, user))
    k = _top_k(k)
    domain_id, _ = _parse_filters(domain, None)
    index = get_index()
    i = index.learner_row.get(user.id) if index is not None else None
    if i is None or index.scorer.n_projects == 0:
        return []
    s = index.scorer
    mask = np.ones(s.n_projects, bool)
    if domain_id is not None:
        col = index.domain_column(domain_id)
        mask &= s.projects_in_domain(col) if col is not None else False
    exclude = {index.project_row[p] for p in _project_exclusions(index, user) if p in index.project_row}
    ranked = s.top_projects(i, k, exclude=exclude, min_score=setting("MATCH_MIN_SCORE"), mask=mask)
    projects = projects_by_id(int(index.project_ids[p]) for p in ranked.index)
    return [_project_suggestion(index, i, int(p), projects[int(index.project_ids[p])])
            for p in ranked.index if int(index.project_ids[p]) in projects]


# ---- what a mentor and a project's people see ------------------------------------------------------


def _ranked_learners(actor: User, k: int | None):
    """(index, mentor row, ranked learner rows) for suggested_learners; None without a mentor profile."""
    k = _top_k(k)
    index = get_index()
    j = index.mentor_row.get(actor.id) if index is not None else None
    if j is None:
        return None
    s = index.scorer
    eligible = index.learner_active & s.learners_wanting()
    exclude = set()
    if actor.id in index.learner_row:
        exclude.add(index.learner_row[actor.id])
    excluded, blocks = involving(actor.id)
    for a, b in excluded | blocks:
        if b == actor.id and a in index.learner_row:
            exclude.add(index.learner_row[a])
    return index, j, s.top_learners_for_mentor(j, k, eligible=eligible, exclude=exclude,
                                               min_score=setting("MATCH_MIN_SCORE"))


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
    users = users_by_id(index.learner_users[ranked.index])
    tz = actor.timezone or "UTC"
    return [_mentor_suggestion(index, int(i), j, tz, users.get(int(index.learner_users[i])), for_mentor=True)
            for i in ranked.index if int(index.learner_users[i]) in users]


def suggested_contributors(actor: User, project_id: int, k: int | None = None) -> tuple[object, list[Suggestion]]:
    """Learners who fit a project, for its owner, its champion or an admin."""
    k = _top_k(k)
    project = project_by_id(project_id)
    if project is None:
        raise NotFound("No such project.")
    require(can_see_contributors(actor, project))
    index = get_index()
    p = index.project_row.get(project.id) if index is not None else None
    if p is None:
        return project, []
    taken = people_on_project(project)
    blocks = {a for a, b in blocked() if b == project.owner_id}
    exclude = {index.learner_row[u] for u in taken | blocks if u in index.learner_row}
    ranked = index.scorer.top_learners_for_project(p, k, eligible=index.learner_active.copy(), exclude=exclude,
                                                   min_score=setting("MATCH_MIN_SCORE"))
    users = users_by_id(index.learner_users[ranked.index])
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
