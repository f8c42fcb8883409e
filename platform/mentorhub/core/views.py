"""Pages that belong to no single feature: home, dashboard, health."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from ..db import db
from ..events.panels import dashboard_panel as events_panel
from ..matching.panels import dashboard_panel as matching_panel
from ..mentoring.panels import dashboard_panel as mentoring_panel
from ..notifications.panels import dashboard_panel as notifications_panel
from ..portfolio.panels import dashboard_panel as portfolio_panel
from ..profiles.panels import dashboard_panel as profiles_panel
from ..projects.panels import dashboard_panel as projects_panel
from ..scheduler.services import last_seen
from .showcase import home_showcase

bp = Blueprint("core", __name__)

# The dashboard shows one panel per feature, in this order. Each feature's panel function
# (<feature>/panels.py) loads plain data in a fixed number of queries; its template
# templates/<feature>/_dashboard.html only renders that data as ``panel``.
DASHBOARD_PANELS = (
    ("profiles", lambda user: profiles_panel(user, request.args.get("profile_view"))),
    ("matching", matching_panel),
    ("mentoring", mentoring_panel),
    ("projects", projects_panel),
    ("events", events_panel),
    ("portfolio", portfolio_panel),
    ("notifications", notifications_panel),
)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    return render_template("core/index.html", showcase=home_showcase())


@bp.get("/dashboard")
@login_required
def dashboard():
    panels = [(f"{name}/_dashboard.html", load(current_user)) for name, load in DASHBOARD_PANELS]
    return render_template("core/dashboard.html", panels=panels)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        seen = last_seen()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable", error=type(exc).__name__), 503
    return jsonify(status="ok", database="ok", scheduler_last_seen=seen.isoformat() if seen else None)
