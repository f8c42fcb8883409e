"""Program statistics over HTTP: /admin/stats with its charts, and a CSV of each table."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required

from ..db import utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..events.queries import cohort_choices
from ..validation import setting
from . import charts, rules
from .figures import Figures, Filters, compute
from .tables import TABLES, as_csv, table

bp = Blueprint("stats", __name__, url_prefix="/admin/stats")


def _day(raw: str | None, default: date, label: str) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"Enter the {label} date as YYYY-MM-DD.") from None


def _figures() -> tuple[Figures, list[tuple[int, str]]]:
    refusal = rules.can_see_stats(current_user)
    if refusal:
        raise PermissionDenied(refusal)
    cohorts = cohort_choices()
    raw_cohort = request.args.get("cohort", "")
    cohort_id = None
    if raw_cohort:
        cohort_id = int(raw_cohort) if raw_cohort.isdigit() else None
        if cohort_id not in {c for c, _n in cohorts}:
            raise ValidationError("Choose a cohort from the list.")
    today = utcnow().date()
    end = _day(request.args.get("to"), today, "end")
    start = _day(request.args.get("from"), end - timedelta(days=setting("STATS_DEFAULT_DAYS")), "start")
    if start > end:
        raise ValidationError("The start date must not be after the end date.")
    return compute(Filters(cohort_id, start, end)), cohorts


@bp.get("")
@login_required
def index():
    fig, cohorts = _figures()
    tables = {name: table(fig, name) for name in TABLES}
    svgs = {
        "funnel": charts.bars("Funnel: people who reached each step", fig.funnel),
        "first_session": charts.columns("Time to first session, days", [tuple(r) for r in tables["first_session"][1]]),
        "response": charts.columns("Mentor response time, hours", [tuple(r) for r in tables["response"][1]]),
        "review_wait": charts.columns("Review wait time, hours", [tuple(r) for r in tables["review_wait"][1]]),
        "weekly": charts.columns("Weekly active mentorships",
                                 [(w.strftime("%d %b"), n) for w, n in fig.weekly]),
    }
    durations = {"first_session": fig.first_session, "response": fig.response, "review_wait": fig.review_wait}
    return render_template("stats/index.html", fig=fig, cohorts=cohorts, names=TABLES, tables=tables, svgs=svgs,
                           durations=durations, args=request.args)


@bp.get("/<name>.csv")
@login_required
def export(name: str):
    if name not in TABLES:
        raise NotFound("No such table.")
    fig, _cohorts = _figures()
    return Response(as_csv(fig, name), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="mentorhub-{name}.csv"'})
