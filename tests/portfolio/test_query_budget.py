"""Issue 11, item 2: every portfolio page issues at most BUDGET queries whatever the data size, and
none while its template renders."""
from __future__ import annotations

from community import assert_within_budget, grow_portfolio, measure

N = 3


def test_portfolio_pages_stay_within_the_query_budget_as_the_community_grows(app, make_user, make_admin, login_as,
                                                                             opt_in):
    author = make_user(display_name="Ada Author")
    reviewer = opt_in(make_user(display_name="Rex Reviewer"))
    people = {"author": author, "reviewer": reviewer, "member": make_user(), "admin": make_admin(), "anonymous": None}
    item_ids: list[int] = []
    grow_portfolio(app, make_user, author, reviewer, item_ids, N)
    clients = {}
    for role, user in people.items():
        clients[role] = app.test_client()
        if user is not None:
            login_as(user, clients[role])
    public = ["/portfolio", "/portfolio?page=99", "/portfolio?status=seeking", f"/portfolio/{item_ids[0]}"]
    urls = {role: public + (["/portfolio?mine=1", "/portfolio/queue"] if people[role] else []) for role in people}

    def fetch():
        return {(role, url): measure(app, clients[role], url) for role in people for url in urls[role]}

    small = fetch()
    grow_portfolio(app, make_user, author, reviewer, item_ids, 2 * N)
    large = fetch()
    assert_within_budget(small, large)

    last = f"round {len(item_ids)}-{2 * N - 1}"  # the newest review of the first item
    for role in people:
        page = clients[role].get(f"/portfolio/{item_ids[0]}").get_data(as_text=True)
        assert "Ada Author" in page and f"Solid baseline {last}." in page and f"You are welcome {last}." in page
        assert "Rex Reviewer" in page
    assert f"Edit {len(item_ids)}-{2 * N - 1}" in clients["author"].get(f"/portfolio/{item_ids[0]}").get_data(as_text=True)
    assert "Churn model" in clients["anonymous"].get("/portfolio").get_data(as_text=True)
    queue = clients["reviewer"].get("/portfolio/queue").get_data(as_text=True)
    assert f"Asker work {len(item_ids)}-0" in queue and f"Asker work {len(item_ids)}-1" in queue  # offered, claimed
    pages = {role: clients[role].get(f"/portfolio/{item_ids[0]}").get_data(as_text=True) for role in people}
    assert "Edit your review" in pages["reviewer"] and "Send reply" in pages["reviewer"]
    assert "Edit your review" not in pages["author"] and "Send reply" in pages["author"]
    for role in ("member", "admin", "anonymous"):
        assert "Edit your review" not in pages[role] and "Send reply" not in pages[role]
