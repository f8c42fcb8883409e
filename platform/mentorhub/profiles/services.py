"""Profiles: every write and every permission check about learner and mentor profiles,
availability windows and the taxonomy lookups other features use.

Profile data travels as plain dicts (from forms, JSON and CSV imports alike); the
``clean_*`` functions check every field and collect every problem, and the ``save_*``
services write only when nothing is wrong. Every write records a match index change
(mentorhub/generations.py) inside the same transaction (the matching index depends on it).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, false, func, literal_column, null, or_, select, true, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..generations import user_changed
from ..pagination import Page, paginate
from ..timeutil import is_valid_zone
from . import availability as av
from . import taxonomy
from .cards import MentorCard, card_columns, cards_from_rows
from .models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
)

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
                  "skills", "wanted", "domains", "timezone", "windows", *URL_FIELDS)
MENTOR_FIELDS = ("headline", "bio", "years_experience", "current_role", "skills", "domains", "capacity",
                 "is_accepting", "timezone", "windows", "session_minutes", *URL_FIELDS)


def _cfg(name: str):
    return current_app.config[name]


def can_edit_profile(actor: User | None, user: User) -> bool:
    """The person themselves or an admin."""
    return (actor is not None and getattr(actor, "is_authenticated", False)
            and (actor.id == user.id or actor.is_admin))


def require_self_or_admin(actor: User, user: User) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    if not can_edit_profile(actor, user):
        raise PermissionDenied("You can only change your own profile.")


# ---- lookups other features use -----------------------------------------------------------


def get_skill(slug: str) -> Skill:
    skill = db.session.scalar(select(Skill).where(Skill.slug == slug))
    if skill is None:
        raise NotFound(f"No skill called {slug!r}.")
    return skill


def skills_by_slugs(slugs, include_retired: bool = False) -> list[Skill]:
    """The skills, in the order given; ValidationError naming every unknown slug."""
    slugs = [str(s).strip().lower() for s in slugs if str(s).strip()]
    found = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(set(slugs))))}
    unknown = [s for s in slugs if s not in found or (found[s].is_retired and not include_retired)]
    if unknown:
        raise ValidationError(f"Unknown skill{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.", field="skills")
    seen, out = set(), []
    for s in slugs:
        if s not in seen:
            seen.add(s)
            out.append(found[s])
    return out


def all_skills(include_retired: bool = False) -> list[Skill]:
    stmt = select(Skill).order_by(Skill.category, Skill.name)
    if not include_retired:
        stmt = stmt.where(Skill.is_retired.is_(False))
    return list(db.session.scalars(stmt))


def all_domains(include_retired: bool = False) -> list[Domain]:
    stmt = select(Domain).order_by(Domain.name)
    if not include_retired:
        stmt = stmt.where(Domain.is_retired.is_(False))
    return list(db.session.scalars(stmt))


def _current_skills():
    return select(Skill.slug, Skill.name, Skill.category).where(Skill.is_retired.is_(False))


def _grouped(skills) -> list[tuple[str, list]]:
    """(category name, skills) in the taxonomy's category order; ``skills`` come ordered by name."""
    names = taxonomy.categories()
    groups: dict[str, list] = {}
    for skill in skills:
        groups.setdefault(skill.category, []).append(skill)
    order = list(names) + sorted(set(groups) - set(names))
    return [(names.get(c, c), groups[c]) for c in order if c in groups]


def skills_by_category() -> list[tuple[str, list]]:
    """Current skills as (slug, name, category) rows grouped by category, for menus and pickers."""
    return _grouped(db.session.execute(_current_skills().order_by(Skill.category, Skill.name)))


def directory_menus() -> tuple[list[tuple[str, list]], list]:
    """The directory's filter menus in one query: ``skills_by_category()`` and the current
    domains as (slug, name) rows ordered by name."""
    skills = _current_skills().add_columns(false().label("is_domain"))
    domains = select(Domain.slug, Domain.name, null(), true()).where(Domain.is_retired.is_(False))
    rows = db.session.execute(union_all(skills, domains).order_by(
        literal_column("is_domain"), literal_column("category"), literal_column("name"))).all()
    return _grouped(row for row in rows if not row.is_domain), [row for row in rows if row.is_domain]


# A profile with its skills and fields joined in: one person's lists are short (PROFILE_MAX_SKILLS),
# so the join costs less than a round trip each. A learner's wanted skills come in a second query
# (joining them too would multiply the rows by up to PROFILE_MAX_SKILLS once more).


