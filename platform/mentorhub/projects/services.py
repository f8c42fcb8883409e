"""Projects: every write and every permission check about ideas, applications, teams and milestones.

Seats are claimed with a conditional UPDATE (``seats_taken = seats_taken + 1 WHERE
seats_taken < seats``), so two people accepting at the same moment never over-fill a team,
on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (the row lock re-checks the condition).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, exists, false, func, literal_column, or_, select, true, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ServiceError, ValidationError
from ..generations import projects_changed
from ..notifications.notify import notify
from ..pagination import Page, paginate_rows
from ..profiles.models import Domain, LearnerProfile, MentorProfile, Skill
from ..profiles.services import LEVEL_NAMES as LEVELS  # one wording for skill levels
from .cards import card_columns, cards_from_rows
from .models import (
    ACTIVE_STATUSES,
    COMPUTE,
    DEFAULT_MILESTONES,
    DIFFICULTIES,
    MEMBER_ROLES,
    STATUSES,
    Milestone,
    MilestoneCredit,
    Project,
    ProjectActivity,
    ProjectApplication,
    ProjectMember,
    ProjectSkill,
    project_domains,
)

SORTS = ("recent", "new", "seats", "match")


def cfg(name: str) -> Any:
    return current_app.config[name]


def project_path(project_id: int, suffix: str = "") -> str:
    return f"/projects/{project_id}{suffix}"


# ---- who is who --------------------------------------------------------------------------


def is_mentor(user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id)) is not None


def has_learner_profile(user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(LearnerProfile.id).where(LearnerProfile.user_id == user.id)) is not None


def can_manage(user: User | None, project: Project) -> bool:
    """Owner, champion or admin: may edit the idea and decide applications."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or user.id == project.owner_id or user.id == project.champion_id


def _blocked_with_leads(user_id: int, project: Project) -> bool:
    """True when the person and the project's owner or champion have blocked each other (either way)."""
    return any(lead_id is not None and lead_id != user_id and is_blocked_between(user_id, lead_id)
               for lead_id in (project.owner_id, project.champion_id))


def require_manager(actor: User, project: Project) -> None:
    if not can_manage(actor, project):
        raise PermissionDenied("Only the owner, the champion or an admin can do that.")


def membership(user: User | None, project: Project) -> ProjectMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    )


