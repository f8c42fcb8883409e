"""Two-sided matches: a learner's mentor ranking weighs the chance that the mentor accepts.

The chance comes from what the mentor said and what they did:
  rate      the mentor's share of accepted requests (accepted / answered or expired), smoothed
            towards an even chance with MATCH_ACCEPT_PRIOR pseudo-decisions, then the same share
            for learners at this learner's roadmap stage, smoothed towards the mentor's rate;
  wishes    each preference the mentor stated (learner stages, fields, languages they mentor
            in) that this learner misses multiplies it by MATCH_ACCEPT_MISS.
A pair's score becomes score * (1 - A + A * chance), A = MATCH_ACCEPT_WEIGHT (0 turns it off).
The factor is at most 1, so re-ranking the best raw scores is exact once the k-th adjusted
score is at least the best raw score left out; ``top_mentors`` widens the pool until it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import outcomes
from ..profiles.queries import learner_preferences, mentor_preferences, stages_of
from ..validation import setting

POOL_MIN, POOL_MAX = 30, 2000


@dataclass
class Chance:
    value: float
    stage_wish: bool | None = None  # the mentor prefers this learner's stage (None: no stage preference)
    stage_accepted: int = 0  # learners at this stage the mentor accepted before
    language: str | None = None  # a language both speak (when the mentor named theirs)
    missed: tuple[str, ...] = ()  # preferences the learner misses: "stage", "field", "language"


def chances(learner_id: int, mentor_ids) -> dict[int, Chance]:
    """mentor user id -> Chance for this learner (four queries at most, whatever the pool)."""
    mentor_ids = [int(m) for m in mentor_ids]
    stage, domains, languages = learner_preferences(learner_id)
    wishes = mentor_preferences(mentor_ids)
    rows = outcomes.decisions(mentor_ids)
    stage_by = stages_of({lid for _, lid, _ in rows}) if rows else {}
    prior, miss = setting("MATCH_ACCEPT_PRIOR"), setting("MATCH_ACCEPT_MISS")
    tally: dict[int, list[int]] = {}  # mentor -> [accepted, decided, accepted at stage, decided at stage]
    for mid, lid, accepted in rows:
        t = tally.setdefault(mid, [0, 0, 0, 0])
        t[0] += accepted
        t[1] += 1
        if stage is not None and stage_by.get(lid) == stage:
            t[2] += accepted
            t[3] += 1
    out = {}
    for mid in mentor_ids:
        acc, dec, acc_s, dec_s = tally.get(mid, (0, 0, 0, 0))
        rate = (acc + 0.5 * prior) / (dec + prior)
        rate = (acc_s + rate * prior) / (dec_s + prior)
        pref_stages, pref_domains, langs = wishes.get(mid, (set(), set(), set()))
        missed = []
        if pref_stages and stage is not None and stage not in pref_stages:
            missed.append("stage")
        if pref_domains and domains and not (domains & pref_domains):
            missed.append("field")
        shared = sorted(langs & languages)
        if langs and languages and not shared:
            missed.append("language")
        out[mid] = Chance(value=rate * miss ** len(missed),
                          stage_wish=None if not pref_stages or stage is None else stage in pref_stages,
                          stage_accepted=acc_s, language=shared[0] if shared and langs else None,
                          missed=tuple(missed))
    return out


def factor(chance: float, weight: float) -> float:
    return 1.0 - weight + weight * chance


def top_mentors(scorer, i: int, learner_id: int, mentor_users: np.ndarray, k: int, exclude, min_score: float,
                mask) -> tuple[list[int], dict[int, Chance]]:
    """The k best mentor rows for learner row i after weighing each mentor's chance to accept;
    (rows, mentor user id -> Chance). With MATCH_ACCEPT_WEIGHT 0 the raw ranking, no queries."""
    weight = setting("MATCH_ACCEPT_WEIGHT")
    if weight <= 0:
        ranked = scorer.top_mentors(i, k, exclude=exclude, min_score=min_score, mask=mask)
        return [int(j) for j in ranked.index], {}
    pool = max(POOL_MIN, 3 * k)
    while True:
        ranked = scorer.top_mentors(i, pool + 1, exclude=exclude, min_score=min_score, mask=mask)
        rows, raw = ranked.index[:pool], ranked.score[:pool]
        found = chances(learner_id, mentor_users[rows])
        adjusted = np.array([s * factor(found[int(u)].value, weight) for s, u in zip(raw, mentor_users[rows])])
        order = np.lexsort((rows, -adjusted))[:k]
        left_out = ranked.score[pool] if len(ranked.index) > pool else -np.inf
        if len(order) < k or adjusted[order[-1]] >= left_out or pool >= POOL_MAX:
            return [int(rows[o]) for o in order], found
        pool *= 4


def sentence(name: str, c: Chance | None) -> str:
    """Why the mentor would say yes (or why perhaps not), for the explanation; "" for nothing to say."""
    if c is None:
        return ""
    first = (name or "This mentor").split()[0]
    if c.stage_wish:
        text = f"{first} mentors people at your stage"
    elif c.stage_accepted >= 2:
        text = f"{first} has taken on {c.stage_accepted} learners at your stage"
    elif c.missed:
        wants = {"stage": "people at other roadmap stages", "field": "people in other fields",
                 "language": "in other languages"}
        return f"{first} usually mentors {wants[c.missed[0]]}."
    else:
        text = ""
    if c.language:
        text = f"{text} and mentors in {c.language.title()}" if text else f"{first} mentors in {c.language.title()}"
    return f"{text}." if text else ""
