"""The hard filters applied before any ranking: the person themselves, pairs already matched,
requested or recently declined (mentoring), and blocks (accounts). Each set is loaded at most
once per request (a page asks for mentors, projects and learners at once)."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import bindparam, literal_column, union_all

from ..accounts.queries import blocked_pairs, blocks_of_select
from ..db import db
from ..mentoring.queries import decline_cutoff, exclusion_selects, matching_exclusions
from .index import MatchIndex

Pairs = set[tuple[int, int]]


def per_request(name: str, load):
    """``load()`` once per request; every time outside one (commands, jobs, tests)."""
    if not has_request_context():
        return load()
    cache = g.setdefault("matching_cache", {})
    if name not in cache:
        cache[name] = load()
    return cache[name]


def blocked() -> Pairs:
    """Every blocked pair, both ways round."""
    return per_request("blocked", blocked_pairs)


def exclusions() -> Pairs:
    """Every (learner, mentor) pair not to suggest (see mentoring's exclusion_selects)."""
    return per_request("exclusions", matching_exclusions)


def _involving_statement():
    """The exclusions (0) and blocks (1) with :user_id on either side, declines since :cutoff."""
    user_id = bindparam("user_id")
    parts = [q.add_columns(literal_column("0")) for q in exclusion_selects(user_id, bindparam("cutoff"))]
    parts.append(blocks_of_select(user_id).add_columns(literal_column("1")))
    return union_all(*parts)


# Built once at import: the dashboard and the matches page run it on every request.
_INVOLVING = _involving_statement()


def involving(user_id: int) -> tuple[Pairs, Pairs]:
    """(exclusions, blocked) as ``exclusions()`` and ``blocked()``, but only the pairs with
    ``user_id`` on either side (all a single person's suggestions need): one query per request."""
    def load():
        excluded, blocks = set(), set()
        for a, b, is_block in db.session.execute(_INVOLVING, {"user_id": user_id, "cutoff": decline_cutoff()}):
            if is_block:
                blocks |= {(a, b), (b, a)}
            else:
                excluded.add((a, b))
        return excluded, blocks

    return per_request(f"involving:{user_id}", load)


def excluded_mentor_rows(index: MatchIndex, learner_user_id: int, excluded: Pairs | None = None,
                         blocks: Pairs | None = None) -> set[int]:
    """Mentor rows a learner must not be offered: self, already paired or recently declined, blocked."""
    excluded = exclusions() if excluded is None else excluded
    blocks = blocked() if blocks is None else blocks
    out = set()
    row = index.mentor_row.get(learner_user_id)
    if row is not None:
        out.add(row)
    for pairs in (excluded, blocks):
        for a, b in pairs:
            if a == learner_user_id and b in index.mentor_row:
                out.add(index.mentor_row[b])
    return out
