"""Issue 11, item 2: every meetup page issues at most BUDGET queries whatever the data size, and
none while its template renders."""
from __future__ import annotations

from community import assert_within_budget, first_id, grow_events, measure
from mentorhub.events.models import Cohort, Event, Rsvp

N = 3


def test_meetup_pages_stay_within_the_query_budget_as_the_community_grows(app, make_user, make_admin, login_as):
    organiser = make_user(is_organiser=True, display_name="Olga Organiser")
    members: list = []
    event_ids: list[int] = []
    grow_events(app, make_user, organiser, members, event_ids, N)
    first = event_ids[0]
    going = first_id(app, Rsvp.user_id, Rsvp.event_id == first, Rsvp.status == "going")
    waiting = first_id(app, Rsvp.user_id, Rsvp.event_id == first, Rsvp.status == "waitlisted")
    past = first_id(app, Event.id, Event.title.like("Past night%"))
    cohort = first_id(app, Cohort.id)
    people = {"organiser": organiser, "admin": make_admin(display_name="Ada Admin"),
              "attendee": next(m for m in members if m.id == going),
              "waitlisted": next(m for m in members if m.id == waiting), "outsider": make_user()}
    clients = {}
    for role, user in people.items():
        clients[role] = app.test_client()
        login_as(user, clients[role])
    lists = ["/events", "/events?page=99", "/events?format=online", "/events?when=past", "/events?domain=nlp"]
    urls = {role: lists + [f"/events/{first}", f"/events/{past}"] for role in people}
    for role in ("organiser", "admin"):
        urls[role] += ["/events/cohorts", f"/events/cohorts/{cohort}"]

    def fetch():
        return {(role, url): measure(app, clients[role], url) for role in people for url in urls[role]}

    small = fetch()
    grow_events(app, make_user, organiser, members, event_ids, 2 * N)
    large = fetch()
    assert_within_budget(small, large)

    newest = members[-1].display_name  # joined last: on every list of people
    page = clients["organiser"].get(f"/events/{first}").get_data(as_text=True)
    assert "Olga Organiser" in page and newest in page and f"Waitlist ({3 * N - 2})" in page  # capacity 2
    assert "Cancel meetup" in page
    page = clients["admin"].get(f"/events/{past}").get_data(as_text=True)
    assert "Save attendance" in page and members[0].display_name in page and "Cancel meetup" not in page
    page = clients["attendee"].get(f"/events/{first}").get_data(as_text=True)
    assert "You are going." in page and "Cancel meetup" not in page
    assert "You are on the waitlist (number 1)." in clients["waitlisted"].get(f"/events/{first}").get_data(as_text=True)
    page = clients["outsider"].get(f"/events/{first}").get_data(as_text=True)
    assert "You have not answered yet." in page and newest not in page
    assert f"Study night {len(event_ids)}" in clients["outsider"].get("/events?page=99").get_data(as_text=True)
    assert newest in clients["organiser"].get(f"/events/cohorts/{cohort}").get_data(as_text=True)
