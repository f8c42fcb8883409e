"""The matching permission questions: None (allowed) or the reason people see. No database."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from mentorhub.errors import PermissionDenied
from mentorhub.matching import rules
from mentorhub.projects import rules as project_rules


def person(uid: int, admin: bool = False):
    return SimpleNamespace(id=uid, is_admin=admin, is_authenticated=True)


ME, OTHER, ADMIN = person(1), person(2), person(9, admin=True)
PROJECT = SimpleNamespace(id=5, owner_id=1, champion_id=3)


def test_matches_are_for_the_person_and_admins():
    assert rules.can_see_matches(ME, ME) is None and rules.can_see_matches(ADMIN, ME) is None
    for actor in (OTHER, None, AnonymousUserMixin(), SimpleNamespace(id=1, is_admin=True)):  # no is_authenticated
        assert rules.can_see_matches(actor, ME) == "You can only see your own matches."


def test_cohort_rounds_are_for_admins():
    assert rules.can_run_cohorts(ADMIN) is None
    for actor in (ME, None, AnonymousUserMixin(), SimpleNamespace(id=9, is_admin=True)):
        assert "administrators" in rules.can_run_cohorts(actor)


def test_contributors_follow_the_projects_rule_owner_champion_or_admin():
    for actor in (ME, person(3), ADMIN):
        assert project_rules.can_see_contributors(actor, PROJECT) is None
    for actor in (OTHER, None, AnonymousUserMixin()):
        assert "owner" in project_rules.can_see_contributors(actor, PROJECT)


def test_round_and_pair_states_and_require():
    assert rules.is_draft(SimpleNamespace(status="draft")) and not rules.is_draft(SimpleNamespace(status="approved"))
    assert rules.is_proposed(SimpleNamespace(status="proposed"))
    assert not rules.is_proposed(SimpleNamespace(status="removed"))
    rules.require(None)
    with pytest.raises(PermissionDenied):
        rules.require("No.")