def learner_profile_of(user: User | int) -> LearnerProfile | None:
    uid = user if isinstance(user, int) else user.id
    return db.session.scalars(
        select(LearnerProfile).where(LearnerProfile.user_id == uid)
        .options(joinedload(LearnerProfile.skills).joinedload(LearnerSkill.skill),
                 selectinload(LearnerProfile.wanted_skills), joinedload(LearnerProfile.domains))
    ).unique().first()


def mentor_profile_of(user: User | int) -> MentorProfile | None:
    uid = user if isinstance(user, int) else user.id
    return db.session.scalars(
        select(MentorProfile).where(MentorProfile.user_id == uid)
        .options(joinedload(MentorProfile.skills).joinedload(MentorSkill.skill), joinedload(MentorProfile.domains))
    ).unique().first()


# ---- availability -------------------------------------------------------------------------


def windows_of(user: User | int) -> list[av.Window]:
    uid = user if isinstance(user, int) else user.id
    rows = db.session.execute(
        select(AvailabilityWindow.weekday, AvailabilityWindow.start_minute, AvailabilityWindow.end_minute)
        .where(AvailabilityWindow.user_id == uid).order_by(AvailabilityWindow.weekday, AvailabilityWindow.start_minute)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def windows_for_users(user_ids) -> dict[int, list[av.Window]]:
    out: dict[int, list[av.Window]] = {}
    ids = list(set(user_ids))
    for i in range(0, len(ids), 900):
        rows = db.session.execute(
            select(AvailabilityWindow.user_id, AvailabilityWindow.weekday, AvailabilityWindow.start_minute,
                   AvailabilityWindow.end_minute).where(AvailabilityWindow.user_id.in_(ids[i:i + 900]))
        )
        for uid, d, s, e in rows:
            out.setdefault(uid, []).append((d, s, e))
    return out


def windows_and_overlap(person: User, viewer: User | None, week_start: date) -> tuple[list[av.Window], float | None]:
    """``person``'s windows (as windows_of) and, for another signed-in viewer, the hours both are
    free that week, with one query for both people."""
    other = viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.id != person.id
    found = windows_for_users([person.id, viewer.id] if other else [person.id])
    windows = sorted(found.get(person.id, []))
    if not other:
        return windows, None
    return windows, av.overlap_hours(sorted(found.get(viewer.id, [])), viewer.timezone or "UTC", windows,
                                     person.timezone or "UTC", week_start)


def free_windows_for_viewer(owner_user: User, viewer_tz: str | None, week_start: date | None = None):
    """The owner's windows of that week as aware datetimes in the viewer's zone."""
    return av.windows_in_zone(windows_of(owner_user), owner_user.timezone or "UTC", viewer_tz or "UTC",
                              week_start or av.current_week_start())


def set_windows(actor: User, user: User, windows) -> list[av.Window]:
    require_self_or_admin(actor, user)
    cleaned = _clean_windows(windows)
    _replace_windows(user, cleaned)
    user_changed(user.id)
    db.session.commit()
    return cleaned


def _replace_windows(user: User, windows: list[av.Window]) -> None:
    db.session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.user_id == user.id))
    for d, s, e in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=d, start_minute=s, end_minute=e))


# ---- cleaning ---------------------------------------------------------------------------


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


def _clean_text(p: Problems, data: dict, out: dict, name: str, limit: int, label: str, required: bool = False) -> None:
    if name not in data:
        return
    value = str(data[name] or "").strip()
    if required and not value:
        p.add(name, f"Enter a {label}.")
    elif len(value) > limit:
        p.add(name, f"The {label} can be at most {limit} characters (it has {len(value)}).")
    else:
        out[name] = value


def _clean_int(p: Problems, data: dict, out: dict, name: str, lo: int, hi: int, message: str) -> None:
    if name not in data:
        return
    value = data[name]
    try:
        number = int(str(value).strip()) if not isinstance(value, int) or isinstance(value, bool) else value
        if isinstance(value, bool):
            raise ValueError
    except (TypeError, ValueError):
        p.add(name, message)
        return
    if not lo <= number <= hi:
        p.add(name, message)
    else:
        out[name] = number


