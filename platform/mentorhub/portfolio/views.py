"""Portfolio over HTTP: items, feedback requests, the review queue, reviews. HTTP only."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..db import db, utcnow
from ..errors import ServiceError, ValidationError
from ..forms import options, render_form, show_service_error
from ..pagination import parse_page
from ..profiles.models import Domain, Skill
from . import queries, rubric, services
from .forms import ActionForm, ItemForm, ReplyForm, RequestForm, ReviewerForm, review_form_class, scores_from

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def _taxonomy():
    skills = db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)).order_by(Skill.name)).all()
    domains = db.session.scalars(select(Domain).where(Domain.is_retired.is_(False)).order_by(Domain.name)).all()
    return skills, domains


def _item_form(obj=None) -> ItemForm:
    form = ItemForm(obj=obj)
    skills, domains = _taxonomy()
    form.set_choices(skills, domains, services.project_choices())
    if obj is not None and not form.is_submitted():
        form.skill_ids.data = [s.id for s in obj.skills]
        form.domain_ids.data = [d.id for d in obj.domains]
    return form


def _upload(form: ItemForm):
    f = form.notebook.data
    if f is None or not getattr(f, "filename", ""):
        return None
    limit = services._cfg("PORTFOLIO_NOTEBOOK_MAX_BYTES")
    return f.filename, f.read(limit + 1)


@bp.get("")
def index():
    page = services.list_items(current_user, parse_page(request.args.get("page")),
                               skill=request.args.get("skill") or None,
                               owner_id=current_user.id if request.args.get("mine") and current_user.is_authenticated else None,
                               status=request.args.get("status") or None)
    return render_template("portfolio/index.html", page=page, skills=queries.filter_skills(),
                           states={i.id: services.latest_request_state(i) for i in page.items
                                   if current_user.is_authenticated and i.owner_id == current_user.id})


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _item_form()
    if form.validate_on_submit():
        try:
            item = services.create_item(current_user, form.data_for_service(), notebook=_upload(form))
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Your work is saved.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/form.html", form, item=None)


@bp.get("/<int:item_id>")
def detail(item_id: int):
    data = queries.item_page(current_user, item_id)
    return render_template(
        "portfolio/detail.html", item=data.item, is_owner=data.is_owner, notebook=services.notebook_html(data.item),
        state=data.state, active=data.active, may_review=data.may_review, changes=data.changes,
        may_edit=data.may_edit, may_reply=data.may_reply,
        criteria=rubric.criteria(), names=rubric.criterion_names(), scale=rubric.scale(),
        reply_form=ReplyForm(), action=ActionForm(), project_title=data.project_title,
        labels=services.VISIBILITY_LABELS, status_labels=services.STATUS_LABELS, field_labels=services.FIELD_LABELS,
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    item = services.own_item(current_user, item_id)
    form = _item_form(obj=item)
    if form.validate_on_submit():
        try:
            services.update_item(current_user, item.id, form.data_for_service(), notebook=_upload(form),
                                 remove_notebook=form.remove_notebook.data, note=form.update_note.data)
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/form.html", form, item=item)


@bp.post("/<int:item_id>/delete")
@login_required
def delete(item_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_item(current_user, item_id)
    flash("The item is deleted.", "success")
    return redirect(url_for("portfolio.index", mine=1))


@bp.route("/<int:item_id>/feedback", methods=["GET", "POST"])
@login_required
def request_feedback(item_id: int):
    item = services.own_item(current_user, item_id)
    mentors = services.mentor_choices(current_user)
    form = RequestForm()
    form.mentor_id.choices = options([(None, "— choose —")] + [(m.id, m.display_name) for m in mentors])
    if form.validate_on_submit():
        try:
            services.request_feedback(current_user, item.id, form.mode.data, form.mentor_id.data, form.note.data)
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Your request is in. You can follow it on this page.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/request.html", form, item=item, mentors=mentors,
                       active=services.active_request(item))


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    services.withdraw_request(current_user, request_id)
    req = db.session.get(services.FeedbackRequest, request_id)
    flash("The feedback request is withdrawn.", "success")
    return redirect(url_for("portfolio.detail", item_id=req.item_id))


@bp.get("/queue")
@login_required
def queue():
    data = services.queue_for(current_user)
    return render_template("portfolio/queue.html", action=ActionForm(), now=utcnow(), **data)


@bp.post("/requests/<int:request_id>/claim")
@login_required
def claim(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    services.claim_request(current_user, request_id)
    flash("It is yours to review. Your claim is kept for a while; release it if you cannot finish.", "success")
    return redirect(url_for("portfolio.review", request_id=request_id))


@bp.post("/requests/<int:request_id>/release")
@login_required
def release(request_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    services.release_claim(current_user, request_id)
    flash("Released: the item is back in the queue.", "success")
    return redirect(url_for("portfolio.queue"))


def _review_form(obj=None):
    form_cls = review_form_class()
    form = form_cls()
    if obj is not None and not form.is_submitted():
        form.summary.data, form.next_step.data = obj.summary, obj.next_step
        for s in obj.scores:
            if hasattr(form, f"score_{s.criterion}"):
                getattr(form, f"score_{s.criterion}").data = str(s.score)
                getattr(form, f"comment_{s.criterion}").data = s.comment
    return form


@bp.route("/requests/<int:request_id>/review", methods=["GET", "POST"])
@login_required
def review(request_id: int):
    req = services.get_request(current_user, request_id)
    if req.claimed_by_id != current_user.id or req.status != "claimed":
        flash("Claim this item in the queue before you review it.", "error")
        return redirect(url_for("portfolio.queue"))
    form = _review_form()
    if form.validate_on_submit():
        try:
            rv = services.submit_review(current_user, req.id, scores_from(form), form.summary.data, form.next_step.data)
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Thank you: your review is sent.", "success")
            return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))
    return render_form("portfolio/review_form.html", form, item=req.item, req=req, review=None,
                       criteria=rubric.criteria(), notebook=services.notebook_html(req.item))


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: int):
    rv = services.own_review(current_user, review_id)
    form = _review_form(obj=rv)
    if form.validate_on_submit():
        try:
            services.edit_review(current_user, rv.id, scores_from(form), form.summary.data, form.next_step.data)
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Your review is updated.", "success")
            return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))
    return render_form("portfolio/review_form.html", form, item=rv.item, req=None, review=rv,
                       criteria=rubric.criteria(), notebook=None)


@bp.post("/reviews/<int:review_id>/reply")
@login_required
def reply(review_id: int):
    rv = services.get_review(current_user, review_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(current_user, rv.id, form.body.data)
        except ValidationError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))
    elif not form.errors:
        abort(400)
    messages = [e for errs in form.errors.values() for e in errs] + form.form_errors
    return render_template("errors/error.html", status=400,
                           message="Your reply was not sent: " + " ".join(messages)), 400


@bp.post("/reviews/<int:review_id>/helpful")
@login_required
def helpful(review_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    rv = services.mark_helpful(current_user, review_id, request.form.get("helpful", "1") == "1")
    return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))


@bp.route("/reviewer", methods=["GET", "POST"])
@login_required
def reviewer():
    setting = services.reviewer_setting(current_user)
    form = ReviewerForm(obj=setting)
    skills, _domains = _taxonomy()
    form.skill_ids.choices = options((s.id, s.name) for s in skills)
    if not form.is_submitted():
        form.skill_ids.data = ([s.id for s in setting.skills] if setting is not None
                               else services.suggested_reviewer_skills(current_user))
    if form.validate_on_submit():
        try:
            services.set_reviewer_setting(current_user, form.is_opted_in.data, form.skill_ids.data or [])
        except ServiceError as exc:
            db.session.rollback()
            show_service_error(form, exc)
        else:
            flash("Your reviewer settings are saved.", "success")
            return redirect(url_for("portfolio.queue"))
    return render_form("portfolio/reviewer.html", form)
