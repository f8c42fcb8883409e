"""Sign-in providers are off while their settings are unset: no buttons, and the routes 404."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/signin/oidc", "/signin/github"])
def test_starting_a_sign_in_is_not_found(client, path):
    assert client.post(path).status_code == 404


@pytest.mark.parametrize("path", ["/signin/oidc/callback?code=x&state=y", "/signin/github/callback"])
def test_the_callbacks_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_no_buttons(client, make_user, login_as):
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    login_as(make_user())
    assert "/account/sign-in" not in client.get("/account").get_data(as_text=True)
