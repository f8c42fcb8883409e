"""Every test builds its own app, and each app compiles a URL builder for each of its ~180 routes
(werkzeug turns every rule into Python source and compiles it: about a third of a typical test's
time). The builder is a pure function of the rule's text, its parsed parts and its defaults, and
takes the rule as ``self`` when it runs, so this cache hands the builder compiled for the first app
to every later app with the same rule. What a URL builds to is unchanged: tests/core/test_route_builders.py
builds every route of an app both ways and compares.

install() is called once by tests/conftest.py; it does nothing if werkzeug's Rule changes shape.
"""
from __future__ import annotations

import inspect

from werkzeug.routing.rules import Rule

_ORIGINAL = Rule._compile_builder
_BUILDERS: dict[tuple, object] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple:
    defaults = rule.defaults or {}
    # a default for a part of the path is converted once and written into the builder as text
    baked = tuple((name, rule._converters[name].to_url(value) if name in rule._converters else None)
                  for name, value in defaults.items())
    return (rule.rule, rule.host, rule.subdomain, rule.map.host_matching, rule.merge_slashes, append_unknown,
            tuple(rule._trace), baked)


def _compile_builder(self: Rule, append_unknown: bool = True):
    key = _key(self, append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _ORIGINAL(self, append_unknown)
    return builder


def original_builder(rule: Rule, append_unknown: bool = True):
    """The builder werkzeug compiles for ``rule`` without the cache, bound to it."""
    return _ORIGINAL(rule, append_unknown).__get__(rule, None)


def install() -> bool:
    if list(inspect.signature(_ORIGINAL).parameters) != ["self", "append_unknown"]:
        return False  # a werkzeug whose builders this cache does not know: compile each one
    Rule._compile_builder = _compile_builder
    return True
