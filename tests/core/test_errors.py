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
