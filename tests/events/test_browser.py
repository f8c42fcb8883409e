"""In a real browser: capacity 1, the second member is waitlisted, the first cancels, the second
is promoted and finds it in their notifications."""
from __future__ import annotations

import pytest

from support import browser_login


@pytest.mark.browser
def test_waitlist_promotion_reaches_the_second_member(page, browser, live_server, live_app, make_live_user):
    from playwright.sync_api import expect

    from fixtures.events import event_factory

    event = event_factory(live_app, make_live_user)(capacity=1, title="Model serving clinic")
    first = make_live_user(display_name="First Fan")
    second = make_live_user(display_name="Second Fan")

    browser_login(page, first)
    page.goto(f"/events/{event.id}")
    page.get_by_role("button", name="I'm going").click()
    expect(page.get_by_test_id("rsvp-status")).to_have_text("You are going.")
    expect(page.get_by_test_id("going-count")).to_contain_text("1 of 1 going")

    context = browser.new_context(base_url=live_server, timezone_id="UTC")
    other = context.new_page()
    other.set_default_timeout(10_000)
    try:
        browser_login(other, second)
        other.goto(f"/events/{event.id}")
        other.get_by_role("button", name="Join the waitlist").click()
        expect(other.get_by_test_id("rsvp-status")).to_have_text("You are on the waitlist (number 1).")

        page.get_by_role("button", name="I can't go").click()
        expect(page.get_by_test_id("rsvp-status")).to_have_text("You are not going.")

        other.goto("/notifications")
        expect(other.get_by_test_id("unread-count")).to_have_text("1")
        expect(other.get_by_test_id("notifications")).to_contain_text("You have a seat: Model serving clinic")
        other.get_by_role("button", name="Open").click()
        expect(other.get_by_test_id("rsvp-status")).to_have_text("You are going.")
        expect(other.get_by_test_id("online-link")).to_be_visible()
    finally:
        context.close()
    assert page.js_errors == []
