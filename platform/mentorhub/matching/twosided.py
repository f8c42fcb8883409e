"""Two-sided matches: a learner's mentor ranking weighs the chance that the mentor accepts.

The chance comes from what the mentor said and what they did:
  rate      the mentor's share of accepted requests (accepted / answered or expired), smoothed
            towards an even chance with MATCH_ACCEPT_PRIOR pseudo-decisions, then the same share
            for learners at this learner's roadmap stage, smoothed towards the mentor's rate;
  wishes    each preference the mentor stated (learner stages, fields, languages they mentor
            in) that this learner misses multiplies it by MATCH_ACCEPT_MISS.
A pair's score becomes score * (1 - A + A * chance), A = MATCH_ACCEPT_WEIGHT (0 turns it off).
The factor grows with the chance, and no mentor's chance exceeds the highest any mentor can
have for any learner (``best_chance``: from every mentor's answers, one query per index), so
re-ranking the best raw scores is exact once the k-th adjusted score is at least the best raw
score left out times that best factor; ``top_mentors`` widens the pool until it is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import match_events
from ..profiles.match_rows import decision_counts, two_sided_rows
from ..validation import setting

POOL_MIN, POOL_MAX = 30, 2000


@dataclass
class Chance:
    value: float
    stage_wish: bool | None = None  # the mentor prefers this learner's stage (None: no stage preference)
    stage_accepted: int = 0  # learners at this stage the mentor accepted before
    language: str | None = None  # a language both speak (when the mentor named theirs)
    missed: tuple[str, ...] = ()  # preferences the learner misses: "stage", "field", "language"


NO_WISHES = (set(), set(), set())


def _facts(index, learner_id: int, mentor_ids: list[int]) -> tuple[tuple, dict[int, tuple]]:
    """(the learner's (stage, fields, languages), mentor user id -> ((preferred stages, fields,
    languages), ((stage of a learner who asked, accepted), ...))).

    Kept in the index's memo: a new build or any change-log row (a profile saved, a request
    answered or expired: mentorhub/match_events.py records one) makes a new index, so they are never
    stale; only what is not remembered yet costs a query (one)."""
    learner = index.memo.get(("two-sided learner", learner_id))
    found = {m: index.memo.get(("two-sided mentor", m)) for m in mentor_ids}
    missing = [m for m, v in found.items() if v is None]
    if missing or learner is None:
        got, wishes, rows = two_sided_rows(learner_id if learner is None else None, missing)
        if learner is None:
            learner = index.remember(("two-sided learner", learner_id), lambda: got or (None, set(), set()))
        decided: dict[int, list] = {m: [] for m in missing}
        for mid, stage, kind in rows:
            decided[mid].append((stage, kind == match_events.REQUEST_ACCEPTED))
        for m in missing:
            found[m] = index.remember(("two-sided mentor", m), lambda m=m: (wishes.get(m, NO_WISHES),
                                                                           tuple(decided[m])))
    return learner, found


def _rate(accepted: int, answered: int, prior: float, towards: float) -> float:
    return (accepted + towards * prior) / (answered + prior)


def best_chance(index) -> float:
    """The highest chance any mentor has for any learner: an even chance (a mentor who never
    answered, a learner at an unseen stage: wishes only lower it) or a mentor's rate, overall or
    at one stage. Remembered with the index, which any recorded answer renews."""
    def compute() -> float:
        prior, totals, best = setting("MATCH_ACCEPT_PRIOR"), {}, 0.5
        rows = decision_counts()
        for mid, _stage, acc, dec in rows:
            a, d = totals.get(mid, (0, 0))
            totals[mid] = (a + acc, d + dec)
        for mid, _stage, acc, dec in rows:
            rate = _rate(*totals[mid], prior, 0.5)
            best = max(best, rate, _rate(acc, dec, prior, rate))
        return best
    return index.remember(("two-sided best chance",), compute)


def chances(index, learner_id: int, mentor_ids) -> dict[int, Chance]:
    """mentor user id -> Chance for this learner (one query at most, none once remembered)."""
    mentor_ids = [int(m) for m in mentor_ids]
    (stage, domains, languages), facts = _facts(index, learner_id, mentor_ids)
    prior, miss = setting("MATCH_ACCEPT_PRIOR"), setting("MATCH_ACCEPT_MISS")
    out = {}
    for mid in mentor_ids:
        (pref_stages, pref_domains, langs), decided = facts[mid]
        acc = sum(a for _, a in decided)
        dec = len(decided)
        acc_s = sum(a for s, a in decided if stage is not None and s == stage)
        dec_s = sum(1 for s, _ in decided if stage is not None and s == stage)
        rate = _rate(acc_s, dec_s, prior, _rate(acc, dec, prior, 0.5))
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


def top_mentors(index, i: int, learner_id: int, k: int, exclude, min_score: float,
                mask) -> tuple[list[int], dict[int, Chance]]:
    """The k best mentor rows for learner row i after weighing each mentor's chance to accept;
    (rows, mentor user id -> Chance). With MATCH_ACCEPT_WEIGHT 0 the raw ranking, no queries."""
    scorer, mentor_users = index.scorer, index.mentor_users
    weight = setting("MATCH_ACCEPT_WEIGHT")
    if weight <= 0:
        ranked = scorer.top_mentors(i, k, exclude=exclude, min_score=min_score, mask=mask)
        return [int(j) for j in ranked.index], {}
    pool = max(POOL_MIN, 3 * k)
    # No mentor left out can gain more than this (a wish missed multiplies by MATCH_ACCEPT_MISS: at
    # most 3 of them, and only a setting above 1 would raise the chance).
    most = factor(best_chance(index) * max(1.0, setting("MATCH_ACCEPT_MISS")) ** 3, weight)
    while True:
        ranked = scorer.top_mentors(i, pool + 1, exclude=exclude, min_score=min_score, mask=mask)
        rows, raw = ranked.index[:pool], ranked.score[:pool]
        found = chances(index, learner_id, mentor_users[rows])
        adjusted = np.array([s * factor(found[int(u)].value, weight) for s, u in zip(raw, mentor_users[rows])])
        order = np.lexsort((rows, -adjusted))[:k]
        left_out = ranked.score[pool] * most if len(ranked.index) > pool else -np.inf
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
