"""Which features hold personal data: each gives an export and an erase function.

Listed explicitly (no discovery). Each erase deletes what is only the user's own and
anonymises what other people still need; it must not commit (delete_account does).
"""
from __future__ import annotations


def sections():
    from ..events import privacy as events
    from ..matching import privacy as matching
    from ..mentoring import privacy as mentoring
    from ..notifications import services as notifications
    from ..portfolio import privacy as portfolio
    from ..profiles import privacy as profiles_privacy
    from ..projects import privacy as projects

    return [
        ("events", events.export_user_data, events.erase_user_data),
        ("matching", matching.export_user_data, matching.erase_user_data),
        ("mentoring", mentoring.export_user_data, mentoring.erase_user_data),
        ("notifications", notifications.export_user_data, notifications.erase_user_data),
        ("profiles", profiles_privacy.export_user_data, profiles_privacy.erase_user_data),
        ("portfolio", portfolio.export_user_data, portfolio.erase_user_data),
        ("projects", projects.export_user_data, projects.erase_user_data),
    ]
