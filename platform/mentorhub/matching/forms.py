from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional


class CohortForm(FlaskForm):
    emails = TextAreaField("Learners", validators=[Optional()],
                           description="One email address per line. Leave empty to include every learner without a mentor.")
    min_score = DecimalField("Minimum score", places=2, validators=[Optional(), NumberRange(0, 1)],
                             description="Learners whose best possible mentor scores lower stay unmatched.")
    note = StringField("Note", validators=[Optional()])


class SwapForm(FlaskForm):
    other = IntegerField("Swap mentors with pair", validators=[DataRequired()])
