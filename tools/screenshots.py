"""Screenshots of the demo's main pages for the README, taken with the real browser.

    make screenshots        (or: .venv/bin/python tools/screenshots.py [OUT_DIR])

Builds a throwaway SQLite database with the demo community (`flask seed --demo`), serves it on
loopback, logs in as the demo roles and saves the pages listed in tests/browser_pages.py
(SCREENSHOTS) as PNGs under docs/screenshots/. Uses Debian's Chromium like the browser tests.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the one page list and the demo-site helpers live there

from playwright.sync_api import sync_playwright

from browser_pages import SCREENSHOTS, demo_app, log_in, pages_with_ids, serve
from conftest import CHROMIUM, CHROMIUM_ARGS, demo_database
from mentorhub.db import Base, make_engine

VIEWPORT = {"width": 1280, "height": 800}


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mentorhub-shots-"))
    schema = work / "schema.db"
    engine = make_engine(f"sqlite:///{schema}")
    Base.metadata.create_all(engine)
    engine.dispose()
    app = demo_app(demo_database(schema, work), work)
    shots = pages_with_ids(app, SCREENSHOTS)
    with serve(app) as base_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for who in dict.fromkeys(who for who, _, _ in shots):
            context = browser.new_context(base_url=base_url, viewport=VIEWPORT, timezone_id="Europe/Berlin")
            page = context.new_page()
            if who:
                log_in(page, who)
            for role, path, name in shots:
                if role == who:
                    page.goto(path)
                    page.screenshot(path=str(out_dir / name))
                    print(f"{out_dir / name}  ({who or 'visitor'} {path})")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
