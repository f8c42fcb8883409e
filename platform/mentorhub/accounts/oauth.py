"""Sign-in providers through Authlib: GitHub (OAuth 2) and one OpenID Connect issuer.

Each is switched on by its settings (README "Sign in with GitHub or OpenID Connect"); while its
client id is unset the provider does not exist here, so its button is hidden and its routes 404.
Authlib keeps the ``state`` (and for OpenID Connect the ``nonce`` and the PKCE verifier) in the
session and checks them when the provider sends the person back; the ID token's signature,
issuer, audience, expiry and nonce are checked against the issuer's published keys.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app

from ..db import db
from ..errors import NotFound, ServiceError
from ..lazyimport import lazy_module
from ..validation import is_web_address, setting

# Imported when a provider is switched on (init_app) or a sign-in fails: most communities use neither.
flask_client = lazy_module("authlib.integrations.flask_client")
authlib_errors = lazy_module("authlib.common.errors")
jose_errors = lazy_module("joserfc.errors")
requests = lazy_module("requests")

log = logging.getLogger(__name__)

EXTENSION = "mentorhub.oauth"
LABELS = {"github": "GitHub", "oidc": None}  # oidc: OIDC_NAME
SIGN_IN_FAILED = "Signing in with {name} did not work. Please try again."


class SignInFailed(ServiceError):
    status = 400


@dataclass(frozen=True)
class ProviderProfile:
    """Who the provider says signed in. ``email`` only when the provider vouches for it."""

    provider: str
    subject: str
    login: str
    name: str
    email: str | None
    profile_url: str | None


def init_app(app: Flask) -> None:
    """One Authlib registry per app, holding the providers whose settings are present; None
    (and Authlib never imported) while no provider is switched on."""
    cfg = app.config
    common = {"default_timeout": cfg["OAUTH_TIMEOUT"]}
    providers = {}
    if cfg.get("OIDC_CLIENT_ID") and cfg.get("OIDC_ISSUER"):
        providers["oidc"] = {
            "client_id": cfg["OIDC_CLIENT_ID"], "client_secret": cfg.get("OIDC_CLIENT_SECRET"),
            "server_metadata_url": cfg["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
            "client_kwargs": {**common, "scope": cfg["OIDC_SCOPES"], "code_challenge_method": "S256"},
        }
    if cfg.get("GITHUB_CLIENT_ID"):
        providers["github"] = {
            "client_id": cfg["GITHUB_CLIENT_ID"], "client_secret": cfg.get("GITHUB_CLIENT_SECRET"),
            "authorize_url": cfg["GITHUB_AUTHORIZE_URL"], "access_token_url": cfg["GITHUB_TOKEN_URL"],
            "api_base_url": cfg["GITHUB_API_URL"].rstrip("/") + "/",
            "client_kwargs": {**common, "scope": "read:user user:email"},
        }
    oauth = flask_client.OAuth(app) if providers else None
    for name, settings in providers.items():
        oauth.register(name, **settings)
    app.extensions[EXTENSION] = oauth


def enabled() -> list[tuple[str, str]]:
    """(provider, label) of every provider switched on, for the sign-in buttons."""
    oauth = current_app.extensions[EXTENSION]
    return [] if oauth is None else [(name, label(name)) for name in LABELS if oauth.create_client(name) is not None]


def label(provider: str) -> str:
    return LABELS.get(provider) or setting("OIDC_NAME")


def _client(provider: str):
    oauth = current_app.extensions[EXTENSION]
    client = oauth.create_client(provider) if oauth is not None and provider in LABELS else None
    if client is None:
        raise NotFound("We could not find that page.")
    return client


def require_enabled(provider: str) -> None:
    _client(provider)


def redirect_to_provider(provider: str, callback_url: str):
    """The redirect to the provider's consent page; state, nonce and verifier go in the session."""
    client = _client(provider)
    try:
        with db.unlocked():  # the first call fetches the issuer's metadata: no transaction held meanwhile
            return client.authorize_redirect(callback_url)
    except (authlib_errors.AuthlibBaseError, requests.RequestException, ValueError, KeyError) as exc:  # discovery failed
        log.warning("could not start sign-in with %s: %s", provider, exc)
        raise SignInFailed(SIGN_IN_FAILED.format(name=label(provider))) from None


def finish_sign_in(provider: str) -> ProviderProfile:
    """Check the answer (state, then code for token, then the ID token and its nonce) and read
    who signed in. Any failure, a bad state or a code used twice included, is SignInFailed."""
    client = _client(provider)
    try:
        token = client.authorize_access_token()
        profile = _oidc_profile(token) if provider == "oidc" else _github_profile(client, token)
    except (authlib_errors.AuthlibBaseError, jose_errors.JoseError, requests.RequestException, ValueError,
            KeyError, TypeError) as exc:
        log.warning("sign-in with %s refused: %s: %s", provider, type(exc).__name__, exc)
        raise SignInFailed(SIGN_IN_FAILED.format(name=label(provider))) from None
    if not profile.subject:
        raise SignInFailed(SIGN_IN_FAILED.format(name=label(provider)))
    return profile


def _oidc_profile(token: dict) -> ProviderProfile:
    claims = token.get("userinfo")
    if not claims:  # no ID token came back: an OpenID Connect sign-in needs one
        raise ValueError("no id_token in the token response")
    email = claims.get("email") if claims.get("email_verified") is True else None
    login = str(claims.get("preferred_username") or claims.get("email") or "")[:255]
    return ProviderProfile("oidc", str(claims["sub"])[:255], login, str(claims.get("name") or login),
                           email, _web_address(claims.get("profile")))


def _github_profile(client, token: dict) -> ProviderProfile:
    response = client.get("user", token=token)
    response.raise_for_status()
    user = response.json()
    email = None
    emails = client.get("user/emails", token=token)
    if emails.ok:
        for entry in emails.json():
            if isinstance(entry, dict) and entry.get("primary") and entry.get("verified") is True:
                email = entry.get("email")
    login = str(user.get("login") or "")[:255]
    return ProviderProfile("github", str(user["id"])[:255], login, str(user.get("name") or login),
                           email, _web_address(user.get("html_url")))


def _web_address(value) -> str | None:
    """A profile link the provider sent, only when it is a plain https address we can store."""
    if isinstance(value, str) and value.startswith("https://") and is_web_address(value, setting("PROFILE_URL_MAX")):
        return value
    return None
