"""Outcomes over HTTP: record one, confirm a mentee's, delete one's own."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user, login_required

from ..errors import ValidationError
from ..urls import path_for
from . import (
    panels,  # noqa: F401  (registers the person-page timeline)
    records,
    rules,
)
from .models import KINDS
from .queries import outcomes_of

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")


def _timeline_of(user_id: int) -> str:
    return path_for("profiles.person", user_id=user_id) + "#outcomes-timeline"


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    error, status = None, 200
    if request.method == "POST":
        try:
            records.record_outcome(current_user, request.form)
        except ValidationError as exc:
            error, status = str(exc), 400
        else:
            flash("Outcome recorded. Your mentor can confirm it.", "success")
            return redirect(_timeline_of(current_user.id))
    return render_template("outcomes/index.html", kinds=KINDS, outcomes=outcomes_of(current_user.id),
                           refusal=rules.can_record_outcome(current_user), error=error,
                           values=request.form), status


@bp.post("/<int:outcome_id>/confirm")
@login_required
def confirm(outcome_id: int):
    outcome = records.confirm_outcome(current_user, outcome_id)
    flash("Outcome confirmed.", "success")
    return redirect(_timeline_of(outcome.user_id))


@bp.post("/<int:outcome_id>/delete")
@login_required
def delete(outcome_id: int):
    records.delete_outcome(current_user, outcome_id)
    flash("Outcome deleted.", "success")
    return redirect(path_for("outcomes.index"))
