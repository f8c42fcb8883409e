"""Item 2: a notebook is rendered once, when the upload is accepted; pages serve the stored,
sanitised HTML. Markdown and code are capped per cell and per notebook with clear messages, and
the CPU work happens in a pure function before anything is written."""
from __future__ import annotations

import io
import sqlite3

import pytest
from alembic import command
from sqlalchemy import func, select, text

from fixtures.portfolio import make_notebook
from mentorhub.db import db, make_engine, utcnow
from mentorhub.portfolio import notebook as nbmod
from mentorhub.portfolio.models import PortfolioItem
from mentorhub.schema_migrations import alembic_config


def _form(raw: bytes, **kw) -> dict:
    return {"title": "Work", "visibility": "public", "status": "seeking",
            "notebook": (io.BytesIO(raw), "w.ipynb"), **kw}


def _items(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PortfolioItem))


def test_item02_rendered_once_and_served_from_storage(app, client, make_user, login_as, monkeypatch):
    login_as(make_user())
    raw = make_notebook(("md", "# Title\n<script>alert(1)</script> **bold**"), ("code", "print(1)"))
    resp = client.post("/portfolio/new", data=_form(raw), content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(PortfolioItem))
        item_id, stored = item.id, item.notebook_html
    assert "<strong>bold</strong>" in stored and "<script>" not in stored

    def no_rendering(*a, **kw):
        raise AssertionError("a page rendered the notebook again")

    monkeypatch.setattr(nbmod, "render_notebook", no_rendering)
    client.get("/logout")
    page = client.get(f"/portfolio/{item_id}")  # an anonymous view of a public item
    assert page.status_code == 200
    assert stored in page.get_data(as_text=True)


@pytest.mark.parametrize("cells, message", [
    ((("md", "x" * 301),), "Markdown cell 1 has 301 characters"),
    ((("md", "x" * 300), ("md", "y" * 300)), "markdown cells have 600 characters together"),
    ((("code", "x" * 401),), "Cell 1 has 401 characters of code"),
    ((("code", "x" * 400), ("code", "y" * 400)), "code cells have 800 characters together"),
])
def test_item02_caps_per_cell_and_notebook(app, client, make_user, login_as, cells, message):
    app.config.update(PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX=300, PORTFOLIO_NOTEBOOK_MARKDOWN_MAX=500,
                      PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX=400, PORTFOLIO_NOTEBOOK_SOURCE_MAX=700)
    login_as(make_user())
    resp = client.post("/portfolio/new", data=_form(make_notebook(*cells)), content_type="multipart/form-data")
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    assert _items(app) == 0


def _upload_and_edit(app, client, make_user, login_as, good_notebook, monkeypatch, check) -> int:
    """Upload, then replace the notebook; ``check()`` runs inside each notebook preparation."""
    real, calls = nbmod.prepare_notebook, []

    def watched(raw, limits):
        check()
        calls.append(1)
        return real(raw, limits)

    monkeypatch.setattr(nbmod, "prepare_notebook", watched)
    login_as(make_user())
    resp = client.post("/portfolio/new", data=_form(good_notebook), content_type="multipart/form-data")
    assert resp.status_code == 302
    with app.app_context():
        item_id = db.session.scalar(select(PortfolioItem.id))
    resp = client.post(f"/portfolio/{item_id}/edit", content_type="multipart/form-data",
                       data={**_form(make_notebook(("code", "print(2)"))), "update_note": "new run"})
    assert resp.status_code == 302
    return len(calls)


def test_item02_cpu_work_runs_before_any_write(app, client, make_user, login_as, good_notebook, monkeypatch):
    """The notebook is checked and rendered by one pure function before the service writes anything."""
    def nothing_pending():
        assert not db.session.new and not db.session.dirty and not db.session.deleted

    assert _upload_and_edit(app, client, make_user, login_as, good_notebook, monkeypatch, nothing_pending) == 2


def test_item02_cpu_work_holds_no_write_lock(app, client, make_user, login_as, good_notebook, monkeypatch):
    """While the notebook is checked and rendered, another connection can take SQLite's write lock."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")

    def no_write_lock():
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" while this request holds the lock
            other.execute("ROLLBACK")
        finally:
            other.close()

    assert _upload_and_edit(app, client, make_user, login_as, good_notebook, monkeypatch, no_write_lock) == 2


def test_item02_migration_renders_notebooks_stored_before(tmp_path):
    """Rows saved before the HTML was stored get it from the migration's data step."""
    url = f"sqlite:///{tmp_path}/old.db"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0001")
    engine = make_engine(url)
    now = utcnow().isoformat()
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (id, email, display_name, password_hash, timezone, is_admin, is_organiser, "
            "is_suspended, is_deleted, session_token, created_at) "
            "VALUES (1, 'a@example.com', 'A', 'x', 'UTC', 0, 0, 0, 0, 't', :now)"), {"now": now})
        conn.execute(text(
            "INSERT INTO portfolio_items (id, owner_id, title, summary, body, visibility, status, version, "
            "notebook_json, created_at, updated_at) "
            "VALUES (1, 1, 'Old', '', '', 'public', 'done', 1, :nb, :now, :now)"),
            {"nb": make_notebook(("md", "**old** <script>x</script>")).decode(), "now": now})
    command.upgrade(cfg, "securitya")
    with engine.connect() as conn:
        html = conn.execute(text("SELECT notebook_html FROM portfolio_items WHERE id = 1")).scalar_one()
    engine.dispose()
    assert "<strong>old</strong>" in html and "<script>" not in html
