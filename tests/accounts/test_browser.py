"""A newcomer in real Chromium: registers, logs out, logs in again, sees the dashboard."""
from __future__ import annotations

import pytest

from fixtures.accounts import STRONG_PASSWORD


@pytest.mark.browser
def test_newcomer_registers_logs_out_and_back_in(page):
    page.goto("/")
    page.click("text=Join mentorhub")
    page.fill("input[name=display_name]", "Priya Newcomer")
    page.fill("input[name=email]", "priya@example.com")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")
    assert "Hello, Priya Newcomer" in page.inner_text("h1")

    page.click("summary:has-text('Priya Newcomer')")
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")
    assert "You have logged out." in page.inner_text("main")
    page.goto("/dashboard")
    page.wait_for_url("**/login?next=*")

    page.fill("input[name=email]", "priya@example.com")
    page.fill("input[name=password]", "not-my-password-at-all")
    page.click("button[type=submit]")
    assert "do not match" in page.inner_text(".form-errors")

    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")
    assert "Hello, Priya Newcomer" in page.inner_text("h1")
    assert page.js_errors == []


@pytest.mark.browser
def test_browser_time_zone_is_taken_at_registration(browser, live_server, live_app):
    from sqlalchemy import select

    from mentorhub.accounts.models import User
    from mentorhub.db import db

    context = browser.new_context(base_url=live_server, timezone_id="America/Sao_Paulo")
    try:
        pg = context.new_page()
        pg.goto("/register")
        pg.fill("input[name=display_name]", "Zoned")
        pg.fill("input[name=email]", "zoned@example.com")
        pg.fill("input[name=password]", STRONG_PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url("**/dashboard")
    finally:
        context.close()
    with live_app.app_context():
        assert db.session.scalar(select(User.timezone).where(User.email == "zoned@example.com")) == "America/Sao_Paulo"
