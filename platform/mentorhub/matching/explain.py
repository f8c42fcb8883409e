"""Explanations of one pair's score: the components and the skills, fields and free time
behind them, as numbers and column ids (matching/reasons.py words them).

Each explanation takes the learner from one model and the mentor (or project) from another,
so a person changed since the published build (matching/overlay.py) is explained against an
unchanged one the same way. numpy and scipy only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .features import (
    BEYOND,
    DIFFICULTY_FIT,
    MENTOR_COMPONENTS,
    SOLID,
    dense_row,
    gate,
    slot_row,
    sparse_row,
)


@dataclass
class Explanation:
    total: float  # the ranked score: the weighted sum plus ``tier``
    tier: float
    components: dict[str, float]
    weighted: dict[str, float]
    shared_skills: list[int] = field(default_factory=list)
    teachable_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, learner, mentor level
    also_knows: list[tuple[int, int, int]] = field(default_factory=list)  # wanted, held above the learner, below solid
    related_skills: list[tuple[int, int]] = field(default_factory=list)  # (wanted skill, related skill held well)
    wanted_skills: list[int] = field(default_factory=list)
    missing_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, have, needed
    shared_domains: list[int] = field(default_factory=list)
    overlap_slots: list[int] = field(default_factory=list)
    overlap_hours: float = 0.0
    activity: float = 1.0
    reachable: bool = True  # mentors: can teach a wanted skill and shares the reach hours
    beyond_stage: bool = False  # projects: harder than the learner's stage allows


def row_dict(m: sp.csr_matrix, i: int) -> dict[int, float]:
    start, end = m.indptr[i], m.indptr[i + 1]
    return {int(c): float(v) for c, v in zip(m.indices[start:end], m.data[start:end]) if v}


def mentor_components(L, i: int, M, j: int) -> dict[str, float]:
    """Learner row i of model L against mentor column j of model M."""
    m_row = dense_row(M.m_rows, j)
    data, cols = sparse_row(L.l_skill, i)
    skills = float(data @ m_row[cols]) if len(data) else 0.0
    data, cols = sparse_row(L.l_dom_norm, i)
    off = L.l_skill.shape[1]
    domains = float(data @ m_row[off + cols]) if len(data) else 0.0
    off += L.l_dom_norm.shape[1]
    text = float(dense_row(L.l_text, i) @ m_row[off:off + L.l_text.shape[1]])
    n_slots = L.l_avail.shape[1]
    slots = int((slot_row(L.l_packed, i, n_slots) & slot_row(M.m_packed, j, n_slots)).sum())
    hours = float(slots * L.slot_hours)
    teaches = bool(np.bitwise_and(L.l_need[i], M.m_expert[j]).any())
    return {"skills": skills, "domains": domains, "text": max(0.0, text), "availability": float(L.curve[slots]),
            "overlap_hours": hours, "can_teach": teaches, "reachable": teaches and slots >= L.reach_slots}


def reach_tier(L, i: int, M, j: int) -> float:
    """The reach tier when mentor j can teach one of learner i's wanted skills and they share the
    reach hours, else 0 (the same rule as the ranked scores in matching/model.py)."""
    n_slots = L.l_avail.shape[1]
    slots = int((slot_row(L.l_packed, i, n_slots) & slot_row(M.m_packed, j, n_slots)).sum())
    teaches = bool(np.bitwise_and(L.l_need[i], M.m_expert[j]).any())
    return L.reach_tier if teaches and slots >= L.reach_slots else 0.0


def explain_mentor(L, i: int, M, j: int) -> Explanation:
    w = L.w
    c = mentor_components(L, i, M, j)
    comps = {name: c[name] for name in MENTOR_COMPONENTS}
    factor = float(M.m_factor[j])
    weighted = {
        "skills": w.skills * comps["skills"] * factor,
        "domains": w.domains * comps["domains"] * factor,
        "text": w.text * comps["text"] * factor,
        "availability": w.availability * comps["availability"] * factor,
    }
    have = row_dict(L.have, i)
    want = set(row_dict(L.want, i))
    teach = row_dict(M.teach, j)
    shared = sorted(s for s in have if s in teach)
    teachable = sorted((s, int(have.get(s, 0)), int(teach[s])) for s in want
                       if teach.get(s, 0) > have.get(s, 0) and teach[s] >= SOLID)
    also = sorted((s, int(have.get(s, 0)), int(teach[s])) for s in want
                  if have.get(s, 0) < teach.get(s, 0) < SOLID)
    related = M.skill_related
    close = []
    for s in sorted(want):
        if teach.get(s, 0) >= SOLID or have.get(s, 0) >= SOLID:
            continue
        near = [r for r in row_dict(related, s) if teach.get(r, 0) >= SOLID] if s < related.shape[0] else []
        if near:
            close.append((s, max(near, key=lambda r: (teach[r], -r))))
    l_dom = set(row_dict(L.l_dom, i))
    m_dom = set(row_dict(M.m_dom, j))
    n_slots = L.l_avail.shape[1]
    slots = np.flatnonzero(slot_row(L.l_packed, i, n_slots) & slot_row(M.m_packed, j, n_slots)).tolist()
    tier = L.reach_tier if c["reachable"] else 0.0
    return Explanation(
        total=float(sum(weighted.values())) + tier, tier=tier, components=comps, weighted=weighted,
        shared_skills=shared, teachable_skills=teachable, also_knows=also, related_skills=close,
        wanted_skills=sorted(want), shared_domains=sorted(l_dom & m_dom), overlap_slots=slots,
        overlap_hours=c["overlap_hours"], activity=float(M.m_activity[j]), reachable=c["reachable"],
    )


def project_components(L, i: int, P, p: int) -> dict[str, float]:
    have = row_dict(L.have, i)
    req = row_dict(P.p_required, p)
    readiness = 1.0 if not req else sum(1 for s, lv in req.items() if have.get(s, 0) >= lv) / len(req)
    want = set(row_dict(L.want, i))
    teaches = set(row_dict(P.p_teaches, p))
    growth = len(want & teaches) / len(want) if want else 0.0
    l_dom = set(row_dict(L.l_dom, i))
    p_dom = set(row_dict(P.p_dom, p))
    domains = len(l_dom & p_dom) / len(l_dom) if l_dom else 0.0
    difficulty = float(DIFFICULTY_FIT[L.l_stage[i], P.p_difficulty[p]])
    return {"readiness": readiness, "growth": growth, "domains": domains,
            "difficulty": difficulty, "seats": float(P.p_seat_score[p])}


def explain_project(L, i: int, P, p: int) -> Explanation:
    w = L.w
    comps = project_components(L, i, P, p)
    weighted = {
        "readiness": w.readiness * comps["readiness"],
        "growth": w.growth * comps["growth"],
        "domains": w.project_domains * comps["domains"],
        "difficulty": w.difficulty * comps["difficulty"],
        "seats": w.seats * comps["seats"],
    }
    have = row_dict(L.have, i)
    want = set(row_dict(L.want, i))
    req = row_dict(P.p_required, p)
    teaches = set(row_dict(P.p_teaches, p))
    beyond = bool(BEYOND[L.l_stage[i], P.p_difficulty[p]])
    tier = L.growth_tier * (comps["growth"] > 0) - gate(w) * beyond
    return Explanation(
        total=float(sum(weighted.values())) + tier, tier=tier, components=comps, weighted=weighted,
        shared_skills=sorted(s for s, lv in req.items() if have.get(s, 0) >= lv),
        teachable_skills=sorted((s, int(have.get(s, 0)), 0) for s in want & teaches),
        wanted_skills=sorted(want),
        missing_skills=sorted((s, int(have.get(s, 0)), int(lv)) for s, lv in req.items() if have.get(s, 0) < lv),
        shared_domains=sorted(set(row_dict(L.l_dom, i)) & set(row_dict(P.p_dom, p))),
        beyond_stage=beyond,
    )
