"""Webhooks over HTTP: an organiser's endpoints, registering one, its secret and delivery log."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..errors import PermissionDenied, ValidationError
from ..forms import render_form, show_service_error
from . import hooks, queries, rules, transport
from .forms import WebhookForm
from .models import EVENTS, TARGETS

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _require_organiser() -> None:
    refusal = rules.can_manage_webhooks(current_user)
    if refusal:
        raise PermissionDenied(refusal)


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    _require_organiser()
    form = WebhookForm()
    if form.validate_on_submit():
        try:
            hook = hooks.create_webhook(current_user, form.name.data, form.target.data, form.url.data,
                                        form.events.data or [])
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Webhook registered. Copy its signing secret into the receiving side.", "success")
            return redirect(url_for("webhooks.detail", hook_id=hook.id))
    return render_form("webhooks/index.html", form, hooks=queries.webhooks_for(current_user),
                       targets=TARGETS, events=EVENTS)


@bp.get("/<int:hook_id>")
@login_required
def detail(hook_id: int):
    hook = hooks.get_visible(current_user, hook_id)
    return render_template("webhooks/detail.html", hook=hook, log=queries.delivery_log(hook), targets=TARGETS,
                           events=EVENTS, signature_header=transport.SIGNATURE_HEADER,
                           timestamp_header=transport.TIMESTAMP_HEADER)


@bp.post("/<int:hook_id>/delete")
@login_required
def delete(hook_id: int):
    hooks.delete_webhook(current_user, hook_id)
    flash("Webhook deleted.", "success")
    return redirect(url_for("webhooks.index"))