def is_on_team(user: User | None, project: Project) -> bool:
    """Member, owner or champion (admins manage but are not on the team)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.id in (project.owner_id, project.champion_id) or membership(user, project) is not None


# ---- reading -----------------------------------------------------------------------------


def _project_query():
    """Projects with what their pages show, in three queries however many are listed: owner and
    champion joined in, domains and skills (with their names) one query each."""
    return select(Project).options(
        selectinload(Project.domains),
        selectinload(Project.skills).joinedload(ProjectSkill.skill),
        joinedload(Project.owner),
        joinedload(Project.champion),
    )


def get_project(project_id: int) -> Project:
    project = db.session.scalar(_project_query().where(Project.id == project_id))
    if project is None:
        raise NotFound("No such project idea.")
    return project


def stale_cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=cfg("PROJECT_STALE_DAYS"))


def is_stale(project: Project, now: datetime | None = None) -> bool:
    return project.is_stale or project.last_activity_at < stale_cutoff(now)


@dataclass
class ProjectFilters:
    q: str = ""
    domain: str = ""
    skill: str = ""
    difficulty: str = ""
    compute: str = ""
    status: str = ""  # "" = open and in progress; "any"; or one status
    free_seats: bool = False
    active: bool = False  # activity in the last PROJECT_ACTIVE_DAYS days
    include_stale: bool = False
    sort: str = "recent"

    @classmethod
    def from_args(cls, args) -> ProjectFilters:
        def choice(name: str, allowed: Iterable[str]) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        sort = choice("sort", SORTS) or "recent"
        return cls(
            q=(args.get("q") or "").strip()[:100],
            domain=(args.get("domain") or "").strip()[:60],
            skill=(args.get("skill") or "").strip()[:60],
            difficulty=choice("difficulty", DIFFICULTIES),
            compute=choice("compute", COMPUTE),
            status=choice("status", (*STATUSES, "any")),
            free_seats=args.get("free_seats") in ("1", "on", "y"),
            active=args.get("active") in ("1", "on", "y"),
            include_stale=args.get("stale") in ("1", "on", "y"),
            sort=sort,
        )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered_query(f: ProjectFilters, now: datetime | None = None):
    now = now or utcnow()
    stmt = select(Project)
    if f.status == "any":
        pass
    elif f.status:
        stmt = stmt.where(Project.status == f.status)
    else:
        stmt = stmt.where(Project.status.in_(ACTIVE_STATUSES))
    if not f.include_stale:
        stmt = stmt.where(Project.is_stale.is_(False), Project.last_activity_at >= stale_cutoff(now))
    if f.active:
        stmt = stmt.where(Project.last_activity_at >= now - timedelta(days=cfg("PROJECT_ACTIVE_DAYS")))
    if f.difficulty:
        stmt = stmt.where(Project.difficulty == f.difficulty)
    if f.compute:
        stmt = stmt.where(Project.compute == f.compute)
    if f.free_seats:
        stmt = stmt.where(Project.seats_taken < Project.seats)
    if f.domain:
        stmt = stmt.where(
            exists().where(project_domains.c.project_id == Project.id,
                           project_domains.c.domain_id == Domain.id, Domain.slug == f.domain)
        )
    if f.skill:
        stmt = stmt.where(
            exists().where(ProjectSkill.project_id == Project.id, ProjectSkill.skill_id == Skill.id,
                           Skill.slug == f.skill)
        )
    if f.q:
        like = f"%{_escape_like(f.q.lower())}%"
        stmt = stmt.where(or_(func.lower(Project.title).like(like, escape="\\"),
                              func.lower(Project.summary).like(like, escape="\\"),
                              func.lower(Project.description).like(like, escape="\\")))
    return stmt


def list_projects(f: ProjectFilters, page: int, scores: dict[int, float] | None = None,
                  now: datetime | None = None) -> Page:
    """A page of ideas as ProjectCard rows (cards.py). With ``scores`` (project id -> match
    score) they come best first."""
    stmt = filtered_query(f, now)
    per_page = cfg("PAGE_SIZE")
    if scores is not None:
        ids = list(db.session.scalars(stmt.with_only_columns(Project.id).order_by(Project.id)))
        ids.sort(key=lambda i: (-scores.get(i, 0.0), i))
        total = len(ids)
        page = min(page, max(1, -(-total // per_page)))
        chosen = ids[(page - 1) * per_page: page * per_page]
        rows = db.session.execute(card_columns(select(Project).where(Project.id.in_(chosen))))
        by_id = {card.id: card for card in cards_from_rows(rows)}
        return Page(items=[by_id[i] for i in chosen if i in by_id], page=page, per_page=per_page, total=total)
    if f.sort == "new":
        stmt = stmt.order_by(Project.created_at.desc(), Project.id.desc())
    elif f.sort == "seats":
        stmt = stmt.order_by((Project.seats - Project.seats_taken).desc(), Project.last_activity_at.desc(),
                             Project.id.desc())
    else:
        stmt = stmt.order_by(Project.last_activity_at.desc(), Project.id.desc())
    found = paginate_rows(db.session, card_columns(stmt), page, per_page)
    found.items = cards_from_rows(found.items)
    return found


def match_scores(viewer: User | None, f: ProjectFilters, is_learner: bool) -> dict[int, float] | None:
    """Match scores for ``sort=match``; only learners (``is_learner``: has_learner_profile) can be
    matched, so for anyone else the sort falls back to recent activity (``f.sort`` is changed)
    and this returns None."""
    if f.sort != "match":
        return None
    if not is_learner:
        f.sort = "recent"
        return None
    from ..matching.services import project_scores_for  # the matching engine loads only when asked for

    return project_scores_for(viewer)


def filter_options() -> dict[str, list]:
    """Domains and skills that some project uses, for the filter menus."""
    domains = (select(true().label("is_domain"), Domain.slug, Domain.name.label("name"))
               .where(exists().where(project_domains.c.domain_id == Domain.id)))
    skills = select(false(), Skill.slug, Skill.name).where(exists().where(ProjectSkill.skill_id == Skill.id))
    options: dict[str, list] = {"domains": [], "skills": []}
    for is_domain, slug, name in db.session.execute(  # one query for both menus, each ordered by name
            union_all(domains, skills).order_by(literal_column("name"))):
        options["domains" if is_domain else "skills"].append((slug, name))
    return options


def all_skills() -> list[Skill]:
    return list(db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)).order_by(Skill.name)))


def all_domains() -> list[Domain]:
    return list(db.session.scalars(select(Domain).where(Domain.is_retired.is_(False)).order_by(Domain.name)))


def activity_log(project: Project, limit: int | None = None) -> list[ProjectActivity]:
    return list(db.session.scalars(
        select(ProjectActivity).options(selectinload(ProjectActivity.actor))
        .where(ProjectActivity.project_id == project.id)
        .order_by(ProjectActivity.created_at.desc(), ProjectActivity.id.desc())
        .limit(limit or cfg("PROJECT_ACTIVITY_SHOWN"))
    ))


def activity_for(viewer: User | None, project: Project) -> list[ProjectActivity] | None:
    """The activity log as ``viewer`` may see it: the team, the owner, the champion and admins
    see it; anyone else gets None (the log names who applied, was declined or was removed)."""
    if not (is_on_team(viewer, project) or can_manage(viewer, project)):
        return None
    return activity_log(project)


def get_member(project: Project, user_id: int) -> ProjectMember:
    member = db.session.scalar(select(ProjectMember).where(ProjectMember.project_id == project.id,
                                                           ProjectMember.user_id == user_id))
    if member is None:
        raise NotFound("That person is not on this team.")
    return member


def team_members(project: Project) -> list[ProjectMember]:
    return list(db.session.scalars(
        select(ProjectMember).options(selectinload(ProjectMember.user))
        .where(ProjectMember.project_id == project.id).order_by(ProjectMember.joined_at, ProjectMember.id)
    ))


def application_of(user: User | None, project: Project) -> ProjectApplication | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(ProjectApplication).where(
        ProjectApplication.project_id == project.id, ProjectApplication.user_id == user.id))


def applications_for(actor: User, project: Project) -> list[ProjectApplication]:
    require_manager(actor, project)
    return list(db.session.scalars(
        select(ProjectApplication).options(selectinload(ProjectApplication.user))
        .where(ProjectApplication.project_id == project.id)
        .order_by((ProjectApplication.status == "pending").desc(), ProjectApplication.created_at.desc())
    ))


def pending_count(project: Project) -> int:
    return db.session.scalar(select(func.count(ProjectApplication.id)).where(
        ProjectApplication.project_id == project.id, ProjectApplication.status == "pending")) or 0


@dataclass
class MyProjects:
    owned: list[Project] = field(default_factory=list)
    championed: list[Project] = field(default_factory=list)
    teams: list[Project] = field(default_factory=list)
    applications: list[ProjectApplication] = field(default_factory=list)
    pending_to_decide: int = 0


def my_projects(user: User) -> MyProjects:
    owned = list(db.session.scalars(_project_query().where(Project.owner_id == user.id)
                                    .order_by(Project.last_activity_at.desc())))
    championed = list(db.session.scalars(_project_query().where(Project.champion_id == user.id)
                                         .order_by(Project.last_activity_at.desc())))
    teams = list(db.session.scalars(
        _project_query().join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id).order_by(Project.last_activity_at.desc())
    ))
    applications = list(db.session.scalars(
        select(ProjectApplication).options(selectinload(ProjectApplication.project))
        .where(ProjectApplication.user_id == user.id).order_by(ProjectApplication.created_at.desc())
    ))
    managed = [p.id for p in owned] + [p.id for p in championed]
    pending = 0
    if managed:
        pending = db.session.scalar(select(func.count(ProjectApplication.id)).where(
            ProjectApplication.project_id.in_(managed), ProjectApplication.status == "pending")) or 0
    return MyProjects(owned, championed, teams, applications, pending)


@dataclass(frozen=True)
class Outcome:
    project_id: int
    project_title: str
    milestone: str
    reached_at: datetime


def milestones_reached_by(user: User) -> list[Outcome]:
    """Milestones reached while ``user`` was on the team (member, owner or champion): their outcomes."""
    rows = db.session.execute(
        select(Project.id, Project.title, Milestone.title, Milestone.reached_at)
        .join(Milestone, Milestone.project_id == Project.id)
        .join(MilestoneCredit, MilestoneCredit.milestone_id == Milestone.id)
        .where(MilestoneCredit.user_id == user.id, Milestone.reached_at.is_not(None))
        .order_by(Milestone.reached_at.desc(), Milestone.id.desc())
    ).all()
    return [Outcome(*row) for row in rows]


# ---- validation --------------------------------------------------------------------------


def _text(value: Any, field_name: str, label: str, max_len: int, required: bool = True,
          min_len: int = 0) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        if required:
            raise ValidationError(f"Enter {label}.", field=field_name)
        return None
    if len(text) > max_len:
        raise ValidationError(f"Keep {label} to {max_len} characters or fewer (it has {len(text)}).",
                              field=field_name)
    if len(text) < min_len:
        raise ValidationError(f"Write at least {min_len} characters for {label}.", field=field_name)
    return text


def _url(value: Any, field_name: str, label: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > 300:
        raise ValidationError(f"The {label} is too long (300 characters at most).", field=field_name)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text or "." not in parts.netloc:
        raise ValidationError(f"Enter the {label} as a full web address starting with https://.",
                              field=field_name)
    return text


def _int(value: Any, field_name: str, label: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"Enter a whole number for {label}.", field=field_name) from None
    if number < low or number > high:
        raise ValidationError(f"{label.capitalize()} must be between {low} and {high}.", field=field_name)
    return number


def _choice(value: Any, field_name: str, label: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationError(f"Choose {label} from the list.", field=field_name)
    return value


def skills_by_slugs(slugs: Iterable[str], field_name: str) -> dict[str, Skill]:
    slugs = [s for s in dict.fromkeys(slugs) if s]
    if not slugs:
        return {}
    found = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(slugs),
                                                                      Skill.is_retired.is_(False)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(f"Unknown skill: {', '.join(unknown[:5])}. Choose skills from the list.",
                              field=field_name)
    return found


def domains_by_slugs(slugs: Iterable[str]) -> list[Domain]:
    slugs = [s for s in dict.fromkeys(slugs) if s]
    if len(slugs) > cfg("PROJECT_DOMAINS_MAX"):
        raise ValidationError(f"Choose at most {cfg('PROJECT_DOMAINS_MAX')} domains.", field="domains")
    found = {d.slug: d for d in db.session.scalars(select(Domain).where(Domain.slug.in_(slugs),
                                                                       Domain.is_retired.is_(False)))}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(f"Unknown domain: {', '.join(unknown[:5])}. Choose domains from the list.",
                              field="domains")
    return [found[s] for s in slugs]


def clean_project_data(data: dict) -> dict:
    """Check every field of an idea; raise ValidationError naming the first bad one."""
    out: dict[str, Any] = {
        "title": _text(data.get("title"), "title", "a title", cfg("PROJECT_TITLE_MAX")),
        "summary": _text(data.get("summary"), "summary", "a one-paragraph summary", cfg("PROJECT_SUMMARY_MAX")),
        "description": _text(data.get("description"), "description", "the description",
                             cfg("PROJECT_DESCRIPTION_MAX"), required=False) or "",
        "repo_url": _url(data.get("repo_url"), "repo_url", "repository address"),
        "issues_url": _url(data.get("issues_url"), "issues_url", "issue tracker address"),
        "difficulty": _choice(data.get("difficulty"), "difficulty", "a difficulty", DIFFICULTIES),
        "hours_per_week": _int(data.get("hours_per_week"), "hours_per_week", "hours per week", 1,
                               cfg("PROJECT_HOURS_MAX")),
        "duration_weeks": _int(data.get("duration_weeks"), "duration_weeks", "the duration in weeks", 1,
                               cfg("PROJECT_WEEKS_MAX")),
        "dataset_name": _text(data.get("dataset_name"), "dataset_name", "the dataset name", 120, required=False),
        "dataset_url": _url(data.get("dataset_url"), "dataset_url", "dataset address"),
        "dataset_licence": _text(data.get("dataset_licence"), "dataset_licence", "the dataset licence", 60,
                                 required=False),
        "compute": _choice(data.get("compute"), "compute", "the compute needed", COMPUTE),
        "eval_metric": _text(data.get("eval_metric"), "eval_metric", "the evaluation metric", 120,
                             required=False),
        "seats": _int(data.get("seats"), "seats", "the team size", 1, cfg("PROJECT_SEATS_MAX")),
    }
    required: list[tuple[str, int]] = []
    for row in data.get("required_skills") or []:
        slug, level = (row.get("skill"), row.get("level")) if isinstance(row, dict) else row
        if not slug:
            continue
        required.append((slug, _int(level, "required_skills", "the minimum skill level", 1, 4)))
    learn = [s for s in (data.get("learn_skills") or []) if s]
    if len(required) + len(learn) > cfg("PROJECT_SKILLS_MAX"):
        raise ValidationError(f"List at most {cfg('PROJECT_SKILLS_MAX')} skills in all.", field="required_skills")
    if len({s for s, _ in required}) != len(required):
        raise ValidationError("Each required skill can be listed once.", field="required_skills")
    out["required"] = [(skills_by_slugs([s], "required_skills")[s], lvl) for s, lvl in required]
    found = skills_by_slugs(learn, "learn_skills")
    out["learn"] = [found[s] for s in dict.fromkeys(learn)]
    out["domains"] = domains_by_slugs(data.get("domains") or [])
    return out


# ---- shared write helpers ------------------------------------------------------------------


def _log(project: Project, actor: User | None, message: str, now: datetime | None = None) -> None:
    """Record activity; activity keeps an idea fresh (not stale)."""
    now = now or utcnow()
    db.session.add(ProjectActivity(project_id=project.id, actor_id=actor.id if actor else None,
                                   message=message[:400], created_at=now))
    project.last_activity_at = now
    project.is_stale = False


def _commit() -> None:
    touched = [o for o in (*db.session.new, *db.session.dirty) if isinstance(o, Project)]
    db.session.flush()
    projects_changed(p.id for p in touched)
    db.session.commit()


def _apply_fields(project: Project, clean: dict) -> None:
    for name in ("title", "summary", "description", "repo_url", "issues_url", "difficulty", "hours_per_week",
                 "duration_weeks", "dataset_name", "dataset_url", "dataset_licence", "compute", "eval_metric"):
        setattr(project, name, clean[name])
    project.domains = list(clean["domains"])
    wanted = {(s.id, "required"): lvl for s, lvl in clean["required"]}
    wanted.update({(s.id, "learn"): None for s in clean["learn"]})
    for ps in list(project.skills):
        key = (ps.skill_id, ps.kind)
        if key in wanted:
            ps.min_level = wanted.pop(key)
        else:
            project.skills.remove(ps)
    db.session.flush()
    for (skill_id, kind), lvl in wanted.items():
        project.skills.append(ProjectSkill(skill_id=skill_id, kind=kind, min_level=lvl))


# ---- ideas -------------------------------------------------------------------------------


def create_project(actor: User, data: dict, now: datetime | None = None) -> Project:
    """Any member proposes an idea and owns it. ``champion=True`` from a mentor also champions it."""
    clean = clean_project_data(data)
    now = now or utcnow()
    project = Project(owner_id=actor.id, seats=clean["seats"], seats_taken=0, status="open",
                      created_at=now, updated_at=now, last_activity_at=now)
    db.session.add(project)
    _apply_fields(project, clean)
    db.session.flush()
    if data.get("champion") and is_mentor(actor):  # the owner championing their own idea
        project.champion_id = actor.id
    for position, (key, title) in enumerate(DEFAULT_MILESTONES):
        db.session.add(Milestone(project_id=project.id, key=key, title=title, position=position, created_at=now))
    _log(project, actor, "proposed the idea", now)
    _commit()
    return project


def update_project(actor: User, project_id: int, data: dict) -> Project:
    project = get_project(project_id)
    require_manager(actor, project)
    clean = clean_project_data(data)
    result = db.session.execute(
        update(Project).where(Project.id == project.id, Project.seats_taken <= clean["seats"])
        .values(seats=clean["seats"])
    )
    if not result.rowcount:
        db.session.rollback()
        raise ValidationError("The team already has more members than that; remove members first.",
                              field="seats")
    db.session.refresh(project)
    _apply_fields(project, clean)
    project.updated_at = utcnow()
    _log(project, actor, "edited the idea")
    _commit()
    return project


def set_status(actor: User, project_id: int, status: str) -> Project:
    project = get_project(project_id)
    require_manager(actor, project)
    status = _choice(status, "status", "a status", STATUSES)
    if status != project.status:
        old = project.status_label
        project.status = status
        _log(project, actor, f"changed the status from {old} to {project.status_label}")
        _commit()
    return project


def can_champion(actor: User | None, project: Project) -> ServiceError | None:
    """None when ``actor`` may offer to champion ``project`` (the page shows the button), else the
    refusal the service raises. A champion manages the idea, so the owner (or an admin) must accept."""
    if not is_mentor(actor):
        return PermissionDenied("Only mentors can champion an idea. Create a mentor profile first.")
    if project.status == "archived":
        return Conflict("This idea is archived.")
    if project.champion_id is not None:
        return Conflict("This idea already has a champion.")
    if project.champion_candidate_id is not None:
        return Conflict("A mentor has already offered to champion this idea; the owner is deciding.")
    if is_blocked_between(actor.id, project.owner_id):
        return Conflict("You cannot champion this idea: you and its owner have blocked each other.")
    return None


def _require_owner(actor: User, project: Project) -> None:
    if not (actor.is_authenticated and (actor.is_admin or actor.id == project.owner_id)):
        raise PermissionDenied("Only the owner or an admin can do that.")


def champion_project(actor: User, project_id: int) -> Project:
    """A mentor offers to champion the idea; the owner (or an admin) accepts or declines. The
    owner, when a mentor, champions their own idea at once."""
    project = get_project(project_id)
    refusal = can_champion(actor, project)
    if refusal:
        raise refusal
    own = actor.id == project.owner_id
    column = Project.champion_id if own else Project.champion_candidate_id
    result = db.session.execute(
        update(Project).where(Project.id == project.id, Project.champion_id.is_(None),
                              Project.champion_candidate_id.is_(None)).values({column: actor.id})
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("This idea already has a champion, or someone offered first.")
    db.session.refresh(project)
    if own:
        _log(project, actor, "became the champion")
    else:
        _log(project, actor, "offered to champion the idea")
        notify(project.owner, "project_team", f"{actor.display_name} offers to champion “{project.title}”",
               "A mentor offers to guide your project idea. A champion can edit it and decide applications: "
               "accept or decline on the idea's page.", link=project_path(project.id))
    _commit()
    return project


def decide_champion(actor: User, project_id: int, accept: bool) -> Project:
    """The owner or an admin accepts or declines the pending offer; the candidate may withdraw it."""
    project = get_project(project_id)
    candidate = project.champion_candidate
    if candidate is None:
        raise Conflict("Nobody is waiting to champion this idea.")
    if not (accept is False and actor.id == candidate.id):
        _require_owner(actor, project)
    if accept:
        if not is_mentor(candidate) or is_blocked_between(candidate.id, project.owner_id):
            raise Conflict(f"{candidate.display_name} can no longer champion this idea.")
        done = db.session.execute(
            update(Project).where(Project.id == project.id, Project.champion_id.is_(None),
                                  Project.champion_candidate_id == candidate.id)
            .values(champion_id=candidate.id, champion_candidate_id=None)
        ).rowcount
        if not done:
            db.session.rollback()
            raise Conflict("The offer changed meanwhile; reload the page.")
        db.session.refresh(project)
        _log(project, actor, f"accepted {candidate.display_name} as champion")
        notify(candidate, "project_team", f"You champion “{project.title}”",
               "The owner accepted your offer to guide the idea.", link=project_path(project.id))
    else:
        project.champion_candidate_id = None
        _log(project, actor, "withdrew the offer to champion" if actor.id == candidate.id
             else f"declined {candidate.display_name}'s offer to champion")
        if actor.id != candidate.id:
            notify(candidate, "project_team", f"Your offer to champion “{project.title}”",
                   "The owner declined your offer to champion the idea.", link=project_path(project.id))
    _commit()
    return project


def step_down(actor: User, project_id: int) -> Project:
    """The champion steps down, or the owner or an admin removes them; the activity log says which."""
    project = get_project(project_id)
    if project.champion_id is None:
        raise Conflict("This idea has no champion.")
    champion = project.champion
    if actor.id != project.champion_id:
        _require_owner(actor, project)
    project.champion_id = None
    if actor.id == champion.id:
        _log(project, actor, "stepped down as champion")
    else:
        _log(project, actor, f"removed {champion.display_name} as champion")
        notify(champion, "project_team", f"You no longer champion “{project.title}”",
               "The owner removed you as the idea's champion.", link=project_path(project.id))
    _commit()
    return project


# ---- applications ------------------------------------------------------------------------------


def apply(actor: User, project_id: int, motivation: str) -> ProjectApplication:
    project = get_project(project_id)
    text = _text(motivation, "motivation", "a short motivation", cfg("PROJECT_MOTIVATION_MAX"),
                 min_len=cfg("PROJECT_MOTIVATION_MIN"))
    if actor.id in (project.owner_id, project.champion_id):
        raise ValidationError("You already lead this project.", field="motivation")
    if project.status not in ACTIVE_STATUSES:
        raise Conflict(f"This idea is {project.status_label.lower()} and takes no applications.")
    if _blocked_with_leads(actor.id, project):
        raise ValidationError("You cannot apply to this project: you and one of its leads have blocked each other.",
                              field="motivation")
    if membership(actor, project) is not None:
        raise Conflict("You are already on this team.")
    previous = application_of(actor, project)
    if previous is not None and previous.status != "withdrawn":
        raise Conflict("You have already applied to this project.")
    if project.seats_taken >= project.seats:
        raise Conflict("This team is full.")
    if previous is not None:
        # a withdrawn application may be sent again, once more with a fresh motivation
        reopened = db.session.execute(
            update(ProjectApplication).where(ProjectApplication.id == previous.id,
                                             ProjectApplication.status == "withdrawn")
            .values(status="pending", motivation=text, created_at=utcnow(), decided_at=None,
                    decided_by_id=None, decision_reason=None)
        )
        if not reopened.rowcount:
            db.session.rollback()
            raise Conflict("You have already applied to this project.")
        application = previous
    else:
        application = ProjectApplication(project_id=project.id, user_id=actor.id, motivation=text,
                                         status="pending", created_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(application)
        except IntegrityError:
            db.session.rollback()
            raise Conflict("You have already applied to this project.") from None
    _log(project, actor, "applied to join")
    link = project_path(project.id, "/applications")
    for leader in {project.owner, project.champion} - {None}:
        notify(leader, "project_application", f"{actor.display_name} applied to “{project.title}”",
               text[:500], link=link)
    _commit()
    return application


def get_application(application_id: int) -> ProjectApplication:
    application = db.session.get(ProjectApplication, application_id)
    if application is None:
        raise NotFound("No such application.")
    return application


def withdraw(actor: User, application_id: int) -> ProjectApplication:
    application = get_application(application_id)
    if application.user_id != actor.id:
        raise PermissionDenied("You can only withdraw your own application.")
    result = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="withdrawn", decided_at=utcnow())
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("Only a pending application can be withdrawn.")
    project = get_project(application.project_id)
    _log(project, actor, "withdrew their application")
    _commit()
    db.session.refresh(application)
    return application


def accept(actor: User, application_id: int) -> ProjectMember:
    """Accept a pending application: claim a seat atomically, add the member, tell the applicant."""
    application = get_application(application_id)
    project = get_project(application.project_id)
    require_manager(actor, project)
    if _blocked_with_leads(application.user_id, project):
        raise Conflict("This person cannot join the team: they and one of the project's leads have blocked "
                       "each other. Decline the application instead.")
    now = utcnow()
    claimed = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="accepted", decided_at=now, decided_by_id=actor.id)
    )
    if not claimed.rowcount:
        db.session.rollback()
        raise Conflict("This application was already decided.")
    seat = db.session.execute(
        update(Project).where(Project.id == project.id, Project.seats_taken < Project.seats,
                              Project.status.in_(ACTIVE_STATUSES))
        .values(seats_taken=Project.seats_taken + 1)
    )
    if not seat.rowcount:
        db.session.rollback()
        raise Conflict("The team is full (or no longer open), so this application cannot be accepted.")
    member = ProjectMember(project_id=project.id, user_id=application.user_id, role="contributor", joined_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("That person is already on the team.") from None
    db.session.refresh(project)
    applicant = db.session.get(User, application.user_id)
    _log(project, actor, f"accepted {applicant.display_name} onto the team", now)
    notify(applicant, "project_decision", f"You are on the team of “{project.title}”",
           "Your application was accepted. Say hello to the team and pick a first issue.",
           link=project_path(project.id, "/team"))
    _commit()
    return member


def decline(actor: User, application_id: int, reason: str) -> ProjectApplication:
    application = get_application(application_id)
    project = get_project(application.project_id)
    require_manager(actor, project)
    text = _text(reason, "reason", "a reason", cfg("PROJECT_REASON_MAX"))
    result = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="declined", decided_at=utcnow(), decided_by_id=actor.id, decision_reason=text)
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("This application was already decided.")
    applicant = db.session.get(User, application.user_id)
    _log(project, actor, f"declined the application of {applicant.display_name}")
    notify(applicant, "project_decision", f"Your application to “{project.title}” was declined",
           f"Reason given: {text}", link=project_path(project.id))
    _commit()
    db.session.refresh(application)
    return application


# ---- the team ---------------------------------------------------------------------------


def _release_seat(project: Project) -> None:
    db.session.execute(update(Project).where(Project.id == project.id, Project.seats_taken > 0)
                       .values(seats_taken=Project.seats_taken - 1))


def leave(actor: User, project_id: int) -> None:
    project = get_project(project_id)
    member = membership(actor, project)
    if member is None:
        raise Conflict("You are not on this team.")
    db.session.delete(member)
    _release_seat(project)
    db.session.refresh(project)
    _log(project, actor, "left the team")
    notify(project.owner, "project_team", f"{actor.display_name} left “{project.title}”",
           "A seat on the team is free again.", link=project_path(project.id, "/team"))
    _commit()


def remove_member(actor: User, project_id: int, user_id: int, reason: str) -> None:
    project = get_project(project_id)
    require_manager(actor, project)
    text = _text(reason, "reason", "a reason", cfg("PROJECT_REASON_MAX"))
    member = get_member(project, user_id)
    removed = member.user
    db.session.delete(member)
    _release_seat(project)
    db.session.refresh(project)
    _log(project, actor, f"removed {removed.display_name} from the team")
    notify(removed, "project_team", f"You were removed from “{project.title}”", f"Reason given: {text}",
           link=project_path(project.id))
    _commit()


def set_role(actor: User, project_id: int, user_id: int, role: str) -> ProjectMember:
    project = get_project(project_id)
    require_manager(actor, project)
    role = _choice(role, "role", "a role", MEMBER_ROLES)
    member = get_member(project, user_id)
    if member.role != role:
        member.role = role
        _log(project, actor, f"made {member.user.display_name} a {role}")
        _commit()
    return member


# ---- milestones -------------------------------------------------------------------------------


def _get_milestone(project_id: int, milestone_id: int) -> tuple[Project, Milestone]:
    project = get_project(project_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise NotFound("No such milestone.")
    return project, milestone


def add_milestone(actor: User, project_id: int, title: str) -> Milestone:
    project = get_project(project_id)
    require_manager(actor, project)
    text = _text(title, "title", "a milestone title", 120)
    count = db.session.scalar(select(func.count(Milestone.id)).where(Milestone.project_id == project.id)) or 0
    if count >= cfg("PROJECT_MILESTONES_MAX"):
        raise ValidationError(f"A project can have at most {cfg('PROJECT_MILESTONES_MAX')} milestones.",
                              field="title")
    position = db.session.scalar(select(func.max(Milestone.position))
                                 .where(Milestone.project_id == project.id)) or 0
    milestone = Milestone(project_id=project.id, key=None, title=text, position=position + 1,
                          created_at=utcnow())
    db.session.add(milestone)
    _log(project, actor, f"added the milestone “{text}”")
    _commit()
    return milestone


def _require_team(actor: User, project: Project) -> None:
    if not (is_on_team(actor, project) or actor.is_admin):
        raise PermissionDenied("Only the team can tick its milestones.")


def tick_milestone(actor: User, project_id: int, milestone_id: int) -> Milestone:
    """Mark a milestone reached; everyone on the team now gets it as an outcome."""
    project, milestone = _get_milestone(project_id, milestone_id)
    _require_team(actor, project)
    now = utcnow()
    result = db.session.execute(
        update(Milestone).where(Milestone.id == milestone.id, Milestone.reached_at.is_(None))
        .values(reached_at=now, reached_by_id=actor.id)
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("This milestone is already ticked.")
    team = {m.user_id for m in team_members(project)} | {project.owner_id}
    if project.champion_id:
        team.add(project.champion_id)
    for user_id in sorted(team):
        db.session.add(MilestoneCredit(milestone_id=milestone.id, user_id=user_id))
    db.session.refresh(milestone)
    _log(project, actor, f"reached the milestone “{milestone.title}”", now)
    _commit()
    return milestone


def untick_milestone(actor: User, project_id: int, milestone_id: int) -> Milestone:
    project, milestone = _get_milestone(project_id, milestone_id)
    _require_team(actor, project)
    if milestone.reached_at is None:
        raise Conflict("This milestone is not ticked.")
    milestone.reached_at = None
    milestone.reached_by_id = None
    db.session.execute(delete(MilestoneCredit).where(MilestoneCredit.milestone_id == milestone.id))
    _log(project, actor, f"reopened the milestone “{milestone.title}”")
    _commit()
    return milestone


# ---- stale marking (run by jobs.mark_stale_projects) ----------------------------------------------


def mark_stale(now: datetime | None = None) -> int:
    """Mark open ideas with no activity for PROJECT_STALE_DAYS as stale; tell each owner once."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(Project).where(Project.is_stale.is_(False), Project.status.in_(ACTIVE_STATUSES),
                              Project.last_activity_at < stale_cutoff(now))
    ))
    for project in due:
        project.is_stale = True
        notify(project.owner, "project_stale", f"“{project.title}” has gone quiet",
               f"Nothing has happened on this idea for {cfg('PROJECT_STALE_DAYS')} days, so it is hidden "
               "from the project list. Any update (an edit, a status change, a milestone) brings it back.",
               link=project_path(project.id),
               key=f"project-stale:{project.id}:{project.last_activity_at.isoformat()}")
    if due:
        _commit()
    return len(due)


