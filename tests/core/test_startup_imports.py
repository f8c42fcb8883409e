"""Loading the app (every command, every web worker) leaves out libraries few commands use."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each is imported where it is used: `flask migrate`, `flask scheduler` / `run-job`, a notebook
# upload, a cohort plan, setting a password, `flask seed`, signing in with GitHub or OpenID
# Connect (Authlib, requests, joserfc), a PostgreSQL backup or restore (psycopg) and the
# PostgreSQL insert dialect. Importing them with the app would cost every process start-up time
# and memory.
ONLY_WHEN_USED = ("alembic", "apscheduler", "nbformat", "scipy.sparse.csgraph", "sklearn", "zxcvbn", "faker",
                  "tqdm", "authlib", "requests", "joserfc", "psycopg", "sqlalchemy.dialects.postgresql")


@pytest.mark.slow
def test_loading_the_app_does_not_import_libraries_only_some_commands_use(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    code = ("import json, sys, wsgi; "
            f"print(json.dumps([m for m in {ONLY_WHEN_USED!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_commands_that_use_them_still_work(app, runner):
    result = runner.invoke(args=["run-job", "no-such-job"])
    assert "unknown job no-such-job" in result.output  # run-job reaches the scheduler's runner


@pytest.mark.slow
def test_the_entry_point_leaves_the_collector_on_with_the_loaded_app_frozen(tmp_path):
    """wsgi pauses the garbage collector while the app loads: it must be on again afterwards (or
    every worker would keep its cyclic garbage for good), with what loading made frozen."""
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'app.db'}")
    code = "import gc, json, wsgi; print(json.dumps([gc.isenabled(), gc.get_freeze_count()]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True)
    enabled, frozen = json.loads(out.stdout.strip().splitlines()[-1])
    assert enabled is True
    assert frozen > 50_000  # the app's modules, models and routes
