"""Commands of the projects feature."""
from __future__ import annotations

import click
from flask import Blueprint

from . import jobs

bp = Blueprint("projects_cli", __name__, cli_group=None)


@bp.cli.command("projects-mark-stale")
def mark_stale() -> None:
    """Mark project ideas with no recent activity as stale (the scheduler does this daily)."""
    count = jobs.mark_stale_projects()
    click.echo(f"{count} idea(s) marked stale")