def _clean_choice(p: Problems, data: dict, out: dict, name: str, choices, label: str) -> None:
    if name not in data:
        return
    value = str(data[name] or "").strip()
    allowed = [c for c, _ in choices]
    if value not in allowed:
        p.add(name, f"Choose a {label} from the list ({', '.join(n for _, n in choices)}).")
    else:
        out[name] = value


def _clean_url(p: Problems, data: dict, out: dict, name: str) -> None:
    if name not in data:
        return
    value = str(data[name] or "").strip()
    if not value:
        out[name] = None
        return
    limit = _cfg("PROFILE_URL_MAX")
    parts = urlsplit(value)
    if len(value) > limit:
        p.add(name, f"The {URL_LABELS[name]} link can be at most {limit} characters.")
    elif parts.scheme not in ("http", "https") or not parts.netloc or "." not in parts.netloc or " " in value:
        p.add(name, f"The {URL_LABELS[name]} link must be a full web address starting with https://.")
    else:
        out[name] = value


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


def _clean_windows(value) -> list[av.Window]:
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
    limit = _cfg("PROFILE_MAX_WINDOWS")
    if len(windows) > limit:
        raise ValidationError(f"Give at most {limit} availability windows.", field="windows")
    return sorted(windows)


def _clean_common(p: Problems, data: dict, out: dict, current_skill_slugs: set[str]) -> None:
    _clean_text(p, data, out, "headline", _cfg("PROFILE_HEADLINE_MAX"), "headline")
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
            out["windows"] = _clean_windows(data["windows"])
        except ValidationError as exc:
            p.add("windows", exc.message)
    if "skills" in data:
        try:
            levels = parse_skill_levels(data["skills"])
        except ValidationError as exc:
            p.add("skills", exc.message)
        else:
            max_skills = _cfg("PROFILE_MAX_SKILLS")
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
    _clean_text(p, data, out, "goals", _cfg("PROFILE_TEXT_MAX"), "goals text")
    _clean_choice(p, data, out, "target_track", taxonomy.track_choices(), "target track")
    _clean_choice(p, data, out, "stage", taxonomy.stage_choices(), "roadmap stage")
    _clean_int(p, data, out, "hours_per_week", 1, _cfg("PROFILE_HOURS_MAX"),
               f"Hours per week must be a whole number from 1 to {_cfg('PROFILE_HOURS_MAX')}.")
    _clean_bool(p, data, out, "is_public")
    if "wanted" in data:
        slugs = list(dict.fromkeys(s.lower() for s in _split(data["wanted"])))
        try:
            if len(slugs) > _cfg("PROFILE_MAX_SKILLS"):
                raise ValidationError(f"Choose at most {_cfg('PROFILE_MAX_SKILLS')} skills to learn.", field="wanted")
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
    _clean_text(p, data, out, "bio", _cfg("PROFILE_TEXT_MAX"), "bio")
    _clean_text(p, data, out, "current_role", _cfg("PROFILE_HEADLINE_MAX"), "current role")
    _clean_int(p, data, out, "years_experience", 0, _cfg("MENTOR_YEARS_MAX"),
               f"Years of experience must be a whole number from 0 to {_cfg('MENTOR_YEARS_MAX')}.")
    _clean_int(p, data, out, "capacity", 0, _cfg("MENTOR_CAPACITY_MAX"),
               f"Capacity must be a whole number from 0 to {_cfg('MENTOR_CAPACITY_MAX')} mentees.")
    _clean_bool(p, data, out, "is_accepting")
    choices = _cfg("MENTOR_SESSION_MINUTES")
    _clean_int(p, data, out, "session_minutes", min(choices), max(choices),
               f"Session length must be one of {', '.join(map(str, choices))} minutes.")
    if out.get("session_minutes") is not None and out["session_minutes"] not in choices:
        p.add("session_minutes", f"Session length must be one of {', '.join(map(str, choices))} minutes.")
        out.pop("session_minutes")
    if "current_role" in out and not out["current_role"]:
        out["current_role"] = None
    return out, p


# ---- writes -------------------------------------------------------------------------------


