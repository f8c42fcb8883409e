"""Registers each feature's commands, explicitly."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask, current_app

from .accounts.cli import bp as accounts_cli
from .api.cli import bp as api_cli
from .db import db
from .matching.cli import bp as matching_cli
from .operations.cli import bp as operations_cli
from .profiles.cli import bp as profiles_cli
from .projects.cli import bp as projects_cli
from .scheduler.cli import bp as scheduler_cli

core_cli = Blueprint("core_cli", __name__, cli_group=None)


@core_cli.cli.command("migrate")
@click.option("--revision", default="head", show_default=True)
def migrate(revision: str) -> None:
    """Upgrade the database schema (Alembic)."""
    # Imported here on purpose: Alembic is only needed by `flask migrate`; importing it at start-up
    # costs about 0.2 s of CPU and several MiB for every other command and every web worker.
    from .schema_migrations import upgrade

    url = current_app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade(url, revision)
    click.echo(f"database at {revision}")


@core_cli.cli.command("seed")
@click.option("--demo", is_flag=True, help="Load the demo community (safe to run again).")
@click.option("--scale", type=int, default=None, help="Generate N learners and N/5 mentors for benchmarks.")
def seed(demo: bool, scale: int | None) -> None:
    """Load seed data: the taxonomy and project ideas always; the demo community with --demo."""
    # Imported here on purpose: the demo data pulls in nbformat (portfolio notebooks), which only
    # `flask seed` needs (tests/core/test_startup_imports.py).
    from . import demo as demo_data

    if scale:
        demo_data.load_scale(scale)
    else:
        demo_data.load(with_demo=demo)
    db.refresh_planner_stats()


def register_commands(app: Flask) -> None:
    for bp in (core_cli, accounts_cli, profiles_cli, projects_cli, scheduler_cli, matching_cli, operations_cli, api_cli):
        app.register_blueprint(bp)
