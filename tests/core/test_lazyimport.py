"""lazyimport: a library named at the top of a module is imported on its first use, once."""
import importlib
import importlib.util
import pkgutil
import sys
import threading

import pytest

import mentorhub
from mentorhub import lazyimport
from mentorhub.lazyimport import lazy_module


@pytest.fixture
def fresh_module(monkeypatch):
    """A module name no test has imported yet: a stdlib module dropped from sys.modules."""
    name = "colorsys"
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_the_module_is_imported_on_the_first_attribute_read_and_then_used(fresh_module):
    lazy = lazy_module(fresh_module)
    assert fresh_module not in sys.modules
    assert "not imported yet" in repr(lazy)
    assert lazy.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert fresh_module in sys.modules
    assert lazy.rgb_to_hsv is sys.modules[fresh_module].rgb_to_hsv
    assert "(imported)" in repr(lazy)


def test_threads_reading_at_once_all_get_the_one_module(fresh_module):
    lazy = lazy_module(fresh_module)
    start, seen = threading.Barrier(8), []

    def read():
        start.wait()
        seen.append(lazy.hsv_to_rgb)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(f is sys.modules[fresh_module].hsv_to_rgb for f in seen)


def test_a_missing_attribute_or_module_fails_when_used():
    with pytest.raises(AttributeError):
        lazy_module("colorsys").no_such_function  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        lazy_module("no_such_library_here").anything  # noqa: B018


def test_every_library_the_app_declares_lazily_is_installed():
    for module in pkgutil.walk_packages(mentorhub.__path__, "mentorhub."):  # every declaration made
        importlib.import_module(module.name)
    declared = {name for name in lazyimport.DECLARED if name != "no_such_library_here"}
    assert {"psycopg", "faker", "zxcvbn", "authlib.integrations.flask_client"} <= declared
    assert [name for name in sorted(declared) if importlib.util.find_spec(name) is None] == []
