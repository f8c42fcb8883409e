"""Shared fixtures, flaskr-style: app, client, runner, make_user, login_as, and the real
servers some suites need (PostgreSQL, SMTP on loopback, Chromium through Playwright).

Locally a suite whose server or browser is missing is skipped; with CI=true it fails.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, text

from mentorhub import create_app, models  # noqa: F401  (every table on the metadata)
from mentorhub.config import TestConfig
from mentorhub.db import Base, db, make_engine
from route_builders import install as share_route_builders
from support import PASSWORD, free_port, require

# Every test app's match index folder lives under this one, removed when the run ends.
INDEX_ROOT = tempfile.mkdtemp(prefix="mentorhub-test-indexes-")
atexit.register(shutil.rmtree, INDEX_ROOT, True)

share_route_builders()  # every test app reuses the URL builders the first one compiled

# Each feature's shared fixtures live in tests/fixtures/<feature>.py.
pytest_plugins = [
    "fixtures.accounts",
    "fixtures.profiles",
    "fixtures.projects",
    "fixtures.matching",
    "fixtures.mentoring",
    "fixtures.events",
    "fixtures.portfolio",
]


# ---- SQLite app ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with the full schema, built once and copied for every test."""
    path = tmp_path_factory.mktemp("template") / "schema.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def password_hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method=TestConfig.PASSWORD_HASH_METHOD)  # as the app hashes


class SharedTemplateCode(BytecodeCache):
    """Compiled templates shared by every app the tests build. Each app has its own Jinja
    environment, so each test compiled again every template it rendered; Jinja's bytecode cache
    hands the compiled code on instead (keyed by template name and file, rejected when the source's
    checksum differs). The code looks filters and globals up in the rendering app's environment."""

    def __init__(self):
        self._codes: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket) -> None:
        hit = self._codes.get(bucket.key)
        if hit is not None and hit[0] == bucket.checksum:
            bucket.code = hit[1]

    def dump_bytecode(self, bucket) -> None:
        self._codes[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATE_CODE = SharedTemplateCode()


def build_app(url: str, **overrides):
    class Config(TestConfig):
        DATABASE_URL = url

    overrides.setdefault("MATCH_INDEX_DIR", tempfile.mkdtemp(prefix="match-index-", dir=INDEX_ROOT))  # one per app
    for key, value in overrides.items():
        setattr(Config, key, value)
    application = create_app(Config)
    application.jinja_env.bytecode_cache = TEMPLATE_CODE
    engine = application.extensions["db_engine"]
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _no_fsync)
        engine.dispose()  # a connection opened while the app was built gets the pragma too
    return application


def _no_fsync(dbapi_conn, _record) -> None:
    """Test databases skip fsync on commit (PRAGMA synchronous=OFF): commits, locks and what a
    kill -9 leaves are unchanged (the OS keeps written pages); only a power cut could lose them,
    and a test database need not survive one. The crash tests' own processes keep the default."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


@pytest.fixture
def app_config() -> dict:
    """Override to change settings for one test module: return a dict of config values."""
    return {}


@pytest.fixture(scope="session")
def sqlite_taxonomy_template(sqlite_template, tmp_path_factory) -> Path:
    """sqlite_template with seed/taxonomy.yaml loaded (what the ``taxonomy`` fixture loads), built once."""
    from mentorhub.profiles.taxonomy import load_taxonomy

    path = tmp_path_factory.mktemp("template") / "taxonomy.db"
    shutil.copy(sqlite_template, path)
    application = build_app(f"sqlite:///{path}")
    with application.app_context():
        load_taxonomy()
    application.extensions["db_engine"].dispose()
    return path


def demo_database(sqlite_template: Path, folder: Path) -> Path:
    """A copy of the schema loaded with the demo community (`flask seed --demo` without the match
    index, which lives outside the database: build it in the copy's app, publish.build_and_publish)."""
    from mentorhub import demo

    path = folder / "demo-community.db"
    shutil.copy(sqlite_template, path)
    application = build_app(f"sqlite:///{path}")
    with application.app_context():
        demo.load(with_demo=True)
        db.session.commit()
    application.extensions["db_engine"].dispose()
    return path


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template, tmp_path_factory) -> Path:
    """demo_database(), built once per run (~4 s) for the suites that serve or walk the demo; each copies it."""
    return demo_database(sqlite_template, tmp_path_factory.mktemp("template"))


