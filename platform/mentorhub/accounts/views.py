"""Accounts over HTTP: register, log in and out, settings, password, email, export, delete."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import ValidationError
from ..extensions import limiter
from ..forms import render_form, show_service_error
from ..web import safe_next
from . import services
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    SettingsForm,
)

bp = Blueprint("accounts", __name__)


@bp.before_app_request
def _touch_last_seen():
    if current_user.is_authenticated:
        services.touch_last_seen(current_user)


def _limit(name: str):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


@bp.route("/register", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(form.display_name.data, form.email.data, form.password.data,
                                     form.timezone.data or "UTC")
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            login_user(user)
            flash("Welcome to mentorhub! Start by creating your profile.", "success")
            return redirect(url_for("core.dashboard"))
    return render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
        form.form_errors.append(services.GENERIC_LOGIN_ERROR)
    return render_form("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, current_user, form.display_name.data, form.timezone.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/settings.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            login_user(current_user._get_current_object())  # the token rotated; keep this session
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.change_email(current_user, form.password.data, form.email.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Email address changed.", "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/email.html", form)


@bp.get("/account/export.json")
@login_required
def export():
    body = json.dumps(services.export_data(current_user), indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=mentorhub-data.json"})


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            logout_user()
            flash("Your account has been deleted.", "info")
            return redirect(url_for("core.index"))
    return render_form("accounts/delete.html", form)


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash("If an account uses that address, we have sent it a link to reset the password.", "info")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your password is set. Log in with it now.", "success")
            return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form, token=token)
