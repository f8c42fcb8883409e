"""An organiser imports a Google Forms export in a real browser, edits the mapping, checks
the preview and imports."""
from __future__ import annotations

import pytest

from mentorhub.config import ROOT
from support import browser_login

GOOGLE = ROOT / "tests" / "fixtures" / "import" / "google_forms.csv"


@pytest.mark.browser
def test_organiser_imports_a_form_export_with_a_mapping_edit(page, live_taxonomy, make_live_user):
    organiser = make_live_user(display_name="Olu Organiser", is_organiser=True)
    browser_login(page, organiser)

    page.goto("/dashboard")
    page.locator("summary", has_text="Olu Organiser").click()
    page.get_by_role("link", name="Import people").click()
    page.wait_for_url("**/admin/import")
    page.set_input_files("input[name=upload]", str(GOOGLE))
    page.get_by_role("button", name="Upload and preview").click()

    page.wait_for_selector("[data-testid=import-mapping]")
    assert page.locator("[data-testid=import-row]").count() == 10
    mapping = page.get_by_label("Anything else you'd like us to know?")
    assert mapping.input_value() == "about"
    # The organiser wants that answer as the headline instead.
    mapping.select_option("headline")
    page.get_by_role("button", name="Update preview").click()
    page.wait_for_selector("[data-testid=import-mapping]")
    assert page.get_by_label("Anything else you'd like us to know?").input_value() == "headline"

    ben = page.locator("[data-testid=import-row][data-row='3']")
    assert "Ben Okafor" in ben.inner_text()
    assert "Happy to review projects." in ben.locator("dd[data-column=headline]").inner_text()
    zone = page.locator("[data-testid=import-row][data-row='5'] dd[data-column=timezone]").inner_text()
    assert "IST" in zone and "read as India (Asia/Kolkata)" in zone
    hugo = page.locator("[data-testid=import-row][data-row='9'] dd[data-column=availability]").inner_text()
    assert "availability not understood" in hugo
    ana = page.locator("[data-testid=import-row][data-row='2'] dd[data-column=availability]").inner_text()
    assert "Mon 18:00-21:00" in ana and "Fri 18:00-21:00" in ana

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_selector("[data-testid=import-result]")
    assert "10 new people" in page.locator("[data-testid=import-result]").inner_text()
    invited = page.locator("[data-testid=import-invited] li").all_inner_texts()
    assert len(invited) == 10 and "Ana Lima <ana.lima@example.org>" in invited

    page.goto("/mentors?q=Ben")
    card = page.locator("[data-testid=mentor-card]", has_text="Ben Okafor")
    assert "Happy to review projects." in card.inner_text()
    assert page.js_errors == []
