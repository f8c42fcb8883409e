"""Payloads, formatted for each target (Discord, Slack, generic JSON). Pure: no database."""
from __future__ import annotations

import json
from datetime import datetime

from .models import EVENTS

SITE = "mentorhub"


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn control characters: user text never becomes a link or a mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(target: str, happening: dict, link: str) -> str:
    """The JSON body for ``target``. ``happening``: key, kind, at, title, detail (see the
    ``for webhooks`` blocks in events, projects and portfolio queries.py)."""
    label = EVENTS.get(happening["kind"], happening["kind"])
    title = str(happening["title"])[:200]
    detail = str(happening.get("detail") or "")[:500]
    at: datetime = happening["at"]
    if target == "discord":
        body = {
            "content": f"{label}: {title}"[:2000],
            "embeds": [{"title": title[:256], "url": link, "description": detail[:4096],
                        "timestamp": at.isoformat(), "footer": {"text": SITE}}],
            "allowed_mentions": {"parse": []},  # "@everyone" in a title pings nobody
        }
    elif target == "slack":
        text = f"{label}: <{link}|{_slack_escape(title)}>"
        body = {"text": f"{label}: {_slack_escape(title)} {link}",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text + (
                    f"\n{_slack_escape(detail)}" if detail else "")}}]}
    else:
        body = {"id": happening["key"], "event": happening["kind"], "occurred_at": at.isoformat(),
                "data": {"title": title, "url": link, "detail": detail}}
    return json.dumps(body, separators=(",", ":"))
