"""Issue 11, item 2: the notification pages issue at most BUDGET queries whatever the number of
notifications, and none while their templates render."""
from __future__ import annotations

from community import assert_within_budget, grow_notifications, measure

N = 5


def test_notification_pages_stay_within_the_query_budget_as_notices_pile_up(app, make_user, make_admin, login_as):
    people = {"learner": make_user(), "mentor": make_user(), "admin": make_admin()}
    clients = {}
    for role, user in people.items():
        grow_notifications(app, user, N)
        clients[role] = app.test_client()
        login_as(user, clients[role])
    urls = ["/notifications", "/notifications?filter=unread", "/notifications?page=99", "/notifications/settings"]

    def fetch():
        return {(role, url): measure(app, clients[role], url) for role in people for url in urls}

    small = fetch()
    for user in people.values():
        grow_notifications(app, user, 2 * N)
    large = fetch()
    assert_within_budget(small, large)

    for role in people:
        assert f"Notice {2 * N - 1}" in clients[role].get("/notifications").get_data(as_text=True)
