"""A learner in real Chromium opens /matches and sees a mentor who teaches what they want."""
from __future__ import annotations

import pytest

from support import browser_login


@pytest.mark.browser
def test_learner_sees_mentor_with_reason(page, live_index, make_live_learner, make_live_mentor):
    learner = make_live_learner(skills={"python": 3}, wanted=["pytorch", "docker"], domains=["nlp"],
                                windows=[(1, 18 * 60, 21 * 60)], goals="Fine-tune transformers for NLP")
    mentor = make_live_mentor(skills={"pytorch": 4, "docker": 3}, domains=["nlp"],
                              windows=[(1, 18 * 60, 21 * 60)], bio="I fine-tune transformers for NLP")
    make_live_mentor(skills={"sql": 4}, domains=["time-series"], windows=[(3, 8 * 60, 9 * 60)])
    browser_login(page, learner.user)
    page.click("nav >> a[href='/matches']")
    page.wait_for_url("**/matches")
    card = page.locator(f"#mentor-{mentor.user_id}")
    assert mentor.user.display_name in card.inner_text()
    reason = card.locator(".match-reason").inner_text()
    assert "PyTorch" in reason and "Docker" in reason and "which you want to learn" in reason
    assert "Can teach you" in card.inner_text()
    assert card.locator("svg[role=img]").count() == 1
    first = page.locator(".match-list").first.locator("li").first
    assert first.get_attribute("id") == f"mentor-{mentor.user_id}"
    # the filter narrows the list without JavaScript
    page.fill("#min_overlap", "5")
    page.click("button:has-text('Filter')")
    assert page.locator(f"#mentor-{mentor.user_id}").count() == 0
    card_link = page.goto("/matches")
    assert card_link.status == 200
    assert page.locator(f"#mentor-{mentor.user_id} a:has-text('Request mentorship')").count() == 1
    assert page.js_errors == []
