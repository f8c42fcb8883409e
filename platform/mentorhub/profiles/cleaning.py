"""Checking profile data: every field of a learner or mentor profile, from forms, JSON and CSV
imports alike. ``clean_*`` check every field present and collect every problem, so a form shows
them all at once; the writes (services.py) run only when nothing is wrong."""
from __future__ import annotations

import re

from sqlalchemy import select

from .. import validation
from ..db import db
from ..errors import ValidationError
from ..timeutil import is_valid_zone
from . import availability as av
from . import taxonomy
from .models import Domain, LearnerProfile, MentorProfile, Skill

BACKGROUNDS = [
    ("software_engineer", "Software engineer"),
    ("data_analyst", "Data analyst"),
    ("academic_researcher", "Academic researcher"),
    ("student", "Student"),
    ("other", "Other"),
]


LEVELS = [(1, "Aware"), (2, "Working knowledge"), (3, "Proficient"), (4, "Expert")]


LEVEL_NAMES = dict(LEVELS)


URL_FIELDS = ("github_url", "linkedin_url", "website_url")


URL_LABELS = {"github_url": "GitHub", "linkedin_url": "LinkedIn", "website_url": "personal site"}


LEARNER_FIELDS = ("headline", "background", "goals", "target_track", "stage", "hours_per_week", "is_public",
                  "skills", "wanted", "domains", "timezone", "windows", "languages", *URL_FIELDS)


MENTOR_FIELDS = ("headline", "bio", "years_experience", "current_role", "skills", "domains", "capacity",
                 "is_accepting", "timezone", "windows", "session_minutes", "languages", "pref_stages",
                 "pref_domains", *URL_FIELDS)


