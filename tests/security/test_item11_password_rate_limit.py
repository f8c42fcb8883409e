"""Issue 12, item 11: re-entering one's password (change password, change email, delete account)
is rate-limited per account and per client address, one budget shared by the three pages."""
from __future__ import annotations

import pytest

from support import PASSWORD

WRONG = "not-my-password-at-all"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "PASSWORD_CONFIRM_RATE_LIMIT": "3 per minute",
            "PASSWORD_CONFIRM_IP_RATE_LIMIT": "5 per minute"}


def attempts(client):
    """Wrong passwords on the three pages in turn, forever."""
    while True:
        yield client.post("/account/password", data={"current_password": WRONG, "password": "x" * 14})
        yield client.post("/account/email", data={"email": "new@example.com", "password": WRONG})
        yield client.post("/account/delete", data={"password": WRONG})


def test_item11_password_reentry_is_limited_per_account(app, make_user, login_as):
    user = make_user()
    tries = attempts(login_as(user, app.test_client()))
    assert [next(tries).status_code for _ in range(3)] == [400, 400, 400]
    assert next(tries).status_code == 429
    # nor does the right password, from another device of the same account (4 of 5 from this address)
    other = login_as(user, app.test_client())
    assert other.post("/account/delete", data={"password": PASSWORD}).status_code == 429


def test_item11_password_reentry_is_limited_per_address(app, make_user, login_as):
    first, second = make_user(), make_user()
    a, b = attempts(login_as(first, app.test_client())), attempts(login_as(second, app.test_client()))
    assert [next(a).status_code for _ in range(3)] == [400] * 3
    assert [next(b).status_code for _ in range(2)] == [400] * 2
    assert next(b).status_code == 429  # the second account's own budget is not spent; the address's is
    assert app.test_client().get("/login").status_code == 200  # GETs do not count
