"""Matching pages: /matches for learners and mentors, suggested contributors for project
owners, and the admin's cohort rounds. HTTP only: parse, call a service, render."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from ..errors import ValidationError
from ..forms import render_form, show_service_error
from ..pagecache import cached_page
from ..profiles.queries import all_domains
from . import cohorts as cohort_rounds
from . import queries, rules, suggestions, tune
from .forms import CohortForm, SwapForm

bp = Blueprint("matching", __name__)

COMPONENT_LABELS = {
    "skills": "Skills", "domains": "Fields", "text": "Goals and bio", "availability": "Shared time",
    "readiness": "Ready for it", "growth": "Teaches what you want", "difficulty": "Right level", "seats": "Free seats",
}
COMPONENT_COLOURS = {
    "skills": "#2f6f9f", "domains": "#5a9f4a", "text": "#b07a2a", "availability": "#8a4f9e",
    "readiness": "#2f6f9f", "growth": "#5a9f4a", "difficulty": "#b07a2a", "seats": "#8a4f9e",
}

_LABELS_HTML = {name: escape(label) for name, label in COMPONENT_LABELS.items()}
_COLOURS_HTML = {name: escape(colour) for name, colour in COMPONENT_COLOURS.items()}


def score_bar_html(s, width: int = 240) -> Markup:
    """A score bar: one segment per weighted component, as inline SVG, with the figures as text
    too. Built here rather than in a Jinja macro: a page shows up to 30 and it is the page's
    biggest rendering cost. Only numbers and the fixed labels above go in."""
    def colour(name):
        return _COLOURS_HTML.get(name) or escape("#777")

    def label(name):
        return _LABELS_HTML.get(name) or escape(name)

    score = "%.0f" % (s.score * 100)
    rects, x = [], 0
    for name, value in s.weighted.items():
        w = round(value * width, 1)
        if w > 0:
            rects.append(f'<rect x="{x}" y="0" width="{w}" height="14" fill="{colour(name)}"><title>{label(name)}'
                         f'</title></rect>')
        x = x + w
    parts = "".join(f'<span class="score-part"><svg width="10" height="10" aria-hidden="true"><rect width="10" '
                    f'height="10" fill="{colour(name)}"></rect></svg> {label(name)} {"%.0f" % (value * 100)}%</span>'
                    for name, value in s.components.items())
    return Markup(
        f'<figure class="score-bar">\n'
        f'<svg width="{width}" height="14" viewBox="0 0 {width} 14" role="img" aria-label="Score {score} out of 100">'
        f'<title>Score {score} out of 100</title>'
        f'<rect x="0" y="0" width="{width}" height="14" fill="#e6e8eb" rx="3"></rect>{"".join(rects)}</svg>\n'
        f'<figcaption class="score-parts"><span class="score-total"><strong>{score}</strong>/100</span>{parts}'
        f'</figcaption>\n</figure>')


@bp.app_context_processor
def _matching_helpers():
    return {"match_score_bar": score_bar_html}


def _domains():
    return [(d.slug, d.name) for d in all_domains()]


@bp.get("/matches")
@login_required
@cached_page
def matches():
    domain = request.args.get("domain", "").strip() or None
    min_overlap = request.args.get("min_overlap", "").strip() or None
    status = 200
    error = None
    mentors, projects, page, first_rank, more = [], [], 1, 1, False
    try:
        mentors, page, first_rank, more = suggestions.mentor_match_page(current_user, request.args.get("page"),
                                                                  domain=domain, min_overlap=min_overlap)
        projects = suggestions.project_matches(current_user, domain=domain)
    except ValidationError as exc:
        error, status = exc, 400
    learners = suggestions.suggested_learners(current_user)
    empty = None if mentors or error else queries.mentor_empty_reason(current_user, domain, min_overlap)
    return render_template(
        "matching/matches.html", mentors=mentors, projects=projects, learners=learners, empty=empty,
        reach_note=suggestions.reach_note(mentors),
        preparing=not queries.index_ready(),
        gaps=queries.profile_gaps(current_user), ready=queries.is_ready(current_user),
        domains=_domains(), f={"domain": domain or "", "min_overlap": min_overlap or ""}, error=error,
        owned_projects=queries.owned_projects(current_user),
        cards=queries.mentor_card_facts(s.user.id for s in mentors), first_rank=first_rank, more=more,
        page=page,
    ), status


@bp.get("/matches/projects/<int:project_id>/contributors")
@login_required
def contributors(project_id: int):
    project, found = suggestions.suggested_contributors(current_user, project_id)
    return render_template("matching/contributors.html", project=project, found=found,
                           preparing=not queries.index_ready())


# ---- admin: cohort rounds ---------------------------------------------------------------------


@bp.route("/admin/cohorts", methods=["GET", "POST"])
@login_required
def cohorts():
    rounds = cohort_rounds.list_rounds(current_user)
    form = CohortForm()
    if form.validate_on_submit():
        try:
            learner_ids = cohort_rounds.learner_ids_from_emails(current_user, form.emails.data)
            rnd = cohort_rounds.create_round(current_user, learner_ids, form.min_score.data, form.note.data or "")
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash(f"Proposed {sum(1 for p in rnd.pairs if p.mentor_id)} pairs. Review them below.", "success")
            return redirect(url_for("matching.cohort_round", round_id=rnd.id))
    return render_form("matching/cohorts.html", form, rounds=rounds)


def _round_page(rnd, swap_form=None, status: int = 200):
    draft = rules.is_draft(rnd)
    proposed = [p for p in rnd.pairs if rules.is_proposed(p)]
    return render_template("matching/cohort_round.html", rnd=rnd, swap_form=swap_form or SwapForm(),
                           people=cohort_rounds.round_people(rnd), draft=draft, proposed=proposed,
                           changeable={p.id for p in proposed} if draft else set()), status


@bp.get("/admin/cohorts/<int:round_id>")
@login_required
def cohort_round(round_id: int):
    return _round_page(cohort_rounds.get_round(current_user, round_id))


@bp.post("/admin/cohorts/pairs/<int:pair_id>/remove")
@login_required
def cohort_remove(pair_id: int):
    pair = cohort_rounds.remove_pair(current_user, pair_id)
    flash("Pair removed from the round.", "info")
    return redirect(url_for("matching.cohort_round", round_id=pair.round_id))


@bp.post("/admin/cohorts/pairs/<int:pair_id>/swap")
@login_required
def cohort_swap(pair_id: int):
    form = SwapForm()
    if form.validate_on_submit():
        try:
            a, _ = cohort_rounds.swap_pairs(current_user, pair_id, form.other.data)
        except ValidationError as exc:
            show_service_error(form, exc)
        else:
            flash("Mentors swapped.", "success")
            return redirect(url_for("matching.cohort_round", round_id=a.round_id))
    rnd = cohort_rounds.round_of_pair(current_user, pair_id)
    return _round_page(rnd, swap_form=form, status=400)


@bp.post("/admin/cohorts/<int:round_id>/approve")
@login_required
def cohort_approve(round_id: int):
    result = cohort_rounds.approve_round(current_user, round_id)
    flash(f"{result['offered']} offers sent to mentors"
          + (f"; {result['skipped']} pairs skipped because they are no longer possible." if result["skipped"] else "."),
          "success")
    return redirect(url_for("matching.cohort_round", round_id=round_id))


@bp.post("/admin/cohorts/<int:round_id>/discard")
@login_required
def cohort_discard(round_id: int):
    cohort_rounds.discard_round(current_user, round_id)
    flash("Round discarded.", "info")
    return redirect(url_for("matching.cohorts"))


# ---- admin: learned weights ---------------------------------------------------------------------


@bp.get("/admin/match-weights")
@login_required
def weights():
    return render_template("matching/weights.html", **tune.overview(current_user))


@bp.post("/admin/match-weights/rollback")
@login_required
def weights_rollback():
    now_in_use = tune.roll_back(current_user)
    flash(f"Rolled back: the weights fitted on {now_in_use.fitted_at:%Y-%m-%d} are in use again." if now_in_use
          else "Rolled back: the default weights are in use again.", "info")
    return redirect(url_for("matching.weights"))
