"""The app's routes compile their URL builders on first use (web.LazyBuilderRule), and the test
run's shared URL builders (tests/route_builders.py) build exactly what werkzeug's own builders
build, for every route of the app."""
from __future__ import annotations

import shutil

from werkzeug.routing.converters import NumberConverter
from werkzeug.routing.rules import Rule

import route_builders
from conftest import build_app
from flask import url_for
from mentorhub.web import LazyBuilderRule


def _arguments(rule: Rule) -> dict:
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, NumberConverter):
            values[name] = 7
        elif converter is not None and hasattr(converter, "items"):  # AnyConverter
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "some slug/ä"
    return values


def test_the_cache_is_installed_and_builds_what_werkzeug_builds(app):
    assert Rule._compile_builder is route_builders._compile_builder
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        values = _arguments(rule)
        for append_unknown in (False, True):
            cached = rule._build_unknown if append_unknown else rule._build
            extra = {"page": "2", "q": "a b&c"} if append_unknown else {}
            expected = route_builders.original_builder(rule, append_unknown)(**values, **extra)
            assert cached(**values, **extra) == expected, rule.rule


def test_builders_are_compiled_on_first_use_only(app):
    [rule] = app.url_map._rules_by_endpoint["profiles.person"]
    assert isinstance(rule, LazyBuilderRule)
    assert rule._build.__func__.compiled is None and rule._build_unknown.__func__.compiled is None
    with app.test_request_context():
        assert url_for("profiles.person", user_id=5, tab="x") == "/people/5?tab=x"
    assert rule._build_unknown.__func__.compiled is not None


def test_a_second_app_reuses_the_builders_and_builds_its_own_urls(app, tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "other.db")
    other = build_app(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        [mine], [theirs] = (a.url_map._rules_by_endpoint["profiles.person"] for a in (app, other))
        assert mine is not theirs
        assert mine._build(user_id=3) == ("", "/people/3") and theirs._build(user_id=4) == ("", "/people/4")
        assert mine._build.__func__.compiled is theirs._build.__func__.compiled
    finally:
        other.extensions["db_engine"].dispose()
