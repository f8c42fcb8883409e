"""Commands: ``matches EMAIL`` prints someone's matches; ``cohort-match`` runs a matching round;
``match-index build`` publishes a new match index and ``match-index status`` describes it;
``match-tune`` learns the component weights from outcomes."""
from __future__ import annotations

import json
import sys

import click
from flask import Blueprint, current_app
from flask.cli import AppGroup

from .. import generations as changes
from ..accounts.queries import first_admin, user_by_email
from ..errors import ServiceError
from . import cohorts, queries, store, suggestions, tune
from .reader import index_root, weights_from_config

bp = Blueprint("matching_cli", __name__, cli_group=None)
index_cli = AppGroup("match-index", help="Build and inspect the shared match index.")
bp.cli.add_command(index_cli)


def _user_by_email(email: str):
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the address {email}.")
    return user


def _system_admin(email: str | None):
    if email:
        user = _user_by_email(email)
        if not user.is_admin:
            raise click.ClickException(f"{email} is not an administrator.")
        return user
    user = first_admin()
    if user is None:
        raise click.ClickException("No administrator account exists; create one or use --dry-run.")
    return user


def _bar(value: float, width: int = 20) -> str:
    n = max(0, min(width, round(value * width)))
    return "#" * n + "." * (width - n)


@bp.cli.command("matches")
@click.argument("email")
@click.option("--projects", "show_projects", is_flag=True, help="Show matching projects instead of mentors.")
@click.option("--top", "top", type=int, default=None, help="How many suggestions (default MATCH_TOP_K).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def matches(email: str, show_projects: bool, top: int | None, as_json: bool) -> None:
    """Print the explained matches of the person with EMAIL."""
    user = _user_by_email(email)
    try:
        found = (suggestions.project_matches(user, user, k=top) if show_projects
                 else suggestions.mentor_matches(user, user, k=top))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if as_json:
        click.echo(json.dumps({"user": user.email, "kind": "projects" if show_projects else "mentors",
                               "matches": [s.as_dict() for s in found]}, indent=2))
        return
    if not found:
        if not queries.index_ready():
            click.echo("Matches are being prepared: no match index is published yet (run `flask match-index build`).")
            return
        gaps = queries.profile_gaps(user)
        click.echo("No matches yet." + ("".join(f"\n  - {g}" for g in gaps)))
        return
    for rank, s in enumerate(found, 1):
        name = s.project.title if show_projects else s.user.display_name
        click.echo(f"{rank:>2}. {name}  score {s.score:.3f}  [{_bar(s.score)}]")
        click.echo("    " + "  ".join(f"{k} {v:.2f}" for k, v in s.components.items()))
        click.echo(f"    {s.reason}")
        if s.overlap_windows:
            click.echo(f"    free together ({user.timezone}): {', '.join(s.overlap_windows)}")


@bp.cli.command("cohort-match")
@click.option("--dry-run", is_flag=True, help="Print the proposed pairs without saving a round.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--min-score", type=float, default=None, help="Leave learners unmatched below this score.")
@click.option("--admin", "admin_email", default=None, help="Administrator the round is recorded for.")
def cohort_match(dry_run: bool, as_json: bool, min_score: float | None, admin_email: str | None) -> None:
    """Assign every unmatched learner to a mentor with free places (exact, under capacities).

    Without --dry-run the proposal is saved as a draft round an administrator reviews and
    approves on the cohort page."""
    admin = None if dry_run else _system_admin(admin_email)
    learner_ids = cohorts.unmatched_learner_ids()
    with click.progressbar(length=max(1, len(learner_ids)), label="Scoring learners",
                           file=sys.stderr) as bar:
        try:
            if dry_run:
                plan = cohorts.plan_cohort(learner_ids, min_score, progress=bar.update)
                rows = [(p.learner, p.mentor, p.score, p.reason) for p in plan]
                round_id = None
            else:
                rnd = cohorts.create_round(admin, learner_ids, min_score, note="command line",
                                            progress=bar.update)
                people = cohorts.round_people(rnd)
                rows = [(people[p.learner_id], people.get(p.mentor_id), p.score, p.reason) for p in rnd.pairs]
                round_id = rnd.id
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
    matched = [r for r in rows if r[1] is not None]
    total = sum(r[2] for r in matched)
    if as_json:
        click.echo(json.dumps({
            "round": round_id, "dry_run": dry_run, "learners": len(rows), "matched": len(matched),
            "total_score": round(total, 4),
            "pairs": [{"learner": lr.email, "mentor": m.email if m else None, "score": round(s, 4), "reason": why}
                      for lr, m, s, why in rows]}, indent=2))
        return
    for learner, mentor, score, reason in rows:
        if mentor is None:
            click.echo(f"{learner.email:<40} unmatched")
        else:
            click.echo(f"{learner.email:<40} -> {mentor.email:<40} {score:.3f}  {reason}")
    click.echo(f"{len(matched)} of {len(rows)} learners matched, total score {total:.3f}.")
    if round_id:
        click.echo(f"Saved as draft round {round_id}; review and approve it on the cohort page.")


@index_cli.command("build")
def index_build() -> None:
    """Build the match index from the database and publish it (what the scheduler does)."""
    # Imported here, not at the top: the build needs scikit-learn, which takes one to two
    # seconds to import, and no other command (``flask matches`` above all) should pay for it.
    from . import publish

    meta = publish.build_and_publish()
    publish.prune()
    click.echo(f"Published match index {meta['build_id']}: change-log position {meta['seq']}, "
               f"read {meta['read_seconds']:.2f} s, published in {meta['publish_seconds']:.2f} s.")


@index_cli.command("status")
def index_status() -> None:
    """Show the published build and how many changes wait to be folded into the next one."""
    meta = store.published_meta(index_root())
    if meta is None:
        raise click.ClickException("No match index is published yet; run `flask match-index build`.")
    count, taxonomy = changes.pending(meta["seq"])
    click.echo(f"build {meta['build_id']} (week of {meta['week_start']}, built {meta['built_at']}), "
               f"{count} changes since{' including skills or domains' if taxonomy else ''}")


@bp.cli.command("match-tune")
def match_tune() -> None:
    """Fit the mentor component weights on the recorded outcomes; save them only when they rank
    the newest (held-out) outcomes better than the weights in use."""
    base = weights_from_config(current_app.config)
    current, learned = tune.weights_in_use(base)
    click.echo("weights in use: " + ", ".join(f"{k} {v:.3f}" for k, v in current.items())
               + (f" (learned, set {learned.id})" if learned else " (the settings' defaults)"))
    try:
        result = tune.run_tuning(base)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if result.status == "too few":
        click.echo(result.message)
        return
    click.echo(f"outcomes: {result.samples} labelled ({result.train} to fit, {result.heldout} held out, newest)")
    click.echo(f"before: AUC {result.before['auc']:.3f}  NDCG {result.before['ndcg']:.3f}")
    click.echo(f"after:  AUC {result.after['auc']:.3f}  NDCG {result.after['ndcg']:.3f}")
    if result.weights:
        click.echo("fitted: " + ", ".join(f"{k} {v:.3f}" for k, v in result.weights.items()))
    click.echo(result.message)