@pytest.fixture
def app(request, tmp_path, sqlite_template, app_config):
    # A test that asks for ``taxonomy`` (make_learner, make_mentor, ...) starts from a copy of the
    # database with the taxonomy already loaded: the same rows load_taxonomy writes into an empty
    # one, without parsing the file and syncing every skill again for each test.
    with_taxonomy = "taxonomy" in request.fixturenames
    path = tmp_path / "test.db"
    shutil.copy(request.getfixturevalue("sqlite_taxonomy_template") if with_taxonomy else sqlite_template, path)
    application = build_app(f"sqlite:///{path}", **app_config)
    application.taxonomy_preloaded = with_taxonomy
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def user_factory(app, password_hash):
    """A make_user for ``app``: every user's password is PASSWORD."""
    from mentorhub.accounts.models import User

    counter = iter(range(1, 1_000_000))

    def _make(**kw):
        n = next(counter)
        kw.setdefault("email", f"user{n}-{uuid.uuid4().hex[:6]}@example.com")
        kw.setdefault("display_name", f"User {n}")
        kw.setdefault("password_hash", password_hash)
        with app.app_context():
            user = User(**kw)
            db.session.add(user)
            db.session.commit()
            return user

    return _make


@pytest.fixture
def make_user(app, password_hash):
    """make_user(email=..., display_name=..., is_admin=..., timezone=...) -> User (detached)."""
    return user_factory(app, password_hash)


@pytest.fixture
def login_as(client):
    """Log the test client in as ``user`` through the real login form."""

    def _login(user, c=None):
        c = c or client
        resp = c.post("/login", data={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return c

    return _login


@pytest.fixture
def frozen():
    """frozen(datetime) freezes the clock (time-machine, no ticking); returns the traveller."""
    import time_machine

    travellers = []

    def _freeze(when: datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        t = time_machine.travel(when, tick=False)
        traveller = t.start()
        travellers.append(t)
        return traveller

    yield _freeze
    for t in reversed(travellers):
        t.stop()


# ---- PostgreSQL ----------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / "initdb").exists() and (base / "pg_ctl").exists():
            return base
    return None


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server (initdb + pg_ctl), or TEST_DATABASE_URL when set.
    Yields an admin URL without a database name."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url.rsplit("/", 1)[0]
        return
    bindir = _pg_bin()
    require(bindir is not None, "PostgreSQL binaries not found under /usr/lib/postgresql")
    root = os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="mentorhub-pg-"))
    data = tmp / "data"
    port = free_port()
    if root:
        shutil.chown(tmp, "postgres", "postgres")
        tmp.chmod(0o700)

    def run(*args: str) -> None:
        cmd = " ".join(str(a) for a in args)
        full = ["su", "postgres", "-c", cmd] if root else ["bash", "-c", cmd]
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    run(bindir / "pg_ctl", "-D", data, "-o", f"'{opts}'", "-l", tmp / "log", "-w", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(tmp, ignore_errors=True)


def _pg_database(pg_server: str, template: str | None = None):
    """A new database on the test server (a copy of ``template`` when given); yields its URL and
    drops it afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    yield f"{pg_server}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the test server; dropped afterwards."""
    yield from _pg_database(pg_server)


@pytest.fixture(scope="session")
def pg_schema_template(pg_server):
    """A database with the full schema (create_all), built once; never connected to afterwards,
    so CREATE DATABASE ... TEMPLATE can copy it (PostgreSQL's counterpart of sqlite_template)."""
    name = f"schema_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(f"{pg_server}/{name}")
    Base.metadata.create_all(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:  # matters with TEST_DATABASE_URL: that server outlives the run
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_schema_url(pg_server, pg_schema_template):
    """A fresh database with the full schema and no rows (a copy of pg_schema_template); dropped afterwards."""
    yield from _pg_database(pg_server, pg_schema_template)


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request, tmp_path, sqlite_template, app_config):
    """The app on SQLite and again on PostgreSQL: for concurrency and migration-sensitive tests."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_schema_url")
    application = build_app(url, **app_config)
    yield application
    application.extensions["db_engine"].dispose()


# ---- Redis (shared rate-limit storage) ----------------------------------------------------------


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server on 127.0.0.1 (no persistence); yields its redis:// URL."""
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server not found (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---- SMTP on loopback ----------------------------------------------------------------------


class _Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd protocol)
        import email

        msg = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": msg,
                                  "subject": msg["Subject"], "body": msg.get_payload(decode=True).decode()
                                  if not msg.is_multipart() else msg.get_body().get_content()})
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        return list(self.messages)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; ``.messages`` holds what arrived."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        require(False, "aiosmtpd is not installed")
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.host, inbox.port = "127.0.0.1", port
    yield inbox
    controller.stop()


# ---- a live server and a real browser ----------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed")
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def live_app(tmp_path, sqlite_template):
    """The app as a browser sees it: CSRF on, served from a file database."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    return build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, TESTING=False)


@pytest.fixture
def live_server(live_app):
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live_app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    yield live_app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)
    live_app.extensions["db_engine"].dispose()


@pytest.fixture
def make_live_user(live_app, password_hash):
    """make_user for the live server's database."""
    return user_factory(live_app, password_hash)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, timezone_id="UTC")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors
    yield pg
    context.close()
