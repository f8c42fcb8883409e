"""Explanations of one pair's score, and the plain sentences built from them.

Each explanation takes the learner from one model and the mentor (or project) from another,
so a person changed since the published build (matching/overlay.py) is explained against an
unchanged one the same way. numpy and scipy only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .features import DIFFICULTY_FIT, MENTOR_COMPONENTS, slot_row, sparse_row


@dataclass
class Explanation:
    total: float
    components: dict[str, float]
    weighted: dict[str, float]
    shared_skills: list[int] = field(default_factory=list)
    teachable_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, learner, mentor level
    wanted_skills: list[int] = field(default_factory=list)
    missing_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, have, needed
    shared_domains: list[int] = field(default_factory=list)
    overlap_slots: list[int] = field(default_factory=list)
    overlap_hours: float = 0.0
    activity: float = 1.0


def row_dict(m: sp.csr_matrix, i: int) -> dict[int, float]:
    start, end = m.indptr[i], m.indptr[i + 1]
    return {int(c): float(v) for c, v in zip(m.indices[start:end], m.data[start:end]) if v}


def mentor_components(L, i: int, M, j: int) -> dict[str, float]:
    """Learner row i of model L against mentor column j of model M."""
    w = L.w
    m_row = M.m_rows[j]
    data, cols = sparse_row(L.l_skill, i)
    skills = float(data @ m_row[cols]) if len(data) else 0.0
    data, cols = sparse_row(L.l_dom_norm, i)
    off = L.l_skill.shape[1]
    domains = float(data @ m_row[off + cols]) if len(data) else 0.0
    off += L.l_dom_norm.shape[1]
    text = float(L.l_text[i] @ m_row[off:off + L.l_text.shape[1]])
    n_slots = L.l_avail.shape[1]
    hours = float((slot_row(L.l_packed, i, n_slots) & slot_row(M.m_packed, j, n_slots)).sum() * L.slot_hours)
    avail = min(1.0, hours / w.overlap_target_hours)
    return {"skills": skills, "domains": domains, "text": max(0.0, text), "availability": avail,
            "overlap_hours": hours}


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
    teachable = sorted((s, int(have.get(s, 0)), int(teach[s])) for s in want if teach.get(s, 0) > have.get(s, 0))
    l_dom = set(row_dict(L.l_dom, i))
    m_dom = set(row_dict(M.m_dom, j))
    n_slots = L.l_avail.shape[1]
    slots = np.flatnonzero(slot_row(L.l_packed, i, n_slots) & slot_row(M.m_packed, j, n_slots)).tolist()
    return Explanation(
        total=float(sum(weighted.values())), components=comps, weighted=weighted,
        shared_skills=shared, teachable_skills=teachable, wanted_skills=sorted(want),
        shared_domains=sorted(l_dom & m_dom), overlap_slots=slots,
        overlap_hours=c["overlap_hours"], activity=float(M.m_activity[j]),
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
    return Explanation(
        total=float(sum(weighted.values())), components=comps, weighted=weighted,
        shared_skills=sorted(s for s, lv in req.items() if have.get(s, 0) >= lv),
        teachable_skills=sorted((s, int(have.get(s, 0)), 0) for s in want & teaches),
        wanted_skills=sorted(want),
        missing_skills=sorted((s, int(have.get(s, 0)), int(lv)) for s, lv in req.items() if have.get(s, 0) < lv),
        shared_domains=sorted(set(row_dict(L.l_dom, i)) & set(row_dict(P.p_dom, p))),
    )


def mentor_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """One plain sentence on why this mentor fits."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"can teach {_join(names)}, which you want to learn")
    elif expl.shared_skills:
        names = [skill_names.get(s, "?") for s in expl.shared_skills[:2]]
        parts.append(f"also works with {_join(names)}")
    if expl.shared_domains:
        parts.append(f"works in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"shares {_hours(expl.overlap_hours)} of free time with you each week")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def learner_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """The same explanation, worded for the mentor looking at a learner."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"wants to learn {_join(names)}, which you can teach")
    if expl.shared_domains:
        parts.append(f"interested in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"{_hours(expl.overlap_hours)} of shared free time a week")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def project_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    parts = []
    if expl.teachable_skills:
        parts.append(f"practises {_join([skill_names.get(s, '?') for s, _, _ in expl.teachable_skills[:3]])}, "
                     "which you want to learn")
    if expl.missing_skills:
        parts.append(f"you would need to build up {_join([skill_names.get(s, '?') for s, _, _ in expl.missing_skills[:2]])}")
    elif expl.components.get("readiness", 0) >= 1:
        parts.append("you already meet every requirement")
    if expl.shared_domains:
        parts.append(f"in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if not parts:
        return "Open to newcomers, though it does not teach what you listed."
    return _sentence(parts)


def contributor_reason(wanted_taught: list[str], missing: list[str], readiness: float) -> str:
    """Why a learner is suggested to a project's owner (names already resolved)."""
    parts = []
    if wanted_taught:
        parts.append(f"wants to learn {_join(wanted_taught[:3])}, which this project practises")
    if readiness >= 1:
        parts.append("already meets every requirement")
    elif missing:
        parts.append(f"would need to build up {_join(missing[:2])}")
    if not parts:
        return "Could join, though the project does not teach what they listed."
    return _sentence(parts)


def _sentence(parts: list[str]) -> str:
    """Reason parts as one sentence: joined by semicolons, capitalised, with a full stop."""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _hours(h: float) -> str:
    h = round(h * 2) / 2
    text = f"{h:g}"
    return f"{text} hour" if h == 1 else f"{text} hours"
