"""What can be reported: for each kind, how to find it (through its feature's queries, as the
reporter may see it) and how to hide it (through its feature's write module)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..accounts.queries import users_by_id
from ..mentoring.community_queries import message_for_report
from ..mentoring.requests import hide_message
from ..portfolio.items import hide_item
from ..portfolio.queries import item_for_report, review_for_report
from ..portfolio.reviews import hide_review
from ..projects.community_queries import idea_for_report
from ..projects.ideas import hide_idea
from ..urls import path_for

HIDDEN_NOTICE = "[Hidden by the moderators.]"


@dataclass(frozen=True)
class Target:
    user_id: int  # the member responsible
    excerpt: str
    link: str | None  # where an admin sees it in place


def _person(target_id: int, viewer) -> Target | None:
    user = users_by_id([target_id]).get(target_id)
    if user is None or user.is_deleted:
        return None
    return Target(user.id, user.display_name, path_for("profiles.person", user_id=user.id))


def _message(target_id: int, viewer) -> Target | None:
    found = message_for_report(target_id)
    if found is None or viewer.id not in found[2]:  # only the two people in the conversation see it
        return None
    return Target(found[0], found[1], None)


def _item(target_id: int, viewer) -> Target | None:
    found = item_for_report(target_id, viewer)
    return None if found is None else Target(found[0], found[1], path_for("portfolio.detail", item_id=target_id))


def _review(target_id: int, viewer) -> Target | None:
    found = review_for_report(target_id, viewer)
    return None if found is None else Target(found[0], found[1], path_for("portfolio.detail", item_id=found[2]))


def _idea(target_id: int, viewer) -> Target | None:
    found = idea_for_report(target_id)
    return None if found is None else Target(found[0], found[1],
                                             path_for("projects.detail", project_id=target_id))


FIND: dict[str, Callable[[int, object], Target | None]] = {
    "person": _person, "message": _message, "portfolio_item": _item, "review": _review, "project_idea": _idea,
}
# kinds whose content can be hidden (a person is warned or suspended instead)
HIDE: dict[str, Callable[[int], None]] = {
    "message": lambda target_id: hide_message(target_id, HIDDEN_NOTICE),
    "portfolio_item": hide_item,
    "review": lambda target_id: hide_review(target_id, HIDDEN_NOTICE),
    "project_idea": hide_idea,
}
