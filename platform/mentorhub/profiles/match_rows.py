"""The rows of people the match index is built from (matching/reader.py): bulk reads by column,
streamed, never ORM objects per row."""
from __future__ import annotations

from sqlalchemy import String, case, cast, func, literal_column, null, select, union_all

from .. import match_events
from ..accounts.models import User
from ..db import db
from .models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
    learner_domains,
    learner_wanted_skills,
    mentor_domains,
)
from .queries import split_slugs


def _only(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def _rows(query, column, ids):
    """The rows, iterable once (streamed from the cursor, not kept as a list)."""
    return [] if ids is not None and not ids else db.session.execute(_only(query, column, ids))


def skill_columns() -> list:
    """(id, name) of every skill, by id."""
    return db.session.execute(select(Skill.id, Skill.name).order_by(Skill.id)).all()


def domain_columns() -> list:
    """(id, name) of every field, by id."""
    return db.session.execute(select(Domain.id, Domain.name).order_by(Domain.id)).all()


def learner_match_rows(user_ids: list[int] | None = None) -> list:
    """Learner profiles by profile id, with ``profile_id``, ``user_id``, ``headline``, ``goals``,
    ``stage``, ``timezone``, ``is_suspended`` and ``is_deleted``."""
    query = (select(LearnerProfile.id.label("profile_id"), LearnerProfile.user_id, LearnerProfile.headline,
                    LearnerProfile.goals, LearnerProfile.stage, User.timezone, User.is_suspended, User.is_deleted)
             .join(User, User.id == LearnerProfile.user_id).order_by(LearnerProfile.id))
    return list(_rows(query, LearnerProfile.user_id, user_ids))


def mentor_match_rows(user_ids: list[int] | None = None) -> list:
    """Mentor profiles by profile id, with ``profile_id``, ``user_id``, ``headline``, ``bio``,
    ``current_role``, ``capacity``, ``is_accepting``, ``timezone``, ``is_suspended``, ``is_deleted``,
    ``last_seen_at`` and ``created_at``."""
    query = (select(MentorProfile.id.label("profile_id"), MentorProfile.user_id, MentorProfile.headline,
                    MentorProfile.bio, MentorProfile.current_role, MentorProfile.capacity, MentorProfile.is_accepting,
                    User.timezone, User.is_suspended, User.is_deleted, User.last_seen_at, User.created_at)
             .join(User, User.id == MentorProfile.user_id).order_by(MentorProfile.id))
    return list(_rows(query, MentorProfile.user_id, user_ids))


def learner_skill_rows(profile_ids: list[int] | None = None):
    """(learner profile id, skill id, level)."""
    return _rows(select(LearnerSkill.learner_id, LearnerSkill.skill_id, LearnerSkill.level),
                 LearnerSkill.learner_id, profile_ids)


def wanted_skill_rows(profile_ids: list[int] | None = None):
    """(learner profile id, skill id) of the skills learners want."""
    return _rows(select(learner_wanted_skills.c.learner_id, learner_wanted_skills.c.skill_id),
                 learner_wanted_skills.c.learner_id, profile_ids)


def learner_domain_rows(profile_ids: list[int] | None = None):
    """(learner profile id, domain id)."""
    return _rows(select(learner_domains.c.learner_id, learner_domains.c.domain_id),
                 learner_domains.c.learner_id, profile_ids)


def mentor_skill_rows(profile_ids: list[int] | None = None):
    """(mentor profile id, skill id, level)."""
    return _rows(select(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level),
                 MentorSkill.mentor_id, profile_ids)


def mentor_domain_rows(profile_ids: list[int] | None = None):
    """(mentor profile id, domain id)."""
    return _rows(select(mentor_domains.c.mentor_id, mentor_domains.c.domain_id),
                 mentor_domains.c.mentor_id, profile_ids)


def window_rows(user_ids: list[int] | None = None):
    """(user id, weekday, start minute, end minute) of weekly free time."""
    return _rows(select(AvailabilityWindow.user_id, AvailabilityWindow.weekday, AvailabilityWindow.start_minute,
                        AvailabilityWindow.end_minute), AvailabilityWindow.user_id, user_ids)


def skill_ids_by_slug(slugs) -> dict[str, int]:
    """Skill slug -> id for the slugs that exist (retired ones included)."""
    slugs = {str(s) for s in slugs}
    if not slugs:
        return {}
    return dict(db.session.execute(select(Skill.slug, Skill.id).where(Skill.slug.in_(slugs))).all())


# ---- for matching (two-sided) ----


def decision_counts() -> list[tuple[int, str | None, int, int]]:
    """Every mentor's recorded answers by the stage of the learner who asked: (mentor user id,
    stage, accepted, answered or expired), one query."""
    E = match_events.MatchEvent
    accepted = func.sum(case((E.kind == match_events.REQUEST_ACCEPTED, 1), else_=0))
    return [tuple(r) for r in db.session.execute(
        select(E.mentor_id, LearnerProfile.stage, accepted, func.count()).select_from(E)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == E.learner_id)
        .where(E.mentor_id.is_not(None), E.kind.in_(match_events.DECISIONS))
        .group_by(E.mentor_id, LearnerProfile.stage))]


def two_sided_rows(learner_id: int | None, mentor_ids) -> tuple[tuple | None, dict, list]:
    """One query: (the learner's (stage, domain slugs, languages) or None when not asked or no profile,
    mentor user id -> (preferred stages, preferred domain slugs, languages),
    [(mentor user id, stage of the learner who asked, event kind)] of the mentors' recorded answers)."""
    ids, text, E = [int(m) for m in mentor_ids], String(400), match_events.MatchEvent
    parts = [select(literal_column("'M'"), MentorProfile.user_id, MentorProfile.pref_stages,
                    MentorProfile.pref_domains, MentorProfile.languages).where(MentorProfile.user_id.in_(ids)),
             select(literal_column("'D'"), E.mentor_id, LearnerProfile.stage, E.kind, cast(null(), text)).select_from(E)
             .outerjoin(LearnerProfile, LearnerProfile.user_id == E.learner_id)
             .where(E.mentor_id.in_(ids), E.kind.in_(match_events.DECISIONS))]
    if learner_id is not None:
        parts.append(select(literal_column("'L'"), LearnerProfile.user_id, LearnerProfile.stage, LearnerProfile.languages,
                            cast(Domain.slug, text)).select_from(LearnerProfile)
                     # flat outer joins: SQLite would first build the whole learner_domains x domains join
                     .outerjoin(learner_domains, learner_domains.c.learner_id == LearnerProfile.id)
                     .outerjoin(Domain, Domain.id == learner_domains.c.domain_id)
                     .where(LearnerProfile.user_id == learner_id))
    rows = db.session.execute(union_all(*parts)).all()
    ls = [r for r in rows if r[0] == "L"]
    learner = (ls[0][2], {r[4] for r in ls if r[4]}, set(split_slugs(ls[0][3]))) if ls else None
    mentors = {r[1]: (set(split_slugs(r[2])), set(split_slugs(r[3])), set(split_slugs(r[4]))) for r in rows if r[0] == "M"}
    return learner, mentors, [(r[1], r[2], r[3]) for r in rows if r[0] == "D"]