def _apply_common(user: User, profile, cleaned: dict, skill_model, fields: tuple[str, ...]) -> None:
    """Write the cleaned fields both kinds of profile share plus the role's own ``fields``, then
    stamp and flush the profile."""
    for name in ("headline", *URL_FIELDS, *fields):
        if name in cleaned:
            setattr(profile, name, cleaned[name])
    if "timezone" in cleaned:
        user.timezone = cleaned["timezone"]
    if "windows" in cleaned:
        _replace_windows(user, cleaned["windows"])
    if "domains" in cleaned:
        profile.domains = list(db.session.scalars(select(Domain).where(Domain.slug.in_(cleaned["domains"]))))
    if "skills" in cleaned:
        skills = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(list(cleaned["skills"]))))}
        existing = {row.skill_id: row for row in profile.skills}
        keep = []
        for slug, level in cleaned["skills"].items():
            skill = skills[slug]
            row = existing.get(skill.id)
            if row is None:
                row = skill_model(skill=skill, level=level)
            row.level = level
            keep.append(row)
        profile.skills = keep
    profile.updated_at = utcnow()
    user_changed(user.id)
    db.session.flush()


def _save(actor: User, user: User, data: dict, write):
    require_self_or_admin(actor, user)
    profile = write(db.session.get(User, user.id), data)
    db.session.commit()
    return profile


def save_learner(actor: User, user: User, data: dict) -> LearnerProfile:
    """Create or update ``user``'s learner profile from the fields present in ``data``."""
    return _save(actor, user, data, write_learner)


def write_learner(user: User, data: dict) -> LearnerProfile:
    """Check then write (no permission check, no commit): for save_learner and the importer."""
    profile = learner_profile_of(user)
    cleaned, problems = clean_learner(data, profile)
    problems.raise_first()
    if profile is None:
        defaults = column_defaults(LearnerProfile)
        if taxonomy.tracks():
            defaults["target_track"] = taxonomy.track_choices()[0][0]
        if taxonomy.stages():
            defaults["stage"] = taxonomy.stage_choices()[0][0]
        profile = LearnerProfile(user_id=user.id, **defaults)
        profile.skills, profile.wanted_skills, profile.domains = [], [], []
        db.session.add(profile)
    if "wanted" in cleaned:
        profile.wanted_skills = skills_by_slugs(cleaned["wanted"], include_retired=True)
    _apply_common(user, profile, cleaned, LearnerSkill,
                  ("background", "goals", "target_track", "stage", "hours_per_week", "is_public"))
    return profile


def save_mentor(actor: User, user: User, data: dict) -> MentorProfile:
    """Create or update ``user``'s mentor profile from the fields present in ``data``."""
    return _save(actor, user, data, write_mentor)


def write_mentor(user: User, data: dict) -> MentorProfile:
    """Check then write (no permission check, no commit): for save_mentor and the importer."""
    profile = mentor_profile_of(user)
    cleaned, problems = clean_mentor(data, profile)
    problems.raise_first()
    if profile is None:
        profile = MentorProfile(user_id=user.id, **column_defaults(MentorProfile))
        profile.skills, profile.domains = [], []
        db.session.add(profile)
    _apply_common(user, profile, cleaned, MentorSkill,
                  ("bio", "years_experience", "current_role", "capacity", "is_accepting", "session_minutes"))
    return profile


def set_accepting(actor: User, user: User, accepting: bool) -> MentorProfile:
    require_self_or_admin(actor, user)
    profile = mentor_profile_of(user)
    if profile is None:
        raise NotFound("There is no mentor profile to change.")
    profile.is_accepting = bool(accepting)
    user_changed(user.id)
    db.session.commit()
    return profile


def delete_learner_profile(actor: User, user: User) -> None:
    require_self_or_admin(actor, user)
    profile = learner_profile_of(user)
    if profile is None:
        raise NotFound("There is no learner profile to remove.")
    db.session.delete(profile)
    user_changed(user.id)
    db.session.commit()


def delete_mentor_profile(actor: User, user: User) -> None:
    require_self_or_admin(actor, user)
    profile = mentor_profile_of(user)
    if profile is None:
        raise NotFound("There is no mentor profile to remove.")
    db.session.delete(profile)
    user_changed(user.id)
    db.session.commit()


# ---- reading for pages -------------------------------------------------------------------


def skill_gap(profile: LearnerProfile) -> list[dict]:
    """For each skill the target track expects: what the learner has and what is expected."""
    expected = taxonomy.track_skills(profile.target_track)
    have = {ls.skill.slug: ls.level for ls in profile.skills}
    names = {s.slug: s.name for s in db.session.scalars(select(Skill).where(Skill.slug.in_(list(expected))))}
    return gap_rows(expected, names, have)


