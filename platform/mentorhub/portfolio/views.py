"""Portfolio over HTTP: items, feedback requests, the review queue, reviews. HTTP only."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..actors import is_signed_in
from ..db import utcnow
from ..errors import ServiceError, ValidationError
from ..forms import options, render_form, show_service_error
from ..pagecache import cached_page
from ..pagination import parse_page
from ..validation import setting
from . import feedback, items, queries, reviews, rubric, rules
from .forms import ItemForm, ReplyForm, RequestForm, ReviewerForm, review_form_class, scores_from
from .models import FIELD_LABELS, STATUS_LABELS, VISIBILITY_LABELS

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def _item_form(obj=None) -> ItemForm:
    form = ItemForm(obj=obj)
    form.set_choices(queries.filter_skills(), queries.filter_domains(), queries.project_choices())
    if obj is not None and not form.is_submitted():
        form.skill_ids.data = [s.id for s in obj.skills]
        form.domain_ids.data = [d.id for d in obj.domains]
    return form


def _upload(form: ItemForm):
    f = form.notebook.data
    if f is None or not getattr(f, "filename", ""):
        return None
    limit = setting("PORTFOLIO_NOTEBOOK_MAX_BYTES")
    return f.filename, f.read(limit + 1)


@bp.get("")
@cached_page
def index():
    mine = bool(request.args.get("mine")) and is_signed_in(current_user)
    page = queries.list_items(current_user, parse_page(request.args.get("page")),
                              skill=request.args.get("skill") or None, owner_id=current_user.id if mine else None,
                              status=request.args.get("status") or None)
    return render_template("portfolio/index.html", page=page, skills=queries.filter_skills(),
                           states=queries.request_states(current_user, page.items))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _item_form()
    if form.validate_on_submit():
        try:
            item = items.create_item(current_user, form.data_for_service(), notebook=_upload(form))
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your work is saved.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/form.html", form, item=None)


@bp.get("/<int:item_id>")
@cached_page
def detail(item_id: int):
    data = queries.item_page(current_user, item_id)
    return render_template(
        "portfolio/detail.html", item=data.item, is_owner=data.is_owner, notebook=queries.notebook_html(data.item),
        state=data.state, active=data.active, may_review=data.may_review, may_request=data.may_request,
        may_withdraw=data.may_withdraw, may_delete=data.may_delete, may_mark_helpful=data.may_mark_helpful,
        changes=data.changes, may_edit=data.may_edit, may_reply=data.may_reply, project_title=data.project_title,
        criteria=rubric.criteria(), names=rubric.criterion_names(), scale=rubric.scale(), reply_form=ReplyForm(),
        labels=VISIBILITY_LABELS, status_labels=STATUS_LABELS, field_labels=FIELD_LABELS,
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    item = queries.own_item(current_user, item_id)
    form = _item_form(obj=item)
    if form.validate_on_submit():
        try:
            items.update_item(current_user, item.id, form.data_for_service(), notebook=_upload(form),
                                 remove_notebook=form.remove_notebook.data, note=form.update_note.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/form.html", form, item=item)


@bp.post("/<int:item_id>/delete")
@login_required
def delete(item_id: int):
    items.delete_item(current_user, item_id)
    flash("The item is deleted.", "success")
    return redirect(url_for("portfolio.index", mine=1))


@bp.route("/<int:item_id>/feedback", methods=["GET", "POST"])
@login_required
def request_feedback(item_id: int):
    item = queries.own_item(current_user, item_id)
    mentors = queries.mentor_choices(current_user)
    form = RequestForm()
    form.mentor_id.choices = options([(None, "— choose —")] + [(m.id, m.display_name) for m in mentors])
    if form.validate_on_submit():
        try:
            feedback.request_feedback(current_user, item.id, form.mode.data, form.mentor_id.data, form.note.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your request is in. You can follow it on this page.", "success")
            return redirect(url_for("portfolio.detail", item_id=item.id))
    return render_form("portfolio/request.html", form, item=item, mentors=mentors,
                       refused=rules.can_request_feedback(current_user, item, queries.active_request(item)),
                       publishes=rules.publishes_on_request(item))


@bp.post("/requests/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    req = feedback.withdraw_request(current_user, request_id)
    flash("The feedback request is withdrawn.", "success")
    return redirect(url_for("portfolio.detail", item_id=req.item_id))


@bp.get("/queue")
@login_required
def queue():
    data = feedback.queue_for(current_user)
    return render_template("portfolio/queue.html", now=utcnow(), **data)


@bp.post("/requests/<int:request_id>/claim")
@login_required
def claim(request_id: int):
    feedback.claim_request(current_user, request_id)
    flash("It is yours to review. Your claim is kept for a while; release it if you cannot finish.", "success")
    return redirect(url_for("portfolio.review", request_id=request_id))


@bp.post("/requests/<int:request_id>/release")
@login_required
def release(request_id: int):
    feedback.release_claim(current_user, request_id)
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
    req = queries.get_request(current_user, request_id)
    reason = rules.can_write_review(current_user, req)
    if reason:
        flash(reason, "error")
        return redirect(url_for("portfolio.queue"))
    form = _review_form()
    if form.validate_on_submit():
        try:
            rv = reviews.submit_review(current_user, req.id, scores_from(form), form.summary.data, form.next_step.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Thank you: your review is sent.", "success")
            return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))
    return render_form("portfolio/review_form.html", form, item=req.item, req=req, review=None,
                       criteria=rubric.criteria(), notebook=queries.notebook_html(req.item))


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit_review(review_id: int):
    rv = queries.own_review(current_user, review_id)
    form = _review_form(obj=rv)
    if form.validate_on_submit():
        try:
            reviews.edit_review(current_user, rv.id, scores_from(form), form.summary.data, form.next_step.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Your review is updated.", "success")
            return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))
    return render_form("portfolio/review_form.html", form, item=rv.item, req=None, review=rv,
                       criteria=rubric.criteria(), notebook=None)


@bp.post("/reviews/<int:review_id>/reply")
@login_required
def reply(review_id: int):
    rv = queries.get_review(current_user, review_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            reviews.reply(current_user, rv.id, form.body.data)
        except ValidationError as exc:
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
    rv = reviews.mark_helpful(current_user, review_id, request.form.get("helpful", "1") == "1")
    return redirect(url_for("portfolio.detail", item_id=rv.item_id, _anchor=f"review-{rv.id}"))


@bp.route("/reviewer", methods=["GET", "POST"])
@login_required
def reviewer():
    mine = queries.reviewer_setting(current_user)
    form = ReviewerForm(obj=mine)
    form.set_skills(queries.filter_skills())
    if not form.is_submitted():
        form.skill_ids.data = ([s.id for s in mine.skills] if mine is not None
                               else queries.suggested_reviewer_skills(current_user))
    if form.validate_on_submit():
        try:
            feedback.set_reviewer_setting(current_user, form.is_opted_in.data, form.skill_ids.data or [])
        except ServiceError as exc:
            show_service_error(form, exc)
        else:
            flash("Your reviewer settings are saved.", "success")
            return redirect(url_for("portfolio.queue"))
    return render_form("portfolio/reviewer.html", form)
