"""The web import for organisers and admins (/admin/import): upload a CSV or JSON export,
see and edit the column mapping, preview every row with its reading and problems, then
import. HTTP only: the work is profiles/importing.py, the same service as `flask import`."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..errors import PermissionDenied, ValidationError
from . import importing
from .import_forms import PreviewForm, UploadForm, column_choices, mapping_from

bp = Blueprint("profiles_import", __name__)


def _allowed() -> None:
    reason = importing.can_import(current_user)
    if reason:
        raise PermissionDenied(reason)


def _upload_page(form: UploadForm, error: str | None = None, status: int = 200):
    if error:
        form.form_errors.append(error)
    return render_template("profiles/import_upload.html", form=form), status


def _preview_page(form: PreviewForm, plan: importing.Plan, error: str | None = None, status: int = 200):
    if error:
        form.form_errors.append(error)
    return render_template("profiles/import_preview.html", form=form, plan=plan, choices=column_choices(),
                           samples=importing.samples(plan)), status


@bp.get("/admin/import")
@login_required
def start():
    _allowed()
    return _upload_page(UploadForm())


@bp.post("/admin/import")
@login_required
def upload():
    _allowed()
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, status=400)
    file = form.upload.data
    name = (getattr(file, "filename", "") or "").lower()
    if not file or not name:
        return _upload_page(form, "Choose a .csv or .json file to upload.", 400)
    fmt = "json" if name.endswith(".json") else "csv" if name.endswith(".csv") else None
    if fmt is None:
        return _upload_page(form, "Upload a .csv or .json file (from Google Forms, Typeform or Microsoft Forms).", 400)
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return _upload_page(form, "The file is not UTF-8 text. Export it again as CSV (UTF-8).", 400)
    try:
        plan = importing.preview_for(current_user, text, fmt, None, form.default_role.data or None)
    except ValidationError as exc:
        return _upload_page(form, exc.message, 400)
    preview = PreviewForm(formdata=None, source=text, fmt=fmt, default_role=form.default_role.data)
    return _preview_page(preview, plan)


@bp.post("/admin/import/preview")
@login_required
def preview():
    _allowed()
    form = PreviewForm()
    if not form.validate_on_submit() or form.fmt.data not in ("csv", "json"):
        return _upload_page(UploadForm(formdata=None), "The upload was lost; upload the file again.", 400)
    text, fmt, role = form.source.data or "", form.fmt.data, form.default_role.data or None
    try:
        headers = importing.headers_of(text, fmt)
        mapping, bad = mapping_from(request.form, headers)
        plan = importing.preview_for(current_user, text, fmt, mapping if headers else None, role)
    except ValidationError as exc:
        return _upload_page(UploadForm(formdata=None), exc.message, 400)
    if bad:
        return _preview_page(form, plan, f"Choose a column from the list for: {', '.join(bad)}.", 400)
    if request.form.get("action") != "import":
        return _preview_page(form, plan)
    if not plan.header_ok:
        return _preview_page(form, plan, "Map a header to each missing column before importing.", 400)
    plan, report = importing.import_for(current_user, text, fmt, mapping if headers else None, role,
                                        form.skip_invalid.data)
    if not report.imported or report.imported_rows == 0:
        return _preview_page(form, plan, "Nothing was imported: fix the refused rows, or tick "
                                         "“Import the good rows” to skip them.", 400)
    return render_template("profiles/import_result.html", plan=plan, report=report)
