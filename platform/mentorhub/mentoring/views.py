"""Mentoring pages: HTTP only. Every rule lives in services.py."""
from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..accounts.queries import get_user
from ..errors import ServiceError, ValidationError
from ..forms import render_form, show_service_error
from ..notifications import calendar as cal
from ..timeutil import to_zone
from ..urls import safe_next
from . import forms, services
from .models import CADENCES

# Ids above a 32-bit integer column's range answer 404 instead of a database error.

bp = Blueprint("mentoring", __name__)


@bp.app_context_processor
def _dashboard_data():
    return {"mentoring_cadences": CADENCES}


# ---- list -------------------------------------------------------------------------------------


@bp.get("/mentorships")
@login_required
def index():
    profile = services.mentor_profile(current_user.id)
    return render_template("mentoring/index.html", requests=services.requests_for(current_user),
                           mentorships=services.mentorships_for(current_user),
                           sessions=services.upcoming_sessions(current_user), profile=profile,
                           load=services.active_mentee_count(current_user.id) if profile else 0,
                           form=FlaskForm())


@bp.post("/mentorships/accepting")
@login_required
def set_accepting():
    """A mentor pauses (or resumes) new requests; current mentorships go on."""
    from ..profiles.services import set_accepting as profiles_set_accepting

    if not FlaskForm().validate_on_submit():
        abort(400)
    accepting = request.form.get("accepting") == "1"
    profiles_set_accepting(current_user, current_user, accepting)
    flash("You are taking new mentees again." if accepting else
          "Paused: nobody can send you new requests. Your current mentorships go on.", "success")
    return redirect(url_for("mentoring.index"))


# ---- requests ---------------------------------------------------------------------------------


@bp.route("/mentors/<int:mentor_user_id>/request", methods=["GET", "POST"])
@login_required
def new_request(mentor_user_id: int):
    mentor = get_user(mentor_user_id)
    form = forms.RequestForm()
    blocked = services.can_request(current_user, mentor)
    if form.validate_on_submit():
        try:
            req = services.send_request(current_user, mentor, form.goals.data, form.background.data,
                                        form.expectations.data, form.cadence.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(f"Your request was sent to {mentor.display_name}.", "success")
            return redirect(url_for("mentoring.request_detail", request_id=req.id))
    return render_form("mentoring/request_new.html", form, mentor=mentor, blocked=blocked,
                       rating=services.mentor_rating_summary(mentor.id),
                       profile=services.mentor_profile(mentor.id))


def _request_page(req, status: int = 200, **form_overrides):
    ctx = {"decline_form": forms.ReasonForm(formdata=None), "ask_form": forms.MessageForm(formdata=None),
           "reply_form": forms.MessageForm(formdata=None), "plain_form": FlaskForm(formdata=None)}
    ctx.update(form_overrides)
    return render_template("mentoring/request_detail.html", req=req, **ctx), status


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _request_page(services.get_request(current_user, request_id))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def request_accept(request_id: int):
    req = services.get_request(current_user, request_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        mentorship = services.accept_request(current_user, req)
    except ValidationError as exc:
        form.form_errors.append(exc.message)
        return _request_page(req, 400, plain_form=form)
    flash("You accepted the request. Welcome to your new mentorship!", "success")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))


def _request_form_action(request_id: int, form_cls, form_name: str, action, done_message: str):
    req = services.get_request(current_user, request_id)
    form = form_cls()
    if form.validate_on_submit():
        try:
            action(req, form)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(done_message, "success")
            return redirect(url_for("mentoring.request_detail", request_id=req.id))
    return _request_page(req, 400, **{form_name: form})


@bp.post("/requests/<int:request_id>/decline")
@login_required
def request_decline(request_id: int):
    return _request_form_action(request_id, forms.ReasonForm, "decline_form",
                                lambda req, f: services.decline_request(current_user, req, f.reason.data),
                                "You declined the request. The learner has been told.")


@bp.post("/requests/<int:request_id>/ask")
@login_required
def request_ask(request_id: int):
    return _request_form_action(request_id, forms.MessageForm, "ask_form",
                                lambda req, f: services.ask_for_info(current_user, req, f.message.data),
                                "Your question was sent.")


@bp.post("/requests/<int:request_id>/reply")
@login_required
def request_reply(request_id: int):
    return _request_form_action(request_id, forms.MessageForm, "reply_form",
                                lambda req, f: services.reply_to_request(current_user, req, f.message.data),
                                "Your answer was sent.")


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def request_withdraw(request_id: int):
    return _request_form_action(request_id, FlaskForm, "plain_form",
                                lambda req, f: services.withdraw_request(current_user, req),
                                "You withdrew the request.")


# ---- mentorships --------------------------------------------------------------------------------


