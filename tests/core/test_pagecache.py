"""The rendered-page cache (mentorhub/pagecache.py): a page is served again only to the session it
was made for, and only until anything is written, by any worker or the scheduler.

Rows changed behind the app's back (a raw sqlite3 connection, which raises no data version) show
whether a page came from the cache: such a change stays invisible until the next write."""
from __future__ import annotations

import re
import shutil
import socket
import sqlite3

import pytest
from conftest import build_app
from flask import render_template_string
from support import PASSWORD, QueryLog

from mentorhub.accounts.models import User
from mentorhub.db import db, utcnow
from mentorhub.pagecache import cached_page, data_version, quiet_write
from mentorhub.scheduler.services import heartbeat, record_job_run

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def rename_behind_the_apps_back(app, user_id: int, name: str) -> None:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE users SET display_name = ? WHERE id = ?", (name, user_id))


def version(app) -> int:
    with app.app_context():
        return data_version()


def test_a_page_is_served_from_the_cache_until_anything_is_written(app, client, make_user, login_as):
    ada = make_user(display_name="Ada Lovelace")
    login_as(ada)
    client.get(f"/people/{ada.id}")  # the session's first page gives it its CSRF secret: not kept
    rename_behind_the_apps_back(app, ada.id, "Ada Lovelace")
    assert "Ada Lovelace" in client.get(f"/people/{ada.id}").text  # kept
    rename_behind_the_apps_back(app, ada.id, "Zed Hidden")

    with QueryLog(app) as hit:
        again = client.get(f"/people/{ada.id}").text
    assert "Ada Lovelace" in again and "Zed Hidden" not in again
    assert hit.count == 2, hit.statements  # BEGIN and the viewer (read with the data version): no page query

    make_user(display_name="Someone Else")  # any write anywhere, committed through the app
    assert "Zed Hidden" in client.get(f"/people/{ada.id}").text


def test_a_kept_page_is_the_same_bytes_and_type_as_the_rendered_one(app, client, make_user, login_as):
    zoe = make_user(display_name="Zoë Ñandú 東京")
    login_as(zoe)
    client.get(f"/people/{zoe.id}")  # the session's first page: not kept
    rendered = client.get(f"/people/{zoe.id}")
    rename_behind_the_apps_back(app, zoe.id, "Someone Else")
    kept = client.get(f"/people/{zoe.id}")
    assert "Someone Else" not in kept.text  # it did come from the cache
    assert kept.data == rendered.data and "Zoë Ñandú 東京" in kept.text
    assert kept.headers["Content-Type"] == rendered.headers["Content-Type"] == "text/html; charset=utf-8"


def test_the_next_request_on_another_worker_sees_a_save(app, make_user, login_as):
    ada = make_user(display_name="Ada Lovelace")
    other_worker = build_app(app.config["DATABASE_URL"])
    reader, writer = other_worker.test_client(), app.test_client()
    login_as(ada, reader)
    login_as(ada, writer)
    assert "Ada Lovelace" in reader.get(f"/people/{ada.id}").text  # cached on the other worker

    saved = writer.post("/account", data={"display_name": "Ada King", "timezone": "Europe/London"})
    assert saved.status_code == 302
    page = reader.get(f"/people/{ada.id}").text
    assert "Ada King" in page and "Ada Lovelace" not in page
    other_worker.extensions["db_engine"].dispose()


def test_viewers_never_see_each_others_pages(app, make_user, login_as):
    ada, bob = make_user(display_name="Ada Lovelace"), make_user(display_name="Bob Builder")
    first, second = app.test_client(), app.test_client()
    login_as(ada, first)
    login_as(bob, second)
    assert "Ada Lovelace" in first.get("/dashboard").text
    page = second.get("/dashboard").text
    assert "Bob Builder" in page and "Ada Lovelace" not in page
    anonymous = app.test_client().get("/projects").text
    assert "Ada Lovelace" not in anonymous and "Log out" not in anonymous


@pytest.fixture
def csrf_app(tmp_path, sqlite_template):
    path = tmp_path / "csrf.db"
    shutil.copy(sqlite_template, path)
    application = build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    yield application
    application.extensions["db_engine"].dispose()


def _login_with_form(client, user) -> None:
    token = CSRF.search(client.get("/login").text).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert answer.status_code == 302


def test_a_page_goes_back_only_to_the_session_it_was_made_for(csrf_app, password_hash):
    with csrf_app.app_context():
        ada = User(email="ada@example.com", display_name="Ada Lovelace", password_hash=password_hash)
        db.session.add(ada)
        db.session.commit()
    laptop, phone = csrf_app.test_client(), csrf_app.test_client()
    _login_with_form(laptop, ada)
    _login_with_form(phone, ada)
    laptop.get(f"/people/{ada.id}")
    laptop.get(f"/people/{ada.id}")  # now cached for the laptop's session

    token = CSRF.search(phone.get(f"/people/{ada.id}").text).group(1)
    assert phone.post("/logout", data={"csrf_token": token}).status_code == 302  # the phone's own token


