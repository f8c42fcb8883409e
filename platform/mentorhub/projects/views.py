"""Projects over HTTP: the catalogue, ideas, applications, team pages and milestones."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..errors import PermissionDenied, ValidationError
from ..forms import render_form, show_service_error
from ..pagecache import cached_page
from ..pagination import parse_page
from ..profiles.cleaning import LEVEL_NAMES
from ..profiles.queries import has_learner_profile, is_mentor
from . import applications as apps
from . import ideas, milestones, queries, rules, teams
from .forms import ApplyForm, MilestoneForm, ProjectForm, ReasonForm, RoleForm, StatusForm
from .models import COMPUTE_LABELS, DIFFICULTIES, STATUS_LABELS

bp = Blueprint("projects", __name__)


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


# ---- catalogue ------------------------------------------------------------------------------


@bp.get("/projects")
@cached_page
def index():
    f = queries.ProjectFilters.from_args(request.args)
    can_match = has_learner_profile(current_user)
    scores = queries.match_scores(current_user, f, can_match)
    page = queries.list_projects(f, parse_page(request.args.get("page")), scores=scores)
    return render_template(
        "projects/index.html", page=page, f=f, options=queries.filter_options(), can_match=can_match,
        difficulties=DIFFICULTIES, compute_labels=COMPUTE_LABELS, status_labels=STATUS_LABELS,
        scores=scores, is_stale=rules.is_stale,
    )


@bp.get("/projects/mine")
@login_required
def mine():
    return render_template("projects/mine.html", mine=queries.my_projects(current_user))


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    form = ProjectForm()
    if form.validate_on_submit():
        try:
            project = ideas.create_project(current_user, form.service_data())
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your idea is listed. Share it with people who might join.", "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    form.pad_skill_rows()
    return render_form("projects/edit.html", form, project=None, can_champion=is_mentor(current_user))


@bp.get("/projects/<int:project_id>")
@cached_page
def detail(project_id: int):
    project = queries.get_project(project_id)
    return _render_detail(project, ApplyForm())


def _render_detail(project, apply_form, status: int = 200):
    user = current_user
    actions = rules.detail_actions(user, project)
    member = queries.membership(user, project)
    application = queries.application_of(user, project)
    return render_template(
        "projects/detail.html", project=project, apply_form=apply_form, levels=LEVEL_NAMES,
        actions=actions, manager=actions.manage, on_team=rules.is_lead(user, project) or member is not None,
        member=member, application=application if rules.is_live(application) else None,
        can_withdraw=application is not None and rules.can_withdraw(user, application) is None,
        apply_refusal=rules.can_apply(user, project, member, application),
        champion_candidate=project.champion_candidate,  # loaded here, not while the template renders
        pending=queries.pending_count(project) if actions.manage else 0, stale=rules.is_stale(project),
        status_form=StatusForm(status=project.status), form=FlaskForm(),
    ), status


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = queries.get_project(project_id)
    _require(rules.can_manage(current_user, project))
    if request.method == "GET":
        simple = ("title", "summary", "description", "repo_url", "issues_url", "difficulty", "hours_per_week",
                  "duration_weeks", "dataset_name", "dataset_url", "dataset_licence", "compute", "eval_metric",
                  "seats")
        form = ProjectForm(formdata=None, data={
            **{name: getattr(project, name) for name in simple},
            "domains": [d.slug for d in project.domains],
            "learn_skills": [s.skill.slug for s in project.learn_skills],
            "required_skills": [{"skill": s.skill.slug, "level": str(s.min_level)}
                                for s in project.required_skills] or [{}],
        })
    else:
        form = ProjectForm()
        if form.validate_on_submit():
            try:
                ideas.update_project(current_user, project.id, form.service_data())
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                flash("Idea saved.", "success")
                return redirect(url_for("projects.detail", project_id=project.id))
    form.pad_skill_rows()
    return render_form("projects/edit.html", form, project=project, can_champion=False)


@bp.post("/projects/<int:project_id>/status")
@login_required
def set_status(project_id: int):
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    project = ideas.set_status(current_user, project_id, form.status.data)
    flash(f"Status is now {project.status_label}.", "success")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/projects/<int:project_id>/champion")
@login_required
def champion(project_id: int):
    project = ideas.champion_project(current_user, project_id)
    flash("You champion this idea now." if project.champion_id == current_user.id
          else "Your offer is sent: the owner decides whether you champion this idea.", "success")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/projects/<int:project_id>/champion/accept")
@login_required
def accept_champion(project_id: int):
    ideas.decide_champion(current_user, project_id, accept=True)
    flash("The idea has a champion now.", "success")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/projects/<int:project_id>/champion/decline")
@login_required
def decline_champion(project_id: int):
    ideas.decide_champion(current_user, project_id, accept=False)
    flash("The offer to champion is closed.", "info")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.post("/projects/<int:project_id>/champion/step-down")
@login_required
def step_down(project_id: int):
    ideas.step_down(current_user, project_id)
    flash("The idea has no champion now.", "info")
    return redirect(url_for("projects.detail", project_id=project_id))


# ---- applications ----------------------------------------------------------------------------


@bp.route("/projects/<int:project_id>/apply", methods=["GET", "POST"])
@login_required
def apply(project_id: int):
    project = queries.get_project(project_id)
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            apps.apply(current_user, project.id, form.motivation.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Application sent. You will be notified when the team decides.", "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_form("projects/apply.html", form, project=project)


@bp.get("/projects/<int:project_id>/applications")
@login_required
def applications(project_id: int):
    project = queries.get_project(project_id)
    return _render_applications(project)


def _render_applications(project, errors: dict | None = None, status: int = 200):
    items = apps.applications_for(current_user, project)
    return render_template("projects/applications.html", project=project, applications=items,
                           undecided={a.id for a in items if rules.is_undecided(a)},
                           errors=errors or {}, form=FlaskForm(), reason_form=ReasonForm()), status


@bp.post("/projects/applications/<int:application_id>/accept")
@login_required
def accept(application_id: int):
    member = apps.accept(current_user, application_id)
    flash(f"{member.user.display_name} joined the team.", "success")
    return redirect(url_for("projects.applications", project_id=member.project_id))


@bp.post("/projects/applications/<int:application_id>/decline")
@login_required
def decline(application_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        application = apps.decline(current_user, application_id, form.reason.data)
    except ValidationError as exc:
        project = queries.get_project(apps.get_application(application_id).project_id)
        return _render_applications(project, {application_id: exc.message}, 400)
    flash("Application declined; the applicant has been told why.", "info")
    return redirect(url_for("projects.applications", project_id=application.project_id))


@bp.post("/projects/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = apps.withdraw(current_user, application_id)
    flash("Application withdrawn.", "info")
    return redirect(url_for("projects.detail", project_id=application.project_id))


# ---- team ---------------------------------------------------------------------------------


@bp.get("/projects/<int:project_id>/team")
@login_required
def team(project_id: int):
    project = queries.get_project(project_id)
    return _render_team(project, MilestoneForm())


def _render_team(project, milestone_form, status: int = 200):
    user = current_user
    return render_template(
        "projects/team.html", project=project, members=queries.team_members(project),
        activity=queries.activity_log(project) if rules.can_see_activity(user, project) is None else None,
        manager=rules.can_manage(user, project) is None, on_team=rules.can_tick(user, project) is None,
        member=queries.membership(user, project), milestone_form=milestone_form, form=FlaskForm(),
        role_form=RoleForm(),
    ), status


@bp.post("/projects/<int:project_id>/leave")
@login_required
def leave(project_id: int):
    teams.leave(current_user, project_id)
    flash("You left the team.", "info")
    return redirect(url_for("projects.detail", project_id=project_id))


@bp.route("/projects/<int:project_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(project_id: int, user_id: int):
    project = queries.get_project(project_id)
    _require(rules.can_manage(current_user, project))
    member = queries.get_member(project, user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            teams.remove_member(current_user, project.id, user_id, form.reason.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(f"{member.user.display_name} is no longer on the team.", "info")
            return redirect(url_for("projects.team", project_id=project.id))
    return render_form("projects/remove.html", form, project=project, member=member)


@bp.post("/projects/<int:project_id>/members/<int:user_id>/role")
@login_required
def set_role(project_id: int, user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    member = teams.set_role(current_user, project_id, user_id, form.role.data)
    flash(f"{member.user.display_name} is now a {member.role} on the team.", "success")
    return redirect(url_for("projects.team", project_id=project_id))


@bp.post("/projects/<int:project_id>/milestones")
@login_required
def add_milestone(project_id: int):
    form = MilestoneForm()
    project = queries.get_project(project_id)
    if form.validate_on_submit():
        try:
            milestones.add_milestone(current_user, project.id, form.title.data)
        except ValidationError as exc:
            show_service_error(form, exc)
            return _render_team(project, form, 400)
        flash("Milestone added.", "success")
        return redirect(url_for("projects.team", project_id=project.id))
    abort(400)


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/tick")
@login_required
def tick(project_id: int, milestone_id: int):
    milestone = milestones.tick_milestone(current_user, project_id, milestone_id)
    flash(f"Milestone reached: {milestone.title}. Well done!", "success")
    return redirect(url_for("projects.team", project_id=project_id))


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/untick")
@login_required
def untick(project_id: int, milestone_id: int):
    milestones.untick_milestone(current_user, project_id, milestone_id)
    flash("Milestone reopened.", "info")
    return redirect(url_for("projects.team", project_id=project_id))
