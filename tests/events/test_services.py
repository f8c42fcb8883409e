"""Events writes and reads: rights, validation, RSVP and the waitlist, series, attendance, calendars."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import NotFound, PermissionDenied, ValidationError
from mentorhub.events import meetups, planning, privacy, queries, rules, series
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Cohort, CohortMember, Event, EventSeries, Rsvp
from mentorhub.notifications.models import Notification

UTC = timezone.utc
NOW = datetime(2030, 2, 1, 12, 0, tzinfo=UTC)


def u(user):
    return db.session.get(User, user.id)


def ev(event):
    return db.session.get(Event, event.id)


def data(**kw):
    base = dict(title="Paper club: attention", starts_local=datetime(2030, 2, 10, 18, 0),
                ends_local=datetime(2030, 2, 10, 19, 30), capacity=10, timezone="Europe/Berlin",
                description="We read **one** paper.", format="online", online_url="https://meet.example.org/x")
    base.update(kw)
    return meetups.EventData(**base)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notes_of(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


# ---- rights ------------------------------------------------------------------------------------


def test_who_may_organise(app, make_user, make_mentor, taxonomy):
    learner, organiser, admin = make_user(), make_user(is_organiser=True), make_user(is_admin=True)
    mentor = make_mentor().user
    with app.app_context():
        assert rules.can_organise(u(learner))
        assert rules.can_organise(u(organiser)) is None
        assert rules.can_organise(u(admin)) is None
        assert rules.can_organise(u(mentor)) is None
        with pytest.raises(PermissionDenied):
            meetups.create_event(u(learner), data(), now=NOW)
        assert count(Event) == 0
        event = meetups.create_event(u(mentor), data(), now=NOW)
        assert event.organiser_id == mentor.id
        # Start and end in the organiser's zone (Berlin, UTC+1 in February) are stored in UTC.
        assert event.starts_at == datetime(2030, 2, 10, 17, 0, tzinfo=UTC)


def test_only_organiser_or_admin_edits_and_sees_the_list(app, make_user, make_event):
    organiser, other, admin = make_user(is_organiser=True), make_user(is_organiser=True), make_user(is_admin=True)
    event = make_event(organiser=organiser)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            meetups.update_event(u(other), ev(event), data(title="Hijacked"), now=NOW)
        with pytest.raises(PermissionDenied):
            queries.attendees(u(other), ev(event))
        with pytest.raises(PermissionDenied):
            meetups.cancel_event(u(other), ev(event), now=NOW)
        assert ev(event).title == "Study night: feature stores" and not ev(event).is_cancelled
        meetups.update_event(u(admin), ev(event), data(title="Renamed by admin"), now=NOW)
        assert ev(event).title == "Renamed by admin"
        assert queries.attendees(u(organiser), ev(event)) == {"going": [], "waitlist": []}


# ---- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw, field", [
    ({"ends_local": datetime(2030, 2, 10, 17, 0)}, "ends_local"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"starts_local": datetime(2030, 1, 10, 18, 0), "ends_local": datetime(2030, 1, 10, 19, 0)}, "starts_local"),
    ({"capacity": 0}, "capacity"),
    ({"title": "   "}, "title"),
    ({"format": "in_person", "address": ""}, "address"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"tags": "ok, <script>"}, "tags"),
    ({"audience": "cohort", "cohort_id": 999}, "cohort_id"),
    # 02:30 on the last Sunday of March does not exist in Berlin.
    ({"starts_local": datetime(2030, 3, 31, 2, 30), "ends_local": datetime(2030, 3, 31, 4, 0)}, "starts_local"),
])
def test_bad_input_is_refused_and_nothing_saved(app, make_user, kw, field):
    organiser = make_user(is_organiser=True)
    with app.app_context():
        with pytest.raises(ValidationError) as err:
            meetups.create_event(u(organiser), data(**kw), now=NOW)
        assert err.value.field == field
        assert count(Event) == 0 and count(EventSeries) == 0


def test_capacity_below_people_going_is_refused(app, make_user, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, capacity=5, timezone="Europe/Berlin")
    people = [make_user() for _ in range(3)]
    with app.app_context():
        for p in people:
            answers.rsvp(u(p), ev(event), True, now=NOW)
        with pytest.raises(ValidationError) as err:
            meetups.update_event(u(organiser), ev(event), data(capacity=2, starts_local=datetime(2030, 3, 1, 19, 0),
                                                               ends_local=datetime(2030, 3, 1, 20, 0)), now=NOW)
        assert err.value.field == "capacity" and "3 people" in err.value.message
        db.session.expire_all()
        assert ev(event).capacity == 5 and ev(event).title == "Study night: feature stores"


# ---- RSVP and the waitlist --------------------------------------------------------------------------


def test_waitlist_promotes_in_order_and_notifies(app, make_user, make_event):
    event = make_event(capacity=1)
    a, b, c = make_user(), make_user(), make_user()
    with app.app_context():
        assert answers.rsvp(u(a), ev(event), True, now=NOW).status == "going"
        assert answers.rsvp(u(b), ev(event), True, now=NOW).status == "waitlisted"
        assert answers.rsvp(u(c), ev(event), True, now=NOW + timedelta(seconds=1)).status == "waitlisted"
        assert queries.waitlist_position(u(c), ev(event)) == 2
        assert ev(event).going_count == 1
        answers.rsvp(u(a), ev(event), False, now=NOW)
        assert queries.rsvp_of(u(b), ev(event)).status == "going"
        assert queries.rsvp_of(u(c), ev(event)).status == "waitlisted"
        assert queries.waitlist_position(u(c), ev(event)) == 1
        assert ev(event).going_count == 1
        promoted = notes_of(b, "event_update")
        assert len(promoted) == 1 and "seat" in promoted[0].title and promoted[0].link == f"/events/{event.id}"
        assert notes_of(c) == []
        answers.rsvp(u(b), ev(event), False, now=NOW)
        assert queries.rsvp_of(u(c), ev(event)).status == "going"
        assert ev(event).going_count == 1


def test_rsvp_twice_counts_once_and_leaving_the_waitlist_frees_nothing(app, make_user, make_event):
    event = make_event(capacity=2)
    a, b = make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(event), True, now=NOW)
        answers.rsvp(u(a), ev(event), True, now=NOW)
        assert ev(event).going_count == 1
        assert count(Rsvp) == 1
        answers.rsvp(u(b), ev(event), False, now=NOW)  # "not going" is recorded, takes no seat
        assert queries.rsvp_of(u(b), ev(event)).status == "declined" and ev(event).going_count == 1


def test_raising_capacity_promotes_the_waitlist(app, make_user, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, capacity=1, timezone="UTC")
    a, b = make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(event), True, now=NOW)
        answers.rsvp(u(b), ev(event), True, now=NOW)
        meetups.update_event(u(organiser), ev(event), data(timezone="UTC", capacity=2, title=event.title,
                              starts_local=datetime(2030, 3, 1, 18), ends_local=datetime(2030, 3, 1, 19)), now=NOW)
        assert queries.rsvp_of(u(b), ev(event)).status == "going" and ev(event).going_count == 2


def test_rsvp_to_past_or_cancelled_event_is_refused(app, make_user, make_event):
    past = make_event(starts_at=NOW - timedelta(hours=2))
    cancelled = make_event(is_cancelled=True)
    a = make_user()
    with app.app_context():
        with pytest.raises(ValidationError):
            answers.rsvp(u(a), ev(past), True, now=NOW)
        with pytest.raises(ValidationError):
            answers.rsvp(u(a), ev(cancelled), True, now=NOW)
        assert count(Rsvp) == 0


def test_cohort_audience_limits_who_sees_and_answers(app, make_user, make_event):
    member, outsider = make_user(), make_user()
    with app.app_context():
        cohort = Cohort(name="Spring intake")
        db.session.add(cohort)
        db.session.flush()
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id))
        db.session.commit()
        cohort_id = cohort.id
    event = make_event(audience="cohort", cohort_id=cohort_id)
    with app.app_context():
        with pytest.raises(NotFound):
            answers.rsvp(u(outsider), ev(event), True, now=NOW)
        assert queries.list_events(u(outsider), now=NOW).total == 0
        assert queries.list_events(u(member), now=NOW).total == 1
        assert answers.rsvp(u(member), ev(event), True, now=NOW).status == "going"


def test_cancel_notifies_people_going(app, make_user, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser)
    a = make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(event), True, now=NOW)
        meetups.cancel_event(u(organiser), ev(event), now=NOW)
        assert ev(event).is_cancelled
        assert [n.title for n in notes_of(a)] == ["Meetup cancelled: Study night: feature stores"]


# ---- attendance --------------------------------------------------------------------------------------


def test_attendance_after_the_event_counts_as_participation(app, make_user, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, starts_at=NOW + timedelta(hours=1))
    a, b, stranger = make_user(), make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(event), True, now=NOW)
        answers.rsvp(u(b), ev(event), True, now=NOW)
        with pytest.raises(ValidationError):
            meetups.mark_attendance(u(organiser), ev(event), {a.id}, now=NOW)
        later = NOW + timedelta(hours=3)
        with pytest.raises(PermissionDenied):
            meetups.mark_attendance(u(a), ev(event), {a.id}, now=later)
        with pytest.raises(ValidationError):
            meetups.mark_attendance(u(organiser), ev(event), {stranger.id}, now=later)
        assert meetups.mark_attendance(u(organiser), ev(event), {a.id}, now=later) == 1
        assert queries.participation_of(u(a), now=later) == {"attended": 1, "upcoming": 0, "organised": 0}
        assert queries.participation_of(u(b), now=later)["attended"] == 0
        assert queries.participation_of(u(organiser), now=later)["organised"] == 1


# ---- series -------------------------------------------------------------------------------------------


def test_weekly_series_keeps_local_time_across_dst(app, make_user, frozen):
    organiser = make_user(is_organiser=True)
    frozen(datetime(2030, 3, 10, 9, 0, tzinfo=UTC))
    with app.app_context():
        first = meetups.create_event(u(organiser), data(
            starts_local=datetime(2030, 3, 19, 18, 0), ends_local=datetime(2030, 3, 19, 19, 0), frequency="weekly"))
        events = list(db.session.scalars(select(Event).where(Event.series_id == first.series_id)
                                         .order_by(Event.series_index)))
        # Created up to 56 days ahead: 19 Mar .. 30 Apr.
        assert [e.starts_at.date() for e in events][:3] == [date(2030, 3, 19), date(2030, 3, 26), date(2030, 4, 2)]
        assert events[-1].starts_at <= datetime(2030, 3, 10, 9, 0, tzinfo=UTC) + timedelta(days=56)
        # Berlin switches to summer time on 31 March 2030: 18:00 local is 17:00 UTC, then 16:00 UTC.
        assert events[1].starts_at.hour == 17 and events[2].starts_at.hour == 16
        assert all(e.ends_at - e.starts_at == timedelta(hours=1) for e in events)


def test_series_job_extends_ahead_and_respects_cancel_and_move(app, make_user, frozen):
    from mentorhub.events import jobs

    organiser = make_user(is_organiser=True)
    frozen(datetime(2030, 3, 10, 9, 0, tzinfo=UTC))
    with app.app_context():
        first = meetups.create_event(u(organiser), data(
            timezone="UTC", starts_local=datetime(2030, 3, 12, 18), ends_local=datetime(2030, 3, 12, 19),
            frequency="weekly"))
        sid = first.series_id
        n0 = count(Event)
        occ = list(db.session.scalars(select(Event).where(Event.series_id == sid).order_by(Event.series_index)))
        meetups.cancel_event(u(organiser), occ[1])
        meetups.update_event(u(organiser), occ[2], data(timezone="UTC", title=occ[2].title,
                              starts_local=datetime(2030, 3, 27, 20), ends_local=datetime(2030, 3, 27, 21)))
        assert jobs.create_series_occurrences(now=datetime(2030, 3, 10, 9, 0, tzinfo=UTC)) == 0
        assert count(Event) == n0  # nothing recreated
        db.session.expire_all()
        assert ev(occ[1]).is_cancelled and ev(occ[2]).is_moved
        assert ev(occ[2]).starts_at == datetime(2030, 3, 27, 20, tzinfo=UTC)
        assert ev(occ[3]).starts_at == datetime(2030, 4, 2, 18, tzinfo=UTC) and not ev(occ[3]).is_cancelled
        # Two weeks later the job adds two more; a second run adds nothing.
        assert jobs.create_series_occurrences(now=datetime(2030, 3, 24, 9, 0, tzinfo=UTC)) == 2
        assert jobs.create_series_occurrences(now=datetime(2030, 3, 24, 9, 0, tzinfo=UTC)) == 0
        # Ending the series cancels what is still to come and stops the job.
        the_series = db.session.get(EventSeries, sid)
        series.end_series(u(organiser), the_series, now=datetime(2030, 3, 24, 9, 0, tzinfo=UTC))
        assert jobs.create_series_occurrences(now=datetime(2030, 4, 24, 9, 0, tzinfo=UTC)) == 0


def test_monthly_series_is_same_weekday_of_month():
    # 2nd Tuesday of January 2030 is the 8th.
    assert [series.occurrence_date(date(2030, 1, 8), "monthly", i) for i in range(3)] == [
        date(2030, 1, 8), date(2030, 2, 12), date(2030, 3, 12)]
    # A 5th Thursday becomes the last Thursday where a month has only four.
    assert series.occurrence_date(date(2030, 1, 31), "monthly", 1) == date(2030, 2, 28)
    assert series.occurrence_date(date(2030, 1, 1), "biweekly", 2) == date(2030, 1, 29)


# ---- calendars -------------------------------------------------------------------------------------------


def test_ics_is_valid_and_hides_the_link_from_people_not_going(app, make_user, make_event):
    event = make_event(description="Bring a question about *MLOps*.")
    going, other = make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(going), ev(event), True, now=NOW)
        cal = icalendar.Calendar.from_ical(queries.event_ics(u(going), ev(event)))
        [vevent] = cal.walk("VEVENT")
        assert cal["VERSION"] == "2.0"
        assert vevent["SUMMARY"] == "Study night: feature stores"
        assert vevent.decoded("DTSTART") == datetime(2030, 3, 1, 18, tzinfo=UTC)
        assert vevent.decoded("DTEND") == datetime(2030, 3, 1, 19, tzinfo=UTC)
        assert vevent["UID"] == f"event-{event.id}@mentorhub"
        assert vevent["LOCATION"] == "https://meet.example.org/room-1"
        other_cal = icalendar.Calendar.from_ical(queries.event_ics(u(other), ev(event)))
        assert other_cal.walk("VEVENT")[0]["LOCATION"] == "Online"
        assert b"meet.example.org" not in queries.event_ics(u(other), ev(event))


def test_calendar_events_lists_what_the_person_is_going_to(app, make_user, make_event):
    a = make_user()
    e1, e2, e3 = make_event(title="One"), make_event(title="Two"), make_event(title="Three", capacity=1)
    blocker = make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(e1), True, now=NOW)
        answers.rsvp(u(a), ev(e2), False, now=NOW)
        answers.rsvp(u(blocker), ev(e3), True, now=NOW)
        answers.rsvp(u(a), ev(e3), True, now=NOW)  # waitlisted: not in the calendar
        assert [str(x["SUMMARY"]) for x in queries.calendar_events(u(a))] == ["One"]
        # The private per-user feed (notifications/calendar.py) lists this source.
        from mentorhub.notifications import calendar as feed

        assert queries.calendar_events in feed.feed_sources()
        assert "One" in [str(x["SUMMARY"]) for x in feed.feed_events(u(a))]


# ---- personal data ------------------------------------------------------------------------------------------


def test_erase_gives_the_seat_to_the_waitlist(app, make_user, make_event):
    event = make_event(capacity=1)
    a, b = make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(a), ev(event), True, now=NOW)
        answers.rsvp(u(b), ev(event), True, now=NOW)
        assert privacy.export_user_data(u(a))["rsvps"][0]["status"] == "going"
        privacy.erase_user_data(u(a))
        db.session.commit()
        assert queries.rsvp_of(u(b), ev(event)).status == "going" and ev(event).going_count == 1
        assert queries.rsvp_of(u(a), ev(event)) is None


def test_project_team_meetup_and_best_time_for_the_team(app, make_user, make_project, make_learner):
    owner = make_user(is_organiser=True, timezone="UTC")
    project = make_project(owner=owner)
    member = make_learner(windows=[(3, 9 * 60, 12 * 60)], timezone="UTC").user
    outsider_organiser = make_user(is_organiser=True)
    with app.app_context():
        from mentorhub.projects.models import ProjectMember

        db.session.add(ProjectMember(project_id=project.id, user_id=member.id))
        db.session.commit()
        # Only a team member (or an admin) can address the team.
        with pytest.raises(ValidationError) as err:
            meetups.create_event(u(outsider_organiser), data(audience="project", project_id=project.id), now=NOW)
        assert err.value.field == "project_id"
        event = meetups.create_event(u(owner), data(audience="project", project_id=project.id), now=NOW)
        assert rules.in_audience(u(member), event) and not rules.in_audience(u(outsider_organiser), event)
        assert answers.rsvp(u(member), event, True, now=NOW).status == "going"
        assert queries.list_events(u(outsider_organiser), now=NOW).total == 0
        with pytest.raises(PermissionDenied):
            planning.resolve_group(u(outsider_organiser), "project", project.id)
        group = planning.resolve_group(u(owner), "project", project.id)
        assert {m.id for m in group.members} == {owner.id, member.id}
        result = planning.best_time(u(owner), group, 60, week_start=date(2030, 2, 4))
        assert result.proposals[0].starts_at == datetime(2030, 2, 7, 9, 0, tzinfo=UTC)
        assert [m.id for m in result.proposals[0].cannot] == [owner.id]  # the owner has no availability