def gap_rows(expected: dict[str, int], names: dict[str, str], have: dict[str, int]) -> list[dict]:
    """The rows of ``skill_gap`` from what the track expects, the skills' names and the learner's levels."""
    rows = []
    for slug, need in expected.items():
        if slug not in names:
            continue
        level = have.get(slug, 0)
        rows.append({"slug": slug, "name": names[slug], "have": level, "need": need, "gap": max(0, need - level)})
    rows.sort(key=lambda r: (-r["gap"], r["name"]))
    return rows


def level_rows(profile) -> list[tuple[str, int]]:
    """(skill name, level) pairs, strongest first, for the level chart."""
    if profile is None:
        return []
    return [(row.skill.name, row.level) for row in sorted(profile.skills, key=lambda r: (-r.level, r.skill.name))]


def learner_as_dict(profile: LearnerProfile) -> dict:
    return {
        "headline": profile.headline, "background": profile.background, "goals": profile.goals,
        "target_track": profile.target_track, "stage": profile.stage, "hours_per_week": profile.hours_per_week,
        "is_public": profile.is_public,
        "skills": {ls.skill.slug: ls.level for ls in sorted(profile.skills, key=lambda s: s.skill.slug)},
        "wanted": sorted(s.slug for s in profile.wanted_skills),
        "domains": sorted(d.slug for d in profile.domains),
        "github_url": profile.github_url, "linkedin_url": profile.linkedin_url, "website_url": profile.website_url,
    }


def mentor_as_dict(profile: MentorProfile) -> dict:
    return {
        "headline": profile.headline, "bio": profile.bio, "years_experience": profile.years_experience,
        "current_role": profile.current_role, "capacity": profile.capacity, "is_accepting": profile.is_accepting,
        "session_minutes": profile.session_minutes,
        "skills": {ms.skill.slug: ms.level for ms in sorted(profile.skills, key=lambda s: s.skill.slug)},
        "domains": sorted(d.slug for d in profile.domains),
        "github_url": profile.github_url, "linkedin_url": profile.linkedin_url, "website_url": profile.website_url,
    }


def profile_form_data(kind: str, profile: LearnerProfile | MentorProfile | None) -> dict:
    """What the edit form starts from: the saved profile, or the model's defaults for a new one."""
    if profile is not None:
        return learner_as_dict(profile) if kind == "learner" else mentor_as_dict(profile)
    model, names = ((LearnerProfile, ("hours_per_week", "is_public")) if kind == "learner" else
                    (MentorProfile, ("is_accepting", "capacity", "session_minutes", "years_experience")))
    defaults = column_defaults(model)
    return {name: defaults[name] for name in names}


def column_defaults(model) -> dict:
    """A model's plain column defaults. SQLAlchemy applies them only at flush; a new profile
    needs them at once (validation and the edit form read them)."""
    return {c.key: c.default.arg for c in model.__table__.c if c.default is not None and c.default.is_scalar}


