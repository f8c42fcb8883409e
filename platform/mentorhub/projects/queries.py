"""Reads of the projects feature: what its views show and what other features may ask.

Other features read projects' tables only through the functions here. Permission questions
live in rules.py; writes in ideas.py, applications.py, teams.py and milestones.py.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, false, func, literal_column, or_, select, true, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..actors import is_signed_in
from ..db import MAX_DB_INT, db, utcnow
from ..errors import NotFound
from ..pagination import Page, paginate_rows
from ..profiles.models import Domain, Skill
from ..urls import path_for
from ..validation import setting
from .cards import card_columns, cards_from_rows
from .models import (
    ACTIVE_STATUSES,
    COMPUTE,
    DIFFICULTIES,
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

# The matching engine (a higher layer) registers how to score projects for a learner
# (register_match_scorer, called by create_app); without it ``sort=match`` falls back to recent.
_match_scorer: list[Callable[[User], dict[int, float]]] = []


def register_match_scorer(scorer: Callable[[User], dict[int, float]]) -> None:
    _match_scorer[:] = [scorer]


# ---- projects ---------------------------------------------------------------------------


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
    return (now or utcnow()) - timedelta(days=setting("PROJECT_STALE_DAYS"))


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
        stmt = stmt.where(Project.last_activity_at >= now - timedelta(days=setting("PROJECT_ACTIVE_DAYS")))
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
    per_page = setting("PAGE_SIZE")
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
    matched, so for anyone else (or with no scorer registered) the sort falls back to recent
    activity (``f.sort`` is changed) and this returns None."""
    if f.sort != "match":
        return None
    if not is_learner or not _match_scorer:
        f.sort = "recent"
        return None
    return _match_scorer[0](viewer)


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


def activity_log(project: Project, limit: int | None = None) -> list[ProjectActivity]:
    return list(db.session.scalars(
        select(ProjectActivity).options(selectinload(ProjectActivity.actor))
        .where(ProjectActivity.project_id == project.id)
        .order_by(ProjectActivity.created_at.desc(), ProjectActivity.id.desc())
        .limit(limit or setting("PROJECT_ACTIVITY_SHOWN"))
    ))


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


def membership(user: User | None, project: Project) -> ProjectMember | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(
        select(ProjectMember).where(ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    )


def team_user_ids(project: Project) -> set[int]:
    """Everyone on the team: the members, the owner and the champion (one query)."""
    ids = set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)))
    return ids | {i for i in (project.owner_id, project.champion_id) if i is not None}


def application_of(user: User | None, project: Project) -> ProjectApplication | None:
    if not is_signed_in(user):
        return None
    return db.session.scalar(select(ProjectApplication).where(
        ProjectApplication.project_id == project.id, ProjectApplication.user_id == user.id))


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


# ---- for matching ----


def project_by_id(project_id: int) -> Project | None:
    return db.session.get(Project, project_id)


def projects_by_id(project_ids: Iterable[int]) -> dict[int, Project]:
    """Project id -> project, for the ids that exist (one query; none for no ids)."""
    ids = [int(i) for i in project_ids]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))}


def projects_owned_by(user_id: int) -> list[Project]:
    """The projects a person owns, by title."""
    return list(db.session.scalars(select(Project).where(Project.owner_id == user_id).order_by(Project.title)))


def projects_joined_or_applied(user_id: int) -> set[int]:
    """Ids of the projects the person is a member of or has a pending or accepted application to
    (one query)."""
    taken = select(ProjectMember.project_id).where(ProjectMember.user_id == user_id).union(
        select(ProjectApplication.project_id).where(ProjectApplication.user_id == user_id,
                                                    ProjectApplication.status.in_(("pending", "accepted"))))
    return set(db.session.scalars(taken))


def people_on_project(project: Project) -> set[int]:
    """User ids of the owner, the members and everyone who ever applied (two queries)."""
    people = {project.owner_id}
    people |= set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)))
    people |= set(db.session.scalars(select(ProjectApplication.user_id)
                                     .where(ProjectApplication.project_id == project.id)))
    return people


# ---- for portfolio ----


