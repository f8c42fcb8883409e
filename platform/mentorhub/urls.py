"""Links: the one way to build a path or an absolute address, and the one check of ``next``.

Layer 1 (see DESIGN.md): no feature imports. Every link a feature stores or sends (notification
links, email links, calendar feeds) is built here from the endpoint name, so a route's URL rule
lives only in its blueprint.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def path_for(endpoint: str, **values) -> str:
    """The site-relative path of ``endpoint`` (``/mentorships/3``), in a request or in a job."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def absolute(path: str) -> str:
    """``path`` (site-relative) on BASE_URL, for emails and calendar feeds."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def external_url(endpoint: str, **values) -> str:
    """An absolute link on BASE_URL, for emails; works in web requests and in scheduler jobs."""
    return absolute(path_for(endpoint, **values))


def safe_next(target: str | None) -> str | None:
    """Accept only a same-site relative path such as /mentors?page=2.

    Rejects absolute URLs, scheme-relative ``//host``, backslashes (browsers read ``/\\host``
    as ``//host``) and any whitespace or control character (browsers drop tabs and
    newlines, so ``/\t/host`` would become ``//host``)."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
