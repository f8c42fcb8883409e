import click
from flask import Blueprint, current_app

bp = Blueprint("scheduler_cli", __name__, cli_group=None)


@bp.cli.command("scheduler")
def scheduler() -> None:
    """Run the scheduler process (one per deployment)."""
    # Imported here on purpose, as in run-job: the runner needs APScheduler and the job registry,
    # which imports every sweep (the match index build pulls in scikit-learn); at start-up that
    # would cost every other command and every web worker time and memory.
    from .runner import run

    run(current_app._get_current_object())


@bp.cli.command("run-job")
@click.argument("job_id")
def run_one(job_id: str) -> None:
    """Run one scheduled job now, e.g. `run-job deliver-outbox`."""
    from .runner import jobs, run_job  # on purpose: only these two commands need them (see above)

    app = current_app._get_current_object()
    by_id = {j.id: j for j in jobs(app)}
    if job_id not in by_id:
        raise click.ClickException(f"unknown job {job_id}; known: {', '.join(by_id)}")
    click.echo(run_job(app, by_id[job_id]))
