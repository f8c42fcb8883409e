"""Libraries that only some actions use, named at the top of the module that uses them and
imported the first time one of their attributes is read.

Every process loads the whole app: each web worker, the scheduler and every ``flask`` command.
A library that only one action needs (psycopg for a PostgreSQL backup, Authlib for signing in
with GitHub, Faker for demo data) would otherwise cost each of them its import time and its
memory. ``tests/core/test_startup_imports.py`` keeps them out of loading the app, and checks
that every name declared here can be imported.

    psycopg = lazy_module("psycopg")     # at the top, beside the other imports
    ...
    psycopg.connect(...)                 # the first attribute read imports psycopg

Only for third-party libraries: the app's own modules are imported normally, so the layer
checks (tests/core/test_architecture.py) see every edge between them.
"""
from __future__ import annotations

import importlib
import threading
from types import ModuleType

DECLARED: set[str] = set()  # every module named through lazy_module, for the test that imports them


class LazyModule:
    """Stands for a module until the first attribute read, which imports it (once, under a lock:
    the scheduler runs jobs in threads) and then reads from the real module."""

    __slots__ = ("_lock", "_module", "_name")

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None
        self._lock = threading.Lock()

    def _load(self) -> ModuleType:
        with self._lock:
            if self._module is None:
                self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attr: str):
        return getattr(self._module or self._load(), attr)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not imported yet"
        return f"<lazy module {self._name!r} ({state})>"


def lazy_module(name: str) -> LazyModule:
    """``name`` (a dotted module path), imported on first use."""
    DECLARED.add(name)
    return LazyModule(name)
