"""Mentoring pages: HTTP only (parse, call a write or query module, render). Rules live in
rules.py; the calendar feed and .ics downloads are served by notifications."""
from __future__ import annotations

from datetime import datetime
from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..accounts.queries import get_user
from ..errors import ServiceError, ValidationError
from ..forms import render_form, show_service_error
from ..pagecache import cached_page
from ..profiles.queries import mentor_profile
from ..profiles.services import set_accepting as profiles_set_accepting
from ..timeutil import to_zone
from ..urls import safe_next
from . import checkins, forms, mentorships, queries, requests, rules, sessions
from .models import CADENCES

bp = Blueprint("mentoring", __name__)


@bp.app_context_processor
def _cadence_names():
    return {"mentoring_cadences": CADENCES}


# ---- list -------------------------------------------------------------------------------------


@bp.get("/mentorships")
@login_required
@cached_page
def index():
    profile = mentor_profile(current_user.id)
    return render_template("mentoring/index.html", requests=queries.requests_for(current_user),
                           mentorships=queries.mentorships_for(current_user),
                           sessions=queries.upcoming_sessions(current_user), profile=profile,
                           load=queries.active_mentee_count(current_user.id) if profile else 0,
                           form=FlaskForm())


@bp.post("/mentorships/accepting")
@login_required
def set_accepting():
    """A mentor pauses (or resumes) new requests; current mentorships go on."""
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
    blocked = rules.can_request(current_user, mentor)
    if form.validate_on_submit():
        try:
            req = requests.send_request(current_user, mentor, form.goals.data, form.background.data,
                                        form.expectations.data, form.cadence.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(f"Your request was sent to {mentor.display_name}.", "success")
            return redirect(url_for("mentoring.request_detail", request_id=req.id))
    return render_form("mentoring/request_new.html", form, mentor=mentor, blocked=blocked,
                       rating=queries.mentor_rating_summary(mentor.id),
                       profile=mentor_profile(mentor.id))


def _request_page(req, status: int = 200, **form_overrides):
    ctx = {"decline_form": forms.ReasonForm(formdata=None), "ask_form": forms.MessageForm(formdata=None),
           "reply_form": forms.MessageForm(formdata=None), "plain_form": FlaskForm(formdata=None)}
    ctx.update(form_overrides)
    return render_template("mentoring/request_detail.html", req=req,
                           answer_block=rules.can_answer_request(current_user, req),
                           reply_block=rules.can_reply_request(current_user, req),
                           withdraw_block=rules.can_withdraw_request(current_user, req), **ctx), status


@bp.get("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    return _request_page(queries.get_request(current_user, request_id))


@bp.post("/requests/<int:request_id>/accept")
@login_required
def request_accept(request_id: int):
    req = queries.get_request(current_user, request_id)
    try:
        mentorship = requests.accept_request(current_user, req)
    except ValidationError as exc:
        form = FlaskForm()
        form.form_errors.append(exc.message)
        return _request_page(req, 400, plain_form=form)
    flash("You accepted the request. Welcome to your new mentorship!", "success")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=mentorship.id))


def _form_action(row, form_cls, form_name: str, action, done_message: str, done_url: str, page):
    """POST of a form on a request, session or check-in page: on success flash and go to ``done_url``, else
    show ``page`` again with the form's errors (400)."""
    form = form_cls()
    if form.validate_on_submit():
        try:
            action(row, form)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(done_message, "success")
            return redirect(done_url)
    return page(row, 400, **{form_name: form})


def _request_form_action(request_id: int, form_cls, form_name: str, action, done_message: str):
    req = queries.get_request(current_user, request_id)
    done = url_for("mentoring.request_detail", request_id=req.id)
    return _form_action(req, form_cls, form_name, action, done_message, done, _request_page)


@bp.post("/requests/<int:request_id>/decline")
@login_required
def request_decline(request_id: int):
    return _request_form_action(request_id, forms.ReasonForm, "decline_form",
                                lambda req, f: requests.decline_request(current_user, req, f.reason.data),
                                "You declined the request. The learner has been told.")


@bp.post("/requests/<int:request_id>/ask")
@login_required
def request_ask(request_id: int):
    return _request_form_action(request_id, forms.MessageForm, "ask_form",
                                lambda req, f: requests.ask_for_info(current_user, req, f.message.data),
                                "Your question was sent.")


@bp.post("/requests/<int:request_id>/reply")
@login_required
def request_reply(request_id: int):
    return _request_form_action(request_id, forms.MessageForm, "reply_form",
                                lambda req, f: requests.reply_to_request(current_user, req, f.message.data),
                                "Your answer was sent.")


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def request_withdraw(request_id: int):
    requests.withdraw_request(current_user, queries.get_request(current_user, request_id))
    flash("You withdrew the request.", "success")
    return redirect(url_for("mentoring.request_detail", request_id=request_id))


