"""The /api/v1 blueprint: bearer-token authentication, per-token rate limits, problem+json
errors, the OpenAPI document and its reference page. Resource routes live in their own modules
(people.py, mentoring.py, community.py); routes.py gathers them.

Only a bearer token authorises the API: the session cookie is never looked at here, which is
also why the blueprint is exempt from CSRF (a cross-site form cannot add an Authorization header).
"""
from __future__ import annotations

import hashlib
import logging

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from ..db import db
from ..errors import ServiceError
from ..extensions import csrf, limiter
from . import tokens
from .problems import DETAILS, PROBLEM_TYPE, ApiProblem, problem
from .spec import document

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC_ENDPOINTS = ("api.openapi", "api.reference")

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)


def bearer_secret() -> str | None:
    scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None


def rate_key() -> str:
    """Flask-Limiter's key: one budget per token (by its hash: no database query before the
    limit is checked), one per address for requests without a token."""
    secret = bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return "api-addr:" + (get_remote_address() or "")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key,
              exempt_when=lambda: request.endpoint in PUBLIC_ENDPOINTS)(bp)


@bp.before_request
def _authenticate() -> None:
    g.api_user = g.api_token = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    secret = bearer_secret()
    if secret is None:
        raise ApiProblem(401)
    found = tokens.resolve(secret)
    if found is None:
        raise ApiProblem(401, "This token is unknown, revoked or expired, or its account is suspended.")
    g.api_user, g.api_token = found
    if request.method not in READ_METHODS and not g.api_token.can_write:
        raise ApiProblem(403, "This token can only read. Create a token with the 'write' scope to change things.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@bp.before_request
def _reject_nul_in_json() -> None:
    """As the pages refuse a NUL in a form (PostgreSQL text cannot hold one), the API refuses one
    in a JSON body."""
    if request.method not in READ_METHODS and request.is_json and _has_nul(request.get_json(silent=True)):
        raise ApiProblem(400, "Your input contains a NUL character, which we cannot store. Remove it and try again.")


def actor():
    """The person the request's token belongs to (set by _authenticate)."""
    return g.api_user


def token():
    return g.api_token


# ---- errors: every answer of the API is JSON, every error a problem document --------------------


@bp.errorhandler(ApiProblem)
def _api_problem(exc: ApiProblem):
    return problem(exc.status, exc.detail, exc.errors)


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    errors = [{"loc": ["body", exc.field], "msg": exc.message}] if exc.field else None
    return problem(exc.status, exc.message, errors)


@bp.errorhandler(RateLimitExceeded)
def _rate_limited(exc):
    return problem(429)


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    if exc.response is not None and exc.response.mimetype == PROBLEM_TYPE:
        return exc.response
    return problem(exc.code or 500)


@bp.errorhandler(Exception)
def _unexpected(exc):
    log.exception("unhandled API error on %s %s", request.method, request.path)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001
        log.exception("rollback after an unhandled API error failed")
    return problem(500)


@bp.after_app_request
def _problems_everywhere(response):
    """Errors answered before the API's own handlers run (no route matched, a NUL in the query
    string, the method not allowed) become problem documents too, for any path under /api/v1."""
    path = request.path
    if (response.status_code >= 400 and response.mimetype != PROBLEM_TYPE
            and (path == PREFIX or path.startswith(PREFIX + "/"))):
        detail = None
        if response.is_json:
            detail = (response.get_json(silent=True) or {}).get("error")
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("allow", "retry-after")}
        return problem(response.status_code, detail or DETAILS.get(response.status_code), headers=headers)
    return response


# ---- the document and its reference page -------------------------------------------------------


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/reference")
def reference():
    """The API reference, rendered on the server from the same document (no script, no CDN)."""
    return render_template("api/reference.html", doc=document())
