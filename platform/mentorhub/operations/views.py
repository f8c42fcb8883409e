"""/metrics (Prometheus text format) for allowed addresses or the bearer METRICS_TOKEN."""
from __future__ import annotations

from flask import Blueprint, Response, request

from ..web import error_response
from .metrics import CONTENT_TYPE, may_read, render

bp = Blueprint("operations", __name__)


@bp.get("/metrics")
def metrics():
    reason = may_read(request.remote_addr, request.headers.get("Authorization"))
    if reason:
        return error_response(403, reason)
    return Response(render(), mimetype=None, content_type=CONTENT_TYPE)
