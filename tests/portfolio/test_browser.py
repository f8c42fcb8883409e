"""In a real browser: hostile markdown and notebooks stay inert; the whole feedback loop works."""
from __future__ import annotations

import pytest

from fixtures.portfolio import GOOD_NOTEBOOK_CELLS, PNG_1PX, make_notebook
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.portfolio import feedback, items, queries, reviews, rubric
from support import browser_login

PAYLOAD_MD = """# Hostile write-up
<script>window.__pwned = 'script'; alert('script')</script>
<img src=x onerror="window.__pwned='img'; alert('img')">
<a href="javascript:alert('link')" id="jslink">raw link</a>
[click me](javascript:window.__pwned='md-link';alert('md-link'))
<svg onload="window.__pwned='svg'; alert('svg')"><script>alert('svg-script')</script></svg>
![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)
<iframe src="javascript:alert('iframe')"></iframe>
<div onmouseover="alert('hover')">hover me</div>
"""

SVG = "<svg xmlns='http://www.w3.org/2000/svg' onload=\"window.__pwned='nb-svg';alert('nb-svg')\"><rect/></svg>"


def hostile_notebook() -> bytes:
    return make_notebook(
        ("md", PAYLOAD_MD),
        ("code", "display(HTML('<script>alert(1)</script>'))", [
            {"output_type": "display_data", "data": {
                "text/html": "<script>window.__pwned='nb-html';alert('nb-html')</script><img src=x onerror=alert('h')>",
                "text/plain": "<IPython.core.display.HTML object>"}, "metadata": {}},
            {"output_type": "display_data", "data": {"image/svg+xml": SVG}, "metadata": {}},
            {"output_type": "display_data", "data": {"application/javascript": "window.__pwned='nb-js';alert('js')"},
             "metadata": {}},
            {"output_type": "stream", "name": "stdout", "text": "<script>alert('stream')</script>"},
            {"output_type": "display_data", "data": {"image/png": PNG_1PX}, "metadata": {}},
        ]),
    )


