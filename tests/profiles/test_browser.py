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
    # The skill picker (JavaScript on): search, then the keyboard takes you to the first match.
    assert page.locator("#skills .picker-row:visible").count() == 0  # nothing chosen, categories closed
    page.fill("#skills-search", "pyt")
    visible = page.locator("#skills .picker-row:visible")
    assert sorted(visible.evaluate_all("rows => rows.map(r => r.dataset.skill)")) == ["python", "pytorch"]
    page.press("#skills-search", "Enter")
    assert page.evaluate("document.activeElement.name") == "level-python"
    page.select_option("select[name=level-python]", "3")
    page.select_option("select[name=level-pytorch]", "1")
    page.fill("#skills-search", "linear")
    shown = page.locator("#skills .picker-row:visible").evaluate_all("rows => rows.map(r => r.dataset.skill)")
    assert sorted(shown) == ["linear-algebra", "linear-regression", "python", "pytorch"]  # chosen ones stay
    page.select_option("select[name=level-linear-algebra]", "4")
    page.fill("#skills-search", "docker")
    page.check("input[name=wanted][value=docker]")
    page.fill("#skills-search", "")
    chosen = page.locator("[data-picker-chosen] .picker-row").evaluate_all("rows => rows.map(r => r.dataset.skill)")
    assert sorted(chosen) == ["docker", "linear-algebra", "python", "pytorch"]  # only the chosen are listed
    # Remove takes a skill out again (and clears its inputs).
    page.fill("#skills-search", "sql")
    page.locator("#skills .picker-group[open] .picker-row:visible select").first.select_option("2")
    removed = page.locator("[data-picker-chosen] .picker-row").last
    removed_name = removed.get_attribute("data-skill")
    removed.get_by_role("button", name="Remove").click()
    assert page.locator(f"select[name=level-{removed_name}]").input_value() == ""
    assert page.locator("[data-picker-chosen] .picker-row").count() == 4
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
    page.fill("#skills-search", "linear alg")
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


@pytest.mark.browser
def test_learner_form_fits_two_screens_with_five_skills(page, live_taxonomy, make_live_user):
    user = make_live_user(display_name="Compact Carla")
    browser_login(page, user)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/profile/learner")
    for slug in ("python", "pytorch", "docker", "sql", "linear-algebra"):
        page.fill("#skills-search", slug)
        page.select_option(f"select[name=level-{slug}]", "2")
    page.fill("#skills-search", "")
    assert page.locator("[data-picker-chosen] .picker-row").count() == 5
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 1800, f"learner form is {height}px tall"
    page.get_by_role("button", name="Save learner profile").click()
    page.wait_for_url(re.compile(rf".*/people/{user.id}$"))
    assert page.locator("[data-testid=learner-skills] rect.bar").count() == 5
    assert page.js_errors == []

