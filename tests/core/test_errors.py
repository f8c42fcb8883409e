"""Error pages for 400/403/404/429/500 in the site's style (429 is in accounts/test_ratelimit.py)."""
from __future__ import annotations

import pytest

from mentorhub.errors import ValidationError


def assert_site_page(resp, status, heading):
    assert resp.status_code == status
    html = resp.get_data(as_text=True)
    assert 'class="site-header"' in html and "css/site.css" in html and 'class="error-page"' in html
    assert heading in html
    assert "Traceback" not in html


def test_404_page(client):
    assert_site_page(client.get("/no/such/page"), 404, "Page not found")


def test_403_page(client, make_user, login_as):
    login_as(make_user())
    assert_site_page(client.get("/admin/users"), 403, "Not allowed")


def test_400_page_from_a_service_error(client, make_user, login_as):
    user = make_user()
    login_as(user)
    resp = client.post(f"/block/{user.id}")
    assert_site_page(resp, 400, "That didn&#39;t work")
    assert "You cannot block yourself." in resp.get_data(as_text=True)


def test_405_is_not_a_500(client):
    assert client.get("/logout").status_code == 405


@pytest.fixture
def boom_app(app):
    def boom():
        raise RuntimeError("kaboom")

    def invalid():
        raise ValidationError("Bad thing in the request.")

    app.add_url_rule("/__boom", "boom", boom)
    app.add_url_rule("/__invalid", "invalid", invalid)
    return app


def test_500_page_hides_details_and_logs(boom_app, caplog):
    resp = boom_app.test_client().get("/__boom")
    assert_site_page(resp, 500, "Something broke")
    assert "kaboom" not in resp.get_data(as_text=True)
    assert any("unhandled error" in r.message for r in caplog.records)


def test_errors_answer_json_to_json_clients(boom_app):
    resp = boom_app.test_client().get("/__invalid", headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.json == {"error": "Bad thing in the request."}
    resp = boom_app.test_client().get("/__nothing", headers={"Accept": "application/json"})
    assert resp.status_code == 404 and "error" in resp.json


# ---- malformed input is a 4xx on every engine, never a 500 ----------------------------------

HUGE_ID = 10**30  # past any database integer: the driver would raise OverflowError


@pytest.fixture
def any_client(any_app, password_hash):
    """An admin logged in on SQLite and on PostgreSQL, with one notification of their own."""
    from conftest import user_factory
    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.notifications.notify import notify
    from support import PASSWORD

    make = user_factory(any_app, password_hash)
    admin = make(is_admin=True, display_name="Ada Admin")
    with any_app.app_context():
        notify(db.session.get(User, admin.id), "system", "Welcome")
        db.session.commit()
    client = any_app.test_client()
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return any_app, client, admin


@pytest.mark.postgres
@pytest.mark.parametrize("method, path", [
    ("post", f"/block/{HUGE_ID}"),
    ("post", f"/unblock/{HUGE_ID}"),
    ("post", f"/notifications/{HUGE_ID}/read"),
    ("get", f"/admin/users/{HUGE_ID}/suspend"),
    ("post", f"/admin/users/{HUGE_ID}/suspend"),
])
def test_ids_past_the_database_range_are_404(any_client, method, path):
    _app, client, _admin = any_client
    resp = getattr(client, method)(path)
    assert resp.status_code == 404
    assert "We could not find that page." in resp.get_data(as_text=True)


def test_int_routes_still_take_the_largest_database_id(app):
    """The bound is exactly the BIGINT maximum: a real id at the edge still routes."""
    from mentorhub.db import MAX_DB_INT

    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/block/{MAX_DB_INT}", method="POST") == ("accounts.block", {"user_id": MAX_DB_INT})


@pytest.mark.postgres
@pytest.mark.parametrize("method, path, data", [
    ("post", "/account", {"display_name": "Ada\x00Admin", "timezone": "Europe/Berlin"}),
    ("post", "/notifications/settings", {"kind-system\x00": "off"}),
    ("get", "/admin/users?q=ada%00", None),
    ("get", "/calendar/abc%00def.ics", None),  # a path value reaches a token lookup
])
def test_nul_characters_are_400_and_write_nothing(any_client, method, path, data):
    """PostgreSQL text columns cannot hold NUL: it must be a clear 400, not a driver error."""
    from mentorhub.accounts.models import User
    from mentorhub.db import db

    app, client, admin = any_client
    resp = getattr(client, method)(path, data=data) if data else client.get(path)
    assert resp.status_code == 400
    assert "contains a NUL character" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin.id).display_name == "Ada Admin"


def test_nul_in_registration_creates_no_account(client, app):
    from sqlalchemy import func, select

    from mentorhub.accounts.models import User
    from mentorhub.db import db

    resp = client.post("/register", data={"display_name": "Nul\x00Person", "email": "nul@example.com",
                                          "password": "orbit walrus kettle violet"})
    assert resp.status_code == 400 and "contains a NUL character" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
