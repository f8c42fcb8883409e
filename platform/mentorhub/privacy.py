"""Personal data across features: the data export and account deletion (layer 6, the top).

Each feature exports and erases its own rows through its ``privacy`` hooks,
``export_user_data(user) -> dict`` and ``erase_user_data(user) -> None`` (no commit), listed
here explicitly (no discovery). An erase deletes what is only the user's own and anonymises
what other people still need. Accounts run last: their erase anonymises the account itself.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from flask import Flask

from .accounts import privacy as accounts
from .accounts.models import User
from .accounts.passwords import require_password
from .accounts.views import PRIVACY_EXTENSION
from .api import privacy as api
from .db import db
from .events import privacy as events
from .matching import privacy as matching
from .mentoring import privacy as mentoring
from .notifications import privacy as notifications
from .outcomes import privacy as outcomes
from .portfolio import privacy as portfolio
from .profiles import privacy as profiles
from .projects import privacy as projects
from .reports import privacy as reports
from .webhooks import privacy as webhooks

# (export key, export, erase), in the order of the export file.
SECTIONS: tuple[tuple[str, Callable[[User], dict], Callable[[User], None]], ...] = (
    ("api", api.export_user_data, api.erase_user_data),
    ("events", events.export_user_data, events.erase_user_data),
    ("matching", matching.export_user_data, matching.erase_user_data),
    ("mentoring", mentoring.export_user_data, mentoring.erase_user_data),
    ("notifications", notifications.export_user_data, notifications.erase_user_data),
    ("outcomes", outcomes.export_user_data, outcomes.erase_user_data),
    ("profiles", profiles.export_user_data, profiles.erase_user_data),
    ("portfolio", portfolio.export_user_data, portfolio.erase_user_data),
    ("projects", projects.export_user_data, projects.erase_user_data),
    ("reports", reports.export_user_data, reports.erase_user_data),
    ("webhooks", webhooks.export_user_data, webhooks.erase_user_data),
)


def export_data(user: User) -> dict:
    """Everything stored about ``user``: the account at the top, then one key per feature."""
    data = accounts.export_user_data(user)
    for name, export, _erase in SECTIONS:
        data[name] = export(user)
    return data


def delete_account(user: User, password: str) -> None:
    """Deletes personal data, anonymises what others still need (see templates/accounts/delete.html)."""
    require_password(user, password)
    for _name, _export, erase in SECTIONS:
        erase(user)
    accounts.erase_user_data(user)
    db.session.commit()


class PrivacyHooks(NamedTuple):
    export_data: Callable[[User], dict]
    delete_account: Callable[[User, str], None]


def init_app(app: Flask) -> None:
    """Hands export and deletion to the accounts pages (accounts/views.py), which sit below the
    features the two span and so cannot import this module."""
    app.extensions[PRIVACY_EXTENSION] = PrivacyHooks(export_data, delete_account)
