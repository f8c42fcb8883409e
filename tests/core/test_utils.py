"""Shared helpers: markdown sanitising, time zones, pagination, safe_next, external URLs."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import UTCDateTime, db
from mentorhub.markdown import render_markdown
from mentorhub.pagination import paginate, paginate_rows, parse_page
from mentorhub.timeutil import format_local, humanize_delta, is_valid_zone
from mentorhub.urls import external_url, safe_next


@pytest.mark.parametrize("text, tag", [
    ("<script>alert(1)</script>", r"<script"),
    ("[x](javascript:alert(1))", r"<a[^>]+javascript:"),
    ('<a href="javascript:alert(1)">x</a>', r"<a[^>]+javascript:"),
    ('<img src=x onerror="alert(1)">', r"<img[^>]+onerror"),
    ("<style>body{}</style>", r"<style"),
    ('<a href="https://x.example" style="color:red">x</a>', r"<a[^>]+style="),
])
def test_markdown_never_outputs_dangerous_tags(text, tag):
    assert re.search(tag, str(render_markdown(text))) is None


def test_markdown_keeps_formatting_and_marks_links_nofollow():
    html = str(render_markdown("**bold** and [site](https://example.org)\n\n- item"))
    assert "<strong>bold</strong>" in html and "<li>item</li>" in html
    assert 'href="https://example.org"' in html and "nofollow" in html
    assert render_markdown(None) == ""


def test_time_zones():
    dt = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
    assert format_local(dt, "Europe/Berlin", "%H:%M %Z") == "14:00 CEST"
    assert format_local(dt, "Nowhere/Land", "%H:%M") == "12:00"
    assert is_valid_zone("America/New_York") and not is_valid_zone("Mars/Base") and not is_valid_zone("")
    assert humanize_delta(59) == "less than a minute" and humanize_delta(7200) == "2 hours"
    assert humanize_delta(86400) == "1 day"


def test_localtime_filter_uses_the_viewers_zone(app, client, make_user, login_as):
    user = make_user(timezone="Asia/Tokyo")
    login_as(user)
    with app.test_request_context():
        from flask_login import login_user

        with app.app_context():
            login_user(db.session.get(User, user.id))
            rendered = app.jinja_env.from_string("{{ dt|localtime('%H:%M %Z') }}").render(
                dt=datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc))
    assert rendered == "09:00 JST"


def test_utc_datetime_round_trips_aware_and_refuses_naive(app, make_user):
    user = make_user()
    with app.app_context():
        u = db.session.get(User, user.id)
        assert u.created_at.tzinfo is not None and u.created_at.utcoffset().total_seconds() == 0
        with pytest.raises(ValueError):
            UTCDateTime().process_bind_param(datetime(2026, 1, 1), db.engine.dialect)


def test_pagination(app, make_user):
    for _ in range(5):
        make_user()
    with app.app_context():
        page = paginate(db.session, select(User).order_by(User.id), page=2, per_page=2)
        assert (page.page, page.pages, page.total, len(page.items)) == (2, 3, 5, 2)
        assert page.has_prev and page.has_next
        last = paginate(db.session, select(User).order_by(User.id), page=99, per_page=2)
        assert last.page == 3 and len(last.items) == 1 and not last.has_next
    assert parse_page("x") == 1 and parse_page("-3") == 1 and parse_page("4") == 4


def test_pagination_of_rows_counts_in_the_same_query(app, make_user):
    ids = [make_user().id for _ in range(5)]
    with app.app_context():
        stmt = select(User.id).where(User.id.in_(ids)).order_by(User.id)
        page = paginate_rows(db.session, stmt, page=2, per_page=2)
        assert (page.page, page.total, page.items) == (2, 5, [(ids[2],), (ids[3],)])
        last = paginate_rows(db.session, stmt, page=99, per_page=2)  # past the end: the last page
        assert (last.page, last.total, [tuple(r) for r in last.items]) == (3, 5, [(ids[4],)])
        empty = paginate_rows(db.session, stmt.where(User.id < 0), page=4, per_page=2)
        assert (empty.page, empty.total, empty.items) == (1, 0, [])


@pytest.mark.parametrize("target, ok", [
    ("/dashboard", True), ("/people?page=2#x", True), ("//evil.example", False), ("https://evil.example", False),
    ("/\\evil.example", False), ("/\t/evil.example", False), ("", False), (None, False), ("dashboard", False),
])
def test_safe_next(target, ok):
    assert safe_next(target) == (target if ok else None)


def test_external_url_works_outside_requests(app):
    with app.app_context():
        assert external_url("notifications.index") == "http://127.0.0.1:5000/notifications"


def test_user_markdown_headings_sit_below_the_page_h1():
    html = str(render_markdown("# Mine\n\n###### Deep\n\ntext"))
    assert "<h1" not in html and "<h2>Mine</h2>" in html and "<h6>Deep</h6>" in html
