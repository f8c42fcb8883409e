"""Project ideas: proposing, editing, status and who champions them.

Every write checks the actor with the rules in rules.py and ends with activity.log/commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import update

from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..db import db, utcnow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..generations import projects_changed
from ..notifications.notify import notify
from ..profiles.cleaning import LEVEL_NAMES
from ..profiles.models import Domain, Skill
from ..profiles.queries import active_domains_by_slug, active_skills_by_slug, is_mentor
from ..urls import path_for
from ..validation import choice, integer, setting, text, url
from . import rules
from .activity import commit, log
from .models import (
    COMPUTE,
    DEFAULT_MILESTONES,
    DIFFICULTIES,
    STATUSES,
    Milestone,
    Project,
    ProjectSkill,
)
from .queries import get_project


def _length(column) -> int:
    """The column's size: the limit of what people may type into it."""
    return column.type.length


def _url(value: Any, field: str, label: str, column) -> str | None:
    return url(value, field=field, label=label, max_len=min(setting("URL_MAX"), _length(column)))


def skills_by_slugs(slugs: Iterable[str], field_name: str) -> dict[str, Skill]:
    slugs = [s for s in dict.fromkeys(slugs) if s]
    if not slugs:
        return {}
    found = active_skills_by_slug(slugs)
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(f"Unknown skill: {', '.join(unknown[:5])}. Choose skills from the list.",
                              field=field_name)
    return found


def domains_by_slugs(slugs: Iterable[str]) -> list[Domain]:
    slugs = [s for s in dict.fromkeys(slugs) if s]
    if len(slugs) > setting("PROJECT_DOMAINS_MAX"):
        raise ValidationError(f"Choose at most {setting('PROJECT_DOMAINS_MAX')} domains.", field="domains")
    found = active_domains_by_slug(slugs)
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationError(f"Unknown domain: {', '.join(unknown[:5])}. Choose domains from the list.",
                              field="domains")
    return [found[s] for s in slugs]


def clean_project_data(data: dict) -> dict:
    """Check every field of an idea; raise ValidationError naming the first bad one."""
    def optional(name: str, label: str) -> str | None:
        return text(data.get(name), field=name, label=label, max_len=_length(getattr(Project, name))) or None

    out: dict[str, Any] = {
        "title": text(data.get("title"), field="title", label="a title", max_len=setting("PROJECT_TITLE_MAX"),
                      required=True),
        "summary": text(data.get("summary"), field="summary", label="a one-paragraph summary",
                        max_len=setting("PROJECT_SUMMARY_MAX"), required=True),
        "description": text(data.get("description"), field="description", label="the description",
                            max_len=setting("PROJECT_DESCRIPTION_MAX")),
        "repo_url": _url(data.get("repo_url"), "repo_url", "repository address", Project.repo_url),
        "issues_url": _url(data.get("issues_url"), "issues_url", "issue tracker address", Project.issues_url),
        "difficulty": choice(data.get("difficulty"), DIFFICULTIES, field="difficulty", label="a difficulty"),
        "hours_per_week": integer(data.get("hours_per_week"), field="hours_per_week", label="hours per week",
                                  low=1, high=setting("PROJECT_HOURS_MAX")),
        "duration_weeks": integer(data.get("duration_weeks"), field="duration_weeks",
                                  label="the duration in weeks", low=1, high=setting("PROJECT_WEEKS_MAX")),
        "dataset_name": optional("dataset_name", "the dataset name"),
        "dataset_url": _url(data.get("dataset_url"), "dataset_url", "dataset address", Project.dataset_url),
        "dataset_licence": optional("dataset_licence", "the dataset licence"),
        "compute": choice(data.get("compute"), COMPUTE, field="compute", label="the compute needed"),
        "eval_metric": optional("eval_metric", "the evaluation metric"),
        "seats": integer(data.get("seats"), field="seats", label="the team size", low=1,
                         high=setting("PROJECT_SEATS_MAX")),
    }
    required: list[tuple[str, int]] = []
    for row in data.get("required_skills") or []:
        slug, level = (row.get("skill"), row.get("level")) if isinstance(row, dict) else row
        if not slug:
            continue
        required.append((slug, integer(level, field="required_skills", label="the minimum skill level", low=1, high=max(LEVEL_NAMES))))
    learn = [s for s in (data.get("learn_skills") or []) if s]
    if len(required) + len(learn) > setting("PROJECT_SKILLS_MAX"):
        raise ValidationError(f"List at most {setting('PROJECT_SKILLS_MAX')} skills in all.", field="required_skills")
    if len({s for s, _ in required}) != len(required):
        raise ValidationError("Each required skill can be listed once.", field="required_skills")
    out["required"] = [(skills_by_slugs([s], "required_skills")[s], lvl) for s, lvl in required]
    found = skills_by_slugs(learn, "learn_skills")
    out["learn"] = [found[s] for s in dict.fromkeys(learn)]
    out["domains"] = domains_by_slugs(data.get("domains") or [])
    return out


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