def project_title(project_id: int | None) -> str | None:
    """The title of a project idea, or None when there is no such idea."""
    if not project_id or not 0 < project_id <= MAX_DB_INT:
        return None
    return db.session.scalar(select(Project.title).where(Project.id == project_id))


def project_choices(limit: int) -> list[tuple[int, str]]:
    """(id, title) of up to ``limit`` project ideas, by title: what a portfolio item may link to."""
    return [(pid, title) for pid, title in db.session.execute(
        select(Project.id, Project.title).order_by(Project.title).limit(limit))]


# ---- for events ----


def team_ids(project_id: int) -> set[int]:
    """Everyone on a project's team: its contributors, owner and champion (empty: no such project)."""
    project = db.session.get(Project, project_id)
    if project is None:
        return set()
    ids = set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)))
    ids.add(project.owner_id)
    if project.champion_id:
        ids.add(project.champion_id)
    return ids


def on_team_of(project_id_column, user_id: int):
    """SQL filter: ``project_id_column`` names a project whose team ``user_id`` is on (as a
    contributor, owner or champion), for lists filtered in the database."""
    member_of = select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)
    leads = select(Project.id).where(or_(Project.owner_id == user_id, Project.champion_id == user_id))
    return or_(project_id_column.in_(member_of), project_id_column.in_(leads))


def teams_of(user, *, every: bool = False) -> list[Project]:
    """The projects whose team ``user`` is on (every project when ``every``), by title."""
    stmt = select(Project).order_by(Project.title)
    if not every:
        stmt = stmt.where(on_team_of(Project.id, user.id))
    return list(db.session.scalars(stmt))


def title_of(project_id: int) -> str | None:
    """A project's title, or None when there is no such project."""
    return db.session.scalar(select(Project.title).where(Project.id == project_id))


# ---- for api ----


def open_projects_select(now: datetime | None = None):
    """The ideas the list page shows by default (active, not stale), with owner, domains and skills."""
    return filtered_query(ProjectFilters(), now).options(
        joinedload(Project.owner), selectinload(Project.domains),
        selectinload(Project.skills).joinedload(ProjectSkill.skill))


def applications_select(user: User):
    """``user``'s own applications, with their projects."""
    return select(ProjectApplication).where(ProjectApplication.user_id == user.id) \
        .options(joinedload(ProjectApplication.project))


# ---- for webhooks ----


def ideas_created_since(since: datetime, limit: int) -> list[dict]:
    rows = db.session.execute(select(Project.id, Project.title, Project.summary, Project.created_at)
                              .where(Project.created_at > since).order_by(Project.created_at).limit(limit))
    return [{"key": f"project.created:{r.id}", "kind": "project.created", "at": r.created_at, "title": r.title,
             "path": path_for("projects.detail", project_id=r.id), "detail": r.summary} for r in rows]


def milestones_reached_since(since: datetime, limit: int) -> list[dict]:
    rows = db.session.execute(select(Milestone.id, Milestone.title, Milestone.reached_at, Project.id.label("pid"),
                                     Project.title.label("project")).join(Project, Project.id == Milestone.project_id)
                              .where(Milestone.reached_at > since).order_by(Milestone.reached_at).limit(limit))
    return [{"key": f"milestone.reached:{r.id}", "kind": "milestone.reached", "at": r.reached_at, "title": r.title,
             "path": path_for("projects.detail", project_id=r.pid), "detail": f"Project: {r.project}"} for r in rows]


# ---- for dashboard ----


def step_facts(user_id: int) -> dict:
    """Next-step facts of projects for the dashboard's one facts query: applied to or joined one."""
    return {"applied": or_(exists().where(ProjectApplication.user_id == user_id),
                           exists().where(ProjectMember.user_id == user_id))}


# ---- for the home page ----


def showcase_ideas(limit: int) -> list:
    """A few open ideas with free seats, most recently active first, as ProjectCards."""
    stmt = (filtered_query(ProjectFilters(free_seats=True))
            .order_by(Project.last_activity_at.desc(), Project.id.desc()).limit(limit))
    return cards_from_rows(db.session.execute(card_columns(stmt)))
