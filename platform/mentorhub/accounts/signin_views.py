"""Sign in with GitHub or OpenID Connect over HTTP: the redirect out, the callback, linking an
existing account with its password, and the list of linked sign-ins in settings."""
from __future__ import annotations

import time
from dataclasses import asdict

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..actors import is_signed_in
from ..errors import ValidationError
from ..extensions import limiter
from ..forms import render_form, show_service_error
from ..urls import external_url
from ..validation import setting
from . import identities, oauth
from .forms import LinkConfirmForm, LinkLoginForm
from .queries import identities_of, identity_for, suggested_github_url
from .views import _log_in

bp = Blueprint("signin", __name__)

PENDING = "signin_pending"  # the provider's answer while the person links an existing account


@bp.app_context_processor
def _signin_context():
    return {"signin_providers": oauth.enabled()}


def _limit(name: str):
    return limiter.limit(lambda: setting(name))


def _remember(profile: oauth.ProviderProfile) -> None:
    session[PENDING] = {**asdict(profile), "at": int(time.time())}


def _pending() -> oauth.ProviderProfile | None:
    data = session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > setting("OAUTH_PENDING_SECONDS"):
        session.pop(PENDING, None)
        return None
    data = {k: v for k, v in data.items() if k != "at"}
    try:
        return oauth.ProviderProfile(**data)
    except TypeError:
        session.pop(PENDING, None)
        return None


@bp.post("/signin/<provider>")
@_limit("LOGIN_RATE_LIMIT")
def start(provider: str):
    oauth.require_enabled(provider)
    return oauth.redirect_to_provider(provider, external_url("signin.callback", provider=provider))


@bp.get("/signin/<provider>/callback")
@_limit("LOGIN_RATE_LIMIT")
def callback(provider: str):
    profile = oauth.finish_sign_in(provider)  # SignInFailed: a 400 page with the reason
    name = oauth.label(provider)
    if is_signed_in(current_user):
        linked = identity_for(profile.provider, profile.subject)
        if linked is not None and linked.user_id == current_user.id:
            flash(f"This {name} account is already linked to yours.", "info")
            return redirect(url_for("signin.identities_page"))
        _remember(profile)
        return redirect(url_for("signin.link"))
    user, created = identities.sign_in(profile)
    if user is None:
        _remember(profile)
        flash(f"This {name} account is not linked to a mentorhub account yet. If you have one, enter "
              "its email and password to link them.", "info")
        return redirect(url_for("signin.link"))
    _log_in(user)
    if created:
        flash(f"Welcome to mentorhub! Your account was created with {name}. Start by creating your "
              "profile" + (": your GitHub link is filled in for you." if profile.profile_url else "."), "success")
    return redirect(url_for("core.dashboard"))


@bp.route("/signin/link", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
def link():
    profile = _pending()
    if profile is None:
        flash("That sign-in has expired. Please start again.", "info")
        return redirect(url_for("accounts.login"))
    signed_in = is_signed_in(current_user)
    form = LinkConfirmForm() if signed_in else LinkLoginForm()
    if request.method == "GET" and not signed_in and profile.email:
        form.email.data = profile.email
    if form.validate_on_submit():
        try:
            if signed_in:
                identities.link_signed_in(current_user, profile, form.password.data)
            else:
                _log_in(identities.link_with_login(form.email.data, form.password.data, profile))
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            session.pop(PENDING, None)
            flash(f"{oauth.label(profile.provider)} is linked: you can sign in with it from now on.", "success")
            return redirect(url_for("signin.identities_page") if signed_in else url_for("core.dashboard"))
    return render_form("accounts/signin_link.html", form, signed_in=signed_in,
                       provider_label=oauth.label(profile.provider), login=profile.login)


@bp.get("/account/sign-in")
@login_required
def identities_page():
    linked = identities_of(current_user)
    have = {i.provider for i in linked}
    return render_template("accounts/signin_identities.html", linked=linked,
                           labels={i.provider: oauth.label(i.provider) for i in linked},
                           can_link=[(p, label) for p, label in oauth.enabled() if p not in have],
                           github_url=suggested_github_url(current_user.id))


@bp.post("/account/sign-in/<int:identity_id>/unlink")
@login_required
def unlink(identity_id: int):
    try:
        identities.unlink(current_user, identity_id)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        flash("That sign-in is unlinked.", "success")
    return redirect(url_for("signin.identities_page"))
