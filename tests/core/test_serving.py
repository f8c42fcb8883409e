"""Real gunicorn workers: pages keep answering while another connection holds SQLite's write
lock, and login rate limits hold across workers with Redis storage."""
from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

import pytest
import redis

from conftest import build_app, user_factory
from mentorhub.config import ROOT
from support import PASSWORD, free_port

pytestmark = pytest.mark.slow

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # hand the 3xx back as it is


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=20) as resp:
                return resp.status, resp.read().decode()
        except HTTPError as exc:
            return exc.code, exc.read().decode()

    def csrf_token(self, path: str = "/login") -> str:
        status, html = self.request(path)
        assert status == 200, html[:500]
        return VALUE.search(CSRF_INPUT.search(html).group(0)).group(1)

    def login(self, email: str, password: str = PASSWORD) -> int:
        token = self.csrf_token()
        return self.request("/login", {"csrf_token": token, "email": email, "password": password})[0]


@contextmanager
def gunicorn(tmp_path: Path, url: str, workers: int, **env: str):
    """``gunicorn -c gunicorn.conf.py`` with ``workers`` workers on ``url``; yields (base URL, log)."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "serving-test", "MENTORHUB_ENV": "development",
               "MENTORHUB_INSTANCE": str(tmp_path / "instance"), **env}
    log = tmp_path / "gunicorn.log"
    binary = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(binary), "-c", "gunicorn.conf.py", "--workers", str(workers),
                             "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=environ,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # up when /healthz answers (each worker builds its app on its own)
            try:
                if Browser(base).request("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield base, log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def served_db(tmp_path, sqlite_template, password_hash):
    """A SQLite file with one user; yields (path, url, user)."""
    path = tmp_path / "served.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = build_app(url)
    user = user_factory(app, password_hash)(email="served@example.com", display_name="Served")
    app.extensions["db_engine"].dispose()
    return path, url, user


def test_pages_answer_while_another_connection_holds_the_write_lock(tmp_path, served_db):
    path, url, user = served_db
    with gunicorn(tmp_path, url, workers=2) as (base, log):
        assert "share no rate-limit storage" in log.read_text()  # 2 workers, memory:// limits
        learner = Browser(base)
        assert learner.login(user.email) == 302  # a write: before the lock is taken
        # The first logged-in page records last_seen_at (a short write unit, at most once per
        # LAST_SEEN_EVERY): let it happen now, so what follows only reads.
        assert learner.request("/dashboard")[0] == 200

        holder = sqlite3.connect(path, isolation_level=None, timeout=30)
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE users SET display_name = 'Held' WHERE id = ?", (user.id,))
        # The lock is really held: another writer cannot begin.
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()

        pages = [(Browser(base), "/healthz"), (Browser(base), "/projects"), (Browser(base), "/mentors"),
                 (learner, "/dashboard"), (learner, "/mentors"), (learner, "/notifications")] * 2
        with ThreadPoolExecutor(max_workers=4) as pool:  # several at once: both workers serve
            answers = list(pool.map(lambda job: (job[1], *job[0].request(job[1])), pages))
        # Every answer came back while the holder's transaction is still open and uncommitted.
        assert holder.in_transaction
        for page, status, body in answers:
            assert status == 200, (page, status, body[:300])
            assert "database is locked" not in body
        assert all("Held" not in body for _, _, body in answers)  # they read the last commit
        holder.execute("COMMIT")
        holder.close()
        assert learner.request("/dashboard")[0] == 200
    assert "database is locked" not in log.read_text()


def test_login_limits_hold_across_workers_with_redis(tmp_path, served_db, redis_server):
    _, url, user = served_db
    with gunicorn(tmp_path, url, workers=4, RATELIMIT_STORAGE_URI=redis_server,
                  LOGIN_RATE_LIMIT="10 per minute") as (base, log):
        assert "share no rate-limit storage" not in log.read_text()
        clients = [Browser(base) for _ in range(8)]
        tokens = [c.csrf_token() for c in clients]  # GETs are not counted

        def attempt(n: int) -> int:
            c, token = clients[n % 8], tokens[n % 8]
            return c.request("/login", {"csrf_token": token, "email": user.email, "password": "wrong-password"})[0]

        with ThreadPoolExecutor(max_workers=8) as pool:  # concurrent, so every worker takes some
            statuses = list(pool.map(attempt, range(40)))
        counters = redis.Redis.from_url(redis_server).keys("LIMITS:*")
    assert counters, "the limiter did not count in Redis"
    assert statuses.count(429) == 30, statuses
    assert statuses.count(400) == 10, statuses  # the 10 allowed are ordinary failed logins