def _detail(project: Project) -> str:
    return path_for("projects.detail", project_id=project.id)


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


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
    log(project, actor, "proposed the idea", now)
    commit()
    return project


def update_project(actor: User, project_id: int, data: dict) -> Project:
    project = get_project(project_id)
    _require(rules.can_edit(actor, project))
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
    log(project, actor, "edited the idea")
    commit()
    return project


def set_status(actor: User, project_id: int, status: str) -> Project:
    project = get_project(project_id)
    _require(rules.can_edit(actor, project))
    status = choice(status, STATUSES, field="status", label="a status")
    if status != project.status:
        old = project.status_label
        project.status = status
        log(project, actor, f"changed the status from {old} to {project.status_label}")
        commit()
    return project


def champion_project(actor: User, project_id: int) -> Project:
    """A mentor offers to champion the idea; the owner (or an admin) accepts or declines. The
    owner, when a mentor, champions their own idea at once."""
    project = get_project(project_id)
    refusal = rules.can_champion(actor, project)
    if refusal:
        raise (PermissionDenied if refusal == rules.NOT_A_MENTOR else Conflict)(refusal)
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
        log(project, actor, "became the champion")
    else:
        log(project, actor, "offered to champion the idea")
        notify(project.owner, "project_team", f"{actor.display_name} offers to champion “{project.title}”",
               "A mentor offers to guide your project idea. A champion can edit it and decide applications: "
               "accept or decline on the idea's page.", link=_detail(project))
    commit()
    return project


def decide_champion(actor: User, project_id: int, accept: bool) -> Project:
    """The owner or an admin accepts or declines the pending offer; the candidate may withdraw it."""
    project = get_project(project_id)
    candidate = project.champion_candidate
    if candidate is None:
        raise Conflict("Nobody is waiting to champion this idea.")
    _require(rules.can_decide_champion(actor, project, accept))
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
        log(project, actor, f"accepted {candidate.display_name} as champion")
        notify(candidate, "project_team", f"You champion “{project.title}”",
               "The owner accepted your offer to guide the idea.", link=_detail(project))
    else:
        project.champion_candidate_id = None
        log(project, actor, "withdrew the offer to champion" if actor.id == candidate.id
             else f"declined {candidate.display_name}'s offer to champion")
        if actor.id != candidate.id:
            notify(candidate, "project_team", f"Your offer to champion “{project.title}”",
                   "The owner declined your offer to champion the idea.", link=_detail(project))
    commit()
    return project


def step_down(actor: User, project_id: int) -> Project:
    """The champion steps down, or the owner or an admin removes them; the activity log says which."""
    project = get_project(project_id)
    if project.champion_id is None:
        raise Conflict("This idea has no champion.")
    champion = project.champion
    _require(rules.can_step_down(actor, project))
    project.champion_id = None
    if actor.id == champion.id:
        log(project, actor, "stepped down as champion")
    else:
        log(project, actor, f"removed {champion.display_name} as champion")
        notify(champion, "project_team", f"You no longer champion “{project.title}”",
               "The owner removed you as the idea's champion.", link=_detail(project))
    commit()
    return project




# ---- for reports ----


def hide_idea(project_id: int) -> None:
    """Moderation: the idea is archived, out of the lists and matching, and only an admin can
    change it again (rules.can_edit); no commit: the caller's."""
    db.session.execute(update(Project).where(Project.id == project_id).values(status="archived", hidden_at=utcnow()))
    projects_changed([project_id])
