"""Alembic: upgrade head, downgrade base, upgrade head again on SQLite and PostgreSQL, and the
migrated schema matches the models (autogenerate finds no difference)."""
from __future__ import annotations

import os

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from mentorhub import models  # noqa: F401  (every table on the metadata)
from mentorhub.db import Base, make_engine
from mentorhub.schema_migrations import alembic_config as _alembic_config


def alembic_config(url: str):
    """The project's Alembic config; MENTORHUB_MIGRATIONS=<dir> checks a candidate folder instead
    (e.g. a freshly regenerated copy of migrations/ before committing it)."""
    cfg = _alembic_config(url)
    if os.environ.get("MENTORHUB_MIGRATIONS"):
        cfg.set_main_option("script_location", os.environ["MENTORHUB_MIGRATIONS"])
    return cfg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/migrate.db"
    return request.getfixturevalue("pg_url")


def differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_one_linear_history():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_downgrade_upgrade_and_models_agree(db_url):
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "head")
    assert tables(db_url) == set(Base.metadata.tables)
    command.downgrade(cfg, "base")
    assert tables(db_url) == set()
    command.upgrade(cfg, "head")
    diff = differences(db_url)
    assert diff == [], "the models and the migrations differ; regenerate the migration:\n" + "\n".join(
        map(str, diff[:30]))
