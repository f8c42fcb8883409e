"""Seed and demo data, feature by feature, in dependency order. Every step is idempotent."""
from __future__ import annotations

import time

import click

from .accounts.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_user
from .db import db
from .events.demo import load_demo as load_events
from .mentoring.demo import load_demo as load_mentoring
from .portfolio.demo import load_demo as load_portfolio
from .profiles.demo import load_demo as load_profiles
from .profiles.demo import load_scale as load_profiles_scale
from .profiles.taxonomy import load_taxonomy
from .projects.demo import load_demo as load_projects
from .projects.demo import load_seed_ideas


def load(with_demo: bool) -> None:
    """The taxonomy always; with ``with_demo`` the demo logins and community, feature by feature."""
    load_taxonomy()
    if not with_demo:  # the demo loads the same ideas below, owned by its mentors
        click.echo(f"projects: {load_seed_ideas()} idea(s) added")
        return
    for email, name, flags, tz in DEMO_LOGINS:
        demo_user(email, name, tz, **flags)
    db.session.commit()
    added = load_profiles()
    click.echo(f"profiles: {added['mentors']} mentors and {added['learners']} learners added")
    load_projects()
    added = load_mentoring()
    click.echo(f"mentoring: {added['mentorships']} mentorships and {added['requests']} requests added")
    added = load_events()
    click.echo(f"events: {added['events']} meetups and {added['series']} series added")
    added = load_portfolio()
    click.echo(f"portfolio: {added['items']} items and {added['reviews']} reviews added")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, _flags, _tz in DEMO_LOGINS:
        click.echo(f"  {email:28} {name}")


def load_scale(n: int) -> None:
    started = time.perf_counter()
    counts = load_profiles_scale(n)
    click.echo(f"loaded {counts['learners']} learners and {counts['mentors']} mentors "
               f"({counts['skills']} learner skills, {counts['windows']} availability windows) "
               f"in {time.perf_counter() - started:.1f} s")
