"""The plain sentences that say why a pair fits, built from an explanation
(matching/explain.py) and the build's skill and field names. Words only: no scores computed here.
"""
from __future__ import annotations

from .explain import Explanation


def mentor_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """One plain sentence on why this mentor fits. "Can teach" only for a wanted skill held at
    solid level (3) or above and above the learner's; lower levels read "also knows"."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"can teach {_join(names)}, which you want to learn")
    parts += [_close(near, wanted, skill_names) for wanted, near in expl.related_skills[:2]]
    if expl.also_knows:
        parts.append(f"also knows {_join([skill_names.get(s, '?') for s, _, _ in expl.also_knows[:2]])}")
    elif not expl.teachable_skills and not expl.related_skills and expl.shared_skills:
        names = [skill_names.get(s, "?") for s in expl.shared_skills[:2]]
        parts.append(f"also works with {_join(names)}")
    if expl.shared_domains:
        parts.append(f"works in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"shares {_hours(expl.overlap_hours)} of free time with you each week")
    elif expl.teachable_skills:
        parts.append("shares no free hour with you yet")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def learner_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """The same explanation, worded for the mentor looking at a learner."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"wants to learn {_join(names)}, which you can teach")
    parts += [f"wants to learn {skill_names.get(wanted, '?')}, close to {skill_names.get(near, '?')}, which you know"
              for wanted, near in expl.related_skills[:1]]
    if expl.shared_domains:
        parts.append(f"interested in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"{_hours(expl.overlap_hours)} of shared free time a week")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def no_reachable_note(reachable: list[bool], teaching: list[bool]) -> str | None:
    """Why the mentors who can teach are ranked without free time: none of them shares an hour
    (``reachable`` and ``teaching`` per suggested mentor); None when one does or none teaches."""
    if not any(teaching) or any(reachable):
        return None
    return ("None of the mentors who can teach what you want shares an hour of free time with you each week, "
            "so these are ranked by skills alone. Adding more free time to your profile widens the choice.")


def _close(near: int, wanted: int, skill_names: dict[int, str]) -> str:
    return f"knows {skill_names.get(near, '?')}, close to {skill_names.get(wanted, '?')}"


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
    h = round(h * 4) / 4  # quarter hours: every zone offset is exact (profiles.availability)
    text = f"{h:g}"
    return f"{text} hour" if h == 1 else f"{text} hours"
