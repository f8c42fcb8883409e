"""mentorhub: mentoring and project matching for people moving into ML engineering."""
from __future__ import annotations

from typing import Any

from flask import Flask

from . import (
    models,  # noqa: F401  (every table on the metadata)
    pagecache,
    privacy,
    web,
)
from .accounts import oauth as signin_providers
from .accounts.signin_views import bp as signin_bp
from .accounts.views import bp as accounts_bp
from .api.routes import bp as api_bp
from .api.settings import bp as api_tokens_bp
from .cli import register_commands
from .config import ROOT, default_config
from .core.views import bp as core_bp
from .db import db as database  # not "db": that name is the mentorhub.db module (migrations use it)
from .events.queries import calendar_events as meetup_events
from .events.queries import organises_a_cohort
from .events.views import bp as events_bp
from .extensions import csrf, limiter, login_manager
from .matching.queries import project_scores_for, published_build
from .matching.views import bp as matching_bp
from .mentoring.queries import calendar_events as session_events
from .mentoring.queries import mentor_load, session_ics_event
from .mentoring.views import bp as mentoring_bp
from .notifications.calendar import register_feed_sources, register_item
from .notifications.views import bp as notifications_bp
from .operations import init_app as init_operations
from .outcomes.views import bp as outcomes_bp
from .portfolio.views import bp as portfolio_bp
from .profiles.cards import register_mentor_load
from .profiles.import_views import bp as profiles_import_bp
from .profiles.importing import ORGANISER_CHECKS
from .profiles.views import bp as profiles_bp
from .projects.queries import register_match_scorer
from .projects.views import bp as projects_bp
from .reports.views import bp as reports_bp
from .stats.views import bp as stats_bp
from .webhooks.views import bp as webhooks_bp


def create_app(config: Any = None) -> Flask:
    """Build the app. ``config`` is a Config class or a mapping of overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(default_config())
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)

    database.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    pagecache.init_app(app, key_parts=[published_build])  # pages also read the published match index

    web.init_app(app)
    signin_providers.init_app(app)  # GitHub / OpenID Connect, when their settings are present
    # What the lower features cannot import, handed in from here (the top layer).
    privacy.init_app(app)
    register_feed_sources(app, session_events, meetup_events)
    register_item(app, "mentoring-session", session_ics_event)
    register_match_scorer(project_scores_for)  # projects (layer 4) sort by matching's (layer 5) scores
    register_mentor_load(mentor_load)  # directory cards (profiles, layer 3) show mentoring's free places
    app.extensions[ORGANISER_CHECKS] = [organises_a_cohort]  # cohort organisers may import people

    for bp in (
        core_bp,
        accounts_bp,
        signin_bp,
        notifications_bp,
        profiles_bp,
        profiles_import_bp,
        projects_bp,
        matching_bp,
        mentoring_bp,
        events_bp,
        portfolio_bp,
        api_bp,
        api_tokens_bp,
        webhooks_bp,
        outcomes_bp,
        reports_bp,
        stats_bp,
    ):
        app.register_blueprint(bp)
    init_operations(app)  # /metrics, request logs and log redaction: after every other route

    register_commands(app)
    return app
