"""Sections that higher features add to a person's page (their project outcomes, meetups,
portfolio). Profiles sit below those features, so they register here instead of being imported:
each entry is ``load(person, viewer) -> plain data``, run by the view before the page renders.
The entries are made when the features' panels modules are imported: core/views.py imports every
one of them for the dashboard, so they are all in place once create_app has registered it."""
from __future__ import annotations

from typing import Callable

from ..accounts.models import User

PersonSection = Callable[[User, User | None], object]

_SECTIONS: dict[str, PersonSection] = {}


def person_section(name: str) -> Callable[[PersonSection], PersonSection]:
    """Decorator: register ``load`` as the person-page section ``name``."""

    def register(load: PersonSection) -> PersonSection:
        _SECTIONS[name] = load
        return load

    return register


def load_sections(person: User, viewer: User | None) -> dict[str, object]:
    return {name: load(person, viewer) for name, load in _SECTIONS.items()}
