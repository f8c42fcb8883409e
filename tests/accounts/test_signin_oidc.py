"""Sign in with OpenID Connect and GitHub, end to end against a real provider on loopback
(tests/oauth_provider.py): the whole redirect flow, a bad state, a replayed code, a wrong nonce,
and linking an existing account (only with its password, never by email)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from mentorhub.accounts.models import LinkedIdentity, User
from mentorhub.db import db
from oauth_provider import LocalProvider
from support import PASSWORD


@pytest.fixture
def provider():
    with LocalProvider() as p:
        yield p


@pytest.fixture
def app_config(provider):
    return {**provider.oidc_settings(), **provider.github_settings()}


def start(client, name: str) -> str:
    resp = client.post(f"/signin/{name}")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return resp.headers["Location"]


def consent(location: str) -> str:
    """The provider's answer: the callback path and query it redirects the browser to."""
    resp = requests.get(location, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    back = urlsplit(resp.headers["Location"])
    return f"{back.path}?{back.query}"


def sign_in(client, name: str = "oidc"):
    return client.get(consent(start(client, name)))


def signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(LinkedIdentity)))


def test_the_login_page_offers_both_providers(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Local SSO" in page and "Sign in with GitHub" in page


def test_first_sign_in_creates_the_account_and_the_next_one_signs_in(app, client, provider):
    location = start(client, "oidc")
    query = parse_qs(urlsplit(location).query)
    assert query["state"][0] and query["nonce"][0] and query["code_challenge_method"] == ["S256"]
    resp = client.get(consent(location))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/dashboard")
    assert signed_in(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ada@example.com"))
        assert user.display_name == "Ada Lovelace" and user.password_hash == ""
        identity = db.session.scalar(select(LinkedIdentity))
        assert (identity.user_id, identity.provider, identity.subject) == (user.id, "oidc", "person-1")

    again = app.test_client()
    assert sign_in(again).status_code == 302 and signed_in(again)
    assert counts(app) == (1, 1)


def test_a_bad_state_is_refused_before_the_code_is_spent(app, client, provider):
    callback = consent(start(client, "oidc"))
    path, query = callback.split("?")
    params = {k: v[0] for k, v in parse_qs(query).items()}
    forged = f"{path}?{urlencode({**params, 'state': 'forged-state'})}"
    resp = client.get(forged)
    assert resp.status_code == 400 and "did not work" in resp.get_data(as_text=True)
    assert provider.token_requests == 0 and not signed_in(client)
    assert counts(app) == (0, 0)


def test_a_replayed_code_is_refused(app, client, provider):
    callback = consent(start(client, "oidc"))
    assert client.get(callback).status_code == 302
    # The same answer again in the same browser: its state was used up.
    assert client.get(callback).status_code == 400
    # Another browser with its own fresh state but the spent code: the provider refuses it.
    other = app.test_client()
    fresh_state = parse_qs(urlsplit(start(other, "oidc")).query)["state"][0]
    code = parse_qs(callback.split("?")[1])["code"][0]
    resp = other.get(f"/signin/oidc/callback?{urlencode({'code': code, 'state': fresh_state})}")
    assert resp.status_code == 400 and not signed_in(other)
    assert provider.token_requests == 2  # the first exchange and the refused replay
    assert counts(app) == (1, 1)


def test_an_id_token_with_another_nonce_is_refused(app, client, provider):
    provider.wrong_nonce = True
    assert sign_in(client).status_code == 400
    assert not signed_in(client) and counts(app) == (0, 0)


def test_an_existing_account_links_only_with_its_password(app, client, provider, make_user):
    owner = make_user(email="ada@example.com")
    resp = sign_in(client)
    assert resp.headers["Location"].endswith("/signin/link")  # never linked because the email matches
    assert not signed_in(client) and counts(app) == (1, 0)
    page = client.get("/signin/link").get_data(as_text=True)
    assert "ada@example.com" in page  # the email is offered; the password is not

    wrong = client.post("/signin/link", data={"email": "ada@example.com", "password": "not-the-password-1"})
    assert wrong.status_code == 400 and not signed_in(client) and counts(app) == (1, 0)
    right = client.post("/signin/link", data={"email": "ada@example.com", "password": PASSWORD})
    assert right.status_code == 302 and signed_in(client)
    with app.app_context():
        assert db.session.scalar(select(LinkedIdentity.user_id)) == owner.id

    later = app.test_client()
    assert sign_in(later).headers["Location"].endswith("/dashboard") and signed_in(later)
    assert counts(app) == (1, 1)


def test_an_unverified_email_neither_creates_nor_links(app, client, provider, make_user):
    make_user(email="ada@example.com")
    provider.person["email_verified"] = False
    assert sign_in(client).headers["Location"].endswith("/signin/link")
    assert counts(app) == (1, 0) and not signed_in(client)


def test_a_signed_in_member_links_github_with_password_and_the_profile_offers_the_link(
        app, client, provider, make_user, login_as):
    member = make_user(email="someone@example.com")
    login_as(member)
    assert sign_in(client, "github").headers["Location"].endswith("/signin/link")
    assert client.post("/signin/link", data={"password": "wrong-password-123"}).status_code == 400
    assert counts(app) == (1, 0)
    assert client.post("/signin/link", data={"password": PASSWORD}).status_code == 302
    with app.app_context():
        identity = db.session.scalar(select(LinkedIdentity))
        assert (identity.user_id, identity.provider, identity.login) == (member.id, "github", "ada")
        assert identity.profile_url == "https://github.com/ada"
    assert "ada" in client.get("/account/sign-in").get_data(as_text=True)
    assert 'value="https://github.com/ada"' in client.get("/profile/learner").get_data(as_text=True)


def test_first_github_sign_in_creates_the_account_and_offers_the_github_link(app, client, provider):
    provider.person.update(sub="user-42", login="grace", name="Grace Hopper", email="grace@example.com")
    resp = sign_in(client, "github")
    assert resp.headers["Location"].endswith("/dashboard")
    page = client.get("/profile/learner").get_data(as_text=True)
    assert 'value="https://github.com/grace"' in page
    with app.app_context():
        identity = db.session.scalar(select(LinkedIdentity))
        assert (identity.provider, identity.subject) == ("github", "42")


def test_the_last_way_in_of_an_account_without_password_stays(app, client, provider):
    sign_in(client)
    with app.app_context():
        identity_id = db.session.scalar(select(LinkedIdentity.id))
    resp = client.post(f"/account/sign-in/{identity_id}/unlink", follow_redirects=True)
    assert "only way to sign in" in resp.get_data(as_text=True)
    assert counts(app) == (1, 1)


def test_a_deleted_account_frees_its_sign_in(app, client, provider, make_user, login_as):
    member = make_user(email="ada@example.com")
    login_as(member)
    sign_in(client)
    client.post("/signin/link", data={"password": PASSWORD})
    exported = client.get("/account/export.json").get_json(force=True)
    assert [i["provider"] for i in exported["linked_sign_ins"]] == ["oidc"]
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    assert counts(app) == (1, 0)


def test_signing_in_again_while_linked_asks_nothing(app, client, provider):
    sign_in(client)
    resp = sign_in(client)  # the same person, already signed in with this identity
    assert resp.headers["Location"].endswith("/account/sign-in")
    assert counts(app) == (1, 1)
