"""Every GET page that needs a login sends an anonymous visitor to /login.

The list is built from the app's URL map (views wrapped by flask_login.login_required), so it
grows as features add routes."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask_login import login_required

from mentorhub import create_app
from mentorhub.config import TestConfig

_LOGIN_REQUIRED_CODE = login_required(lambda: None).__code__
# A sample value per Werkzeug converter (IntegerConverter -> "integer", ...)
SAMPLE = {"integer": "1", "float": "1.5", "uuid": "00000000-0000-0000-0000-000000000001", "path": "x/y",
          "unicode": "x"}


def needs_login(view) -> bool:
    while view is not None:
        if getattr(view, "__code__", None) is _LOGIN_REQUIRED_CODE:
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def sample_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        # By the Werkzeug base class: our <int:...> is mentorhub.web.DbIntConverter.
        base = next(c for c in type(converter).__mro__ if c.__module__.startswith("werkzeug."))
        kind = base.__name__.removesuffix("Converter").lower()
        if kind == "any":
            values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
        else:
            values[name] = SAMPLE.get(kind, "x")
    return rule.build(values, append_unknown=False)[1]


def protected_get_rules():
    app = create_app(TestConfig)
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and needs_login(app.view_functions[rule.endpoint]):
            rules.append(pytest.param(rule.rule, sample_url(rule), id=rule.endpoint))
    return rules


PROTECTED = protected_get_rules()


def test_the_list_covers_the_platform_pages():
    endpoints = {p.id for p in PROTECTED}
    assert {"core.dashboard", "accounts.settings", "accounts.export", "accounts.blocked", "accounts.admin_users",
            "notifications.index", "notifications.settings"} <= endpoints


@pytest.mark.parametrize("rule, url", PROTECTED)
def test_anonymous_visitor_is_sent_to_login(client, rule, url):
    resp = client.get(url)
    assert resp.status_code == 302, f"{rule} answered {resp.status_code}"
    target = urlsplit(resp.headers["Location"])
    assert target.path == "/login" and not target.netloc
    assert parse_qs(target.query)["next"] == [url]


def protected_post_rules():
    app = create_app(TestConfig)
    return [pytest.param(rule.rule, sample_url(rule), id=rule.endpoint) for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and needs_login(app.view_functions[rule.endpoint])]


@pytest.mark.parametrize("rule, url", protected_post_rules())
def test_anonymous_post_is_sent_to_login_too(client, rule, url):
    resp = client.post(url, data={})
    assert resp.status_code == 302, f"{rule} answered {resp.status_code}"
    assert urlsplit(resp.headers["Location"]).path == "/login"
