"""Plain helpers for tests (import with ``from support import ...``); fixtures are in conftest.py."""
from __future__ import annotations

import os
import socket

import pytest

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
