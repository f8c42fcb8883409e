"""Forms of the web import (/admin/import). The column selects are one per header of the
uploaded file, so the view reads them as ``map-<i>`` from the request (``mapping_from``)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField

from ..forms import options
from .intake.columns import TARGETS

ROLE_CHOICES = [("", "From the file's role column"), ("learner", "Everyone is a learner"),
                ("mentor", "Everyone is a mentor")]


class UploadForm(FlaskForm):
    upload = FileField("Form export (.csv or .json)")
    default_role = SelectField("Role", choices=options(ROLE_CHOICES), default="")


class PreviewForm(FlaskForm):
    source = HiddenField()
    fmt = HiddenField()
    default_role = SelectField("Role", choices=options(ROLE_CHOICES), default="")
    skip_invalid = BooleanField("Import the good rows and skip the refused ones")


def column_choices() -> list[tuple[str, str]]:
    return [("", "— not imported —"), *((c, c) for c in TARGETS)]


def mapping_from(form_data, headers: list[str]) -> tuple[dict[str, str | None], list[str]]:
    """The mapping chosen in the selects, and the headers whose choice is not a column."""
    mapping, bad = {}, []
    for i, header in enumerate(headers):
        value = (form_data.get(f"map-{i}") or "").strip()
        if value and value not in TARGETS:
            bad.append(header)
            value = ""
        mapping[header] = value or None
    return mapping, bad