@pytest.mark.browser
def test_hostile_markdown_and_notebook_render_inert(page, live_app, make_live_user):
    author = make_live_user(display_name="Mallory")
    with live_app.app_context():
        item = items.create_item(db.session.get(User, author.id),
                                    {"title": "Hostile", "summary": "<b onclick=alert(1)>x</b>", "body": PAYLOAD_MD,
                                     "visibility": "public", "status": "seeking"},
                                    notebook=("evil.ipynb", hostile_notebook()))
        item_id = item.id
        # a review and a reply carrying the same payloads
        critic = db.session.get(User, make_live_user(display_name="Critic").id)
        feedback.set_reviewer_setting(critic, True, [])
        req = feedback.request_feedback(db.session.get(User, author.id), item_id, "community")
        feedback.claim_request(critic, req.id)
        review = reviews.submit_review(critic, req.id, {c.slug: (2, PAYLOAD_MD) for c in rubric.criteria()},
                                        PAYLOAD_MD, PAYLOAD_MD)
        reviews.reply(db.session.get(User, author.id), review.id, PAYLOAD_MD)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for viewer in ("anonymous", "author"):
        if viewer == "author":
            browser_login(page, author)
        page.goto(f"/portfolio/{item_id}")
        page.wait_for_load_state("load")
        for target in page.get_by_text("hover me").all():
            target.hover()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None
        assert dialogs == [] and page.js_errors == []
        # nothing executable made it into the DOM
        scripts = page.eval_on_selector_all("script", "els => els.map(e => e.src)")
        assert all(src.endswith("/static/js/app.js") or "/static/js/" in src for src in scripts)
        handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(
            el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
        assert handlers == []
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not any(h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs)
        assert page.locator("main svg, main iframe, main script, main object, main embed").count() == 0
        # user Markdown headings sit one level below the page's own h1
        assert page.locator("[data-testid=review] h2", has_text="Hostile write-up").count() == 9  # 6 comments, summary, next step, reply
        # the safe parts still show: the heading, escaped code, the PNG
        assert page.locator(".item-body h2", has_text="Hostile write-up").count() == 1
        assert page.locator(".notebook img.nb-image").count() == 1
        assert "<script>alert('stream')</script>" in page.inner_text(".notebook")
        assert page.get_by_text("An output of type image/svg+xml is not shown.").count() == 1


@pytest.mark.browser
def test_post_request_claim_review_reply_helpful(page, browser, live_server, live_app, make_live_user, tmp_path):
    learner = make_live_user(display_name="Lena Learner")
    reviewer = make_live_user(display_name="Pia Peer")

    # 1. the learner posts work with a notebook
    browser_login(page, learner)
    page.goto("/portfolio")
    page.get_by_role("link", name="Post your work").click()
    page.fill("input[name=title]", "Spam filter with a baseline")
    page.fill("textarea[name=summary]", "Naive Bayes against a majority-class baseline.")
    page.fill("textarea[name=body]", "## Approach\nI split first, then fitted.")
    nb = tmp_path / "spam.ipynb"
    nb.write_bytes(make_notebook(*GOOD_NOTEBOOK_CELLS))
    page.set_input_files("input[name=notebook]", str(nb))
    page.select_option("select[name=visibility]", "members")
    page.select_option("select[name=status]", "draft")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/portfolio/*")
    assert page.locator("[data-testid=notebook-hints] li").count() == 4
    assert page.locator(".notebook .nb-code").count() == 4
    item_url = page.url

    # 2. and asks the community for feedback
    page.get_by_role("link", name="Ask for feedback").click()
    page.check("input[name=mode][value=community]")
    page.fill("textarea[name=note]", "Is my evaluation sound?")
    page.get_by_role("button", name="Ask for feedback").click()
    page.wait_for_url(item_url)
    assert "Waiting for" in page.inner_text("[data-testid=feedback-status]")

    # 3. a peer opts in, claims it from the queue and reviews it with the rubric
    ctx = browser.new_context(base_url=live_server, timezone_id="Europe/Berlin")
    rpage = ctx.new_page()
    rpage.set_default_timeout(10_000)
    browser_login(rpage, reviewer)
    rpage.goto("/portfolio/reviewer")
    rpage.check("input[name=is_opted_in]")
    rpage.get_by_role("button", name="Save").click()
    rpage.wait_for_url("**/portfolio/queue")
    entry = rpage.locator("[data-testid=queue-entry]", has_text="Spam filter with a baseline")
    assert "waiting" in entry.locator("[data-testid=wait]").inner_text()
    entry.get_by_role("button", name="Claim and review").click()
    rpage.wait_for_url("**/review")
    for i, fieldset in enumerate(rpage.locator("fieldset.criterion").all()):
        fieldset.locator("input[type=radio]").nth(2 if i % 2 else 1).check()
        fieldset.locator("textarea").fill(f"Comment {i + 1}")
    rpage.fill("textarea[name=summary]", "A clear, honest first model.")
    rpage.fill("textarea[name=next_step]", "Add a confusion matrix.")
    rpage.get_by_role("button", name="Send the review").click()
    rpage.wait_for_url("**/portfolio/*")
    assert rpage.locator("[data-testid=review]").count() == 1

    # 4. the learner sees it, replies and marks it helpful
    page.goto(item_url)
    assert "Reviewed" in page.inner_text("[data-testid=feedback-status]")
    review = page.locator("[data-testid=review]")
    assert "A clear, honest first model." in review.inner_text()
    assert review.locator(".score").count() == 6
    review.locator("textarea[name=body]").fill("Thanks, adding it now.")
    review.get_by_role("button", name="Send reply").click()
    page.wait_for_load_state("load")
    assert "Thanks, adding it now." in page.inner_text("[data-testid=reply]")
    page.get_by_role("button", name="Mark as helpful").click()
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=helpful]").count() == 1

    # 5. the reviewer sees the thread; the helpful count is on record
    rpage.goto(item_url)
    assert "Thanks, adding it now." in rpage.inner_text("[data-testid=reply]")
    with live_app.app_context():
        assert queries.review_counts_for(db.session.get(User, reviewer.id))[0] == 1
    assert page.js_errors == []
    ctx.close()