def _mentorship_page(m, status: int = 200, goal_form=None):
    checkins = services.checkins_of(m)
    return render_template(
        "mentoring/mentorship_detail.html", m=m, sessions=services.sessions_of(m), checkins=checkins,
        streak=services.checkin_streak(checkins), goal_form=goal_form or forms.GoalForm(formdata=None),
        plain_form=FlaskForm(formdata=None), open_items=services.action_items(m, open_only=True),
        my_rating=services.my_rating(current_user, m), is_member=current_user.id in (m.learner_id, m.mentor_id),
        book_block=services.can_book(current_user, m),
        now=datetime.now().astimezone(),
    ), status


@bp.get("/mentorships/<int:mentorship_id>")
@login_required
def mentorship_detail(mentorship_id: int):
    return _mentorship_page(services.get_mentorship(current_user, mentorship_id))


@bp.post("/mentorships/<int:mentorship_id>/goals")
@login_required
def goal_add(mentorship_id: int):
    m = services.get_mentorship(current_user, mentorship_id)
    form = forms.GoalForm()
    if form.validate_on_submit():
        try:
            services.add_goal(current_user, m, form.title.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=m.id) + "#goals")
    return _mentorship_page(m, 400, goal_form=form)


@bp.post("/goals/<int:goal_id>/toggle")
@login_required
def goal_toggle(goal_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    goal = services.set_goal_done(current_user, goal_id, request.form.get("done") == "1")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=goal.mentorship_id) + "#goals")


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["GET", "POST"])
@login_required
def mentorship_end(mentorship_id: int):
    m = services.get_mentorship(current_user, mentorship_id)
    form = forms.EndForm()
    if form.validate_on_submit():
        try:
            services.end_mentorship(current_user, m, form.score.data, form.comment.data, bool(form.rematch.data))
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            if form.rematch.data:
                flash("The mentorship has ended. Here are other mentors who could fit.", "success")
                return redirect(services.matches_link())
            flash("The mentorship has ended. Thank you for your rating.", "success")
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=m.id))
    return render_form("mentoring/end.html", form, m=m)


@bp.route("/mentorships/<int:mentorship_id>/rate", methods=["GET", "POST"])
@login_required
def mentorship_rate(mentorship_id: int):
    m = services.get_mentorship(current_user, mentorship_id)
    form = forms.RateForm()
    if form.validate_on_submit():
        try:
            services.rate_ended_mentorship(current_user, m, form.score.data, form.comment.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Thank you for your rating.", "success")
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=m.id))
    return render_form("mentoring/rate.html", form, m=m)


# ---- booking ----------------------------------------------------------------------------------


def _parse_slot(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError("Choose a time slot from the list.", field="starts_at") from None


def _slot_groups(slots):
    """Slots grouped by the viewer's local date, for the page."""
    zone_name = current_user.timezone

    def day(slot):
        return to_zone(slot[0], zone_name).date()

    return [(d, list(items)) for d, items in groupby(slots, key=day)]


def _book_page(form, m, session=None):
    exclude = session.id if session is not None else None
    slots = services.available_slots(m, exclude_session_id=exclude)
    return render_form("mentoring/book.html", form, m=m, session=session, groups=_slot_groups(slots),
                       minutes=services.session_minutes(m.mentor_id))


@bp.route("/mentorships/<int:mentorship_id>/book", methods=["GET", "POST"])
@login_required
def book(mentorship_id: int):
    m = services.get_mentorship(current_user, mentorship_id)
    form = forms.BookForm()
    if form.validate_on_submit():
        try:
            s = services.book_session(current_user, m, _parse_slot(form.starts_at.data), form.agenda.data)
        except ServiceError as exc:
            if exc.status == 403:
                raise
            show_service_error(form, exc)
            resp, _status = _book_page(form, m)
            return resp, exc.status
        flash("Your session is booked. Both of you will get a reminder.", "success")
        return redirect(url_for("mentoring.session_detail", session_id=s.id))
    return _book_page(form, m)


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@login_required
def session_reschedule(session_id: int):
    s = services.get_session(current_user, session_id)
    form = forms.BookForm()
    if form.validate_on_submit():
        try:
            services.reschedule_session(current_user, s, _parse_slot(form.starts_at.data))
        except ServiceError as exc:
            if exc.status == 403:
                raise
            show_service_error(form, exc)
            resp, _status = _book_page(form, s.mentorship, s)
            return resp, exc.status
        flash("The session was moved. The other side has been told.", "success")
        return redirect(url_for("mentoring.session_detail", session_id=s.id))
    return _book_page(form, s.mentorship, s)


# ---- sessions ---------------------------------------------------------------------------------


def _session_page(s, status: int = 200, **overrides):
    note = services.note_of(current_user, s)
    ctx = {
        "details_form": forms.SessionDetailsForm(formdata=None, agenda=s.agenda, meeting_url=s.meeting_url),
        "note_form": forms.NoteForm(formdata=None, body=note.body if note else ""),
        "action_form": forms.ActionForm(formdata=None),
        "cancel_form": forms.ReasonForm(formdata=None),
        "plain_form": FlaskForm(formdata=None),
    }
    ctx.update(overrides)
    return render_template("mentoring/session_detail.html", s=s, m=s.mentorship,
                           items=services.action_items(s.mentorship, session_id=s.id),
                           is_member=current_user.id in (s.learner_id, s.mentor_id),
                           is_upcoming=s.is_booked and s.starts_at > datetime.now().astimezone(), **ctx), status


@bp.get("/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    return _session_page(services.get_session(current_user, session_id))


def _session_form_action(session_id: int, form_cls, form_name: str, action, done_message: str, anchor: str = ""):
    s = services.get_session(current_user, session_id)
    form = form_cls()
    if form.validate_on_submit():
        try:
            action(s, form)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(done_message, "success")
            return redirect(url_for("mentoring.session_detail", session_id=s.id) + anchor)
    return _session_page(s, 400, **{form_name: form})


@bp.post("/sessions/<int:session_id>/details")
@login_required
def session_details(session_id: int):
    return _session_form_action(
        session_id, forms.SessionDetailsForm, "details_form",
        lambda s, f: services.update_session_details(current_user, s, f.agenda.data, f.meeting_url.data),
        "Agenda and meeting link saved.")


@bp.post("/sessions/<int:session_id>/note")
@login_required
def session_note(session_id: int):
    return _session_form_action(session_id, forms.NoteForm, "note_form",
                                lambda s, f: services.save_note(current_user, s, f.body.data),
                                "Your private note was saved.", "#notes")


@bp.post("/sessions/<int:session_id>/actions")
@login_required
def action_add(session_id: int):
    return _session_form_action(session_id, forms.ActionForm, "action_form",
                                lambda s, f: services.add_action_item(current_user, s, f.title.data),
                                "Action item added.", "#actions")


@bp.post("/actions/<int:item_id>/toggle")
@login_required
def action_toggle(item_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    item = services.set_action_done(current_user, item_id, request.form.get("done") == "1")
    target = safe_target(request.form.get("next"))
    if target:
        return redirect(target)
    if item.session_id:
        return redirect(url_for("mentoring.session_detail", session_id=item.session_id) + "#actions")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=item.mentorship_id))


def safe_target(value):

    return safe_next(value)


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def session_cancel(session_id: int):
    s = services.get_session(current_user, session_id)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            services.cancel_session(current_user, s, form.reason.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("The session was cancelled. The other side has been told.", "success")
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=s.mentorship_id))
    return _session_page(s, 400, cancel_form=form)


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_ics(session_id: int):
    s = services.get_session(current_user, session_id)
    body = cal.build_calendar([services.session_event(s, current_user)])
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="mentoring-session-{s.id}.ics"'})


