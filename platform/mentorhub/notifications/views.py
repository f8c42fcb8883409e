from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..errors import ValidationError
from ..extensions import csrf
from ..pagination import parse_page
from ..urls import safe_next
from . import calendar as cal
from . import inbox, preferences, queries
from .kinds import CHANNELS, KINDS

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    unread_only = request.args.get("filter") == "unread"
    page = queries.list_notifications(current_user, parse_page(request.args.get("page")), unread_only)
    return render_template("notifications/index.html", page=page, unread_only=unread_only, form=FlaskForm())


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    note = inbox.mark_read(current_user, notification_id)
    if request.form.get("open") and note.link and safe_next(note.link):
        return redirect(note.link)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    count = inbox.mark_all_read(current_user)
    if count:
        flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    else:
        flash("You had no unread notifications.", "info")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = FlaskForm()
    current = preferences.preferences(current_user)
    status = 200
    if request.method == "POST":
        choices = {kind: request.form.get(f"kind-{kind}", current[kind]) for kind in KINDS}
        try:
            preferences.set_preferences(current_user, current_user, choices)
        except ValidationError as exc:
            form.form_errors.append(exc.message)
            status = 400
        else:
            flash("Notification settings saved.", "success")
            return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, prefs=current, kinds=KINDS,
                           channels=CHANNELS), status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here for one-click unsubscribe
def unsubscribe(token: str):
    form = FlaskForm()
    try:
        user, kind = preferences.read_unsubscribe_token(token)
    except ValidationError as exc:
        return render_template("notifications/unsubscribe.html", error=exc.message, form=form), 400
    done = False
    if request.method == "POST":
        preferences.unsubscribe(token)
        done = True
    return render_template("notifications/unsubscribe.html", what=preferences.unsubscribe_label(kind), done=done,
                           form=form, email=user.email)


# ---- calendar files (moved from mentoring; the URLs are unchanged) --------------------------


@bp.get("/calendar")
@login_required
def calendar_settings():
    feed = cal.feed_of(current_user)
    url = url_for("notifications.calendar_feed", token=feed.token, _external=True) if feed else None
    return render_template("notifications/calendar.html", feed=feed, url=url, form=FlaskForm())


@bp.post("/calendar/regenerate")
@login_required
def calendar_regenerate():
    cal.regenerate_feed(current_user, current_user)
    flash("Your calendar has a new private address. The old one no longer works.", "success")
    return redirect(url_for("notifications.calendar_settings"))


@bp.post("/calendar/revoke")
@login_required
def calendar_revoke():
    cal.revoke_feed(current_user, current_user)
    flash("Your calendar feed is turned off.", "success")
    return redirect(url_for("notifications.calendar_settings"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    user = cal.user_for_token(token)
    return Response(cal.feed_ics(user), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_ics(session_id: int):
    """One mentoring session's .ics (mentoring registers the event in calendar.py)."""
    body = cal.item_ics("mentoring-session", current_user, session_id)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="mentoring-session-{session_id}.ics"'})
