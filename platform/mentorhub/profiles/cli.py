"""Commands: taxonomy load, import, export."""
from __future__ import annotations

import click
from flask import Blueprint

from ..db import db
from ..errors import ValidationError

bp = Blueprint("profiles_cli", __name__, cli_group=None)


@bp.cli.group("taxonomy")
def taxonomy_group() -> None:
    """The skills taxonomy (seed/taxonomy.yaml)."""


@taxonomy_group.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def taxonomy_load(path: str | None) -> None:
    """Load or update skills and domains from PATH (default seed/taxonomy.yaml). Safe to run again."""
    from .taxonomy import load_taxonomy

    try:
        report = load_taxonomy(path)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    for line in report.lines():
        click.echo(line)
    if report.retired:
        click.echo("Retired skills stay on the profiles that use them but are no longer offered in pickers.")


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help="File format (default: from the file name).")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and report the bad ones.")
def import_people(path: str, fmt: str | None, skip_invalid: bool) -> None:
    """Import learners and mentors from a CSV or JSON file (see README "Import and export")."""
    from .transfer import import_file

    try:
        report = import_file(path, fmt, skip_invalid)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    for line in report.lines():
        click.echo(line)
    if not report.imported:
        raise click.exceptions.Exit(1)


@bp.cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help="File format (default: from the file name).")
def export_people(path: str, fmt: str | None) -> None:
    """Write every learner and mentor profile to a CSV or JSON file that import reads back."""
    from .transfer import export_file

    try:
        with db.read_only():  # a long read: it never holds SQLite's write lock
            count = export_file(path, fmt)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"exported {count} people to {path}")
