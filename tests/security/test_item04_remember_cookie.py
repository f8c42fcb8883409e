"""Issue 12, item 4: logging out ends that device's session and its "remember me" cookie;
"Log out everywhere", a password change, suspension and deletion end all of them."""
from __future__ import annotations

from fixtures.accounts import STRONG_PASSWORD
from mentorhub.accounts import sessions as services
from mentorhub.accounts.models import User
from mentorhub.db import db
from support import PASSWORD

COOKIE = "remember_token"


def remember_cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value
    return cookie.value


def with_cookie(app, value: str):
    """Another browser that only has a copy of the remember cookie (no session)."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_item04_logout_ends_the_copied_remember_cookie(any_app, people):
    user = people.user()
    device = people.client(user, remember=True)
    copied = remember_cookie(device)
    assert logged_in(with_cookie(any_app, copied))  # the copy works while the device is logged in
    other_device = people.client(user, remember=True)
    assert device.post("/logout").status_code == 302
    assert not logged_in(device)
    assert not logged_in(with_cookie(any_app, copied))
    assert logged_in(other_device)  # logging out one device leaves the others


def test_item04_log_out_everywhere_ends_every_session_and_cookie(any_app, people):
    user = people.user()
    first, second = people.client(user, remember=True), people.client(user)
    copied = remember_cookie(first)
    assert "Log out everywhere" in second.get("/account").get_data(as_text=True)
    assert second.get("/account/logout-everywhere").status_code == 405  # a POST only
    assert second.post("/account/logout-everywhere").status_code == 302
    assert not logged_in(first) and not logged_in(second)
    assert not logged_in(with_cookie(any_app, copied))
    assert logged_in(people.client(user))  # logging in again works


def test_item04_password_change_suspension_and_deletion_end_remember_cookies(any_app, people):
    changer, suspended, leaver, admin = people.user(), people.user(), people.user(), people.user(is_admin=True)
    copies = {u.id: remember_cookie(people.client(u, remember=True)) for u in (changer, suspended, leaver)}
    here = people.client(changer, remember=True)
    assert here.post("/account/password", data={"current_password": PASSWORD, "password": STRONG_PASSWORD}
                     ).status_code == 302
    assert logged_in(here)  # the device that changed it stays logged in
    assert not logged_in(with_cookie(any_app, copies[changer.id]))
    assert people.client(admin).post(f"/admin/users/{suspended.id}/suspend").status_code == 302
    assert not logged_in(with_cookie(any_app, copies[suspended.id]))
    assert people.client(leaver).post("/account/delete", data={"password": PASSWORD}).status_code == 302
    assert not logged_in(with_cookie(any_app, copies[leaver.id]))


def test_item04_the_loader_needs_both_halves_of_the_id(any_app, people):
    user = people.user()
    with any_app.app_context():
        row = db.session.get(User, user.id)
        services.start_device_session(row)
        full = row.get_id()
        assert services.load_user(full).id == user.id
        assert services.load_user(row.session_token) is None  # the old form of the id opens nothing
        services.end_device_session(row)
        assert services.load_user(full) is None


def test_item04_a_session_restored_from_the_cookie_lasts_beyond_one_page(any_app, people):
    """With "strong" session protection a restored session had no identifier and was wiped on
    the next request: "remember me" lasted one page."""
    browser = with_cookie(any_app, remember_cookie(people.client(people.user(), remember=True)))
    assert [browser.get("/account").status_code for _ in range(3)] == [200, 200, 200]
