"""Demo meetups: a few past ones (with attendance), a few to come (one full, with a waitlist),
a weekly series and a cohort. Idempotent (found by title; a second run adds nothing) and
deterministic (fixed seed; times are whole days and hours from today)."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..profiles.models import Domain
from .models import Cohort, CohortMember, Event, EventSeries, Rsvp
from .series import extend_series

SEED = 7031
DEMO_DOMAIN = "demo.mentorhub.test"

# (title, days from today, local hour, zone, minutes, capacity, format, domains, tags, description, going, waiting)
MEETUPS = [
    ("Paper club: deep learning on tabular data", -10, 18, "Europe/Berlin", 90, 20, "online",
     ["tabular-data"], "papers, pytorch",
     "We read one paper together and ask: would gradient-boosted trees have done just as well?\n\n"
     "Skim it first; bring one question.", 9, 0),
    ("From notebook to API: a deployment clinic", -24, 17, "Europe/London", 120, 15, "online",
     ["computer-vision"], "mlops, docker, fastapi",
     "Bring a model that lives in a notebook. We wrap it in an API, put it in a container and talk "
     "about what to monitor once it is live.", 11, 0),
    ("Study night: SQL for ML engineers", 3, 19, "America/New_York", 90, 25, "online",
     ["tabular-data"], "sql, data",
     "Window functions, joins that do not explode, and building a training set from raw event tables.", 7, 0),
    ("Career switchers' circle: portfolio reviews", 9, 18, "Europe/Berlin", 90, 6, "online",
     ["nlp", "computer-vision"], "portfolio, careers",
     "Small on purpose. Each person shows one project for five minutes and gets concrete feedback: "
     "what to cut, what to finish, what to write in the README.", 6, 2),
    ("Berlin ML meetup: recommender systems in production", 15, 19, "Europe/Berlin", 150, 40, "in_person",
     ["recommender-systems"], "recsys, evaluation",
     "Two short talks on offline metrics that lie and on serving embeddings, then time to talk.", 12, 0),
]
SERIES = ("Weekly MLOps office hours", "America/New_York", 12, 60, 15, ["llms"], "mlops, office hours",
          "Drop in with a question about pipelines, experiment tracking, serving or monitoring. "
          "No slides, no preparation needed.")
COHORT = "Evening study group"


def _people(rng: random.Random) -> list[User]:
    people = list(db.session.scalars(
        select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"), User.is_deleted.is_(False)).order_by(User.id)
    ))
    rng.shuffle(people)
    return people


def _domains(slugs) -> list[Domain]:
    return list(db.session.scalars(select(Domain).where(Domain.slug.in_(slugs))))


def _at(days: int, hour: int, tz: str, today) -> datetime:
    local = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=ZoneInfo(tz))
    return local.astimezone(timezone.utc)


def load_demo() -> dict:
    rng = random.Random(SEED)
    now = utcnow()
    today = now.date()
    organisers = [u for u in (db.session.scalar(select(User).where(User.email == e))
                              for e in ("mentor@mentorhub.test", "admin@mentorhub.test")) if u is not None]
    if not organisers:
        return {"events": 0, "series": 0}
    people = _people(rng)
    added = {"events": 0, "series": 0}
    for i, (title, days, hour, tz, minutes, capacity, fmt, domains, tags, text, going, waiting) in enumerate(MEETUPS):
        if db.session.scalar(select(Event.id).where(Event.title == title)):
            continue
        starts = _at(days, hour, tz, today)
        event = Event(
            organiser_id=organisers[i % len(organisers)].id, title=title, description=text, format=fmt,
            online_url=f"https://meet.example.org/mentorhub-{i + 1}" if fmt == "online" else None,
            address="Factory Görlitzer Park, Lohmühlenstraße 65, 12435 Berlin" if fmt == "in_person" else None,
            timezone=tz, capacity=capacity, tags=tags.replace(", ", ","), starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes), created_at=now - timedelta(days=30), updated_at=now,
        )
        event.domains = _domains(domains)
        db.session.add(event)
        db.session.flush()
        chosen = rng.sample(people, min(len(people), going + waiting)) if people else []
        for j, person in enumerate(chosen):
            status = "going" if j < going else "waitlisted"
            rsvp = Rsvp(event_id=event.id, user_id=person.id, status=status, created_at=now, updated_at=now,
                        waitlisted_at=now + timedelta(seconds=j) if status == "waitlisted" else None)
            if days < 0:
                rsvp.is_attended = rng.random() < 0.8
            db.session.add(rsvp)
        event.going_count = min(going, len(chosen))
        if days < 0:
            event.attendance_marked_at = event.ends_at + timedelta(hours=1)
        added["events"] += 1

    title, tz, hour, minutes, capacity, domains, tags, text = SERIES
    if not db.session.scalar(select(EventSeries.id).where(EventSeries.title == title)):
        days_to_thursday = (3 - today.weekday()) % 7 or 7
        series = EventSeries(
            organiser_id=organisers[0].id, frequency="weekly", title=title, description=text, format="online",
            online_url="https://meet.example.org/mentorhub-office-hours", timezone=tz, capacity=capacity,
            tags=tags.replace(", ", ","), first_starts_at=_at(days_to_thursday, hour, tz, today),
            duration_minutes=minutes, created_at=now,
        )
        series.domains = _domains(domains)
        db.session.add(series)
        db.session.flush()
        added["events"] += extend_series(series, now)
        added["series"] += 1

    if not db.session.scalar(select(Cohort.id).where(Cohort.name == COHORT)) and people:
        cohort = Cohort(name=COHORT, created_by_id=organisers[0].id)
        cohort.organisers.append(organisers[0])
        db.session.add(cohort)
        db.session.flush()
        learner = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
        members = ([learner] if learner else []) + people[:7]
        for person in members:
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id))
    db.session.commit()
    return added
