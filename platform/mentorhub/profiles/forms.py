"""Profile forms. The services check every value; these forms carry and redisplay them.

Skills, skills to learn and availability windows are many small inputs (one level select
per skill, one row per window) parsed by ``skill_levels_from`` and ``windows_from`` so that
the page works without JavaScript.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from ..errors import ValidationError
from ..validation import ascii_int
from . import availability as av


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):  # the service names unknown values
        pass


class _ProfileForm(FlaskForm):
    headline = StringField("Headline", description="One line about you, such as 'Data analyst moving into MLOps'.")
    timezone = StringField("Time zone", description="An IANA time zone such as Europe/Berlin; your availability is in this zone.")
    domains = MultiCheckboxField("Domains of interest", choices=[])
    github_url = StringField("GitHub")
    linkedin_url = StringField("LinkedIn")
    website_url = StringField("Personal site")
    # Parsed from many inputs by the view; these hold the errors.
    skills = HiddenField("Skills")
    windows = HiddenField("Weekly availability")


class LearnerForm(_ProfileForm):
    background = SelectField("Background", choices=[], validate_choice=False)
    goals = TextAreaField("Goals", description="In your own words: what do you want to be able to do?")
    target_track = SelectField("Target track", choices=[], validate_choice=False)
    stage = SelectField("Stage on the roadmap", choices=[], validate_choice=False)
    hours_per_week = StringField("Hours per week you can give")
    wanted = HiddenField("Skills you want to learn")
    languages = StringField("Languages you speak", description="Separated by commas, such as English, Deutsch.")
    is_public = BooleanField("Show my learner profile to everyone",
                             description="Off: only logged-in members see it. Your mentor profile is always public.")


class MentorForm(_ProfileForm):
    bio = TextAreaField("Bio", description="Markdown is allowed.")
    years_experience = StringField("Years of experience")
    current_role = StringField("Current role (optional)")
    capacity = StringField("Capacity", description="The most mentees you take at once, from 0 to 10.")
    is_accepting = BooleanField("Accepting new mentees")
    session_minutes = SelectField("Preferred session length", choices=[], validate_choice=False)
    languages = StringField("Languages you mentor in", description="Separated by commas, such as English, Deutsch.")
    pref_stages = MultiCheckboxField("Learners you like to mentor: roadmap stages",
                                     description="Leave all unticked to mentor people at any stage.", choices=[])
    pref_domains = MultiCheckboxField("Learners you like to mentor: fields",
                                      description="Leave all unticked for any field.", choices=[])


class DeleteForm(FlaskForm):
    pass


def skill_levels_from(form_data) -> dict[str, int | str]:
    """{'pytorch': '3'} from the inputs named level-<slug> with a chosen level."""
    return {key[6:]: value for key, value in form_data.items() if key.startswith("level-") and value.strip()}


def window_rows_from(form_data) -> list[dict[str, str]]:
    """The posted rows win-<i>-day / -start / -end in order, stripped, without empty rows."""
    indices = sorted({i for i in (ascii_int(k.split("-")[1]) for k in form_data if k.startswith("win-"))
                      if i is not None})
    rows = [{part: (form_data.get(f"win-{i}-{part}") or "").strip() for part in ("day", "start", "end")}
            for i in indices]
    return [r for r in rows if r["day"] or r["start"] or r["end"]]


def windows_from(form_data) -> list[tuple[int, int, int]]:
    """Windows from the posted rows; half-filled rows are errors."""
    windows = []
    for row in window_rows_from(form_data):
        day, start, end = row["day"], row["start"], row["end"]
        if not (day and start and end):
            raise ValidationError("Each availability window needs a day, a start time and an end time.", field="windows")
        windows.append((av.parse_weekday(day), av.parse_minute(start), av.parse_minute(end, is_end=True)))
    return windows
