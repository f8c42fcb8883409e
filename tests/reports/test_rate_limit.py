"""Reports are rate-limited per member (REPORT_RATE_LIMIT)."""
from __future__ import annotations

import pytest


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "REPORT_RATE_LIMIT": "2 per minute"}


def test_reports_are_rate_limited(app, client, login_as, make_user):
    reporter = make_user()
    others = [make_user() for _ in range(3)]
    login_as(reporter)
    codes = [client.post(f"/report/person/{o.id}", data={"reason": "spam"}).status_code for o in others]
    assert codes == [302, 302, 429]
