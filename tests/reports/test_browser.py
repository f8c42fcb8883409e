"""In a real browser: a member reports a person, an admin warns them from the queue, and the
reporter sees the outcome (on their reports page and in a notification)."""
from __future__ import annotations

import pytest

from support import browser_login


@pytest.mark.browser
def test_report_flow(page, make_live_user):
    reporter = make_live_user(display_name="Rita Reporter")
    troll = make_live_user(display_name="Tom Troll")
    admin = make_live_user(display_name="Ada Admin", is_admin=True)

    browser_login(page, reporter)
    page.goto(f"/people/{troll.id}")
    page.click("a.report-link")
    page.check("input[name=reason][value=harassment]")
    page.fill("textarea[name=details]", "Insults in every comment.")
    page.click("button:has-text('Send report')")
    page.wait_for_url("**/reports")
    assert "waiting for an admin" in page.inner_text("[data-testid=my-reports]")

    page.context.clear_cookies()
    browser_login(page, admin)
    page.goto("/admin/reports")
    card = page.locator("section.card", has_text="Harassment or bullying")
    assert "Insults in every comment." in card.inner_text()
    assert "Rita" not in page.inner_text("main")  # the queue never names the reporter
    card.locator("button:has-text('Warn')").click()
    page.wait_for_url("**/admin/reports")
    assert "No reports waiting." in page.inner_text("main")

    page.context.clear_cookies()
    browser_login(page, reporter)
    page.goto("/reports")
    assert "warned" in page.inner_text("[data-testid=my-reports]")
    page.goto("/notifications")
    assert "Your report was reviewed" in page.inner_text("main")
    assert page.js_errors == []
