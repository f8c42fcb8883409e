"""Meetup pages over HTTP: rights, bad input (400 and nothing written), lists, RSVP, .ics, best time."""
from __future__ import annotations

from datetime import datetime, timezone

import icalendar
import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import queries
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Cohort, CohortMember, Event, Rsvp
from mentorhub.profiles.models import Domain

UTC = timezone.utc


def form(**kw):
    base = {"title": "Kaggle night", "description": "Bring a *notebook*.", "format": "online",
            "online_url": "https://meet.example.org/kaggle", "address": "", "timezone": "Europe/Berlin",
            "starts_local": "2031-05-06T18:00", "ends_local": "2031-05-06T20:00", "capacity": "12",
            "tags": "kaggle, tabular", "audience": "everyone", "project_id": "", "cohort_id": "",
            "frequency": "", "until": ""}
    base.update(kw)
    return base


def events_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(Event.id)))


@pytest.mark.parametrize("path", ["/events", "/events/new", "/events/1", "/events/best-time", "/events/cohorts",
                                  "/events/1/event.ics"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_learners_cannot_organise(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=form()).status_code == 403
    assert client.get("/events/best-time").status_code == 403
    assert client.get("/events/cohorts").status_code == 403
    assert events_count(client.application) == 0


def test_organiser_creates_a_meetup(app, client, make_user, login_as):
    login_as(make_user(is_organiser=True, timezone="Europe/Berlin"))
    assert client.get("/events/new").status_code == 200
    resp = client.post("/events/new", data=form())
    assert resp.status_code == 302
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.starts_at == datetime(2031, 5, 6, 16, 0, tzinfo=UTC)  # Berlin summer time
        assert event.tag_list == ["kaggle", "tabular"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Kaggle night" in page and "<em>notebook</em>" in page
    assert "Tue 06 May 2031, 18:00 CEST" in page  # shown in the viewer's zone


@pytest.mark.parametrize("kw, message", [
    ({"ends_local": "2031-05-06T17:00"}, "The end must be after the start."),
    ({"timezone": "Nowhere/Atlantis"}, "Choose a time zone from the list, such as Europe/Berlin."),
    ({"capacity": "0"}, "Capacity must be at least 1."),
    ({"format": "in_person", "address": ""}, "Enter the address of the venue."),
    ({"starts_local": "2020-05-06T18:00", "ends_local": "2020-05-06T19:00"}, "The start must be in the future."),
    ({"description": "<script>alert(1)</script>" + "x" * 10001}, "Field cannot be longer than 10000 characters."),
])
def test_bad_create_answers_400_with_the_message_and_writes_nothing(client, make_user, login_as, kw, message):
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data=form(**kw))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert events_count(client.application) == 0


def test_event_page_shows_count_to_all_and_the_list_to_the_organiser(app, client, make_user, login_as, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, capacity=1)
    alice, bob = make_user(display_name="Alice Going"), make_user(display_name="Bob Waiting")
    c_alice = login_as(alice, app.test_client())
    c_bob = login_as(bob, app.test_client())
    # Before answering, the link is hidden.
    assert "meet.example.org" not in c_alice.get(f"/events/{event.id}").get_data(as_text=True)
    assert c_alice.post(f"/events/{event.id}/rsvp", data={"going": "1"}).status_code == 302
    assert c_bob.post(f"/events/{event.id}/rsvp", data={"going": "1"}).status_code == 302
    alice_page = c_alice.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You are going." in alice_page and "https://meet.example.org/room-1" in alice_page
    assert "1</strong> of 1 going" in alice_page and "Bob Waiting" not in alice_page
    bob_page = c_bob.get(f"/events/{event.id}").get_data(as_text=True)
    assert "waitlist (number 1)" in bob_page and "meet.example.org" not in bob_page
    login_as(organiser)
    org_page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Alice Going" in org_page and "Bob Waiting" in org_page


def test_edit_rights_and_capacity_floor(app, client, make_user, login_as, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, capacity=3)
    going = [make_user() for _ in range(2)]
    with app.app_context():
        for p in going:
            answers.rsvp(db.session.get(User, p.id), db.session.get(Event, event.id), True,
                          now=datetime(2030, 1, 1, tzinfo=UTC))
    login_as(make_user(is_organiser=True))
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post(f"/events/{event.id}/edit", data=form(capacity="20")).status_code == 403
    assert client.post(f"/events/{event.id}/cancel").status_code == 403
    c_org = login_as(organiser, app.test_client())
    assert c_org.get(f"/events/{event.id}/edit").status_code == 200
    resp = c_org.post(f"/events/{event.id}/edit", data=form(capacity="1", timezone="UTC",
                                                            starts_local="2030-03-01T18:00",
                                                            ends_local="2030-03-01T19:00"))
    assert resp.status_code == 400 and "2 people are already going" in resp.get_data(as_text=True)
    with app.app_context():
        e = db.session.get(Event, event.id)
        assert e.capacity == 3 and e.title == "Study night: feature stores"
    assert c_org.post(f"/events/{event.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Event, event.id).is_cancelled


def test_list_filters_by_domain_format_and_time(app, client, make_user, login_as, make_event, taxonomy):
    with app.app_context():
        nlp = db.session.scalar(select(Domain).where(Domain.slug == "nlp"))
        nlp_id = nlp.id
    online = make_event(title="Transformers reading group")
    make_event(title="Pub quiz in Lisbon", format="in_person", online_url=None, address="Rua Augusta 1")
    make_event(title="Last year's meetup", starts_at=datetime(2020, 1, 1, 18, tzinfo=UTC))
    with app.app_context():
        e = db.session.get(Event, online.id)
        e.domains = [db.session.get(Domain, nlp_id)]
        db.session.commit()
    login_as(make_user())
    page = client.get("/events").get_data(as_text=True)
    assert "Transformers reading group" in page and "Pub quiz in Lisbon" in page and "Last year" not in page
    page = client.get("/events?domain=nlp").get_data(as_text=True)
    assert "Transformers reading group" in page and "Pub quiz" not in page
    page = client.get("/events?format=in_person").get_data(as_text=True)
    assert "Pub quiz in Lisbon" in page and "Transformers" not in page
    page = client.get("/events?when=past").get_data(as_text=True)
    assert "Last year&#39;s meetup" in page and "Pub quiz" not in page


def test_rsvp_to_past_event_answers_400(app, client, make_user, login_as, make_event):
    event = make_event(starts_at=datetime(2020, 1, 1, 18, tzinfo=UTC))
    login_as(make_user())
    assert client.post(f"/events/{event.id}/rsvp", data={"going": "1"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Rsvp.id))) == 0


def test_ics_download(client, make_user, login_as, make_event):
    event = make_event()
    login_as(make_user())
    resp = client.get(f"/events/{event.id}/event.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(resp.data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Study night: feature stores"]


def test_attendance_is_marked_by_the_organiser(app, client, make_user, login_as, make_event, frozen):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, starts_at=datetime(2030, 3, 1, 18, tzinfo=UTC))
    a, b = make_user(), make_user()
    with app.app_context():
        for p in (a, b):
            answers.rsvp(db.session.get(User, p.id), db.session.get(Event, event.id), True,
                          now=datetime(2030, 2, 1, tzinfo=UTC))
    frozen(datetime(2030, 3, 1, 20, tzinfo=UTC))
    c_a = login_as(a, app.test_client())
    assert c_a.post(f"/events/{event.id}/attendance", data={"attended": [str(a.id)]}).status_code == 403
    login_as(organiser)
    assert client.post(f"/events/{event.id}/attendance", data={"attended": [str(a.id)]}).status_code == 302
    with app.app_context():
        assert queries.participation_of(db.session.get(User, a.id))["attended"] == 1
        assert queries.participation_of(db.session.get(User, b.id))["attended"] == 0
        html = app.jinja_env.get_template("events/_participation.html").render(
            p=queries.participation_of(db.session.get(User, a.id)))
        assert "<strong>1</strong> meetup attended" in html


def test_cohorts_and_best_time_flow(app, client, make_user, login_as, make_learner, taxonomy, frozen):
    frozen(datetime(2030, 2, 5, 9, tzinfo=UTC))
    organiser = make_user(is_organiser=True, timezone="UTC")
    login_as(organiser)
    assert client.post("/events/cohorts", data={"name": ""}).status_code == 400
    resp = client.post("/events/cohorts", data={"name": "Spring intake"})
    assert resp.status_code == 302
    with app.app_context():
        cohort_id = db.session.scalar(select(Cohort.id))
    a = make_learner(windows=[(2, 9 * 60, 11 * 60)], timezone="UTC").user
    b = make_learner(windows=[(2, 10 * 60, 12 * 60)], timezone="UTC").user
    stranger = make_user()
    with app.app_context():  # a and b came to a meetup of the organiser: they can be picked
        past = Event(organiser_id=organiser.id, title="Kick-off", starts_at=datetime(2030, 1, 8, 10, tzinfo=UTC),
                     ends_at=datetime(2030, 1, 8, 11, tzinfo=UTC), capacity=5)
        db.session.add(past)
        db.session.flush()
        db.session.add_all([Rsvp(event_id=past.id, user_id=p.id, status="going") for p in (a, b)])
        db.session.commit()
    for person in (a, b):
        assert client.post(f"/events/cohorts/{cohort_id}", data={"user_id": person.id}).status_code == 302
    resp = client.post(f"/events/cohorts/{cohort_id}", data={"user_id": stranger.id})
    assert resp.status_code == 400 and "Choose someone from the list." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CohortMember.id))) == 2
    page = client.get(f"/events/best-time?group=cohort&cohort_id={cohort_id}&duration=60")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Wednesday 10:00" in html and "2 of 2</strong> can make it" in html
    bad = client.get("/events/best-time?group=cohort&cohort_id=999&duration=60")
    assert bad.status_code == 400 and "Choose a cohort." in bad.get_data(as_text=True)
    resp = client.post("/events/best-time/create", data={
        "starts_at": "2030-02-13T10:00:00+00:00", "duration": "60", "group": "cohort", "cohort_id": str(cohort_id),
        "repeat": ""})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/edit")
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.cohort_id.is_not(None)))
        assert event.starts_at == datetime(2030, 2, 13, 10, tzinfo=UTC) and event.cohort_id == cohort_id


