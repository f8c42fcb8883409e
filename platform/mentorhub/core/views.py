"""Pages that belong to no single feature: home, dashboard, health."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..actors import is_signed_in
from ..dashboard.panels import arrange
from ..dashboard.panels import dashboard_panel as next_steps_panel
from ..events.panels import dashboard_panel as events_panel
from ..matching.panels import dashboard_panel as matching_panel
from ..mentoring.panels import dashboard_panel as mentoring_panel
from ..notifications.panels import dashboard_panel as notifications_panel
from ..operations.checks import health_report
from ..pagecache import cached_page
from ..portfolio.panels import dashboard_panel as portfolio_panel
from ..profiles.panels import dashboard_panel as profiles_panel
from ..projects.panels import dashboard_panel as projects_panel
from .showcase import home_showcase

bp = Blueprint("core", __name__)

# The dashboard shows one panel per feature, in this order. Each feature's panel function
# (<feature>/panels.py) loads plain data in a fixed number of queries; its template
# templates/<feature>/_dashboard.html only renders that data as ``panel``.
DASHBOARD_PANELS = (
    ("dashboard", next_steps_panel),
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
    if is_signed_in(current_user):
        return redirect(url_for("core.dashboard"))
    return render_template("core/index.html", showcase=home_showcase())


@bp.get("/dashboard")
@login_required
@cached_page
def dashboard():
    panels = arrange(current_user, request.args.get("profile_view"),
                     [(name, load(current_user)) for name, load in DASHBOARD_PANELS])
    return render_template("core/dashboard.html", panels=[(f"{name}/_dashboard.html", p) for name, p in panels])


@bp.get("/healthz")
def healthz():
    body, status = health_report(current_app.config)
    return jsonify(body), status