# ---- mentorships --------------------------------------------------------------------------------


def _mentorship_page(m, status: int = 200, goal_form=None):
    rows = queries.checkins_of(m)
    return render_template(
        "mentoring/mentorship_detail.html", m=m, sessions=queries.sessions_of(m), checkins=rows,
        streak=queries.checkin_streak(rows), goal_form=goal_form or forms.GoalForm(formdata=None),
        plain_form=FlaskForm(formdata=None), open_items=queries.action_items(m, open_only=True),
        is_member=rules.is_member(current_user, m), change_block=rules.can_change_mentorship(current_user, m),
        rate_block=rules.can_rate(current_user, m, queries.my_rating(current_user, m) is not None),
        book_block=rules.can_book(current_user, m),
        checkin_now_block=rules.can_check_in_now(current_user, m, any(c.status == "open" for c in rows)),
        now=datetime.now().astimezone(),
    ), status


@bp.get("/mentorships/<int:mentorship_id>")
@login_required
@cached_page
def mentorship_detail(mentorship_id: int):
    return _mentorship_page(queries.get_mentorship(current_user, mentorship_id))


@bp.post("/mentorships/<int:mentorship_id>/goals")
@login_required
def goal_add(mentorship_id: int):
    m = queries.get_mentorship(current_user, mentorship_id)
    form = forms.GoalForm()
    if form.validate_on_submit():
        try:
            mentorships.add_goal(current_user, m, form.title.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=m.id) + "#goals")
    return _mentorship_page(m, 400, goal_form=form)


@bp.post("/goals/<int:goal_id>/toggle")
@login_required
def goal_toggle(goal_id: int):
    goal = mentorships.set_goal_done(current_user, goal_id, request.form.get("done") == "1")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=goal.mentorship_id) + "#goals")


@bp.post("/mentorships/<int:mentorship_id>/checkin-now")
@login_required
def checkin_now(mentorship_id: int):
    c = checkins.check_in_now(current_user, queries.get_mentorship(current_user, mentorship_id))
    flash("A check-in is open now; the next one follows at your cadence from today.", "success")
    return redirect(url_for("mentoring.checkin_detail", checkin_id=c.id))


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["GET", "POST"])
@login_required
def mentorship_end(mentorship_id: int):
    m = queries.get_mentorship(current_user, mentorship_id)
    form = forms.EndForm()
    if form.validate_on_submit():
        try:
            mentorships.end_mentorship(current_user, m, form.score.data, form.comment.data, bool(form.rematch.data))
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            if form.rematch.data:
                flash("The mentorship has ended. Here are other mentors who could fit.", "success")
                return redirect(url_for("matching.matches"))
            flash("The mentorship has ended. Thank you for your rating.", "success")
            return redirect(url_for("mentoring.mentorship_detail", mentorship_id=m.id))
    return render_form("mentoring/end.html", form, m=m)


@bp.route("/mentorships/<int:mentorship_id>/rate", methods=["GET", "POST"])
@login_required
def mentorship_rate(mentorship_id: int):
    m = queries.get_mentorship(current_user, mentorship_id)
    form = forms.RateForm()
    if form.validate_on_submit():
        try:
            mentorships.rate_ended_mentorship(current_user, m, form.score.data, form.comment.data)
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
    by_day = groupby(slots, key=lambda slot: to_zone(slot[0], current_user.timezone).date())
    return [(day, list(items)) for day, items in by_day]


def _book_page(form, m, session=None):
    exclude = session.id if session is not None else None
    slots = sessions.available_slots(m, exclude_session_id=exclude)
    return render_form("mentoring/book.html", form, m=m, session=session, groups=_slot_groups(slots),
                       minutes=sessions.session_minutes(m.mentor_id))


def _booking(m, session, write, done_message: str):
    """The booking page (a new session when ``session`` is None, else moving it) and its POST."""
    form = forms.BookForm()
    if form.validate_on_submit():
        try:
            s = write(_parse_slot(form.starts_at.data), form)
        except ServiceError as exc:
            if exc.status == 403:
                raise
            show_service_error(form, exc)
            return _book_page(form, m, session)[0], exc.status
        flash(done_message, "success")
        return redirect(url_for("mentoring.session_detail", session_id=s.id))
    return _book_page(form, m, session)


@bp.route("/mentorships/<int:mentorship_id>/book", methods=["GET", "POST"])
@login_required
def book(mentorship_id: int):
    m = queries.get_mentorship(current_user, mentorship_id)
    return _booking(m, None, lambda start, f: sessions.book_session(current_user, m, start, f.agenda.data),
                    "Your session is booked. Both of you will get a reminder.")


@bp.route("/sessions/<int:session_id>/reschedule", methods=["GET", "POST"])
@login_required
def session_reschedule(session_id: int):
    s = queries.get_session(current_user, session_id)
    return _booking(s.mentorship, s, lambda start, f: sessions.reschedule_session(current_user, s, start),
                    "The session was moved. The other side has been told.")


