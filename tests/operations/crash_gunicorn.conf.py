"""gunicorn.conf.py plus a crashkit-armed engine in every worker (tests/operations/test_crash.py)."""
from pathlib import Path

exec(compile((Path(__file__).resolve().parents[2] / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"))

from crashkit import arm  # noqa: E402  (PYTHONPATH holds tests/operations)


def post_worker_init(worker):
    arm(worker.wsgi.extensions["db_engine"])