def test_dashboard_panel_lists_my_next_meetups(app, client, make_user, login_as, make_event):
    event = make_event(title="Deployment clinic")
    me = make_user()
    with app.app_context():
        answers.rsvp(db.session.get(User, me.id), db.session.get(Event, event.id), True,
                      now=datetime(2030, 1, 1, tzinfo=UTC))
    login_as(me)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Your next meetups" in html and "Deployment clinic" in html


def test_creating_a_series_and_ending_it(app, client, make_user, login_as, frozen):
    frozen(datetime(2031, 5, 1, 8, tzinfo=UTC))
    login_as(make_user(is_organiser=True))
    resp = client.post("/events/new", data=form(frequency="biweekly", until="2031-06-03"))
    assert resp.status_code == 302
    with app.app_context():
        starts = [e.starts_at.date().isoformat() for e in db.session.scalars(select(Event).order_by(Event.starts_at))]
        series_id = db.session.scalar(select(Event.series_id))
    assert starts == ["2031-05-06", "2031-05-20", "2031-06-03"]
    bad = client.post("/events/new", data=form(frequency="weekly", until="2031-05-01", title="Other"))
    assert bad.status_code == 400 and "The last date must be on or after the first meetup." in bad.get_data(as_text=True)
    stranger = login_as(make_user(is_organiser=True), app.test_client())
    assert stranger.post(f"/events/series/{series_id}/end").status_code == 403
    assert client.post(f"/events/series/{series_id}/end").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id)).where(Event.is_cancelled.is_(False))) == 0
        assert db.session.scalar(select(func.count(Event.id))) == 3


def test_upcoming_list_shows_a_series_once_with_how_often(app, client, make_user, login_as, frozen):
    """A weekly series is one card: its next occurrence plus "every Tuesday", not eight cards."""
    frozen(datetime(2031, 5, 1, 8, tzinfo=UTC))  # a Thursday
    login_as(make_user(is_organiser=True, timezone="UTC"))
    assert client.post("/events/new", data=form(frequency="weekly", until="2031-06-24")).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) > 1
    html = client.get("/events").get_data(as_text=True)
    assert html.count('class="card event-card') == 1
    assert "every Tuesday" in html and "6 May 2031" in html.replace("Tue ", "")
    past = client.get("/events?when=past").get_data(as_text=True)
    assert "every Tuesday" not in past
