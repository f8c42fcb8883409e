"""Settings → API tokens: list, create (the secret is shown once) and revoke. A web page, so
it lives outside the /api/v1 blueprint: CSRF protects its forms and the session cookie signs in."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import utcnow
from ..errors import ServiceError
from ..timeutil import format_local
from ..validation import setting
from . import tokens
from .models import SCOPES

bp = Blueprint("api_tokens", __name__)


def _page(secret: str | None = None, error: str | None = None, status: int = 200, form=None):
    rows = tokens.tokens_of(current_user)
    now = utcnow()
    listed = [{"id": t.id, "name": t.name, "scope": SCOPES[t.scope], "prefix": t.prefix,
               "created": format_local(t.created_at, current_user.timezone or "UTC"),
               "expires": format_local(t.expires_at, current_user.timezone or "UTC"),
               "last_used": format_local(t.last_used_at, current_user.timezone or "UTC") if t.last_used_at else None,
               "state": "revoked" if t.revoked_at else ("expired" if t.expires_at <= now else "live"),
               "may_revoke": tokens.can_revoke_token(current_user, t) is None}
              for t in rows]
    return render_template("api/tokens.html", tokens=listed, secret=secret, error=error, scopes=SCOPES,
                           default_days=setting("API_TOKEN_DAYS"), max_days=setting("API_TOKEN_MAX_DAYS"),
                           create_refusal=tokens.can_create_token(current_user, current_user),
                           form=form or {}), status


@bp.get("/account/tokens")
@login_required
def index():
    return _page()


@bp.post("/account/tokens")
@login_required
def create():
    form = request.form
    try:
        _, secret = tokens.create_token(current_user, current_user, form.get("name", ""), form.get("scope", "read"),
                                        form.get("days") or None)
    except ServiceError as exc:
        return _page(error=exc.message, status=exc.status, form=form)
    return _page(secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = tokens.revoke_token(current_user, token_id)
    flash(f"The token “{token.name}” was revoked. Programs using it can no longer reach the API.", "success")
    return redirect(url_for("api_tokens.index"))
