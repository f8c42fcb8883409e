"""Profiles over HTTP: the mentor directory, public profile pages, profile editing."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.queries import has_blocked, suggested_github_url
from ..errors import ValidationError
from ..forms import options, render_form, show_service_error
from ..pagecache import cached_page
from ..pagination import parse_page
from ..timeutil import all_zones
from . import availability as av
from . import cleaning, queries, rules, services, taxonomy
from .directory import search_mentors
from .forms import (
    DeleteForm,
    LearnerForm,
    MentorForm,
    skill_levels_from,
    window_rows_from,
    windows_from,
)
from .sections import load_sections

bp = Blueprint("profiles", __name__)


@bp.app_context_processor
def _profiles_context():
    return {"level_names": cleaning.LEVEL_NAMES}


# ---- directory -----------------------------------------------------------------------------


def _float_arg(name: str) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if 0 < value <= 168 else None


@bp.get("/mentors")
@cached_page
def directory():
    q = request.args.get("q", "").strip()[:100]
    skill = request.args.get("skill", "").strip()
    domain = request.args.get("domain", "").strip()
    accepting = request.args.get("accepting") in ("1", "on", "true", "yes")
    min_overlap = _float_arg("min_overlap") if current_user.is_authenticated else None
    page = search_mentors(current_user, q=q, skill=skill, domain=domain, accepting=accepting,
                                   min_overlap=min_overlap, page=parse_page(request.args.get("page")))
    skills, domains = queries.directory_menus()
    return render_template(
        "profiles/directory.html", page=page, q=q, skill=skill, domain=domain, accepting=accepting,
        min_overlap=min_overlap, skills=skills, domains=domains, local_now=queries.now_in_zone,
    )


# ---- public profile ---------------------------------------------------------------------------


@bp.get("/people/<int:user_id>")
@cached_page
def person(user_id: int):
    user, learner, mentor = queries.visible_person(current_user, user_id)
    viewer_tz = current_user.timezone if current_user.is_authenticated else "UTC"
    week = av.current_week_start()
    windows, overlap = queries.windows_and_overlap(user, current_user, week)
    can_edit = rules.can_edit_profile(current_user, user) is None
    return render_template(
        "profiles/person.html", person=user, learner=learner, mentor=mentor,
        gap=queries.skill_gap(learner) if learner else [],
        learner_levels=queries.level_rows(learner), mentor_levels=queries.level_rows(mentor),
        own_windows=[(av.WEEKDAY_NAMES[d], av.format_minute(s), av.format_minute(e)) for d, s, e in windows],
        viewer_windows=av.windows_in_zone(windows, user.timezone or "UTC", viewer_tz, week),
        viewer_tz=viewer_tz, overlap=overlap, can_edit=can_edit, local_now=queries.now_in_zone(user.timezone),
        backgrounds=dict(cleaning.BACKGROUNDS), tracks=dict(taxonomy.track_choices()),
        stages=dict(taxonomy.stage_choices()), delete_form=DeleteForm(),
        blocked=current_user.is_authenticated and has_blocked(current_user, user.id),
        sections=load_sections(user, current_user),
    )


# ---- editing ------------------------------------------------------------------------------------


def _target(user_id: int | None):
    if user_id is None:
        return current_user
    user = queries.person(user_id)
    rules.require_can_edit_profile(current_user, user)
    return user


def _fill_choices(form) -> None:
    form.domains.choices = options((d.slug, d.name) for d in queries.all_domains())
    if isinstance(form, LearnerForm):
        form.background.choices = options(cleaning.BACKGROUNDS)
        form.target_track.choices = options(taxonomy.track_choices())
        form.stage.choices = options(taxonomy.stage_choices())
    else:
        form.session_minutes.choices = options((str(m), f"{m} minutes")
                                               for m in current_app.config["MENTOR_SESSION_MINUTES"])
        form.pref_stages.choices = options(taxonomy.stage_choices())
        form.pref_domains.choices = form.domains.choices


def _window_rows(windows) -> list[dict]:
    rows = [{"day": str(d), "start": av.format_minute(s), "end": av.format_minute(e % av.MINUTES_PER_DAY)}
            for d, s, e in windows]
    rows += [{"day": "", "start": "", "end": ""}] * current_app.config["PROFILE_BLANK_WINDOW_ROWS"]
    return rows


def _posted_window_rows() -> list[dict]:
    return window_rows_from(request.form) + [{"day": "", "start": "", "end": ""}] * current_app.config[
        "PROFILE_BLANK_WINDOW_ROWS"]


def _edit(kind: str, user_id: int | None):
    user = _target(user_id)
    is_learner = kind == "learner"
    profile = queries.learner_profile_of(user) if is_learner else queries.mentor_profile_of(user)
    form_cls = LearnerForm if is_learner else MentorForm
    if request.method == "GET":
        data = queries.profile_form_data(kind, profile)
        if not data.get("github_url"):  # offer the link of a GitHub sign-in (the person saves it or not)
            data["github_url"] = suggested_github_url(user.id)
        form = form_cls(formdata=None, data={**{k: v for k, v in data.items() if k not in ("skills", "wanted")},
                                             "timezone": user.timezone,
                                             "session_minutes": str(data.get("session_minutes", "")) or None})
        levels = {slug: str(level) for slug, level in (data.get("skills") or {}).items()}
        wanted = set(data.get("wanted") or [])
        rows = _window_rows(queries.windows_of(user))
    else:
        form = form_cls()
        levels = skill_levels_from(request.form)
        wanted = set(request.form.getlist("wanted"))
        rows = _posted_window_rows()
    _fill_choices(form)
    context = {"user": user, "profile": profile, "kind": kind, "levels": levels, "wanted": wanted,
               "window_rows": rows, "skill_groups": queries.skills_by_category(), "zones": all_zones(),
               "weekdays": list(enumerate(av.WEEKDAY_NAMES)), "level_options": cleaning.LEVELS,
               "delete_form": DeleteForm()}
    template = f"profiles/edit_{kind}.html"
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in ("headline", "timezone", "github_url", "linkedin_url",
                                                            "website_url")}
        data["domains"] = form.domains.data or []
        data["skills"] = levels
        if is_learner:
            for name in ("background", "goals", "target_track", "stage", "hours_per_week", "is_public", "languages"):
                data[name] = getattr(form, name).data
            data["wanted"] = sorted(wanted)
        else:
            for name in ("bio", "years_experience", "current_role", "capacity", "is_accepting", "session_minutes",
                         "languages"):
                data[name] = getattr(form, name).data
            data["pref_stages"], data["pref_domains"] = form.pref_stages.data or [], form.pref_domains.data or []
        try:
            data["windows"] = windows_from(request.form)
        except ValidationError as exc:
            # Show every other problem too; nothing is saved.
            _, problems = (cleaning.clean_learner if is_learner else cleaning.clean_mentor)(data, profile)
            for field, message in [(exc.field, exc.message), *problems]:
                show_service_error(form, ValidationError(message, field=field))
            return render_form(template, form, **context)
        try:
            if is_learner:
                services.save_learner(current_user, user, data)
            else:
                services.save_mentor(current_user, user, data)
        except ValidationError as exc:
            for field, message in getattr(exc, "problems", [(exc.field, exc.message)]):
                show_service_error(form, ValidationError(message, field=field))
            return render_form(template, form, **context)
        flash("Your learner profile is saved." if is_learner else "Your mentor profile is saved.", "success")
        return redirect(url_for("profiles.person", user_id=user.id))
    return render_form(template, form, **context)


@bp.route("/profile/learner", methods=["GET", "POST"])
@bp.route("/people/<int:user_id>/learner/edit", methods=["GET", "POST"])
@login_required
def edit_learner(user_id: int | None = None):
    return _edit("learner", user_id)


@bp.route("/profile/mentor", methods=["GET", "POST"])
@bp.route("/people/<int:user_id>/mentor/edit", methods=["GET", "POST"])
@login_required
def edit_mentor(user_id: int | None = None):
    return _edit("mentor", user_id)


@bp.post("/people/<int:user_id>/<kind>/delete")
@login_required
def delete_profile(user_id: int, kind: str):
    if kind not in ("learner", "mentor"):
        return render_template("errors/error.html", status=404, message="We could not find that page."), 404
    user = queries.person(user_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        return render_template("errors/error.html", status=400, message="Please try again."), 400
    if kind == "learner":
        services.delete_learner_profile(current_user, user)
    else:
        services.delete_mentor_profile(current_user, user)
    flash(f"The {kind} profile is removed.", "success")
    return redirect(url_for("profiles.person", user_id=user.id))