def search_mentors(viewer: User | None, q: str = "", skill: str = "", domain: str = "",
                   accepting: bool = False, min_overlap: float | None = None, page: int = 1,
                   per_page: int | None = None, week_start: date | None = None) -> Page:
    """The mentor directory. Items are MentorCard rows (cards.py) with ``overlap_hours`` set
    (None for anonymous viewers)."""
    per_page = per_page or _cfg("DIRECTORY_PAGE_SIZE")
    stmt = (select(MentorProfile).join(User, User.id == MentorProfile.user_id)
            .where(User.is_deleted.is_(False), User.is_suspended.is_(False)))
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.display_name).like(like), func.lower(MentorProfile.headline).like(like),
                              func.lower(MentorProfile.bio).like(like)))
    if skill:
        stmt = stmt.where(MentorProfile.id.in_(
            select(MentorSkill.mentor_id).join(Skill, Skill.id == MentorSkill.skill_id).where(Skill.slug == skill)))
    if domain:
        from .models import mentor_domains

        stmt = stmt.where(MentorProfile.id.in_(
            select(mentor_domains.c.mentor_id).join(Domain, Domain.id == mentor_domains.c.domain_id)
            .where(Domain.slug == domain)))
    if accepting:
        stmt = stmt.where(MentorProfile.is_accepting.is_(True), MentorProfile.capacity > 0)
    stmt = stmt.order_by(MentorProfile.is_accepting.desc(), User.display_name, MentorProfile.id)
    week_start = week_start or av.current_week_start()
    logged_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if logged_in and min_overlap:
        mine = av.utc_week_minutes(windows_of(viewer), viewer.timezone or "UTC", week_start)
        rows = db.session.execute(stmt.with_only_columns(MentorProfile.id, User.id, User.timezone)).all()
        windows: dict[int, list] = {}
        mentor_users = stmt.with_only_columns(MentorProfile.user_id).order_by(None)
        for uid, d, s, e in db.session.execute(
                select(AvailabilityWindow.user_id, AvailabilityWindow.weekday, AvailabilityWindow.start_minute,
                       AvailabilityWindow.end_minute).where(AvailabilityWindow.user_id.in_(mentor_users))):
            windows.setdefault(uid, []).append((d, s, e))
        need = min_overlap * 60 - 1e-6
        hours = {}
        for mid, uid, tz in rows:
            minutes = av.overlap_minutes(mine, av.utc_week_minutes(windows.get(uid, ()), tz or "UTC", week_start))
            if minutes >= need:
                hours[mid] = round(minutes / 60, 2)
        ids = [mid for mid, _, _ in rows if mid in hours]
        total = len(ids)
        page = min(max(1, page), max(1, -(-total // per_page)))
        chosen = ids[(page - 1) * per_page: page * per_page]
        rows = db.session.execute(card_columns(stmt.where(MentorProfile.id.in_(chosen)).order_by(None)))
        by_id = {card.id: card for card in cards_from_rows(rows)}
        result = Page(items=[by_id[i] for i in chosen], page=page, per_page=per_page, total=total)
    else:
        result = paginate(db.session, card_columns(stmt), page, per_page, scalars=False)
        result.items = cards_from_rows(result.items)
    if logged_in:
        _add_overlap(result.items, viewer, week_start)
    return result


def _add_overlap(cards: list[MentorCard], viewer: User, week_start: date) -> None:
    windows = windows_for_users([card.user_id for card in cards] + [viewer.id])
    for card in cards:
        card.overlap_hours = av.overlap_hours(windows.get(viewer.id, []), viewer.timezone or "UTC",
                                              windows.get(card.user_id, []), card.timezone or "UTC", week_start)


def person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted or user.is_suspended:
        raise NotFound("No such member.")
    return user


def visible_person(viewer, user_id: int) -> tuple[User, LearnerProfile | None, MentorProfile | None]:
    """The person and the profiles ``viewer`` may see. Mentor profiles are public; a learner
    profile is for members unless its owner made it public. A logged-out visitor gets the same
    NotFound for someone with nothing public as for an id nobody has (no walking the ids).
    The person, their learner profile (as learner_profile_of) and whether they mentor come in one
    query; the mentor profile (as mentor_profile_of) in a second only for a mentor."""
    found = db.session.execute(
        select(User, LearnerProfile, MentorProfile.id)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.id == user_id)
        .options(joinedload(LearnerProfile.skills).joinedload(LearnerSkill.skill),
                 joinedload(LearnerProfile.wanted_skills), joinedload(LearnerProfile.domains))
    ).unique().first()
    if found is None or found[0].is_deleted or found[0].is_suspended:
        raise NotFound("No such member.")  # as person()
    user, learner, mentor_id = found
    mentor = mentor_profile_of(user) if mentor_id is not None else None
    if not getattr(viewer, "is_authenticated", False):
        if learner is not None and not learner.is_public:
            learner = None
        if learner is None and mentor is None:
            raise NotFound("No such member.")
    return user, learner, mentor


# ---- personal data --------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    learner, mentor = learner_profile_of(user), mentor_profile_of(user)
    return {
        "learner_profile": learner_as_dict(learner) if learner else None,
        "mentor_profile": mentor_as_dict(mentor) if mentor else None,
        "availability": [{"weekday": av.WEEKDAY_NAMES[d], "start": av.format_minute(s), "end": av.format_minute(e)}
                         for d, s, e in windows_of(user)],
        "timezone": user.timezone,
    }


def erase_user_data(user: User) -> None:
    """Delete both profiles and the availability windows (no commit)."""
    db.session.execute(delete(LearnerProfile).where(LearnerProfile.user_id == user.id))
    db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == user.id))
    db.session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.user_id == user.id))
    user_changed(user.id)


def now_in_zone(tz_name: str) -> datetime:
    from ..timeutil import to_zone

    return to_zone(utcnow(), tz_name)