# ---- personal data ----------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    mine = my_projects(user)
    return {
        "owned_ideas": [{"id": p.id, "title": p.title, "status": p.status,
                         "created_at": p.created_at.isoformat()} for p in mine.owned],
        "championed_ideas": [{"id": p.id, "title": p.title} for p in mine.championed],
        "teams": [{"id": p.id, "title": p.title} for p in mine.teams],
        "applications": [{"project_id": a.project_id, "motivation": a.motivation, "status": a.status,
                          "decision_reason": a.decision_reason, "created_at": a.created_at.isoformat()}
                         for a in mine.applications],
        "outcomes": [{"project_id": o.project_id, "project": o.project_title, "milestone": o.milestone,
                      "reached_at": o.reached_at.isoformat()} for o in milestones_reached_by(user)],
    }


def erase_user_data(user: User) -> None:
    """Applications, memberships and credits go; owned ideas are archived; activity is anonymised."""
    changed = []
    for member in db.session.scalars(select(ProjectMember).where(ProjectMember.user_id == user.id)).all():
        _release_seat(member.project)
        changed.append(member.project_id)
        db.session.delete(member)
    db.session.execute(delete(ProjectApplication).where(ProjectApplication.user_id == user.id))
    db.session.execute(delete(MilestoneCredit).where(MilestoneCredit.user_id == user.id))
    db.session.execute(update(ProjectActivity).where(ProjectActivity.actor_id == user.id).values(actor_id=None))
    db.session.execute(update(Project).where(Project.champion_id == user.id).values(champion_id=None))
    db.session.execute(update(Project).where(Project.champion_candidate_id == user.id)
                       .values(champion_candidate_id=None))
    changed += db.session.scalars(select(Project.id).where(Project.owner_id == user.id)).all()
    db.session.execute(update(Project).where(Project.owner_id == user.id).values(status="archived"))
    projects_changed(changed)
