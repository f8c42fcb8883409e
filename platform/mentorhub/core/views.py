"""Pages that belong to no single feature: home, dashboard, health."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from ..db import db
from ..scheduler.services import last_seen

bp = Blueprint("core", __name__)

# The dashboard shows one panel per feature, in this order: templates/<feature>/_dashboard.html
DASHBOARD_PANELS = ("profiles", "matching", "mentoring", "projects", "events", "portfolio", "notifications")


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    return render_template("core/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    panels = [f"{name}/_dashboard.html" for name in DASHBOARD_PANELS]
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
