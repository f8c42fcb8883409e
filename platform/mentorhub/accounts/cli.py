import click
from flask import Blueprint

from ..errors import ValidationError
from .admin import create_admin as make_admin_account

bp = Blueprint("accounts_cli", __name__, cli_group=None)


@bp.cli.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="Display name for a new account.")
@click.option("--password", default=None, help="Password for a new account (otherwise an invitation is mailed).")
def create_admin(email: str, name: str | None, password: str | None) -> None:
    """Make EMAIL an admin (creating the account if needed)."""
    try:
        user, created = make_admin_account(email, name, password)
    except ValidationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{'Created' if created else 'Updated'} admin {user.email}")
