"""/admin/users: admins only; search, pages, suspend (confirmed), organiser rights, make admin."""
from __future__ import annotations

import pytest

from mentorhub.accounts.models import User
from mentorhub.db import db
from support import PASSWORD


def fresh(app, user) -> User:
    with app.app_context():
        return db.session.get(User, user.id)


@pytest.mark.parametrize("method, path", [
    ("get", "/admin/users"), ("get", "/admin/users/{id}/suspend"), ("post", "/admin/users/{id}/suspend"),
    ("post", "/admin/users/{id}/make-admin"), ("post", "/admin/users/{id}/grant-organiser"),
])
def test_non_admins_get_403_and_change_nothing(client, app, make_user, login_as, method, path):
    target = make_user()
    login_as(make_user())
    resp = getattr(client, method)(path.format(id=target.id))
    assert resp.status_code == 403
    after = fresh(app, target)
    assert not (after.is_suspended or after.is_admin or after.is_organiser)


def test_list_search_and_pages(client, app, make_admin, make_user, login_as):
    admin = make_admin(display_name="Boss")
    for i in range(5):
        make_user(display_name=f"Learner {i}", email=f"learner{i}@example.com")
    make_user(display_name="Mentor Maya", email="maya@mentors.example")
    login_as(admin)
    html = client.get("/admin/users", query_string={"q": "maya"}).get_data(as_text=True)
    assert "Mentor Maya" in html and "Learner 0" not in html
    html = client.get("/admin/users", query_string={"q": "MENTORS.EXAMPLE"}).get_data(as_text=True)
    assert "Mentor Maya" in html
    html = client.get("/admin/users", query_string={"q": "%"}).get_data(as_text=True)
    assert "No member matches" in html  # LIKE wildcards are taken literally
    app.config["ADMIN_USERS_PAGE_SIZE"] = 3
    page1 = client.get("/admin/users").get_data(as_text=True)
    page3 = client.get("/admin/users", query_string={"page": 3}).get_data(as_text=True)
    assert "Page 1 of 3 (7 in all)" in page1 and "Page 3 of 3" in page3


def test_suspend_asks_first_then_logs_the_member_out(app, make_admin, make_user, login_as):
    admin_client = login_as(make_admin(), app.test_client())
    member = make_user(display_name="Sam")
    member_client = login_as(member, app.test_client())
    page = admin_client.get(f"/admin/users/{member.id}/suspend")
    assert page.status_code == 200 and "Suspend: Sam?" in page.get_data(as_text=True)
    assert not fresh(app, member).is_suspended  # GET only asks
    resp = admin_client.post(f"/admin/users/{member.id}/suspend")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/users"
    assert fresh(app, member).is_suspended
    assert member_client.get("/dashboard").status_code == 302
    assert app.test_client().post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 400
    admin_client.post(f"/admin/users/{member.id}/unsuspend")
    assert not fresh(app, member).is_suspended
    assert app.test_client().post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302


def test_organiser_rights_and_make_admin(client, app, make_admin, make_user, login_as):
    login_as(make_admin())
    member = make_user()
    client.post(f"/admin/users/{member.id}/grant-organiser")
    assert fresh(app, member).is_organiser
    client.post(f"/admin/users/{member.id}/revoke-organiser")
    assert not fresh(app, member).is_organiser
    client.post(f"/admin/users/{member.id}/make-admin")
    assert fresh(app, member).is_admin


def test_admin_cannot_suspend_self_and_unknown_action_is_404(client, app, make_admin, login_as):
    admin = make_admin()
    login_as(admin)
    resp = client.post(f"/admin/users/{admin.id}/suspend")
    assert resp.status_code == 400 and "cannot suspend yourself" in resp.get_data(as_text=True)
    assert not fresh(app, admin).is_suspended
    assert client.post(f"/admin/users/{admin.id}/delete-everything").status_code == 404
    assert client.get("/admin/users/999999/suspend").status_code == 404


def test_admin_actions_on_a_deleted_account_are_404_in_the_service(app, make_admin, make_user):
    from mentorhub.accounts import admin as accounts_admin
    from mentorhub.errors import NotFound, PermissionDenied

    admin, gone, member = make_admin(), make_user(is_deleted=True), make_user()
    with app.app_context():
        actor, target = db.session.get(User, admin.id), db.session.get(User, gone.id)
        for action in accounts_admin.ADMIN_ACTIONS:
            with pytest.raises(NotFound):
                accounts_admin.admin_action(actor, target, action)
        with pytest.raises(PermissionDenied):  # a non-admin is refused before anything else
            accounts_admin.admin_action(db.session.get(User, member.id), target, "grant-organiser")
    after = fresh(app, gone)
    assert not (after.is_suspended or after.is_organiser or after.is_admin)
