"""Issue 11, item 2: every admin page issues at most BUDGET queries whatever the data size, and
none while its template renders."""
from __future__ import annotations

from community import assert_within_budget, grow_admin, measure

N = 4


def test_admin_pages_stay_within_the_query_budget_as_members_grow(app, make_user, make_admin, login_as):
    admin = make_admin(display_name="Ada Admin")
    member = make_user(display_name="Mia Member")
    round_ids: list[int] = []
    grow_admin(app, make_user, round_ids, N)
    client = app.test_client()
    login_as(admin, client)
    urls = ["/admin/users", "/admin/users?q=person", "/admin/users?page=99", f"/admin/users/{member.id}/suspend",
            "/admin/cohorts", f"/admin/cohorts/{round_ids[0]}"]

    def fetch():
        return {("admin", url): measure(app, client, url) for url in urls}

    small = fetch()
    grow_admin(app, make_user, round_ids, 2 * N)
    large = fetch()
    assert_within_budget(small, large)

    assert "Person 1-" in client.get("/admin/users?q=person").get_data(as_text=True)
    assert "Mia Member" in client.get(f"/admin/users/{member.id}/suspend").get_data(as_text=True)
    assert "Round 2" in client.get("/admin/cohorts").get_data(as_text=True)
    page = client.get(f"/admin/cohorts/{round_ids[0]}").get_data(as_text=True)
    assert "Person 1-1" in page  # a mentor the second round added to the first
