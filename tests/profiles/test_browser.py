"""A newcomer builds a learner profile in a real browser, then turns on a mentor profile."""
from __future__ import annotations

import re

import pytest

from support import browser_login


@pytest.mark.browser
def test_newcomer_creates_profiles_and_finds_themself(page, live_taxonomy, make_live_user):
    user = make_live_user(display_name="Nia Newcomer", timezone="Asia/Tokyo")
    browser_login(page, user)

    page.goto("/dashboard")
    page.get_by_role("link", name="Create your learner profile").click()
    page.wait_for_url("**/profile/learner")

    page.fill("input[name=headline]", "Physicist moving into ML engineering")
    page.select_option("select[name=background]", "academic_researcher")
    page.fill("textarea[name=goals]", "Build and deploy one **real** project.")
    page.fill("input[name=hours_per_week]", "6")
    # The skill picker filters as you type (JavaScript); the selects work either way.
    page.fill("#skill-filter", "pyt")
    visible = page.locator(".picker-row:visible")
    assert sorted(visible.evaluate_all("rows => rows.map(r => r.dataset.skill)")) == ["python", "pytorch"]
    page.select_option("select[name=level-python]", "3")
    page.select_option("select[name=level-pytorch]", "1")
    page.fill("#skill-filter", "linear")
    shown = page.locator(".picker-row:visible").evaluate_all("rows => rows.map(r => r.dataset.skill)")
    assert sorted(shown) == ["linear-algebra", "linear-regression", "python", "pytorch"]  # chosen ones stay
    page.select_option("select[name=level-linear-algebra]", "4")
    page.fill("#skill-filter", "")
    page.check("input[name=wanted][value=docker]")
    page.check("input[name=domains][value=computer-vision]")
    page.select_option("select[name=win-0-day]", "2")  # Wednesday
    page.fill("input[name=win-0-start]", "19:00")
    page.fill("input[name=win-0-end]", "21:00")
    page.get_by_role("button", name="Save learner profile").click()

    page.wait_for_url(re.compile(rf".*/people/{user.id}$"))
    assert "Physicist moving into ML engineering" in page.content()
    chart = page.locator("[data-testid=learner-skills]")
    assert chart.locator("rect.bar").count() == 3
    assert page.locator("[data-testid=skill-gap]").count() == 1
    windows = page.locator("[data-testid=viewer-windows]").inner_text()
    assert "Wednesday 19:00 – 21:00" in windows  # in the newcomer's own zone, Asia/Tokyo
    assert "Asia/Tokyo" in page.locator("[data-testid=availability]").inner_text()

    page.get_by_role("link", name="Turn on a mentor profile").click()
    page.wait_for_url("**/mentor/edit")
    page.fill("input[name=headline]", "Happy to help with linear algebra")
    page.fill("input[name=capacity]", "2")
    page.select_option("select[name=level-linear-algebra]", "4")
    page.get_by_role("button", name="Save mentor profile").click()
    page.wait_for_url(re.compile(rf".*/people/{user.id}$"))

    page.goto("/mentors?skill=linear-algebra&accepting=1")
    card = page.locator("[data-testid=mentor-card]", has_text="Nia Newcomer")
    assert card.count() == 1
    text = card.inner_text()
    assert "Happy to help with linear algebra" in text and "Asia/Tokyo" in text
    assert "2 of 2 places free" in text and "overlap with you" in text
    assert page.js_errors == []
