"""Forms of the projects feature. The services check every value; these only carry them."""
from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..forms import options
from ..profiles.cleaning import LEVEL_NAMES as LEVELS
from ..profiles.queries import all_domains, all_skills, skills_by_category
from .models import COMPUTE_LABELS, DIFFICULTIES, MEMBER_ROLES, STATUS_LABELS

SKILL_ROWS_EXTRA = 3  # blank required-skill rows shown below the filled ones


class SkillRowForm(Form):
    skill = SelectField("Skill", choices=[], validate_choice=False)
    level = SelectField("Minimum level", choices=options((str(k), f"{k} · {v}") for k, v in LEVELS.items()),
                        default="2", validate_choice=False)


class ProjectForm(FlaskForm):
    title = StringField("Title")
    summary = TextAreaField("Summary", description="One short paragraph: the problem and what the team builds.")
    description = TextAreaField("Description", description="Markdown. Context, first steps, how you work together.")
    repo_url = StringField("Repository address", description="https://… (optional)")
    issues_url = StringField("Issue tracker or good-first-issue list", description="https://… (optional)")
    domains = SelectMultipleField("Domains", choices=[], validate_choice=False)
    required_skills = FieldList(FormField(SkillRowForm), min_entries=1)
    learn_skills = SelectMultipleField("Skills a contributor will learn", choices=[], validate_choice=False)
    difficulty = SelectField("Difficulty", choices=options((d, d.capitalize()) for d in DIFFICULTIES),
                             validate_choice=False)
    hours_per_week = IntegerField("Hours per week expected", validators=[Optional()], default=5)
    duration_weeks = IntegerField("Duration in weeks", validators=[Optional()], default=8)
    dataset_name = StringField("Dataset name")
    dataset_url = StringField("Dataset address")
    dataset_licence = StringField("Dataset licence", description="For example CC BY 4.0")
    compute = SelectField("Compute needed", choices=options(COMPUTE_LABELS), validate_choice=False)
    eval_metric = StringField("Evaluation metric", description="For example macro F1, RMSE, recall@10")
    seats = IntegerField("Team size (seats)", validators=[Optional()], default=3)
    champion = BooleanField("I will champion this idea as its mentor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        skills = options((s.slug, s.name) for s in all_skills())
        self.domains.choices = options((d.slug, d.name) for d in all_domains())
        self.learn_skills.choices = list(skills)
        for entry in self.required_skills:
            entry.form.skill.choices = options([("", "—")]) + skills
        self._skill_choices = skills
        # the skill picker (templates/_partials/_skill_picker.html) lists them by category
        self.skill_groups = skills_by_category()
        self.level_options = list(LEVELS.items())

    def pad_skill_rows(self) -> None:
        """Show a few empty rows for new required skills (works without JavaScript)."""
        filled = sum(1 for e in self.required_skills if e.form.skill.data)
        while len(self.required_skills) < filled + SKILL_ROWS_EXTRA:
            self.required_skills.append_entry()
        for entry in self.required_skills:
            entry.form.skill.choices = options([("", "—")]) + self._skill_choices

    def required_levels(self) -> dict[str, str]:
        """{slug: minimum level} from the skill picker's need-<slug> selects and from any
        required_skills-N rows (both are accepted; empty ones are skipped)."""
        levels = {e.form.skill.data: e.form.level.data for e in self.required_skills if e.form.skill.data}
        if self.is_submitted():
            levels.update({key[5:]: value for key, value in request.form.items()
                           if key.startswith("need-") and value.strip()})
        return levels

    def service_data(self) -> dict:
        return {
            "title": self.title.data, "summary": self.summary.data, "description": self.description.data,
            "repo_url": self.repo_url.data, "issues_url": self.issues_url.data, "domains": self.domains.data,
            "required_skills": [{"skill": slug, "level": level} for slug, level in self.required_levels().items()],
            "learn_skills": self.learn_skills.data, "difficulty": self.difficulty.data,
            "hours_per_week": self.hours_per_week.data, "duration_weeks": self.duration_weeks.data,
            "dataset_name": self.dataset_name.data, "dataset_url": self.dataset_url.data,
            "dataset_licence": self.dataset_licence.data, "compute": self.compute.data,
            "eval_metric": self.eval_metric.data, "seats": self.seats.data, "champion": self.champion.data,
        }


class ApplyForm(FlaskForm):
    motivation = TextAreaField("Why this project, and what you bring",
                               description="A few sentences are enough: what draws you, what you know, "
                               "how much time you have.")


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", description="The person reads this.")


class MilestoneForm(FlaskForm):
    title = StringField("New milestone")


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=options(STATUS_LABELS), validate_choice=False)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options((r, r.capitalize()) for r in MEMBER_ROLES), validate_choice=False)
