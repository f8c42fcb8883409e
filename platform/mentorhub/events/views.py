"""Meetups over HTTP: parse, call a service or a query, render. Rules live in rules.py;
CSRF is checked for every POST by the app's CSRFProtect."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..actors import is_admin
from ..errors import ValidationError
from ..forms import render_form, show_service_error
from ..pagecache import cached_page
from ..pagination import parse_page
from ..profiles.queries import all_domains
from ..timeutil import to_zone
from ..validation import ascii_int, db_ids
from . import cohorts as cohort_writes
from . import meetups, planning, queries, rules, series
from . import rsvp as answers
from .forms import BestTimeForm, CohortForm, CohortMemberForm, EventForm
from .models import FORMATS
from .ties import tied_people

bp = Blueprint("events", __name__)


def _event_form(**kwargs) -> EventForm:
    return EventForm(domains=all_domains(), projects=queries.project_teams(current_user),
                     cohorts=queries.cohorts(current_user), **kwargs)


def _data(form: EventForm) -> meetups.EventData:
    return meetups.EventData(
        title=form.title.data or "", description=form.description.data or "", format=form.format.data,
        online_url=form.online_url.data, address=form.address.data, timezone=form.timezone.data,
        starts_local=form.starts_local.data, ends_local=form.ends_local.data, capacity=form.capacity.data,
        domain_ids=list(form.domain_ids.data or []), tags=form.tags.data or "", audience=form.audience.data,
        project_id=form.project_id.data, cohort_id=form.cohort_id.data, frequency=form.frequency.data or None,
        until=form.until.data,
    )


@bp.get("/events")
@login_required
@cached_page
def index():
    when = "past" if request.args.get("when") == "past" else "upcoming"
    domain = request.args.get("domain") or None
    fmt = request.args.get("format") if request.args.get("format") in FORMATS else None
    page = queries.list_events(current_user, when=when, domain=domain, fmt=fmt,
                               page=parse_page(request.args.get("page")))
    return render_template("events/index.html", page=page, when=when, domain=domain, fmt=fmt,
                           domains=all_domains(), may_organise=rules.can_organise(current_user) is None)


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    if rules.can_organise(current_user):
        abort(403)
    form = _event_form()
    if request.method == "GET":
        form.timezone.data = current_user.timezone or "UTC"
        form.capacity.data = form.capacity.data or 20
    if form.validate_on_submit():
        try:
            event = meetups.create_event(current_user, _data(form))
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Meetup created." if not event.series_id else "Series created; its meetups are listed.",
                  "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_form("events/form.html", form, event=None)


@bp.get("/events/<int:event_id>")
@login_required
@cached_page
def detail(event_id: int):
    return render_template("events/detail.html", page=queries.event_page(current_user, event_id))


@bp.post("/events/<int:event_id>/rsvp")
@login_required
def rsvp(event_id: int):
    event = queries.get_event(current_user, event_id)
    row = answers.rsvp(current_user, event, request.form.get("going") == "1")
    if row.status == "going":
        flash("You are going. See you there!", "success")
    elif row.status == "waitlisted":
        flash("The meetup is full: you are on the waitlist and will hear from us if a seat opens.", "info")
    else:
        flash("You are not going.", "info")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = queries.get_event(current_user, event_id)
    if rules.can_manage(current_user, event):
        abort(403)
    form = _event_form(obj=event) if request.method == "GET" else _event_form()
    if request.method == "GET":
        form.starts_local.data = to_zone(event.starts_at, event.timezone).replace(tzinfo=None)
        form.ends_local.data = to_zone(event.ends_at, event.timezone).replace(tzinfo=None)
        form.domain_ids.data = [d.id for d in event.domains]
        form.tags.data = ", ".join(event.tag_list)
    if form.validate_on_submit():
        data = _data(form)
        data.frequency = None
        try:
            meetups.update_event(current_user, event, data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Meetup saved.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_form("events/form.html", form, event=event)


@bp.post("/events/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):
    event = queries.get_event(current_user, event_id)
    meetups.cancel_event(current_user, event)
    flash("Meetup cancelled; everyone going or waiting was told.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/events/series/<int:series_id>/end")
@login_required
def end_series(series_id: int):
    count = series.end_series(current_user, queries.get_series(series_id))
    flash(f"Series ended; {count} meetup(s) still to come were cancelled.", "success")
    return redirect(url_for("events.index"))


@bp.post("/events/<int:event_id>/attendance")
@login_required
def attendance(event_id: int):
    event = queries.get_event(current_user, event_id)
    ticked = request.form.getlist("attended")
    if any(not db_ids([v]) for v in ticked):
        abort(400)
    count = meetups.mark_attendance(current_user, event, set(db_ids(ticked)))
    flash(f"Attendance saved: {count} came.", "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.get("/events/<int:event_id>/event.ics")
@login_required
def ics(event_id: int):
    event = queries.get_event(current_user, event_id)
    body = queries.event_ics(current_user, event)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="meetup-{event.id}.ics"'})


# ---- cohorts ---------------------------------------------------------------------------------


@bp.route("/events/cohorts", methods=["GET", "POST"])
@login_required
def cohorts():
    if rules.can_organise(current_user):
        abort(403)
    form = CohortForm()
    if form.validate_on_submit():
        try:
            cohort = cohort_writes.create_cohort(current_user, form.name.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Cohort created. Add its members.", "success")
            return redirect(url_for("events.cohort", cohort_id=cohort.id))
    return render_form("events/cohorts.html", form, cohorts=queries.cohorts(current_user),
                       may_create=rules.can_create_cohort(current_user) is None, sees_all=is_admin(current_user))


@bp.route("/events/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def cohort(cohort_id: int):
    cohort = queries.get_cohort(current_user, cohort_id)
    form = CohortMemberForm(candidates=queries.member_candidates(current_user, cohort))
    if form.validate_on_submit():
        try:
            cohort_writes.add_cohort_member(current_user, cohort, form.user_id.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Member added.", "success")
            return redirect(url_for("events.cohort", cohort_id=cohort.id))
    return render_form("events/cohort.html", form, cohort=cohort,
                       may_appoint=rules.can_appoint_organisers(current_user) is None)


@bp.post("/events/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@login_required
def cohort_remove(cohort_id: int, user_id: int):
    cohort = queries.get_cohort(current_user, cohort_id)
    cohort_writes.remove_cohort_member(current_user, cohort, user_id)
    flash("Member removed.", "success")
    return redirect(url_for("events.cohort", cohort_id=cohort.id))


@bp.post("/events/cohorts/<int:cohort_id>/organisers/<int:user_id>")
@login_required
def cohort_organiser(cohort_id: int, user_id: int):
    """An admin makes a member an organiser of the cohort (``organiser=1``) or takes it away."""
    cohort = queries.get_cohort(current_user, cohort_id)
    cohort_writes.set_cohort_organiser(current_user, cohort, user_id, request.form.get("organiser") == "1")
    flash("Organisers saved.", "success")
    return redirect(url_for("events.cohort", cohort_id=cohort.id))


# ---- the best time for a group ------------------------------------------------------------------


def _group_from(values) -> planning.Group:
    kind = values.get("group", "")
    ref = values.get("project_id") if kind == "project" else values.get("cohort_id")
    return planning.resolve_group(current_user, kind, ref, values.getlist("member_ids"))


@bp.get("/events/best-time")
@login_required
def best_time():
    if rules.can_organise(current_user):
        abort(403)
    form = BestTimeForm(request.args, projects=queries.project_teams(current_user),
                        cohorts=queries.cohorts(current_user), people=tied_people(current_user))
    result = None
    status = 200
    if request.args.get("group"):
        if form.validate():
            try:
                group = _group_from(request.args)
                result = planning.best_time(current_user, group, form.duration.data, form.week.data)
            except ValidationError as exc:
                show_service_error(form, exc)
                status = 400
        else:
            status = 400
    return render_template("events/best_time.html", form=form, result=result, args=request.args), status


@bp.post("/events/best-time/create")
@login_required
def best_time_create():
    try:
        starts_at = datetime.fromisoformat(request.form.get("starts_at", ""))
    except ValueError:
        abort(400)
    duration = ascii_int(request.form.get("duration"))
    if duration is None:
        abort(400)
    group = _group_from(request.form)
    repeat = "weekly" if request.form.get("repeat") == "weekly" else None
    event = planning.create_from_proposal(current_user, group, starts_at, duration, repeat)
    flash("Meetup created for the group; they were told. Add a link or address now.", "success")
    return redirect(url_for("events.edit", event_id=event.id))
