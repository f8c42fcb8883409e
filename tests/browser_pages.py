"""The main pages every browser check visits, in ONE place: axe-core (tests/core/test_pages_browser.py),
the phone layout check (same file) and `make screenshots` (tools/screenshots.py). A new main page
is added here and every check covers it.

Each entry is (who, path): ``who`` is None (logged out) or a key of DEMO_ROLES; ``{name}`` parts of
the path are filled from ``demo_ids()`` over the demo community (`flask seed --demo`).
"""
from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager

from sqlalchemy import text
from werkzeug.serving import make_server

from conftest import build_app
from mentorhub import demo
from mentorhub.db import db
from mentorhub.matching import publish
from support import free_port

DEMO_ROLES = {"learner": "learner@mentorhub.test", "mentor": "mentor@mentorhub.test",
              "admin": "admin@mentorhub.test"}

PAGES = [
    (None, "/"),
    (None, "/login"),
    (None, "/register"),
    (None, "/mentors"),
    (None, "/projects"),
    (None, "/projects/{project_id}"),
    (None, "/people/{mentor_id}"),
    ("learner", "/dashboard"),
    ("learner", "/profile/learner"),
    ("learner", "/matches"),
    ("learner", "/mentorships"),
    ("learner", "/mentorships/{mentorship_id}"),
    ("learner", "/events"),
    ("learner", "/events/{event_id}"),
    ("learner", "/portfolio"),
    ("learner", "/portfolio/new"),
    ("learner", "/portfolio/{item_id}"),
    ("learner", "/notifications"),
    ("mentor", "/dashboard"),
    ("mentor", "/profile/mentor"),
    ("mentor", "/requests/{request_id}"),
    ("mentor", "/portfolio/queue"),
    ("mentor", "/projects/new"),
    ("admin", "/dashboard"),
    ("admin", "/admin/users"),
    ("admin", "/account"),
]

# The pages `make screenshots` takes for the README: (who, path, file name under docs/screenshots/).
SCREENSHOTS = [
    (None, "/", "home.png"),
    ("learner", "/dashboard", "learner-dashboard.png"),
    ("learner", "/matches", "matches.png"),
    ("learner", "/profile/learner", "skill-picker.png"),
]

_IDS = {
    "mentor_id": "SELECT id FROM users WHERE email = 'mentor@mentorhub.test'",
    "project_id": "SELECT min(id) FROM projects",
    "event_id": "SELECT min(id) FROM events",
    "mentorship_id": "SELECT min(m.id) FROM mentorships m JOIN users u ON u.id = m.learner_id"
                     " WHERE u.email = 'learner@mentorhub.test'",
    "item_id": "SELECT min(p.id) FROM portfolio_items p JOIN users u ON u.id = p.owner_id"
               " WHERE u.email = 'learner@mentorhub.test'",
    "request_id": "SELECT max(r.id) FROM mentorship_requests r JOIN users u ON u.id = r.mentor_id"
                  " WHERE u.email = 'mentor@mentorhub.test'",
}


def demo_ids(app) -> dict:
    """The ids the page paths name, read from the demo community in ``app``'s database."""
    with app.app_context():
        return {name: db.session.scalar(text(sql)) for name, sql in _IDS.items()}


def pages_with_ids(app, pages=PAGES) -> list[tuple]:
    ids = demo_ids(app)
    return [(who, path.format(**ids), *rest) for who, path, *rest in pages]


def demo_app(demo_db, folder):
    """An app over a fresh copy of ``demo_db`` (conftest.demo_database: the demo community) with its
    match index built and published."""
    path = folder / "demo.db"
    shutil.copy(demo_db, path)
    app = build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, TESTING=False)
    with app.app_context():
        publish.build_and_publish()  # as `make seed` does: the matches pages show real matches
    return app


@contextmanager
def serve(app):
    """Serve ``app`` on a free loopback port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def log_in(page, who: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", DEMO_ROLES[who])
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")
