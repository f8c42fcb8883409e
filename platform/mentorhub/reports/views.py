"""Reports over HTTP: file one (rate-limited), see one's own, and the admins' queue."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from ..actors import is_signed_in
from ..errors import ValidationError
from ..extensions import limiter
from ..urls import path_for
from ..validation import setting
from . import filing, moderation, queries, rules
from .models import ACTIONS, REASONS, TARGETS

bp = Blueprint("reports", __name__)


def _reporter_key() -> str:
    return f"reporter:{current_user.id}" if is_signed_in(current_user) else get_remote_address()


@bp.route("/report/<kind>/<int:target_id>", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: setting("REPORT_RATE_LIMIT"), key_func=_reporter_key, methods=["POST"])
def new(kind: str, target_id: int):
    target = filing.find_target(current_user, kind, target_id)
    error, status = None, 200
    if request.method == "POST":
        try:
            filing.file_report(current_user, kind, target_id, request.form)
        except ValidationError as exc:
            error, status = str(exc), 400
        else:
            flash("Thank you. The admins will look at your report; you will hear what they decided.", "success")
            return redirect(path_for("reports.mine"))
    return render_template("reports/new.html", kind=kind, what=TARGETS[kind], target=target, reasons=REASONS,
                           refusal=rules.can_report(current_user, target.user_id), error=error,
                           values=request.form), status


@bp.get("/reports")
@login_required
def mine():
    return render_template("reports/mine.html", reports=queries.reports_by(current_user.id), targets=TARGETS,
                           reasons=REASONS)


@bp.get("/admin/reports")
@login_required
def queue():
    moderation.require_moderator(current_user)
    reports, names = queries.open_reports()
    return render_template("reports/queue.html", reports=reports, names=names, targets=TARGETS, reasons=REASONS,
                           actions=ACTIONS,
                           allowed={r.id: rules.actions_for(current_user, r) for r in reports})


@bp.post("/admin/reports/<int:report_id>/<action>")
@login_required
def act(report_id: int, action: str):
    report = moderation.act(current_user, report_id, action)
    flash(f"Report handled: {report.status}.", "success")
    return redirect(path_for("reports.queue"))
