"""Reads about matching that views and other features call: whether matches can be shown, what
a learner should fill in first, and the projects list's match scores. From the published index
plus its deltas (matching/index.py), which is current up to this request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from .. import generations as changes
from ..actors import is_signed_in
from ..db import utcnow
from ..mentoring.queries import mentor_load_and_replies
from ..profiles.queries import learner_profile_of, mentor_headlines, windows_of
from ..projects.queries import projects_owned_by
from ..timeutil import humanize_delta, to_zone
from ..validation import setting
from . import store
from .index import get_index
from .reader import index_root


def published_build() -> tuple[int, int] | None:
    """Which build is published (one stat): part of every cached page's key, since matches,
    the dashboard and the projects list read it besides the database."""
    return store.pointer_stamp(index_root())


def index_ready() -> bool:
    """Whether a build is published (before the scheduler's first build matches are being prepared)."""
    return get_index() is not None


def _learner_facts(user) -> dict[str, bool] | None:
    """Whether the learner profile has wanted skills, skills, free time and fields; None without
    a profile. From the index (current up to this request: no query) once one is published."""
    index = get_index()
    if index is not None:
        i = index.learner_row.get(user.id)
        return None if i is None else index.scorer.learner_facts(i)
    profile = learner_profile_of(user)
    if profile is None:
        return None
    return {"wanted": bool(profile.wanted_skills), "skills": bool(profile.skills), "free_time": bool(windows_of(user)),
            "domains": bool(profile.domains)}


def profile_gaps(user) -> list[str]:
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


def is_ready(user) -> bool:
    """A learner needs a profile with wanted skills before matches are shown."""
    facts = _learner_facts(user)
    return facts is not None and facts["wanted"]


def mentor_empty_reason(user, domain: str | None = None, min_overlap=None) -> str:
    """Why a learner sees no mentor: "profile" (it lacks what matching needs), "preparing" (no
    build published yet), "filters" (a filter is set) or "no_mentor" (nobody with free places fits)."""
    if not is_ready(user):
        return "profile"
    if not index_ready():
        return "preparing"
    if domain or min_overlap not in (None, ""):
        return "filters"
    return "no_mentor"


def project_scores_for(user) -> dict[int, float]:
    """Project id -> match score (0..1) for this learner; empty for a visitor or without a learner
    profile. The projects list sorts by it for ``?sort=match``."""
    if not is_signed_in(user):
        return {}
    index = get_index()
    i = index.learner_row.get(user.id) if index is not None else None
    if i is None or index.scorer.n_projects == 0:
        return {}
    scores = index.scorer.project_scores(i)
    return {int(pid): round(float(v), 4) for pid, v in zip(index.project_ids, scores)}


def owned_projects(user) -> list:
    """The projects the person owns, for the links to their suggested contributors."""
    index = get_index()
    if index is not None and not (index.project_owner == user.id).any():
        return []  # the index is current up to this request: no query for the many who own none
    return projects_owned_by(user.id)


# ---- for operations ----


def index_status() -> dict | None:
    """The published build (id, change-log position, when built) and how many changes wait as
    a delta on top of it; None when nothing is published."""
    meta = store.published_meta(index_root())
    if meta is None:
        return None
    pending, _taxonomy = changes.pending(meta["seq"])
    return {"build_id": meta["build_id"], "seq": meta["seq"], "built_at": datetime.fromisoformat(meta["built_at"]),
            "pending_changes": pending}
@dataclass(frozen=True)
class MentorCardFacts:
    """What a match card says about a mentor beyond the score: for templates/matching/matches.html."""

    headline: str
    timezone: str
    local_time: str  # the mentor's clock now, "HH:MM"
    free_places: int
    median_response: str | None  # "5 hours"; None before they answered any request


def mentor_card_facts(user_ids) -> dict[int, MentorCardFacts]:
    """Headline, zone and local time, free places and median response time of each mentor, in
    three queries whatever the number of mentors."""
    ids = list(user_ids)
    if not ids:
        return {}
    profiles = mentor_headlines(ids)
    load = mentor_load_and_replies(ids, setting("MATCH_RESPONSE_SAMPLE"))
    now = utcnow()
    out = {}
    for uid, (headline, capacity, tz) in profiles.items():
        active, replies = load.get(uid, (0, []))
        out[uid] = MentorCardFacts(headline or "", tz or "UTC", to_zone(now, tz).strftime("%H:%M"),
                                   max(0, capacity - active), humanize_delta(median(replies)) if replies else None)
    return out
