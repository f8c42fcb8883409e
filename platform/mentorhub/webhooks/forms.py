from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import options
from .models import EVENTS, TARGETS


class WebhookForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    target = SelectField("Kind of endpoint", choices=options(TARGETS))
    url = StringField("Endpoint address", validators=[DataRequired(), Length(max=2000)])
    events = SelectMultipleField("Send these events", choices=options(EVENTS),
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