def test_a_flashed_message_is_never_lost_to_a_cached_page(app, client, make_user, login_as):
    ada = make_user(display_name="Ada Lovelace")
    login_as(ada)
    client.get("/projects")
    client.get("/projects")
    with client.session_transaction() as s:
        s["_flashes"] = [("info", "Your idea is saved for later")]
    assert "Your idea is saved for later" in client.get("/projects").text


def test_zero_seconds_turns_the_cache_off(app, client, make_user, login_as):
    app.config["PAGE_CACHE_SECONDS"] = 0
    ada = make_user(display_name="Ada Lovelace")
    login_as(ada)
    client.get(f"/people/{ada.id}")
    rename_behind_the_apps_back(app, ada.id, "Zed Hidden")
    assert "Zed Hidden" in client.get(f"/people/{ada.id}").text


def test_publishing_a_match_index_renews_every_page(app, client, runner, make_learner, make_mentor, login_as):
    learner, _mentor = make_learner(), make_mentor()
    login_as(learner.user)
    client.get("/matches")  # the session's first page (its CSRF secret): not kept
    assert "being prepared" in client.get("/matches").text  # cached
    before = version(app)
    assert runner.invoke(args=["match-index", "build"]).exit_code == 0
    assert version(app) == before  # the build wrote nothing: the published build is in the key
    assert "being prepared" not in client.get("/matches").text


def add_user(app, email: str) -> None:
    with app.app_context():
        db.session.add(User(email=email, display_name=email, password_hash="x"))
        db.session.commit()


def test_writes_raise_the_version_and_rollbacks_and_bookkeeping_do_not(any_app):
    start = version(any_app)
    with any_app.app_context():
        heartbeat()
        record_job_run("reminders", utcnow(), 0.1, True)
    assert version(any_app) == start  # the scheduler's bookkeeping keeps every page cache

    with any_app.app_context():
        db.session.add(User(email="x@example.com", display_name="X", password_hash="x"))
        db.session.rollback()
    assert version(any_app) == start

    add_user(any_app, "w@example.com")
    assert version(any_app) == start + 1

    with any_app.app_context():
        db.session.add(User(email="y@example.com", display_name="Y", password_hash="y"))
        quiet_write()
        db.session.rollback()  # a rollback forgets the quiet mark too
        db.session.add(User(email="z@example.com", display_name="Z", password_hash="z"))
        db.session.commit()
    assert version(any_app) == start + 2


def test_workers_share_one_cache_in_redis(tmp_path, sqlite_template, redis_server, password_hash):
    path = tmp_path / "shared.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    workers = [build_app(url, PAGE_CACHE_REDIS_URL=redis_server) for _ in range(2)]
    with workers[0].app_context():
        ada = User(email="ada@example.com", display_name="Ada Lovelace", password_hash=password_hash)
        db.session.add(ada)
        db.session.commit()
    client = workers[0].test_client()
    assert client.post("/login", data={"email": ada.email, "password": PASSWORD}).status_code == 302
    client.get(f"/people/{ada.id}")  # the session's first page (its CSRF secret): not kept
    client.get(f"/people/{ada.id}")  # rendered by worker 0, kept in Redis
    rename_behind_the_apps_back(workers[0], ada.id, "Zed Hidden")

    client.application = workers[1]
    with QueryLog(workers[1]) as hit:
        page = client.get(f"/people/{ada.id}").text
    assert "Ada Lovelace" in page and hit.count == 2  # worker 1 never rendered it: served from Redis
    for worker in workers:
        worker.extensions["db_engine"].dispose()


def test_pages_render_when_the_cache_store_is_down(tmp_path, sqlite_template, password_hash, caplog):
    path = tmp_path / "alone.db"
    shutil.copy(sqlite_template, path)
    with socket.socket() as closed:  # a port nothing listens on: every cache read and write fails
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app = build_app(f"sqlite:///{path}", PAGE_CACHE_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    with app.app_context():
        ada = User(email="ada@example.com", display_name="Ada Lovelace", password_hash=password_hash)
        db.session.add(ada)
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"email": ada.email, "password": PASSWORD}).status_code == 302
    for _ in range(2):
        page = client.get(f"/people/{ada.id}")
        assert page.status_code == 200 and "Ada Lovelace" in page.text
    rename_behind_the_apps_back(app, ada.id, "Zed Renamed")
    assert "Zed Renamed" in client.get(f"/people/{ada.id}").text  # nothing was kept anywhere
    assert "page cache unavailable" in caplog.text
    app.extensions["db_engine"].dispose()


def test_a_page_that_gave_its_session_a_secret_is_not_kept(csrf_app):
    """Two visitors without a session share a key; a page whose rendering made the first one a CSRF
    secret carries that visitor's token and must never reach the second."""
    @csrf_app.get("/form-for-anyone")
    @cached_page
    def form_for_anyone():
        return render_template_string('<input name="csrf_token" value="{{ csrf_token() }}">')

    @csrf_app.post("/form-for-anyone")
    def answer():
        return "thanks"

    first, second = csrf_app.test_client(), csrf_app.test_client()
    first.get("/form-for-anyone")
    token = CSRF.search(second.get("/form-for-anyone").text).group(1)
    assert second.post("/form-for-anyone", data={"csrf_token": token}).text == "thanks"
