"""mentorhub: mentoring and project matching for people moving into ML engineering."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from .config import ROOT, default_config


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from . import models  # noqa: F401  (every table on the metadata)
    from .db import db
    from .extensions import csrf, limiter, login_manager

    db.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from . import web

    web.init_app(app)

    from .accounts.views import bp as accounts_bp
    from .api.routes import bp as api_bp
    from .api.settings import bp as api_tokens_bp
    from .core.views import bp as core_bp
    from .events.views import bp as events_bp
    from .matching.views import bp as matching_bp
    from .mentoring.views import bp as mentoring_bp
    from .notifications.views import bp as notifications_bp
    from .portfolio.views import bp as portfolio_bp
    from .profiles.views import bp as profiles_bp
    from .projects.views import bp as projects_bp

    for bp in (
        core_bp,
        accounts_bp,
        notifications_bp,
        profiles_bp,
        projects_bp,
        matching_bp,
        mentoring_bp,
        events_bp,
        portfolio_bp,
        api_bp,
        api_tokens_bp,
    ):
        app.register_blueprint(bp)

    from .matching.queries import project_scores_for
    from .projects.queries import register_match_scorer

    register_match_scorer(project_scores_for)  # projects (layer 4) sort by matching's (layer 5) scores

    from .cli import register_commands

    register_commands(app)
    return app
