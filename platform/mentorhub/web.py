"""What every page shares: template filters, security headers, error pages, the login loader."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Rule

from .accounts.sessions import load_user
from .actors import is_admin, is_signed_in
from .db import MAX_DB_INT, db
from .errors import ServiceError
from .extensions import login_manager
from .markdown import render_markdown
from .notifications.queries import unread_count
from .timeutil import WHEN_FORMAT, format_local, humanize_delta

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class DbIntConverter(IntegerConverter):
    """``<int:...>`` in every route: a number past MAX_DB_INT is no URL of ours (404) instead
    of an OverflowError from the database driver (500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_DB_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class LazyBuilderRule(Rule):
    """A route whose URL builders are compiled on its first ``url_for``. Werkzeug turns every rule
    into Python source and compiles two builders when the rule is added: about 40 ms of every
    process's start (each web worker, the scheduler, every ``flask`` command) for ~180 routes,
    most of which one process never builds a URL for. What a URL builds to is unchanged
    (tests/core/test_route_builders.py builds every route both ways)."""

    def _compile_builder(self, append_unknown: bool = True):
        def build(rule, *args, **kwargs):
            if build.compiled is None:  # two threads at once compile it twice: the same function
                build.compiled = Rule._compile_builder(rule, append_unknown)
            return build.compiled(rule, *args, **kwargs)
        build.compiled = None
        return build


NUL_MESSAGE = "Your input contains a NUL character, which we cannot store. Remove it and try again."


def has_nul(values) -> bool:
    """True when any submitted value (query string or form) holds a NUL, which PostgreSQL text
    columns reject."""
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def viewer_zone() -> str:
    if is_signed_in(current_user):
        return current_user.timezone or "UTC"
    return "UTC"


def localtime(dt, fmt: str = WHEN_FORMAT, tz: str | None = None) -> str:
    return format_local(dt, tz or viewer_zone(), fmt)


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def error_response(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("errors/error.html", status=status, message=message), status


ERROR_MESSAGES = {
    400: "The request could not be understood. Please check what you sent and try again.",
    403: "You do not have permission to see or change this.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    413: "That upload is too large.",
    429: "Too many attempts. Please wait a minute and try again.",
    500: "Something went wrong on our side. It has been logged; please try again.",
}


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    # Before any blueprint registers its routes, so every <int:...> gets the bound and every
    # route builds its URLs on first use.
    app.url_map.converters["int"] = DbIntConverter
    app.url_rule_class = LazyBuilderRule

    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:  # behind N reverse proxies: take the client address and scheme from their headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["humanize_delta"] = humanize_delta
    app.jinja_env.globals["viewer_zone"] = viewer_zone
    app.jinja_env.globals["viewer_is_admin"] = lambda: is_admin(current_user)  # the admin links
    # The organiser links (admins and members an admin made organisers; no query while rendering).
    app.jinja_env.globals["viewer_organises"] = lambda: is_admin(current_user) or (
        is_signed_in(current_user) and bool(current_user.is_organiser))

    @app.context_processor
    def _header_context():
        unread = 0
        if is_signed_in(current_user):
            try:
                unread = unread_count(current_user)
            except Exception:  # noqa: BLE001 - an error page must render even when the DB is down
                log.exception("could not count unread notifications")
        return {"unread_notifications": unread, "site_name": app.config["SITE_NAME"],
                "nav_endpoints": app.view_functions}

    @app.before_request
    def _reject_nul():
        in_path = any(isinstance(v, str) and "\x00" in v for v in (request.view_args or {}).values())
        if in_path or has_nul(request.args) or (request.method != "GET" and has_nul(request.form)):
            return error_response(400, NUL_MESSAGE)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return error_response(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return error_response(400, "Your form expired or was not sent from this site. Please reload the page and try again.")

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc):
        return error_response(429, ERROR_MESSAGES[429])

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        return error_response(code, ERROR_MESSAGES.get(code, exc.description or "Error"))

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error on %s %s", request.method, request.path)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            log.exception("rollback after an unhandled error failed")
        return error_response(500, ERROR_MESSAGES[500])
