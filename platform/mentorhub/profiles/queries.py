"""Reads about profiles for pages and for other features: the taxonomy lookups, a person's
profiles and availability, and the one answer to "is this person a mentor?"."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Select,
    exists,
    false,
    func,
    literal_column,
    null,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..actors import is_signed_in
from ..db import db, utcnow
from ..errors import NotFound, ValidationError
from ..timeutil import to_zone
from . import availability as av
from . import taxonomy
from .cards import card_columns, cards_from_rows
from .models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
)
from .rules import can_see_learner_profile


def is_mentor(user) -> bool:
    """Signed in and has a mentor profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))))


def has_learner_profile(user) -> bool:
    """Signed in and has a learner profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(LearnerProfile.user_id == user.id))))


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
    other = is_signed_in(viewer) and viewer.id != person.id
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
        if kind == "learner":
            return {**learner_as_dict(profile), "languages": _words(profile.languages)}
        return {**mentor_as_dict(profile), "languages": _words(profile.languages),
                "pref_stages": split_slugs(profile.pref_stages), "pref_domains": split_slugs(profile.pref_domains)}
    model, names = ((LearnerProfile, ("hours_per_week", "is_public")) if kind == "learner" else
                    (MentorProfile, ("is_accepting", "capacity", "session_minutes", "years_experience")))
    defaults = column_defaults(model)
    return {name: defaults[name] for name in names}


def split_slugs(text: str | None) -> list[str]:
    return [s for s in (text or "").split(",") if s]


def _words(text: str | None) -> str:
    return ", ".join(split_slugs(text))


def column_defaults(model) -> dict:
    """A model's plain column defaults. SQLAlchemy applies them only at flush; a new profile
    needs them at once (validation and the edit form read them)."""
    return {c.key: c.default.arg for c in model.__table__.c if c.default is not None and c.default.is_scalar}


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
    if learner is not None and not can_see_learner_profile(viewer, learner):
        learner = None
    if learner is None and mentor is None and not is_signed_in(viewer):
        raise NotFound("No such member.")
    return user, learner, mentor


def now_in_zone(tz_name: str) -> datetime:
    return to_zone(utcnow(), tz_name)


# ---- for projects ----


def active_skills_by_slug(slugs: list[str]) -> dict[str, Skill]:
    """The skills among ``slugs`` that exist and are not retired, by slug (one query)."""
    return {s.slug: s for s in db.session.scalars(
        select(Skill).where(Skill.slug.in_(slugs), Skill.is_retired.is_(False)))}


def active_domains_by_slug(slugs: list[str]) -> dict[str, Domain]:
    """The domains among ``slugs`` that exist and are not retired, by slug (one query)."""
    return {d.slug: d for d in db.session.scalars(
        select(Domain).where(Domain.slug.in_(slugs), Domain.is_retired.is_(False)))}
# ---- for matching ----


def domain_id_by_slug(slug: str) -> int | None:
    """The id of the field (domain) with this slug, or None."""
    return db.session.scalar(select(Domain.id).where(Domain.slug == slug))


# The bulk reads of the match index (matching/reader.py): every profile at once for a full
# build, or only some people for the changes since. Plain rows, no ORM objects: a build reads
# hundreds of thousands. ``ids=None`` means everyone; an empty list means nobody (no query).
# The link-row reads are iterable once.


# ---- for portfolio ----


def is_mentor_clause(user_id: int):
    """``is_mentor`` as an SQL condition, for a visibility filter inside one statement."""
    return select(MentorProfile.id).where(MentorProfile.user_id == user_id).exists()


def skill_ids_known_by(user_id: int, learner_level: int) -> list[int]:
    """Ids of the skills a person teaches as a mentor or knows at ``learner_level`` or more as a
    learner, sorted (one query)."""
    mentor = (select(MentorSkill.skill_id).join(MentorProfile, MentorProfile.id == MentorSkill.mentor_id)
              .where(MentorProfile.user_id == user_id))
    learner = (select(LearnerSkill.skill_id).join(LearnerProfile, LearnerProfile.id == LearnerSkill.learner_id)
               .where(LearnerProfile.user_id == user_id, LearnerSkill.level >= learner_level))
    return sorted(set(db.session.scalars(union(mentor, learner))))


# ---- for events ----


def domains_by_ids(ids) -> list[Domain]:
    """The domains with these ids (retired ones too: a meetup keeps the domains it was given)."""
    ids = list(ids)
    return list(db.session.scalars(select(Domain).where(Domain.id.in_(ids)))) if ids else []


# ---- for mentoring ----


def mentor_profile(user_id: int, *, for_update: bool = False) -> MentorProfile | None:
    """The mentor profile of ``user_id`` (None when they have none). ``for_update``: reloaded and,
    on PostgreSQL, locked for the caller's transaction (mentoring decides capacity under it)."""
    stmt = select(MentorProfile).where(MentorProfile.user_id == user_id)
    if for_update:
        stmt = stmt.execution_options(populate_existing=True)
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
    return db.session.scalar(stmt)


