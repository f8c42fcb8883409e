from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import options
from ..timeutil import all_zones
from ..validation import db_ids

FORMAT_CHOICES = options([("online", "Online"), ("in_person", "In person")])
AUDIENCE_CHOICES = options([("everyone", "Everyone"), ("project", "One project team"), ("cohort", "One cohort")])
REPEAT_CHOICES = options([("", "Does not repeat"), ("weekly", "Every week"), ("biweekly", "Every two weeks"),
                          ("monthly", "Every month (same weekday of the month)")])


def _int_or_none(value):
    """A submitted id, or None for an empty, non-numeric or out-of-range value."""
    ids = db_ids([value]) if value is not None else []
    return ids[0] if ids else None


class EventForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=150)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=10000)],
                                description="Markdown: **bold**, lists, links.")
    format = SelectField("Format", choices=FORMAT_CHOICES, default="online")
    online_url = StringField("Meeting link", validators=[Optional(), Length(max=500)],
                             description="Shown only to people who are going. You can add it later.")
    address = StringField("Address", validators=[Optional(), Length(max=300)],
                          description="For meetups in person.")
    timezone = SelectField("Time zone of the times below", validators=[DataRequired()],
                           validate_choice=False)  # checked by the service, with a clearer message
    starts_local = DateTimeLocalField("Starts", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                      validators=[DataRequired(message="Enter when the meetup starts: a real date and time.")])
    ends_local = DateTimeLocalField("Ends", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                    validators=[DataRequired(message="Enter when the meetup ends: a real date and time.")])
    capacity = IntegerField("Capacity", validators=[InputRequired(message="Enter how many people fit."),
                                                    NumberRange(min=1, message="Capacity must be at least 1.")])
    domain_ids = SelectMultipleField("Domains", coerce=int, validators=[Optional()])
    tags = StringField("Tags", validators=[Optional(), Length(max=300)], description="Comma separated, e.g. mlops, pytorch.")
    audience = SelectField("Who is it for", choices=AUDIENCE_CHOICES, default="everyone")
    project_id = SelectField("Project team", coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    cohort_id = SelectField("Cohort", coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    frequency = SelectField("Repeats", choices=REPEAT_CHOICES, default="", validate_choice=False)
    until = DateField("Last date of the series", validators=[Optional()],
                      description="Optional; without it the series runs until you end it.")

    def __init__(self, *args, domains=(), projects=(), cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = options((z, z) for z in all_zones())
        self.domain_ids.choices = options((d.id, d.name) for d in domains)
        self.project_id.choices = options([("", "—")] + [(p.id, p.title) for p in projects])
        self.cohort_id.choices = options([("", "—")] + [(c.id, c.name) for c in cohorts])


class CohortForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])


class CohortMemberForm(FlaskForm):
    user_id = SelectField("Member", coerce=_int_or_none, validators=[DataRequired()], validate_choice=False,
                          description="People you share a cohort, a mentorship or a meetup with.")

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = options([("", "—")] + [(u.id, u.display_name) for u in candidates])


class BestTimeForm(FlaskForm):
    class Meta:
        csrf = False  # a search (GET); creating from a proposal is a separate, protected POST

    group = SelectField("Group", choices=options([("project", "A project team"), ("cohort", "A cohort"),
                                                  ("picked", "Members I pick")]), default="cohort")
    project_id = SelectField("Project team", coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    cohort_id = SelectField("Cohort", coerce=_int_or_none, validators=[Optional()], validate_choice=False)
    member_ids = SelectMultipleField("Members I pick", coerce=_int_or_none, validators=[Optional()],
                                     validate_choice=False,
                                     description="People you share a cohort, a mentorship or a meetup with; "
                                                 "you are included.")
    duration = SelectField("Length", coerce=int, default=60,
                           choices=options([(30, "30 minutes"), (60, "1 hour"), (90, "1 hour 30"), (120, "2 hours")]))
    week = DateField("Week of", validators=[Optional()], description="Any day of the week to plan; next week if empty.")

    def __init__(self, *args, projects=(), cohorts=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id.choices = options([("", "—")] + [(p.id, p.title) for p in projects])
        self.cohort_id.choices = options([("", "—")] + [(c.id, c.name) for c in cohorts])
        self.member_ids.choices = options((u.id, u.display_name) for u in people)
