"""Forms of the mentoring feature. Rules (lengths, required fields) are checked by the services."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from ..forms import options
from .models import CADENCES

SCORES = options([("5", "5 – excellent"), ("4", "4 – good"), ("3", "3 – fine"), ("2", "2 – poor"),
                  ("1", "1 – very poor")])


class RequestForm(FlaskForm):
    goals = TextAreaField("What do you want to reach with a mentor?",
                          description="For example: ship a first model to production, or prepare for ML interviews.")
    background = TextAreaField("Your background", description="Where you come from and what you already know.")
    expectations = TextAreaField("What you expect from your mentor")
    cadence = SelectField("How often would you like to meet?", choices=options(CADENCES), default="biweekly")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason")


class MessageForm(FlaskForm):
    message = TextAreaField("Message")


class GoalForm(FlaskForm):
    title = StringField("New goal")


class EndForm(FlaskForm):
    score = RadioField("Your private rating", choices=SCORES, validate_choice=False)
    comment = TextAreaField("Private comment", description="Only the community team sees this.")
    rematch = BooleanField("I would like to be matched with a different mentor")


class RateForm(FlaskForm):
    score = RadioField("Your private rating", choices=SCORES, validate_choice=False)
    comment = TextAreaField("Private comment")


class BookForm(FlaskForm):
    starts_at = RadioField("Choose a time", choices=[], validate_choice=False)
    agenda = TextAreaField("Agenda (shared with your mentor)")


class SessionDetailsForm(FlaskForm):
    agenda = TextAreaField("Edit the agenda")
    meeting_url = StringField("Meeting link")


class NoteForm(FlaskForm):
    body = TextAreaField("Note", description="Only you can see this.")


class ActionForm(FlaskForm):
    title = StringField("New action item")


class CheckinForm(FlaskForm):
    progress = TextAreaField("Progress since the last check-in")
    blockers = TextAreaField("Blockers")
    next_steps = TextAreaField("Next steps")


class ResponseForm(FlaskForm):
    response = TextAreaField("Your response")
