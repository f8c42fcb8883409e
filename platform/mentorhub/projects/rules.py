"""Who may do what to a project idea, and the state rules the pages show.

Each ``can_*`` returns None when the action is allowed, else the reason people see. The views
ask them to decide which buttons to show; the writes (ideas.py, applications.py, teams.py,
milestones.py) ask the same functions and refuse with the same reason. Read-only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..actors import is_admin, is_signed_in
from ..profiles.queries import is_mentor
from .models import ACTIVE_STATUSES, Project, ProjectApplication, ProjectMember
from .queries import membership, stale_cutoff

MANAGERS_ONLY = "Only the owner, the champion or an admin can do that."
OWNER_ONLY = "Only the owner or an admin can do that."
NOT_A_MENTOR = "Only mentors can champion an idea. Create a mentor profile first."
ALREADY_LEAD = "You already lead this project."
NOT_YOUR_APPLICATION = "You can only withdraw your own application."
BLOCKED_WITH_LEADS = "You cannot apply to this project: you and one of its leads have blocked each other."


# ---- who is who ---------------------------------------------------------------------------


def is_lead(user: User | None, project: Project) -> bool:
    """The owner or the champion."""
    return is_signed_in(user) and user.id in (project.owner_id, project.champion_id)


def is_on_team(user: User | None, project: Project) -> bool:
    """Member, owner or champion (admins manage but are not on the team)."""
    return is_lead(user, project) or membership(user, project) is not None


def blocked_with_leads(user_id: int, project: Project) -> bool:
    """True when the person and the project's owner or champion have blocked each other (either way)."""
    return any(lead_id is not None and lead_id != user_id and is_blocked_between(user_id, lead_id)
               for lead_id in (project.owner_id, project.champion_id))


# ---- permissions --------------------------------------------------------------------------


def can_manage(actor: User | None, project: Project) -> str | None:
    """Owner, champion or admin: may edit the idea, decide applications, run the team."""
    return None if is_admin(actor) or is_lead(actor, project) else MANAGERS_ONLY


def can_edit(actor: User | None, project: Project) -> str | None:
    """Editing the idea (text, skills, seats, status) is managing it; an idea the moderators
    archived after a report stays as it is unless an admin changes it."""
    if project.hidden_at is not None and not is_admin(actor):
        return "The moderators archived this idea after a report; ask them to look at it again."
    return can_manage(actor, project)


def can_see_contributors(actor: User | None, project: Project) -> str | None:
    """Suggested contributors are for the people who decide applications: owner, champion or admin."""
    if can_manage(actor, project) is None:
        return None
    return "Only the project's owner, champion or an admin sees suggested contributors."


def can_see_activity(actor: User | None, project: Project) -> str | None:
    """The activity log names who applied, was declined or was removed: the team and managers only."""
    if can_manage(actor, project) is None or is_on_team(actor, project):
        return None
    return "Only the team sees its activity."


def can_own(actor: User | None, project: Project) -> str | None:
    """The owner or an admin: decides who champions the idea."""
    if is_admin(actor) or (is_signed_in(actor) and actor.id == project.owner_id):
        return None
    return OWNER_ONLY


def can_champion(actor: User | None, project: Project) -> str | None:
    """None when ``actor`` may offer to champion ``project`` (the page shows the button), else the
    refusal. A champion manages the idea, so the owner (or an admin) must accept the offer."""
    if not is_mentor(actor):
        return NOT_A_MENTOR
    if project.status == "archived":
        return "This idea is archived."
    if project.champion_id is not None:
        return "This idea already has a champion."
    if project.champion_candidate_id is not None:
        return "A mentor has already offered to champion this idea; the owner is deciding."
    if is_blocked_between(actor.id, project.owner_id):
        return "You cannot champion this idea: you and its owner have blocked each other."
    return None


