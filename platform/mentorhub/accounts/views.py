"""Accounts over HTTP: register, log in and out, settings, password, email, export, delete."""
from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import (
    current_user,
    login_required,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from ..actors import is_signed_in
from ..errors import NotFound, ValidationError
from ..extensions import limiter, login_manager
from ..forms import render_form, show_service_error
from ..pagination import parse_page
from ..urls import safe_next
from ..validation import setting
from . import account, admin, blocks, passwords, queries, registration, sessions
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

# The data export and account deletion span every feature, so they live at the top
# (mentorhub/privacy.py); create_app hands them in under this key (privacy.init_app).
PRIVACY_EXTENSION = "mentorhub.privacy"


def _privacy():
    return current_app.extensions[PRIVACY_EXTENSION]


@bp.before_app_request
def _touch_last_seen():
    if is_signed_in(current_user):
        sessions.touch_last_seen(current_user)


def _limit(name: str):
    return limiter.limit(lambda: setting(name), methods=["POST"])


def _account_key() -> str:
    """The rate-limit key of the logged-in account (the address when nobody is logged in)."""
    return f"account:{current_user.id}" if is_signed_in(current_user) else get_remote_address()


# Re-entering one's password (change password, change email, delete account): one budget per
# account and one per address, shared by the three pages, so a stolen session cannot guess it.
_password_per_account = limiter.shared_limit(lambda: setting("PASSWORD_CONFIRM_RATE_LIMIT"),
                                             scope="password-confirm-account", key_func=_account_key,
                                             methods=["POST"])
_password_per_address = limiter.shared_limit(lambda: setting("PASSWORD_CONFIRM_IP_RATE_LIMIT"),
                                             scope="password-confirm-address", methods=["POST"])


@user_loaded_from_cookie.connect
def _bind_restored_session(app, user) -> None:
    """A session restored from the remember cookie gets the identifier a login gives it; without
    one, "strong" session protection wiped it (and the cookie) on the very next request."""
    session["_id"] = login_manager._session_identifier_generator()


def _log_in(user, remember: bool = False) -> None:
    """A new device session, and a new CSRF secret: a token planted before login is worthless after.
    The secret is made now, so the first page after login leaves the session as it is (and can be
    kept by the page cache)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
    generate_csrf()
    sessions.start_device_session(user)
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@_limit("REGISTER_RATE_LIMIT")
def register():
    if is_signed_in(current_user):
        return redirect(url_for("core.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = registration.register(form.display_name.data, form.email.data, form.password.data,
                                         form.timezone.data or "UTC")
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            _log_in(user)
            flash("Welcome to mentorhub! Start by creating your profile.", "success")
            return redirect(url_for("core.dashboard"))
    return render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@_limit("LOGIN_RATE_LIMIT")
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if is_signed_in(current_user):
        return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
    if form.validate_on_submit():
        user = passwords.authenticate(form.email.data, form.password.data)
        if user is not None:
            _log_in(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("core.dashboard"))
        form.form_errors.append(passwords.GENERIC_LOGIN_ERROR)
    return render_form("accounts/login.html", form)


@bp.post("/logout")
@login_required
def logout():
    sessions.end_device_session(current_user)
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    sessions.log_out_everywhere(current_user)
    logout_user()
    flash("You have logged out on every device, this one included.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        try:
            account.update_settings(current_user, current_user, form.display_name.data, form.timezone.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/settings.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@_password_per_address
@_password_per_account
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            passwords.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            # The token rotated: log this session in again (other sessions are now invalid),
            # renewing the remember-me cookie if this device had one.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            _log_in(current_user._get_current_object(), remember=remembered)
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@_password_per_address
@_password_per_account
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            account.change_email(current_user, form.password.data, form.email.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("We sent a message to the new address. Follow its link to finish the change.", "info")
            return redirect(url_for("accounts.settings"))
    return render_form("accounts/email.html", form)


@bp.get("/account/email/confirm/<token>")
def confirm_email(token: str):
    """The link mailed to the new address: the change happens here."""
    try:
        account.confirm_email_change(token)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        flash("Email address changed.", "success")
    return redirect(url_for("accounts.settings" if is_signed_in(current_user) else "accounts.login"))


@bp.get("/account/export.json")
@login_required
def export():
    body = json.dumps(_privacy().export_data(current_user), indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=mentorhub-data.json"})


@bp.route("/account/delete", methods=["GET", "POST"])
@_password_per_address
@_password_per_account
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            _privacy().delete_account(current_user, form.password.data)
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
        passwords.request_password_reset(form.email.data)
        flash("If an account uses that address, we have sent it a link to reset the password.", "info")
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_limit("RESET_RATE_LIMIT")
def reset_password(token: str):
    try:
        passwords.user_for_reset_token(token)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("accounts.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.reset_password(token, form.password.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your password is set. Log in with it now.", "success")
            return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_password.html", form, token=token)


# ---- blocking ---------------------------------------------------------------------------------


@bp.get("/account/blocked")
@login_required
def blocked():
    return render_template("accounts/blocked.html", blocks=queries.blocks_by(current_user), form=FlaskForm())


@bp.post("/block/<int:user_id>")
@login_required
def block(user_id: int):
    """Other pages link here with a small form (csrf_token, optional next)."""
    user = queries.get_user(user_id)
    blocks.block(current_user, user)
    flash(f"You blocked {user.display_name}. Neither of you will be suggested to the other as a match.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.blocked"))


@bp.post("/unblock/<int:user_id>")
@login_required
def unblock(user_id: int):
    # A block on someone who has since deleted their account is still listed and can be lifted.
    user = queries.get_user(user_id, include_deleted=True)
    if blocks.unblock(current_user, user):
        flash(f"You unblocked {user.display_name}.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("accounts.blocked"))


# ---- admin ------------------------------------------------------------------------------------


@bp.get("/admin/users")
@login_required
def admin_users():
    query = request.args.get("q", "")
    page = admin.search_users(current_user, query, parse_page(request.args.get("page")))
    return render_template("accounts/admin_users.html", page=page, q=query, actions=admin.ADMIN_ACTIONS)


@bp.route("/admin/users/<int:user_id>/<action>", methods=["GET", "POST"])
@login_required
def admin_user_action(user_id: int, action: str):
    """GET asks for confirmation (works without JavaScript); POST does it."""
    admin.require_admin(current_user)
    if action not in admin.ADMIN_ACTIONS:
        raise NotFound("No such action.")
    user = queries.get_user(user_id)
    form = FlaskForm()
    if request.method == "POST":
        try:
            admin.admin_action(current_user, user, action)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(f"{admin.ADMIN_ACTIONS[action][0]}: done for {user.display_name}.", "success")
            return redirect(safe_next(request.form.get("next")) or url_for("accounts.admin_users"))
    return render_form("accounts/admin_confirm.html", form, user=user, action=action,
                       label=admin.ADMIN_ACTIONS[action][0], effect=admin.ADMIN_ACTIONS[action][1],
                       next=safe_next(request.args.get("next") or request.form.get("next")) or "")
