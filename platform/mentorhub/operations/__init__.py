"""The operator's side: backups and restore, metrics, structured logs, configuration and health
checks. ``init_app`` wires the request hooks and /metrics; create_app calls it after every
other blueprint is registered (the log redaction reads the URL map)."""
from __future__ import annotations

from flask import Flask

from . import logs, metrics
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    request_metrics = metrics.init_app(app)
    logs.configure_logging(app)
    logs.init_request_logging(app, observers=[request_metrics.observe])