def can_decide_champion(actor: User | None, project: Project, accept: bool) -> str | None:
    """The owner or an admin accepts or declines the pending offer; the candidate may withdraw it."""
    if project.champion_candidate_id is None:
        return "Nobody is waiting to champion this idea."
    if not accept and is_signed_in(actor) and actor.id == project.champion_candidate_id:
        return None
    return can_own(actor, project)


def can_step_down(actor: User | None, project: Project) -> str | None:
    """The champion steps down, or the owner or an admin removes them."""
    if project.champion_id is None:
        return "This idea has no champion."
    if is_signed_in(actor) and actor.id == project.champion_id:
        return None
    return can_own(actor, project)


def can_apply(actor: User | None, project: Project, member: ProjectMember | None = None,
              application: ProjectApplication | None = None) -> str | None:
    """Whether ``actor`` may apply to join now (``member`` and ``application``: theirs, when known)."""
    if not is_signed_in(actor):
        return "Log in to apply to this team."
    if is_lead(actor, project):
        return ALREADY_LEAD
    if not takes_applications(project):
        return f"This idea is {project.status_label.lower()} and takes no applications."
    if blocked_with_leads(actor.id, project):
        return BLOCKED_WITH_LEADS
    if member is not None:
        return "You are already on this team."
    if is_live(application):
        return "You have already applied to this project."
    if project.seats_taken >= project.seats:
        return "The team is full right now."
    return None


def can_withdraw(actor: User | None, application: ProjectApplication) -> str | None:
    if not (is_signed_in(actor) and application.user_id == actor.id):
        return NOT_YOUR_APPLICATION
    if not is_undecided(application):
        return "Only a pending application can be withdrawn."
    return None


def is_undecided(application: ProjectApplication) -> bool:
    """An application the team can still accept or decline."""
    return application.status == "pending"


def is_live(application: ProjectApplication | None) -> bool:
    """An application the applicant still stands by (a withdrawn one may be sent again)."""
    return application is not None and application.status != "withdrawn"


def can_tick(actor: User | None, project: Project) -> str | None:
    """The team (and admins) tick and reopen its milestones."""
    return None if is_admin(actor) or is_on_team(actor, project) else "Only the team can tick its milestones."


# ---- state rules ---------------------------------------------------------------------------


def takes_applications(project: Project) -> bool:
    return project.status in ACTIVE_STATUSES


def is_stale(project: Project, now: datetime | None = None) -> bool:
    return project.is_stale or project.last_activity_at < stale_cutoff(now)


@dataclass(frozen=True)
class DetailActions:
    """What the idea's page offers the viewer, computed from the rules above."""
    manage: bool = False
    champion: bool = False  # the "champion this idea" button
    champion_label: str = ""
    is_champion: bool = False
    is_candidate: bool = False
    show_offer: bool = False  # the pending offer to champion, for the owner, admins and the candidate
    accept_offer: bool = False
    decline_label: str = ""
    step_down_label: str = ""  # "" = no step-down button

    @property
    def any(self) -> bool:
        return self.manage or self.champion or self.show_offer or bool(self.step_down_label)


def detail_actions(viewer: User | None, project: Project) -> DetailActions:
    if not is_signed_in(viewer):
        return DetailActions()
    candidate = project.champion_candidate_id == viewer.id
    champion = project.champion_id == viewer.id
    decide = can_decide_champion(viewer, project, accept=False) is None
    step_down = ""
    if can_step_down(viewer, project) is None:
        step_down = "Step down as champion" if champion else "Remove the champion"
    return DetailActions(
        manage=can_manage(viewer, project) is None,
        champion=can_champion(viewer, project) is None,
        champion_label="Champion this idea" if viewer.id == project.owner_id else "Offer to champion this idea",
        is_champion=champion, is_candidate=candidate, show_offer=decide,
        accept_offer=can_decide_champion(viewer, project, accept=True) is None,
        decline_label="Withdraw my offer" if candidate else "Decline", step_down_label=step_down,
    )
