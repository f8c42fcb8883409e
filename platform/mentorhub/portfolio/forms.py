"""Portfolio forms. Rules live in rules.py and the writes that use them; these forms only parse."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import options
from ..profiles.queries import skill_groups
from . import rubric
from .models import STATUS_LABELS, VISIBILITY_LABELS


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ItemForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=160)])
    summary = TextAreaField("Summary", validators=[Length(max=500)],
                            description="One or two sentences: what you built and why.")
    body = TextAreaField("Write-up", description="Markdown. Explain the problem, the data, what you tried and what you learned.")
    # the service checks links against PORTFOLIO_URL_MAX (one limit, a setting)
    repo_url = URLField("Repository link", validators=[Optional()])
    demo_url = URLField("Demo link", validators=[Optional()])
    notebook = FileField("Jupyter notebook (.ipynb)",
                         description="Optional. Shown read-only: nothing in it is run, and only text and PNG/JPEG outputs are shown.")
    remove_notebook = BooleanField("Remove the current notebook")
    skill_ids = SelectMultipleField("Skills", coerce=int, validate_choice=False)
    domain_ids = SelectMultipleField("Domains", coerce=int, validate_choice=False)
    project_id = SelectField("Project idea", coerce=_int_or_none, validate_choice=False)
    visibility = SelectField("Who can see it", choices=options(VISIBILITY_LABELS), default="members")
    status = SelectField("Status", choices=options(STATUS_LABELS), default="draft")
    update_note = TextAreaField("What changed?", validators=[Length(max=4000)],
                                description="Shown to people who already reviewed this work.")

    def set_choices(self, skills, domains, projects) -> None:
        self.skill_ids.choices = options((s.id, s.name) for s in skills)
        self.skill_groups = skill_groups(skills)  # for the skill picker
        self.domain_ids.choices = options((d.id, d.name) for d in domains)
        self.project_id.choices = options([(None, "— none —")] + list(projects))

    def data_for_service(self) -> dict:
        return {
            "title": self.title.data, "summary": self.summary.data, "body": self.body.data,
            "repo_url": self.repo_url.data, "demo_url": self.demo_url.data,
            "visibility": self.visibility.data, "status": self.status.data,
            "skill_ids": self.skill_ids.data or [], "domain_ids": self.domain_ids.data or [],
            "project_id": self.project_id.data,
        }


class RequestForm(FlaskForm):
    mode = RadioField("Who should review it?", choices=options([("community", "The community review queue"),
                                                                 ("mentor", "My mentor")]), default="community")
    mentor_id = SelectField("Mentor", coerce=_int_or_none, validate_choice=False)
    note = TextAreaField("What would you like feedback on?", validators=[Length(max=4000)])


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply", validators=[DataRequired(), Length(max=4000)])


class ReviewerForm(FlaskForm):
    is_opted_in = BooleanField("Offer me work to review (peer reviewer)")
    skill_ids = SelectMultipleField("Skills I can review", coerce=int, validate_choice=False,
                                    description="Leave empty to be offered everything.")

    def set_skills(self, skills) -> None:
        self.skill_ids.choices = options((s.id, s.name) for s in skills)
        self.skill_groups = skill_groups(skills)  # for the skill picker


def review_form_class():
    """A form with a 1-4 score and a comment for every rubric criterion."""
    scale = rubric.scale()
    attrs = {
        "summary": TextAreaField("Overall summary", validators=[DataRequired(), Length(max=4000)]),
        "next_step": TextAreaField("Suggested next step", validators=[DataRequired(), Length(max=4000)]),
    }
    for crit in rubric.criteria():
        attrs[f"score_{crit.slug}"] = RadioField(
            crit.name, choices=options((str(n), f"{n} · {scale[n]}") for n in (1, 2, 3, 4)),
            validators=[DataRequired(message="Choose a score from 1 to 4.")])
        attrs[f"comment_{crit.slug}"] = TextAreaField(f"Comment on {crit.name.lower()}",
                                                      validators=[Length(max=4000)])
    return type("ReviewForm", (FlaskForm,), attrs)


def scores_from(form) -> dict:
    return {c.slug: (getattr(form, f"score_{c.slug}").data, getattr(form, f"comment_{c.slug}").data)
            for c in rubric.criteria()}
