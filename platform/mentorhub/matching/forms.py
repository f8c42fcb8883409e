from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation

# The largest id a 32-bit integer column holds; a larger number is a tampered form.
MAX_ID = 2147483647


def _finite(form, field) -> None:
    """Decimal accepts NaN and Infinity, and comparing NaN raises: stop before NumberRange does."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter a number between 0 and 1.")


class CohortForm(FlaskForm):
    emails = TextAreaField("Learners", validators=[Optional()],
                           description="One email address per line. Leave empty to include every learner without a mentor.")
    min_score = DecimalField("Minimum score", places=2,
                             validators=[Optional(), _finite, NumberRange(0, 1, "Enter a number between 0 and 1.")],
                             description="Learners whose best possible mentor scores lower stay unmatched.")
    note = StringField("Note", validators=[Optional()])


class SwapForm(FlaskForm):
    other = IntegerField("Swap mentors with pair",
                         validators=[InputRequired("Enter the number of the pair to swap with."),
                                     NumberRange(1, MAX_ID, "Enter the number of a pair in this round.")])
