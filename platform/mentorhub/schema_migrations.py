"""Alembic, for ``flask migrate`` and the migration tests only.

Kept apart from cli.py so that importing the app (every command, every web worker) does not
import Alembic: that costs about 0.2 s of CPU and several MiB per process.
"""
from __future__ import annotations

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from .config import ROOT


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return cfg


def upgrade(url: str, revision: str) -> None:
    """Upgrade the database at ``url`` to ``revision``."""
    command.upgrade(alembic_config(url), revision)


def revisions() -> tuple[str, set[str]]:
    """(the head revision, every revision this code knows), for `flask restore`."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return script.get_current_head(), {r.revision for r in script.walk_revisions()}
