"""Databases with the demo community (built once per session and copied per test) for the
backup, restore and crash tests."""
from __future__ import annotations

import shutil

import pytest

from conftest import build_app
from mentorhub import demo
from mentorhub.schema_migrations import upgrade
from operations.dbrows import pg_database


def load_demo(url: str) -> None:
    upgrade(url, "head")
    app = build_app(url)
    with app.app_context():
        demo.load(with_demo=True)
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def demo_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    load_demo(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_pg(pg_server):
    name = pg_database(pg_server)
    load_demo(f"{pg_server}/{name}")
    return name


@pytest.fixture(params=["sqlite", "postgres"])
def demo_urls(request, tmp_path):
    """(a copy of the demo community, an empty database of the same kind)."""
    if request.param == "sqlite":
        shutil.copy(request.getfixturevalue("demo_sqlite"), tmp_path / "source.db")
        return f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
    server = request.getfixturevalue("pg_server")
    source = pg_database(server, template=request.getfixturevalue("demo_pg"))
    return f"{server}/{source}", f"{server}/{pg_database(server)}"
