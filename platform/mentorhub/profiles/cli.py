"""Commands: taxonomy load, import, export."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint

from ..db import db
from ..errors import ValidationError
from . import importing
from .intake.columns import read_map
from .taxonomy import load_taxonomy
from .transfer import export_file

bp = Blueprint("profiles_cli", __name__, cli_group=None)


@bp.cli.group("taxonomy")
def taxonomy_group() -> None:
    """The skills taxonomy (seed/taxonomy.yaml)."""


@taxonomy_group.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def taxonomy_load(path: str | None) -> None:
    """Load or update skills and domains from PATH (default seed/taxonomy.yaml). Safe to run again."""
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
@click.option("--map", "map_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YAML or JSON file mapping the file's headers to import columns (default: by meaning).")
@click.option("--role", "default_role", type=click.Choice(["learner", "mentor"]), default=None,
              help="Role of every row when the file has no role column.")
@click.option("--dry-run", is_flag=True, help="Print the reading of every row and cell; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows and report the bad ones.")
def import_people(path: str, fmt: str | None, map_path: str | None, default_role: str | None, dry_run: bool,
                  skip_invalid: bool) -> None:
    """Import learners and mentors from a CSV or JSON export, such as a Google Forms, Typeform
    or Microsoft Forms one (see README "Import and export")."""
    fmt = fmt or Path(path).suffix.lstrip(".").lower()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        mapping = read_map(Path(map_path).read_text(encoding="utf-8")) if map_path else None
        plan = importing.plan_import(text, fmt, mapping, default_role)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"Cannot read the file: {exc}") from None
    except ValueError as exc:  # the map file
        raise click.ClickException(str(exc)) from None
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    for line in importing.mapping_lines(plan):
        click.echo(line)
    if not plan.header_ok:
        for row, column, reason in plan.errors:
            click.echo(f"row {row}, column {column}: {reason}")
        click.echo("nothing imported: the header cannot be mapped.")
        raise click.exceptions.Exit(1)
    if dry_run:
        for line in [*importing.row_lines(plan), *importing.summary_lines(plan, None, skip_invalid)]:
            click.echo(line)
        good = {r.number for r in plan.rows} - plan.bad_rows
        raise click.exceptions.Exit(0 if good and (skip_invalid or not plan.errors) else 1)
    for row, column, reason in plan.errors:
        click.echo(f"row {row}, column {column}: {reason}")
    for rec in plan.records:
        for cell in rec.flags:
            click.echo(f"row {rec.number}, column {cell.column}: note: {cell.flag}")
    report = importing.run_import(plan, skip_invalid)
    for line in importing.summary_lines(plan, report, skip_invalid):
        click.echo(line)
    if not report.imported or report.imported_rows == 0:
        raise click.exceptions.Exit(1)


@bp.cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help="File format (default: from the file name).")
def export_people(path: str, fmt: str | None) -> None:
    """Write every learner and mentor profile to a CSV or JSON file that import reads back."""
    try:
        with db.read_only():  # a long read: it never holds SQLite's write lock
            count = export_file(path, fmt)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"exported {count} people to {path}")
