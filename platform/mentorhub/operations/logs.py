"""Logging: readable text (the default) or one JSON object per line (LOG_FORMAT=json), with
secrets, tokens and passwords redacted from every line, and one line per request.

The request line carries the request id (the client's ``X-Request-ID`` when it is a sane
token, else a generated one; echoed back in the response), the user id, the endpoint, the
route's pattern (never the URL), the status, the duration and the number of SQL statements
the request ran: nothing there can hold a secret, so it alone skips the redaction pass.

Redaction works on the formatted line (the record itself is left alone for other handlers):
the configured secrets (SECRET_KEY, SMTP_PASSWORD, METRICS_TOKEN, passwords inside DATABASE_URL
and RATELIMIT_STORAGE_URI), ``password=``/``token=``-style pairs, bearer tokens, passwords in
URLs, and the token part of every route that takes a ``<token>`` (reset, confirm, unsubscribe,
calendar feed links, which the outbox writes to the log when SMTP is not configured).
"""
from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Callable

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event
from sqlalchemy.engine import make_url

from ..actors import is_signed_in

REQUEST_LOG = logging.getLogger("mentorhub.request")
REDACTED = "[redacted]"
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
SECRET_SETTINGS = ("SECRET_KEY", "SMTP_PASSWORD", "METRICS_TOKEN")
URL_SETTINGS = ("DATABASE_URL", "RATELIMIT_STORAGE_URI")
_PAIRS = re.compile(r"""(?i)\b((?:[a-z_]*password|passwd|secret(?:_key)?|[a-z_]*token|api_?key|csrf_token)"""
                    r"""["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)""")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',;]+")
_URL_PASSWORD = re.compile(r"(://[^:/@\s\"']*:)[^@/\s\"']+(@)")


class RedactingFormatter(logging.Formatter):
    """Formats with ``inner`` and removes secrets from the result."""

    def __init__(self, inner: logging.Formatter, literals: list[str], token_prefixes: list[str]):
        super().__init__()
        self.inner = inner
        self.literals = sorted({s for s in literals if s and len(s) >= 6}, key=len, reverse=True)
        self.token_paths = (re.compile("(" + "|".join(re.escape(p) for p in token_prefixes) + r")[^\s/?#\"'<]+")
                            if token_prefixes else None)

    def redact(self, text: str) -> str:
        for secret in self.literals:
            text = text.replace(secret, REDACTED)
        text = _URL_PASSWORD.sub(rf"\1{REDACTED}\2", text)
        text = _BEARER.sub(rf"\1{REDACTED}", text)
        text = _PAIRS.sub(rf"\1{REDACTED}", text)
        if self.token_paths is not None:
            text = self.token_paths.sub(rf"\1{REDACTED}", text)
        return text

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        # The request line holds no text a client chose but a checked request id: its path is the
        # route's pattern, never the URL (see request_facts). Every request writes one: no pass.
        return line if record.name == REQUEST_LOG.name else self.redact(line)


def _secret_literals(cfg) -> list[str]:
    values = [cfg.get(name) or "" for name in SECRET_SETTINGS]
    for name in URL_SETTINGS:
        try:
            values.append(make_url(cfg.get(name) or "").password or "")
        except Exception:  # noqa: BLE001 - not a URL SQLAlchemy parses (memory://): no password in it
            continue
    return [str(v) for v in values]


def _token_prefixes(app: Flask) -> list[str]:
    """The static path before ``<token>`` in every route that takes one (``/reset/``)."""
    prefixes = []
    for rule in app.url_map.iter_rules():
        if "token" in rule.arguments:
            prefixes.append(rule.rule.split("<token>", 1)[0])
    return sorted(set(prefixes), key=len, reverse=True)


def build_formatter(app: Flask) -> RedactingFormatter:
    if app.config.get("LOG_FORMAT", "text") == "json":
        inner: logging.Formatter = JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level",
                                                                             "name": "logger"},
                                                 json_default=str, json_ensure_ascii=False)
    else:
        inner = logging.Formatter(TEXT_FORMAT)
    return RedactingFormatter(inner, _secret_literals(app.config), _token_prefixes(app))


def configure_logging(app: Flask, stream=None) -> logging.Handler:
    """Install the app's one root handler (replacing the one an earlier app installed). Call it
    after the blueprints are registered: the token routes come from the URL map."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "mentorhub", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.mentorhub = True  # type: ignore[attr-defined]
    handler.setFormatter(build_formatter(app))
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "INFO").upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return handler


def app_handler() -> logging.Handler | None:
    """The handler configure_logging installed (tests point its stream elsewhere)."""
    return next((h for h in logging.getLogger().handlers if getattr(h, "mentorhub", False)), None)


# ---- one line per request -------------------------------------------------------------------


def request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SANE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _start() -> None:
    g.ops_started = time.perf_counter()
    g.ops_queries = 0
    g.request_id = request_id()


def _count_statement(*_args) -> None:
    if has_request_context() and "ops_queries" in g:
        g.ops_queries += 1


def _user_id() -> int | None:
    user = g.get("_login_user")  # only when the request already loaded it: no query of our own
    return user.id if is_signed_in(user) else None


def request_facts(response) -> dict:
    started = g.get("ops_started")
    return {
        "request_id": g.get("request_id") or request_id(),
        "method": request.method,
        "endpoint": request.endpoint or "unmatched",
        "path": request.url_rule.rule if request.url_rule is not None else "-",
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else 0.0,
        "queries": g.get("ops_queries", 0),
        "user_id": _user_id(),
    }


def init_request_logging(app: Flask, observers: list[Callable[[dict], None]]) -> None:
    """Time every request (before any other before_request hook), count its SQL statements, log
    one line and hand the same facts to each observer (the metrics)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    event.listen(app.extensions["db_engine"], "before_cursor_execute", _count_statement)

    @app.after_request
    def _log_request(response):
        facts = request_facts(response)
        response.headers[REQUEST_ID_HEADER] = facts["request_id"]
        for observe in observers:
            observe(facts)
        REQUEST_LOG.info("%s %s %s in %.1f ms (%d queries)", facts["method"], facts["path"], facts["status"],
                         facts["duration_ms"], facts["queries"], extra=facts)
        return response