# ---- for api ----


def mentors_select():
    """Mentor profiles of active members (the directory's rows), with person, skills and domains."""
    return select(MentorProfile).join(User, User.id == MentorProfile.user_id) \
        .where(User.is_deleted.is_(False), User.is_suspended.is_(False)) \
        .options(joinedload(MentorProfile.user), selectinload(MentorProfile.skills).joinedload(MentorSkill.skill),
                 selectinload(MentorProfile.domains))


# ---- for dashboard ----


def step_facts(user_id: int) -> dict:
    """Next-step facts of the viewer's profiles, as scalar SQL expressions for the dashboard's one
    facts query: a learner profile, its skills, availability windows, and whether the mentor
    profile takes new mentees."""
    return {
        "has_learner": exists().where(LearnerProfile.user_id == user_id),
        "learner_skills": select(func.count(LearnerSkill.learner_id)).join(
            LearnerProfile, LearnerProfile.id == LearnerSkill.learner_id)
        .where(LearnerProfile.user_id == user_id).scalar_subquery(),
        "windows": select(func.count(AvailabilityWindow.id)).where(AvailabilityWindow.user_id == user_id)
        .scalar_subquery(),
        "has_mentor": exists().where(MentorProfile.user_id == user_id),
        "mentor_open": exists().where(MentorProfile.user_id == user_id, MentorProfile.is_accepting.is_(True),
                                      MentorProfile.capacity > 0),
    }


# ---- for matching ----


def mentor_headlines(user_ids) -> dict[int, tuple[str, int, str]]:
    """(headline, capacity, time zone) of each mentor in ``user_ids``, in one query."""
    rows = db.session.execute(select(MentorProfile.user_id, MentorProfile.headline, MentorProfile.capacity,
                                     User.timezone).join(User, User.id == MentorProfile.user_id)
                              .where(MentorProfile.user_id.in_(list(user_ids)))).all()
    return {r[0]: tuple(r[1:]) for r in rows}
# ---- for the skill picker (f-ux2) ----
def skill_groups(skills) -> list[tuple[str, list]]:
    """Skill rows or objects that have a ``category`` (ordered by name) grouped like
    ``skills_by_category()``, for the one skill picker."""
    return _grouped(skills)


# ---- for the home page (f-ux2) ----
def showcase_mentors(limit: int) -> list:
    """A few mentors who take new mentees, most free places first, as directory MentorCards
    (without overlap: the home page is for visitors), in two queries."""
    stmt = (select(MentorProfile).join(User, User.id == MentorProfile.user_id)
            .where(User.is_deleted.is_(False), User.is_suspended.is_(False),
                   MentorProfile.is_accepting.is_(True), MentorProfile.capacity > 0)
            .order_by(MentorProfile.capacity.desc(), MentorProfile.id).limit(limit))
    return cards_from_rows(db.session.execute(card_columns(stmt)))
# ---- for stats ----


def with_learner_profile(people) -> Select:
    """The ids among the ``people`` select that have a learner profile (a select to count)."""
    return (select(LearnerProfile.user_id).where(LearnerProfile.user_id.in_(people)))