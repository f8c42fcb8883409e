"""Malformed and edge-case input to the meetup pages: DST gaps and overlaps, dates at the end of
the calendar, ids no table can hold, series far ahead. Each answers 4xx (or works), never 500,
and a refused request writes nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.events import meetups, planning, series
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Event, EventSeries
from mentorhub.notifications.models import Notification
from support import counted_get

from .test_views import events_count, form

UTC = timezone.utc
HUGE = "99999999999999999999999"
PG_HUGE = str(2**31)  # past PostgreSQL INTEGER, within SQLite's range


def series_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(EventSeries.id)))


@pytest.mark.parametrize("kw, message", [
    # 02:00–03:00 on 30 March 2031 is skipped in Berlin (clocks go from 02:00 to 03:00).
    ({"starts_local": "2031-03-30T02:30", "ends_local": "2031-03-30T04:00"}, "does not exist in Europe/Berlin"),
    ({"starts_local": "2031-03-30T01:30", "ends_local": "2031-03-30T02:15"}, "does not exist in Europe/Berlin"),
    ({"starts_local": "2031-10-26T02:30", "ends_local": "2031-10-26T02:15"}, "The end must be after the start."),
    ({"ends_local": "2031-05-06T18:00"}, "The end must be after the start."),
    ({"starts_local": "9999-12-31T23:30", "ends_local": "9999-12-31T23:50", "timezone": "America/New_York"},
     "That date is out of range"),
    ({"starts_local": "2031-02-30T10:00"}, "Enter when the meetup starts: a real date and time."),
    ({"audience": "project", "project_id": HUGE}, "Choose the project team."),
    ({"audience": "cohort", "cohort_id": HUGE}, "Choose a cohort."),
    ({"audience": "cohort", "cohort_id": "abc"}, "Choose a cohort."),
])
def test_bad_times_and_ids_answer_400_and_write_nothing(app, client, make_user, login_as, kw, message):
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data=form(**kw))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert events_count(app) == 0


def test_dst_gap_on_the_real_2026_change_is_refused(app, client, make_user, login_as, frozen):
    frozen(datetime(2026, 1, 5, tzinfo=UTC))
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data=form(starts_local="2026-03-29T02:30", ends_local="2026-03-29T04:00"))
    assert resp.status_code == 400
    assert "29 Mar 2026 02:30 does not exist in Europe/Berlin" in resp.get_data(as_text=True)
    assert events_count(app) == 0


def test_a_series_starting_beyond_the_horizon_gets_its_first_meetup(app, client, make_user, login_as, frozen):
    frozen(datetime(2031, 1, 1, tzinfo=UTC))  # the first meetup is 17 weeks ahead, past the 8-week horizon
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data=form(frequency="weekly"))
    assert resp.status_code == 302
    with app.app_context():
        events = db.session.scalars(select(Event)).all()
        assert len(events) == 1 and events[0].series_index == 0
        assert events[0].starts_at == datetime(2031, 5, 6, 16, 0, tzinfo=UTC)
        assert resp.headers["Location"].endswith(f"/events/{events[0].id}")


def test_saving_an_edit_unchanged_keeps_a_meetup_in_the_repeated_hour(app, client, make_user, login_as,
                                                                       make_event, frozen):
    """26 Oct 2031, 02:30 happens twice in Berlin; the meetup is at the second one (01:30 UTC)."""
    frozen(datetime(2031, 10, 1, tzinfo=UTC))
    organiser = make_user(is_organiser=True, timezone="Europe/Berlin")
    guest = make_user()
    event = make_event(organiser=organiser, starts_at=datetime(2031, 10, 26, 1, 30, tzinfo=UTC),
                       timezone="Europe/Berlin")
    with app.app_context():
        answers.rsvp(db.session.get(type(guest), guest.id), db.session.get(Event, event.id), True)
    login_as(organiser)
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2031-10-26T02:30"' in page
    resp = client.post(f"/events/{event.id}/edit", data=form(
        title=event.title, starts_local="2031-10-26T02:30", ends_local="2031-10-26T03:30", tags=""))
    assert resp.status_code == 302
    with app.app_context():
        saved = db.session.get(Event, event.id)
        assert saved.starts_at == datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
        assert saved.ends_at == datetime(2031, 10, 26, 2, 30, tzinfo=UTC)
        moved = db.session.scalars(select(Notification).where(Notification.user_id == guest.id,
                                                              Notification.title.like("Meetup moved%"))).all()
        assert moved == []


@pytest.mark.parametrize("values", [
    {"starts_at": "9999-12-31T23:00:00+00:00", "duration": "60"},
    {"starts_at": "2030-02-13T10:00:00+00:00", "duration": "99999999999"},
    {"starts_at": "2030-02-13T10:00:00+00:00", "duration": "-30"},
    {"starts_at": "2030-02-13T10:00:00", "duration": "60"},
    {"starts_at": "2030-02-13T10:00:00+00:00", "duration": "60", "group": "project", "project_id": HUGE},
    {"starts_at": "2030-02-13T10:00:00+00:00", "duration": "60", "group": "cohort", "cohort_id": "x"},
])
def test_bad_proposals_answer_400_and_write_nothing(app, client, make_user, login_as, values):
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/best-time/create", data={"group": "picked", **values})
    assert resp.status_code == 400
    assert events_count(app) == 0 and series_count(app) == 0


def test_an_old_proposal_moves_to_the_next_week_to_come(app, client, make_user, login_as, frozen):
    frozen(datetime(2030, 2, 14, 12, 0, tzinfo=UTC))  # a Thursday
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/best-time/create", data={
        "starts_at": "2001-02-14T10:00:00+00:00", "duration": "60", "group": "picked"})
    assert resp.status_code == 302
    with app.app_context():
        # same weekday (Wednesday) and time, in the first week still to come
        assert db.session.scalar(select(Event.starts_at)) == datetime(2030, 2, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("query", [f"group=project&project_id={HUGE}", f"group=cohort&cohort_id={HUGE}"])
def test_best_time_with_an_impossible_id_answers_400(client, make_user, login_as, query):
    login_as(make_user(is_organiser=True))
    resp = client.get(f"/events/best-time?{query}")
    assert resp.status_code == 400
    assert "Choose a" in resp.get_data(as_text=True)


def test_the_list_page_runs_as_many_queries_for_many_meetups_as_for_few(app, client, make_user, login_as,
                                                                        make_event):
    from datetime import timedelta

    from mentorhub.profiles.models import Domain

    organiser = make_user(is_organiser=True)
    with app.app_context():
        domain = Domain(slug="mlops-x", name="MLOps X")
        db.session.add(domain)
        db.session.commit()
        domain_id = domain.id

    def add(n: int) -> None:
        e = make_event(organiser=organiser, title=f"Meetup {n}",
                       starts_at=datetime(2030, 3, 1, 18, tzinfo=UTC) + timedelta(days=n))
        with app.app_context():
            db.session.get(Event, e.id).domains = [db.session.get(Domain, domain_id)]
            db.session.commit()

    def queries() -> tuple[int, str]:
        return counted_get(app, client, "/events")

    add(0)
    login_as(make_user())
    queries()
    few, page = queries()
    assert page.count("Meetup 0") == 1 and page.count("MLOps X") >= 1
    for n in range(1, 6):
        add(n)
    many, page = queries()
    assert page.count("Meetup 5") == 1 and page.count(">MLOps X<") >= 6
    assert many == few


def test_series_occurrences_on_dst_change_days():
    """Weekly on Sundays at 02:30 Berlin: on 30 Mar 2031 02:30 does not exist (it becomes 03:30
    summer time); on 26 Oct 2031 it occurs twice (the first, summer time, is used)."""
    from datetime import timedelta

    march = EventSeries(timezone="Europe/Berlin", frequency="weekly",
                        first_starts_at=datetime(2031, 3, 23, 1, 30, tzinfo=UTC))  # 02:30 CET
    assert series.occurrence_start(march, 0) == datetime(2031, 3, 23, 1, 30, tzinfo=UTC)
    assert series.occurrence_start(march, 1) == datetime(2031, 3, 30, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert series.occurrence_start(march, 2) == datetime(2031, 4, 6, 0, 30, tzinfo=UTC)  # 02:30 CEST
    october = EventSeries(timezone="Europe/Berlin", frequency="weekly",
                          first_starts_at=datetime(2031, 10, 19, 0, 30, tzinfo=UTC))  # 02:30 CEST
    assert series.occurrence_start(october, 1) == datetime(2031, 10, 26, 0, 30, tzinfo=UTC)  # first 02:30
    assert series.occurrence_start(october, 2) == datetime(2031, 11, 2, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert series.occurrence_start(october, 2) - series.occurrence_start(october, 1) == timedelta(days=7, hours=1)


@pytest.mark.parametrize("path", ["/events/cohorts", "/events/cohorts/{cid}"])
def test_cohort_pages_run_as_many_queries_for_many_members_as_for_few(app, client, make_user, login_as, path):

    from mentorhub.events.models import Cohort, CohortMember

    with app.app_context():
        cohort = Cohort(name="Spring intake")
        db.session.add(cohort)
        db.session.commit()
        cid = cohort.id

    def add(n: int) -> None:
        member = make_user(display_name=f"Member {n:02d}")
        with app.app_context():
            db.session.add(CohortMember(cohort_id=cid, user_id=member.id))
            db.session.add(Cohort(name=f"Cohort {n:02d}"))
            db.session.commit()

    def queries() -> tuple[int, str]:
        return counted_get(app, client, path.format(cid=cid))

    add(0)
    login_as(make_user(is_admin=True))  # admins manage every cohort (organisers only their own)
    queries()
    few, page = queries()
    for n in range(1, 6):
        add(n)
    many, page = queries()
    assert ("Member 05" in page) if "{cid}" in path else ("Cohort 05" in page and "(6)" in page)
    assert many == few


@pytest.mark.postgres
@pytest.mark.parametrize("value", [PG_HUGE, HUGE])
def test_ids_past_the_database_integer_are_refused_on_both_engines(any_app, password_hash, value):
    from conftest import user_factory
    from mentorhub.accounts.models import User
    from mentorhub.errors import ValidationError

    organiser = user_factory(any_app, password_hash)(is_organiser=True)
    base = dict(title="Team sync", starts_local=datetime(2031, 5, 6, 18), ends_local=datetime(2031, 5, 6, 19),
                capacity=5, timezone="Europe/Berlin")
    with any_app.app_context():
        actor = db.session.get(User, organiser.id)
        for kw, field in (({"audience": "project", "project_id": int(value)}, "project_id"),
                          ({"audience": "cohort", "cohort_id": int(value)}, "cohort_id")):
            with pytest.raises(ValidationError) as err:
                meetups.create_event(actor, meetups.EventData(**base, **kw), now=datetime(2031, 1, 1, tzinfo=UTC))
            assert err.value.field == field
        with pytest.raises(ValidationError):
            planning.resolve_group(actor, "project", value)
        with pytest.raises(ValidationError):
            planning.resolve_group(actor, "cohort", value)
        assert db.session.scalar(select(func.count(Event.id))) == 0
