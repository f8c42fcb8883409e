"""Issue 12, item 3: only a cohort's organisers and admins manage it; an admin appoints organisers."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import rules
from mentorhub.events.models import Cohort, CohortMember, Event, Rsvp
from mentorhub.notifications.models import Notification
from support import PASSWORD, row_count

UTC = timezone.utc


def meetup_form(**kw):
    base = {"title": "Cohort night", "description": "", "format": "online",
            "online_url": "https://meet.example.org/secret-room", "address": "", "timezone": "UTC",
            "starts_local": "2027-05-06T18:00", "ends_local": "2027-05-06T20:00", "capacity": "12",
            "tags": "", "audience": "cohort", "project_id": "", "frequency": "", "until": ""}
    base.update(kw)
    return base


def test_item03_only_organisers_manage_cohort(any_app, people):
    admin, organiser = people.user(is_admin=True), people.user(is_organiser=True, display_name="Olga Organiser")
    outsider, colleague = people.mentor(), people.mentor(display_name="Colin Colleague")
    member = people.user(display_name="Mia Member")
    org = people.client(organiser)
    assert org.post("/events/cohorts", data={"name": "Spring intake"}).status_code == 302
    with any_app.app_context():
        cid = db.session.scalar(select(Cohort.id))
        db.session.add(CohortMember(cohort_id=cid, user_id=member.id))
        db.session.add(CohortMember(cohort_id=cid, user_id=colleague.id))
        db.session.commit()

    # An uninvolved mentor: no page, no members, no meetups or best time for the cohort.
    out = people.client(outsider)
    assert out.get(f"/events/cohorts/{cid}").status_code == 404
    assert out.post(f"/events/cohorts/{cid}", data={"user_id": outsider.id}).status_code == 404
    assert out.post(f"/events/cohorts/{cid}/members/{member.id}/remove").status_code == 404
    resp = out.post("/events/new", data=meetup_form(cohort_id=str(cid)))
    assert resp.status_code == 400 and "Choose a cohort you organise." in resp.get_data(as_text=True)
    assert out.get(f"/events/best-time?group=cohort&cohort_id={cid}&duration=60").status_code == 400
    resp = out.post("/events/best-time/create", data={"starts_at": "2027-05-12T10:00:00+00:00", "duration": "60",
                                                     "group": "cohort", "cohort_id": str(cid)})
    assert resp.status_code == 400
    assert out.post("/events/cohorts", data={"name": "My own"}).status_code == 403  # not an organiser: no cohorts
    assert "Spring intake" not in out.get("/events/new").get_data(as_text=True)  # not offered as an audience
    assert row_count(any_app, CohortMember, CohortMember.cohort_id == cid) == 2
    assert row_count(any_app, Event) == 0 and row_count(any_app, Notification) == 0

    # Its organiser runs it, but only an admin makes someone an organiser.
    assert org.get(f"/events/cohorts/{cid}").status_code == 200
    assert org.post(f"/events/cohorts/{cid}/organisers/{colleague.id}", data={"organiser": "1"}).status_code == 403
    assert org.post("/events/new", data=meetup_form(cohort_id=str(cid))).status_code == 302
    adm = people.client(admin)
    assert adm.post(f"/events/cohorts/{cid}/organisers/{colleague.id}", data={"organiser": "1"}).status_code == 302
    assert people.client(colleague).get(f"/events/cohorts/{cid}").status_code == 200
    with any_app.app_context():
        cohort = db.session.get(Cohort, cid)
        assert rules.can_manage_cohort(db.session.get(User, outsider.id), cohort)
        assert rules.can_manage_cohort(db.session.get(User, colleague.id), cohort) is None
        assert rules.can_manage_cohort(db.session.get(User, admin.id), cohort) is None
    assert adm.post(f"/events/cohorts/{cid}/organisers/{colleague.id}", data={"organiser": "0"}).status_code == 302
    assert people.client(colleague).get(f"/events/cohorts/{cid}").status_code == 404


def test_item03_the_private_link_stays_with_the_cohort(any_app, people):
    """The attack of the review: join a cohort to read its meetup's link. Joining is refused."""
    organiser, outsider = people.user(is_organiser=True), people.mentor()
    org = people.client(organiser)
    org.post("/events/cohorts", data={"name": "Closed group"})
    with any_app.app_context():
        cid = db.session.scalar(select(Cohort.id))
    assert org.post("/events/new", data=meetup_form(cohort_id=str(cid))).status_code == 302
    with any_app.app_context():
        event_id = db.session.scalar(select(Event.id))
        # the outsider once went to a meetup of the organiser: a tie, yet no right over the cohort
        past = Event(organiser_id=organiser.id, title="Old", starts_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
                     ends_at=datetime(2026, 1, 5, 11, tzinfo=UTC), capacity=3)
        db.session.add(past)
        db.session.flush()
        db.session.add(Rsvp(event_id=past.id, user_id=outsider.id, status="going"))
        db.session.commit()
    out = people.client(outsider)
    out.post(f"/events/cohorts/{cid}", data={"user_id": outsider.id, "email": outsider.email})  # join it
    out.post(f"/events/{event_id}/rsvp", data={"going": "1"})  # then take a seat
    assert out.get(f"/events/{event_id}").status_code == 404
    assert "secret-room" not in out.get(f"/events/{event_id}").get_data(as_text=True)
    with any_app.app_context():
        assert db.session.scalar(select(CohortMember.id).where(CohortMember.user_id == outsider.id)) is None


def test_item03_a_deleted_account_organises_nothing(any_app, people):
    organiser = people.user(is_organiser=True)
    org = people.client(organiser)
    org.post("/events/cohorts", data={"name": "Short-lived"})
    assert org.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    with any_app.app_context():
        assert db.session.scalar(select(Cohort)).organisers == []
