"""No page answers 500, whatever it is sent: every route, as a learner, a mentor and an admin,
with ids that exist and ids that don't, and every form posted back with hostile values.

The database holds the demo community, so pages render real objects.
"""
from __future__ import annotations

import re
import shutil

import pytest
from werkzeug.routing import IntegerConverter

from conftest import build_app
from mentorhub.db import db
from mentorhub.demo import DEMO_PASSWORD, load

SKIP = {"static", "accounts.logout", "accounts.delete"}  # logging out / deleting would end the run
HOSTILE = ["", "   ", "-1", "0", "99999999999999999999", "abc", "<script>alert(1)</script>",
           "2026-02-30", "2026-03-29T02:30", "25:61", "x" * 5000, "javascript:alert(1)", "nan", "1e309"]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory, sqlite_template):
    path = tmp_path_factory.mktemp("fuzz") / "demo.db"
    shutil.copy(sqlite_template, path)
    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        load(with_demo=True)
        db.session.commit()
    yield app
    app.extensions["db_engine"].dispose()


def _urls(app, rule, ids):
    args = sorted(rule.arguments)
    with app.test_request_context():
        from flask import url_for

        for id_ in ids:
            values = {a: (id_ if isinstance(rule._converters.get(a), IntegerConverter) else "abc") for a in args}
            yield url_for(rule.endpoint, **values)


def _client(app, email):
    client = app.test_client()
    resp = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 302
    return client


@pytest.mark.slow
@pytest.mark.parametrize("email", ["learner@mentorhub.test", "mentor@mentorhub.test", "admin@mentorhub.test"])
def test_no_route_answers_500(demo_app, email):
    client = _client(demo_app, email)
    failures = []
    rules = [r for r in demo_app.url_map.iter_rules() if r.endpoint not in SKIP]
    for rule in rules:
        for url in _urls(demo_app, rule, ids=(1, 3, 999999)):
            fields = set()
            if "GET" in rule.methods:
                resp = client.get(url)
                if resp.status_code >= 500:
                    failures.append(("GET", url, resp.status_code))
                fields = set(FIELD.findall(resp.get_data(as_text=True))) - {"csrf_token"}
            if "POST" in rule.methods:
                for value in HOSTILE if fields else HOSTILE[:4]:
                    data = {name: value for name in fields} or {"x": value}
                    resp = client.post(url, data=data)
                    if resp.status_code >= 500:
                        failures.append(("POST", url, value[:20], resp.status_code))
    assert not failures, failures[:20]
