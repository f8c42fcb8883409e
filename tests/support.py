"""Plain helpers for tests (import with ``from support import ...``); fixtures are in conftest.py."""
from __future__ import annotations

import ctypes
import mmap
import os
import socket
import sys
from contextlib import contextmanager

import pytest
from flask import before_render_template, template_rendered
from sqlalchemy import event, func, select

from mentorhub.db import db

PASSWORD = "orbit-lantern-meadow-42"  # every factory-made user's password
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(ok: bool, reason: str) -> None:
    """Skip locally when a server or browser is missing; fail under CI=true."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: required)")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_login(pg, user) -> None:
    """Log a Playwright page in through the real login form."""
    pg.goto("/login")
    pg.fill("input[name=email]", user.email)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url("**/dashboard")


class QueryLog:
    """Every SQL statement an app's engine runs while active, and those run while a Jinja
    template renders (a template must never query: views hand it plain data).

        with QueryLog(app) as log:
            client.get("/dashboard")
        assert log.count <= 12 and not log.in_templates
    """

    def __init__(self, app):
        self.app = app
        self.statements: list[str] = []
        self.in_templates: list[str] = []
        self._rendering = 0
        self._signals = (before_render_template, template_rendered)

    @property
    def count(self) -> int:
        return len(self.statements)

    def _on_statement(self, conn, cursor, statement, *args) -> None:
        self.statements.append(statement)
        if self._rendering:
            self.in_templates.append(statement)

    def _before(self, sender, **kw) -> None:
        self._rendering += 1

    def _after(self, sender, **kw) -> None:
        self._rendering = max(0, self._rendering - 1)

    def __enter__(self) -> "QueryLog":
        self.engine = self.app.extensions["db_engine"]
        event.listen(self.engine, "before_cursor_execute", self._on_statement)
        self._signals[0].connect(self._before, self.app)
        self._signals[1].connect(self._after, self.app)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on_statement)
        self._signals[0].disconnect(self._before, self.app)
        self._signals[1].disconnect(self._after, self.app)


@contextmanager
def rendered(app):
    """Requests meanwhile render their pages: the page cache is off (a budget counts what a page
    costs to build; tests/core/test_pagecache.py counts what a kept page costs)."""
    seconds = app.config["PAGE_CACHE_SECONDS"]
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        yield
    finally:
        app.config["PAGE_CACHE_SECONDS"] = seconds


def page_queries(app, client, url: str) -> "QueryLog":
    """GET ``url`` with ``client`` and return the statements it ran to build the page (asserts a 200)."""
    with rendered(app), QueryLog(app) as log:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return log


def counted_get(app, client, url: str) -> tuple[int, str]:
    """GET ``url``: (statements it ran to build the page, the page's text), for tests that compare
    counts as data grows."""
    with rendered(app), QueryLog(app) as log:
        body = client.get(url).get_data(as_text=True)
    return log.count, body


def row_count(app, model, *where) -> int:
    """Rows of ``model`` (matching ``where``); ``app`` None = inside the caller's app context."""
    if app is not None:
        with app.app_context():
            return row_count(None, model, *where)
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def row_counts(app, *models) -> tuple[int, ...]:
    """``row_count`` of each model, e.g. to show that refused input wrote nothing."""
    return tuple(row_count(app, m) for m in models)


def cached_pages(path) -> tuple[int, int]:
    """(pages in the page cache, pages) of a file, by mincore(2) on a fresh read-only mapping, which
    faults nothing in. Linux only (skips elsewhere)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("mincore(2) page-cache residency is checked on Linux only")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    size = os.path.getsize(path)
    pages = -(-size // mmap.PAGESIZE)
    if not size:
        return 0, 0
    fd = os.open(path, os.O_RDONLY)
    try:
        addr = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if addr is None or addr == ctypes.c_void_p(-1).value:
            raise OSError(ctypes.get_errno(), f"mmap {path}")
        try:
            vec = (ctypes.c_ubyte * pages)()
            if libc.mincore(ctypes.c_void_p(addr), size, vec) != 0:
                raise OSError(ctypes.get_errno(), f"mincore {path}")
            return sum(v & 1 for v in vec), pages
        finally:
            libc.munmap(ctypes.c_void_p(addr), size)
    finally:
        os.close(fd)
