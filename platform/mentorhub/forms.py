"""Form helpers shared by the features."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from .errors import ServiceError


def show_service_error(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's message on the field it names, or on the form as a whole."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        errors = list(field.errors or [])
        errors.append(exc.message)
        field.errors = errors
    else:
        form.form_errors.append(exc.message)


def render_form(template: str, form: FlaskForm, **context):
    """Render a form page: 200 on GET, 400 when a submitted form has errors."""
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status


def options(pairs: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs, or a ``{value: label}`` mapping, as the ``SelectChoice`` options
    WTForms 3.3 asks for (plain tuples in ``choices`` are deprecated)."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [SelectChoice(value, label) for value, label in items]
