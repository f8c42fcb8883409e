"""Commands: taxonomy load, import, export."""
from __future__ import annotations

import click
from flask import Blueprint

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