class ProfileInvalid(ValidationError):
    """Several fields are wrong: ``problems`` lists (field, message); the first is the message."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = list(problems)


class Problems(list):
    """(field, message) pairs, raised together as ProfileInvalid."""

    def add(self, field: str, message: str) -> None:
        self.append((field, message))

    def raise_first(self) -> None:
        if self:
            raise ProfileInvalid(self)


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,\n]", value) if p.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def parse_skill_levels(value) -> dict[str, int]:
    """{'pytorch': 3} from a dict, a list of {'slug', 'level'} or the text 'pytorch:3; sql:2'.
    A skill without a level gets level 2. Raises ValidationError for a malformed level."""
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        items = [(v.get("slug") or v.get("skill"), v.get("level", 2)) for v in value]
    else:
        items = []
        for part in _split(value):
            slug, _, level = part.partition(":")
            items.append((slug, level.strip() or 2))
    out: dict[str, int] = {}
    for slug, level in items:
        slug = str(slug or "").strip().lower()
        try:
            lvl = int(level)
        except (TypeError, ValueError):
            raise ValidationError(f"The level of {slug} must be a whole number from 1 to 4.", field="skills") from None
        if slug in out:
            raise ValidationError(f"{slug} is listed twice.", field="skills")
        out[slug] = lvl
    return out


def _clean(p: Problems, data: dict, out: dict, name: str, check) -> None:
    """Run one shared check (mentorhub/validation.py) on ``data[name]`` when present, collecting
    its message instead of stopping at the first problem."""
    if name not in data:
        return
    try:
        out[name] = check(data[name])
    except ValidationError as exc:
        p.add(name, exc.message)


def _clean_text(p: Problems, data: dict, out: dict, name: str, limit: int, label: str) -> None:
    _clean(p, data, out, name, lambda v: validation.text(v, field=name, label=f"the {label}", max_len=limit))


def _clean_int(p: Problems, data: dict, out: dict, name: str, lo: int, hi: int, label: str) -> None:
    _clean(p, data, out, name, lambda v: validation.integer(v, field=name, label=label, low=lo, high=hi))


def _clean_choice(p: Problems, data: dict, out: dict, name: str, choices, label: str) -> None:
    _clean(p, data, out, name, lambda v: validation.choice(v, dict(choices), field=name, label=f"a {label}"))


def _clean_url(p: Problems, data: dict, out: dict, name: str) -> None:
    _clean(p, data, out, name, lambda v: validation.url(v, field=name, label=f"{URL_LABELS[name]} link",
                                                        max_len=validation.setting("PROFILE_URL_MAX")))


def _clean_bool(p: Problems, data: dict, out: dict, name: str) -> None:
    if name not in data:
        return
    value = data[name]
    if isinstance(value, bool):
        out[name] = value
        return
    text = str(value or "").strip().lower()
    if text in ("1", "true", "yes", "y", "on"):
        out[name] = True
    elif text in ("0", "false", "no", "n", "off", ""):
        out[name] = False
    else:
        p.add(name, "Answer yes or no.")


def clean_windows(value) -> list[av.Window]:
    if isinstance(value, str):
        windows = av.parse_windows(value)
    else:
        windows = []
        for w in value or []:
            try:
                windows.append(tuple(int(x) for x in w))
            except (TypeError, ValueError):
                raise ValidationError("Each availability window needs a day, a start and an end.", field="windows") from None
        av.validate_windows(windows)
    limit = validation.setting("PROFILE_MAX_WINDOWS")
    if len(windows) > limit:
        raise ValidationError(f"Give at most {limit} availability windows.", field="windows")
    return sorted(windows)


def _clean_common(p: Problems, data: dict, out: dict, current_skill_slugs: set[str]) -> None:
    _clean_text(p, data, out, "headline", validation.setting("PROFILE_HEADLINE_MAX"), "headline")
    for name in URL_FIELDS:
        _clean_url(p, data, out, name)
    if "timezone" in data:
        tz = str(data["timezone"] or "").strip()
        if not tz:
            p.add("timezone", "Choose your time zone, such as Europe/Berlin.")
        elif not is_valid_zone(tz):
            p.add("timezone", f"{tz} is not a time zone we know. Choose one such as Europe/Berlin.")
        else:
            out["timezone"] = tz
    if "windows" in data:
        try:
            out["windows"] = clean_windows(data["windows"])
        except ValidationError as exc:
            p.add("windows", exc.message)
    if "skills" in data:
        try:
            levels = parse_skill_levels(data["skills"])
        except ValidationError as exc:
            p.add("skills", exc.message)
        else:
            max_skills = validation.setting("PROFILE_MAX_SKILLS")
            bad_levels = [s for s, lvl in levels.items() if not 1 <= lvl <= 4]
            ok = True
            if bad_levels:
                p.add("skills", f"Levels go from 1 (aware) to 4 (expert); check {', '.join(bad_levels)}.")
                ok = False
            if len(levels) > max_skills:
                p.add("skills", f"Choose at most {max_skills} skills.")
                ok = False
            try:
                _check_slugs(list(levels), current_skill_slugs, "skills", "skill")
            except ValidationError as exc:
                p.add("skills", exc.message)
                ok = False
            if ok:
                out["skills"] = levels
    if "domains" in data:
        slugs = list(dict.fromkeys(s.lower() for s in _split(data["domains"])))
        found = {d.slug: d for d in db.session.scalars(select(Domain).where(Domain.slug.in_(slugs)))}
        unknown = [s for s in slugs if s not in found]
        if unknown:
            p.add("domains", f"Unknown domain{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
        else:
            out["domains"] = slugs


def _check_slugs(slugs: list[str], current: set[str], field: str, noun: str) -> None:
    found = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(slugs)))}
    unknown = [s for s in slugs if s not in found or (found[s].is_retired and s not in current)]
    if unknown:
        raise ValidationError(f"Unknown {noun}{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.", field=field)


def clean_learner(data: dict, profile: LearnerProfile | None = None) -> tuple[dict, Problems]:
    """Check every learner field present in ``data``; (cleaned values, problems)."""
    p, out = Problems(), {}
    current = {ls.skill.slug for ls in profile.skills} if profile else set()
    _clean_common(p, data, out, current)
    _clean_choice(p, data, out, "background", BACKGROUNDS, "background")
    _clean_text(p, data, out, "goals", validation.setting("PROFILE_TEXT_MAX"), "goals text")
    _clean_choice(p, data, out, "target_track", taxonomy.track_choices(), "target track")
    _clean_choice(p, data, out, "stage", taxonomy.stage_choices(), "roadmap stage")
    _clean_languages(p, data, out)
    _clean_int(p, data, out, "hours_per_week", 1, validation.setting("PROFILE_HOURS_MAX"), "hours per week")
    _clean_bool(p, data, out, "is_public")
    if "wanted" in data:
        slugs = list(dict.fromkeys(s.lower() for s in _split(data["wanted"])))
        try:
            if len(slugs) > validation.setting("PROFILE_MAX_SKILLS"):
                raise ValidationError(f"Choose at most {validation.setting('PROFILE_MAX_SKILLS')} skills to learn.", field="wanted")
            current_wanted = {s.slug for s in profile.wanted_skills} if profile else set()
            _check_slugs(slugs, current_wanted, "wanted", "skill")
            out["wanted"] = slugs
        except ValidationError as exc:
            p.add("wanted", exc.message)
    return out, p


def clean_mentor(data: dict, profile: MentorProfile | None = None) -> tuple[dict, Problems]:
    p, out = Problems(), {}
    current = {ms.skill.slug for ms in profile.skills} if profile else set()
    _clean_common(p, data, out, current)
    _clean_text(p, data, out, "bio", validation.setting("PROFILE_TEXT_MAX"), "bio")
    _clean_text(p, data, out, "current_role", validation.setting("PROFILE_HEADLINE_MAX"), "current role")
    _clean_int(p, data, out, "years_experience", 0, validation.setting("MENTOR_YEARS_MAX"), "years of experience")
    _clean_int(p, data, out, "capacity", 0, validation.setting("MENTOR_CAPACITY_MAX"), "capacity (mentees)")
    _clean_bool(p, data, out, "is_accepting")
    _clean_languages(p, data, out)
    _clean_list(p, data, out, "pref_stages", {s for s, _ in taxonomy.stage_choices()}, "roadmap stage")
    if "pref_domains" in data:
        _clean_list(p, data, out, "pref_domains", set(db.session.scalars(select(Domain.slug))), "domain")
    choices = validation.setting("MENTOR_SESSION_MINUTES")
    _clean(p, data, out, "session_minutes", lambda v: int(validation.choice(
        v, {str(m): f"{m} minutes" for m in choices}, field="session_minutes", label="a session length")))
    if "current_role" in out and not out["current_role"]:
        out["current_role"] = None
    return out, p


LANGUAGE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ \-]){1,29}$")  # letters of any script (português, 日本語)


def _clean_list(p: Problems, data: dict, out: dict, name: str, allowed: set[str], noun: str) -> None:
    """A list of known slugs (a list, or text split at commas), stored comma-separated."""
    if name not in data:
        return
    slugs = list(dict.fromkeys(s.lower() for s in _split(data[name])))
    unknown = [s for s in slugs if s not in allowed]
    if unknown:
        p.add(name, f"Unknown {noun}{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    else:
        out[name] = ",".join(slugs)


def _clean_languages(p: Problems, data: dict, out: dict) -> None:
    """Languages as words ("English, Deutsch"), lower case, at most PROFILE_MAX_LANGUAGES."""
    if "languages" not in data:
        return
    names = list(dict.fromkeys(" ".join(s.lower().split()) for s in _split(data["languages"])))
    limit = validation.setting("PROFILE_MAX_LANGUAGES")
    if len(names) > limit:
        p.add("languages", f"Name at most {limit} languages.")
    elif any(not LANGUAGE.match(n) for n in names):
        p.add("languages", "Write languages as words separated by commas, such as English, Deutsch.")
    else:
        out["languages"] = ",".join(names)
