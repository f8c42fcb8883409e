"""`flask backup`, `flask restore`, `flask check-config`."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Blueprint, current_app

from .backup import BackupError, take_backup
from .checks import config_problems
from .restore import restore

bp = Blueprint("operations_cli", __name__, cli_group=None)


def _default_workers() -> int:
    value = os.environ.get("WORKERS") or os.environ.get("WEB_CONCURRENCY") or "1"
    return int(value) if value.isdigit() else 1


@bp.cli.command("backup")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Take a consistent online backup into the folder PATH (default: a dated folder in BACKUP_DIR)."""
    try:
        manifest = take_backup(current_app.config, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up {manifest['total_rows']} rows in {len(manifest['tables'])} tables "
               f"({manifest['database']}, schema {manifest['schema_revision']}, {manifest['size']} bytes)")
    for note in manifest["instance"]["notes"]:
        click.echo(f"note: {note}")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore_command(path: Path, force: bool) -> None:
    """Restore the backup folder PATH into DATABASE_URL (stop the app and the scheduler first)."""
    app = current_app._get_current_object()
    try:
        report = restore(app.config, path, force=force, dispose=app.extensions["db_engine"].dispose)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored {report['rows']} rows in {report['tables']} tables; every row count and checksum "
               "matches the backup")
    if report["migrated_to"]:
        click.echo(f"migrated the schema from {report['revision']} to {report['migrated_to']}")
    for note in report["notes"]:
        click.echo(f"note: {note}")


@bp.cli.command("check-config")
@click.option("--workers", type=int, default=_default_workers, show_default="WORKERS or 1",
              help="How many web workers will serve (memory:// rate limits need one).")
@click.option("--starting", is_flag=True, help="Before the scheduler starts: skip its heartbeat check.")
def check_config_command(workers: int, starting: bool) -> None:
    """List every problem with the settings; exit 1 when there is one."""
    problems = config_problems(current_app._get_current_object(), workers=workers, starting=starting)
    env = current_app.config.get("ENV_NAME")
    if not problems:
        click.echo(f"configuration OK ({env})")
        return
    for problem in problems:
        click.echo(f"ERROR {problem}", err=True)
    raise click.exceptions.Exit(1)
