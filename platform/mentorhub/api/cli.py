"""``flask api-token create EMAIL [--scope read|write] [--name N] [--days D]``: prints the token once."""
from __future__ import annotations

import click
from flask import Blueprint

from ..accounts.queries import user_by_email
from ..errors import ServiceError
from . import tokens

bp = Blueprint("api_cli", __name__, cli_group="api-token")


@bp.cli.command("create")
@click.argument("email")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@click.option("--days", type=int, default=None, help="Lifetime in days (API_TOKEN_DAYS by default).")
def create(email: str, scope: str, name: str, days: int | None) -> None:
    """Create a personal access token for EMAIL and print it (it is shown only this once)."""
    user = user_by_email(email)
    if user is None or user.is_deleted:
        raise click.ClickException(f"No account with the address {email}.")
    try:
        token, secret = tokens.create_token(user, user, name, scope, days)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(secret)
    click.echo(f"(token {token.prefix}… for {user.email}, scope {token.scope}, expires "
               f"{token.expires_at:%Y-%m-%d}; it is not shown again)", err=True)
