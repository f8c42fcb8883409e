"""gunicorn settings for `make serve` (``gunicorn -c gunicorn.conf.py wsgi:app``).

Each worker builds its own app (no preload): SQLite connections and the scheduler never
cross a fork. Run exactly one scheduler beside the workers (`flask --app wsgi scheduler`).
"""
import os

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
    storage = os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(RATE_LIMIT_WARNING, server.cfg.workers, storage)
