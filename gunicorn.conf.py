"""gunicorn settings for `make serve` (``gunicorn -c gunicorn.conf.py wsgi:app``).

Each worker builds its own app (no preload): SQLite connections and the scheduler never
cross a fork. Run exactly one scheduler beside the workers (`flask --app wsgi scheduler`).

Metrics: every worker writes its request counters to files in PROMETHEUS_MULTIPROC_DIR (a fresh
temporary folder unless set), and /metrics, served by any worker, adds up all of them. The
folder is emptied when gunicorn starts and a dead worker's live gauges are dropped.
"""
import os
import shutil
import tempfile
from pathlib import Path

# Before prometheus_client is imported anywhere: it picks its value store at import time.
_created_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _created_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="mentorhub-metrics-")
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

from prometheus_client import multiprocess  # noqa: E402  (after the variable above)

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "4"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20

RATE_LIMIT_WARNING = (
    "%d workers share no rate-limit storage (RATELIMIT_STORAGE_URI=%s): each worker "
    "counts login and registration attempts on its own, so the limits hold per worker, not in "
    "total. Set RATELIMIT_STORAGE_URI=redis://host:6379 to share them."
)


def on_starting(server):
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for stale in METRICS_DIR.glob("*.db"):  # counters start again with the server
        stale.unlink()
    storage = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(RATE_LIMIT_WARNING, server.cfg.workers, storage)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))


def on_exit(server):
    if _created_metrics_dir:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
