"""The notification centre, the settings page and the no-login unsubscribe link."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications import digests, preferences
from mentorhub.notifications.models import Notification, NotificationPreference, OutboxEmail
from mentorhub.notifications.notify import notify


def add_notes(app, user, n, kind="system", **kw):
    with app.app_context():
        u = db.session.get(User, user.id)
        ids = [notify(u, kind, f"Note {i}", **kw).id for i in range(n)]
        db.session.commit()
        return ids


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_empty_centre(client, make_user, login_as):
    login_as(make_user())
    html = client.get("/notifications").get_data(as_text=True)
    assert "No notifications yet" in html and 'data-testid="unread-count"' not in html


def test_list_unread_count_in_header_and_mark_read(client, app, make_user, login_as):
    user = make_user()
    ids = add_notes(app, user, 3)
    login_as(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert all(f"Note {i}" in html for i in range(3))
    assert re.search(r'data-testid="unread-count">3<', html)
    assert re.search(r'data-testid="unread-count">3<', client.get("/dashboard").get_data(as_text=True))
    resp = client.post(f"/notifications/{ids[0]}/read")
    assert resp.status_code == 302
    assert re.search(r'data-testid="unread-count">2<', client.get("/notifications").get_data(as_text=True))
    unread_page = client.get("/notifications?filter=unread").get_data(as_text=True)
    assert "Note 0" not in unread_page and "Note 1" in unread_page
    client.post("/notifications/read-all")
    html = client.get("/notifications").get_data(as_text=True)
    assert 'data-testid="unread-count"' not in html
    assert count(app, Notification, Notification.read_at.is_(None)) == 0


def test_someone_elses_notification_cannot_be_marked(client, app, make_user, login_as):
    owner = make_user()
    (note_id,) = add_notes(app, owner, 1)
    login_as(make_user())
    assert client.post(f"/notifications/{note_id}/read").status_code == 403
    assert client.post("/notifications/999999/read").status_code == 404
    client.post("/notifications/read-all")  # only my own
    assert count(app, Notification, Notification.read_at.is_(None)) == 1


def test_open_follows_only_same_site_links(client, app, make_user, login_as):
    user = make_user()
    (inside,) = add_notes(app, user, 1, link="/events/4")
    (outside,) = add_notes(app, user, 1, link="https://evil.example/x")
    login_as(user)
    assert client.post(f"/notifications/{inside}/read", data={"open": "1"}).headers["Location"] == "/events/4"
    assert client.post(f"/notifications/{outside}/read", data={"open": "1"}).headers["Location"] == "/notifications"


def test_pagination(client, app, make_user, login_as):
    user = make_user()
    add_notes(app, user, 7)
    app.config["NOTIFICATIONS_PAGE_SIZE"] = 3
    login_as(user)
    first = client.get("/notifications").get_data(as_text=True)
    last = client.get("/notifications?page=3").get_data(as_text=True)
    assert "Page 1 of 3 (7 in all)" in first and "Note 6" in first and "Note 0" not in first
    assert "Note 0" in last and "Note 6" not in last
    assert "Page 3 of 3" in client.get("/notifications?page=99").get_data(as_text=True)
    assert client.get("/notifications?page=abc").status_code == 200


def test_settings_page_saves_choices_and_notify_follows_them(client, app, make_user, login_as):
    user = make_user()
    login_as(user)
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert 'name="kind-checkin"' in html
    resp = client.post("/notifications/settings", data={"kind-checkin": "off", "kind-event_update": "digest"})
    assert resp.status_code == 302
    with app.app_context():
        u = db.session.get(User, user.id)
        assert preferences.preferences(u)["checkin"] == "off"
        notify(u, "checkin", "Quiet one")
        notify(u, "event_update", "Digest one")
        db.session.commit()
    assert count(app, OutboxEmail) == 0
    assert count(app, Notification, Notification.digest_pending.is_(True)) == 1


def test_settings_bad_channel_is_400_and_writes_nothing(client, app, make_user, login_as):
    login_as(make_user())
    resp = client.post("/notifications/settings", data={"kind-checkin": "loudly", "kind-system": "off"})
    assert resp.status_code == 400 and "Choose one of" in resp.get_data(as_text=True)
    assert count(app, NotificationPreference) == 0


def _unsubscribe_path(app, user, kind="checkin"):
    with app.app_context():
        u = db.session.get(User, user.id)
        notify(u, kind, "Check-in due")
        db.session.commit()
        body = db.session.scalars(select(OutboxEmail.body)).first()
    url = re.search(r"Stop these emails: (\S+)", body).group(1)
    assert url.startswith("http://127.0.0.1:5000/unsubscribe/")
    return url.removeprefix("http://127.0.0.1:5000")


def test_unsubscribe_link_works_without_login(client, app, make_user):
    user = make_user(email="unsub@example.com")
    path = _unsubscribe_path(app, user)
    page = client.get(path)
    assert page.status_code == 200 and "unsub@example.com" in page.get_data(as_text=True)
    with app.app_context():
        assert preferences.preferences(db.session.get(User, user.id))["checkin"] == "instant"  # GET only asks
    done = client.post(path)
    assert done.status_code == 200 and "will no longer get emails" in done.get_data(as_text=True)
    with app.app_context():
        u = db.session.get(User, user.id)
        assert preferences.preferences(u)["checkin"] == "off"
        assert preferences.preferences(u)["system"] == "instant"


def test_tampered_unsubscribe_link_is_400(client, app, make_user):
    user = make_user()
    path = _unsubscribe_path(app, user)
    token = path.rsplit("/", 1)[1]
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (f"/unsubscribe/{forged}", "/unsubscribe/nonsense"):
        for method in ("get", "post"):
            resp = getattr(client, method)(bad)
            assert resp.status_code == 400 and "not valid" in resp.get_data(as_text=True)
    assert count(app, NotificationPreference) == 0


def test_expired_unsubscribe_link_is_400(client, app, make_user, frozen):
    user = make_user()
    traveller = frozen(datetime(2026, 1, 1, tzinfo=timezone.utc))
    path = _unsubscribe_path(app, user)
    traveller.move_to(datetime(2026, 1, 1, tzinfo=timezone.utc)
                      + timedelta(seconds=app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"] + 60))
    resp = client.post(path)
    assert resp.status_code == 400 and "expired" in resp.get_data(as_text=True)
    assert count(app, NotificationPreference) == 0


def test_digest_unsubscribe_turns_off_every_digest_kind(client, app, make_user):
    user = make_user()
    with app.app_context():
        u = db.session.get(User, user.id)
        preferences.set_preferences(u, u, {"checkin": "digest", "event_update": "digest"})
        notify(u, "checkin", "A")
        db.session.commit()
        digests.send_digests()
        body = db.session.scalars(select(OutboxEmail.body)).one()
    path = re.search(r"Stop these emails: (\S+)", body).group(1).removeprefix("http://127.0.0.1:5000")
    assert "daily digest" in client.get(path).get_data(as_text=True)
    client.post(path)
    with app.app_context():
        prefs = preferences.preferences(db.session.get(User, user.id))
    assert prefs["checkin"] == prefs["event_update"] == prefs["review_queue"] == "off"
    assert prefs["system"] == "instant"


def test_dashboard_panel_shows_recent_unread(client, app, make_user, login_as):
    user = make_user()
    login_as(user)
    assert "You are all caught up." in client.get("/dashboard").get_data(as_text=True)
    add_notes(app, user, 2)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="notifications-panel"' in html and "Note 1" in html


def test_pagination_links_keep_the_filter_and_ignore_url_for_keywords(client, app, make_user, login_as):
    """?endpoint= or ?_scheme= in the address used to reach url_for() and answer 500."""
    user = make_user()
    add_notes(app, user, 5)
    app.config["NOTIFICATIONS_PAGE_SIZE"] = 2
    login_as(user)
    resp = client.get("/notifications?filter=unread&page=2&endpoint=core.index&_scheme=javascript&_external=1")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Page 2 of 3 (5 in all)" in html
    links = re.findall(r'<a rel="(?:prev|next)" href="([^"]+)"', html)
    assert sorted(links) == ["/notifications?filter=unread&amp;page=1", "/notifications?filter=unread&amp;page=3"]


def test_mark_all_read_says_how_many_in_plain_words(client, app, make_user, login_as):
    user = make_user()
    login_as(user)
    add_notes(app, user, 1)
    assert "Marked 1 notification as read." in client.post("/notifications/read-all",
                                                          follow_redirects=True).get_data(as_text=True)
    add_notes(app, user, 2)
    assert "Marked 2 notifications as read." in client.post("/notifications/read-all",
                                                           follow_redirects=True).get_data(as_text=True)
    assert "You had no unread notifications." in client.post("/notifications/read-all",
                                                             follow_redirects=True).get_data(as_text=True)


def test_notification_times_show_in_the_viewers_zone(client, app, make_user, login_as, frozen):
    user = make_user(timezone="Asia/Kolkata")
    frozen(datetime(2026, 3, 29, 0, 45, tzinfo=timezone.utc))
    add_notes(app, user, 1)
    login_as(user)
    html = client.get("/notifications").get_data(as_text=True)
    assert "Sun 29 Mar 2026, 06:15 IST" in html  # UTC+5:30
    assert "29 Mar, 06:15" in client.get("/dashboard").get_data(as_text=True)