# ---- sessions ---------------------------------------------------------------------------------


def _session_page(s, status: int = 200, **overrides):
    note = queries.note_of(current_user, s)
    ctx = {
        "details_form": forms.SessionDetailsForm(formdata=None, agenda=s.agenda, meeting_url=s.meeting_url),
        "note_form": forms.NoteForm(formdata=None, body=note.body if note else ""),
        "action_form": forms.ActionForm(formdata=None),
        "cancel_form": forms.ReasonForm(formdata=None),
        "plain_form": FlaskForm(formdata=None),
    }
    ctx.update(overrides)
    return render_template("mentoring/session_detail.html", s=s, m=s.mentorship,
                           items=queries.action_items(s.mentorship, session_id=s.id),
                           is_member=rules.is_member(current_user, s), is_upcoming=rules.is_upcoming(s),
                           **ctx), status


@bp.get("/sessions/<int:session_id>")
@login_required
@cached_page
def session_detail(session_id: int):
    return _session_page(queries.get_session(current_user, session_id))


def _session_form_action(session_id: int, form_cls, form_name: str, action, done_message: str,
                         anchor: str = ""):
    s = queries.get_session(current_user, session_id)
    done = url_for("mentoring.session_detail", session_id=s.id) + anchor
    return _form_action(s, form_cls, form_name, action, done_message, done, _session_page)


@bp.post("/sessions/<int:session_id>/details")
@login_required
def session_details(session_id: int):
    return _session_form_action(
        session_id, forms.SessionDetailsForm, "details_form",
        lambda s, f: sessions.update_session_details(current_user, s, f.agenda.data, f.meeting_url.data),
        "Agenda and meeting link saved.")


@bp.post("/sessions/<int:session_id>/note")
@login_required
def session_note(session_id: int):
    return _session_form_action(session_id, forms.NoteForm, "note_form",
                                lambda s, f: sessions.save_note(current_user, s, f.body.data),
                                "Your private note was saved.", "#notes")


@bp.post("/sessions/<int:session_id>/actions")
@login_required
def action_add(session_id: int):
    return _session_form_action(session_id, forms.ActionForm, "action_form",
                                lambda s, f: sessions.add_action_item(current_user, s, f.title.data),
                                "Action item added.", "#actions")


@bp.post("/actions/<int:item_id>/toggle")
@login_required
def action_toggle(item_id: int):
    item = sessions.set_action_done(current_user, item_id, request.form.get("done") == "1")
    target = safe_next(request.form.get("next"))
    if target:
        return redirect(target)
    if item.session_id:
        return redirect(url_for("mentoring.session_detail", session_id=item.session_id) + "#actions")
    return redirect(url_for("mentoring.mentorship_detail", mentorship_id=item.mentorship_id))


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def session_cancel(session_id: int):
    s = queries.get_session(current_user, session_id)
    return _form_action(s, forms.ReasonForm, "cancel_form",
                        lambda s, f: sessions.cancel_session(current_user, s, f.reason.data),
                        "The session was cancelled. The other side has been told.",
                        url_for("mentoring.mentorship_detail", mentorship_id=s.mentorship_id), _session_page)


# ---- check-ins --------------------------------------------------------------------------------


def _checkin_page(c, status: int = 200, **overrides):
    ctx = {"checkin_form": forms.CheckinForm(formdata=None),
           "response_form": forms.ResponseForm(formdata=None, response=c.mentor_response), **overrides}
    return render_template("mentoring/checkin_detail.html", c=c, m=c.mentorship, carried=queries.carried_items(c),
                           kickoff=rules.is_kickoff(c),
                           fill_block=rules.can_fill_checkin(current_user, c),
                           respond_block=rules.can_respond_checkin(current_user, c),
                           plain_form=FlaskForm(formdata=None), **ctx), status


@bp.route("/checkins/<int:checkin_id>", methods=["GET", "POST"])
@login_required
def checkin_detail(checkin_id: int):
    """The learner fills the check-in in; the mentor responds (the form names which)."""
    c = queries.get_checkin(current_user, checkin_id)
    if request.method == "GET":
        return _checkin_page(c)
    done, saved = url_for("mentoring.checkin_detail", checkin_id=c.id), "Thank you, the check-in was saved."
    if "response" in request.form:
        return _form_action(c, forms.ResponseForm, "response_form",
                            lambda c, f: checkins.respond_checkin(current_user, c, f.response.data),
                            saved, done, _checkin_page)
    return _form_action(c, forms.CheckinForm, "checkin_form",
                        lambda c, f: checkins.submit_checkin(current_user, c, f.progress.data, f.blockers.data,
                                                             f.next_steps.data), saved, done, _checkin_page)