# ---- check-ins --------------------------------------------------------------------------------


@bp.route("/checkins/<int:checkin_id>", methods=["GET", "POST"])
@login_required
def checkin_detail(checkin_id: int):
    c = services.get_checkin(current_user, checkin_id)
    m = c.mentorship
    checkin_form = forms.CheckinForm(formdata=None)
    response_form = forms.ResponseForm(formdata=None, response=c.mentor_response)
    status = 200
    if request.method == "POST":
        is_response = "response" in request.form
        form = forms.ResponseForm() if is_response else forms.CheckinForm()
        if form.validate_on_submit():
            try:
                if is_response:
                    services.respond_checkin(current_user, c, form.response.data)
                else:
                    services.submit_checkin(current_user, c, form.progress.data, form.blockers.data,
                                            form.next_steps.data)
            except ValidationError as exc:
                show_service_error(form, exc)
            else:
                flash("Thank you, the check-in was saved.", "success")
                return redirect(url_for("mentoring.checkin_detail", checkin_id=c.id))
        status = 400
        if is_response:
            response_form = form
        else:
            checkin_form = form
    return render_template("mentoring/checkin_detail.html", c=c, m=m, checkin_form=checkin_form,
                           response_form=response_form, carried=services.carried_items(c),
                           fill_block=services.can_fill_checkin(current_user, c),
                           respond_block=services.can_respond_checkin(current_user, c),
                           plain_form=FlaskForm(formdata=None)), status


# ---- calendar feed ----------------------------------------------------------------------------


@bp.get("/calendar")
@login_required
def calendar_settings():
    feed = cal.feed_of(current_user)
    url = None
    if feed is not None:
        url = url_for("mentoring.calendar_feed", token=feed.token, _external=True)
    return render_template("mentoring/calendar.html", feed=feed, url=url, form=FlaskForm())


@bp.post("/calendar/regenerate")
@login_required
def calendar_regenerate():
    if not FlaskForm().validate_on_submit():
        abort(400)
    cal.regenerate_feed(current_user, current_user)
    flash("Your calendar has a new private address. The old one no longer works.", "success")
    return redirect(url_for("mentoring.calendar_settings"))


@bp.post("/calendar/revoke")
@login_required
def calendar_revoke():
    if not FlaskForm().validate_on_submit():
        abort(400)
    cal.revoke_feed(current_user, current_user)
    flash("Your calendar feed is turned off.", "success")
    return redirect(url_for("mentoring.calendar_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = cal.user_for_token(token)
    return Response(cal.feed_ics(user), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})
