"""Helpers shared by the bench scripts: timing, tables, throwaway databases and apps.

Importing this module puts ``platform/`` on ``sys.path`` so the scripts can import mentorhub.
``run_all.py`` skips it (the name starts with an underscore).
"""
from __future__ import annotations

import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "platform") not in sys.path:
    sys.path.insert(0, str(ROOT / "platform"))


# --- timing -------------------------------------------------------------------------------------

def timed(fn, runs: int) -> tuple[float, float]:
    """Call ``fn`` ``runs`` times; the median and 95th percentile in milliseconds."""
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def peak_gib() -> float:
    """Peak resident set size of this process so far, in GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


# --- tables -------------------------------------------------------------------------------------

def md_header(*columns: str, align: str = "", lead: str = "") -> None:
    """Print a Markdown table header; ``align`` has one letter per column, l (default) or r."""
    print(f"{lead}| " + " | ".join(columns) + " |")
    print("|" + "|".join("---:" if align[i:i + 1] == "r" else "---" for i in range(len(columns))) + "|")


def md_row(*cells: object) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |")


# --- databases and apps ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def temp_sqlite(prefix: str = "mentorhub-bench-", name: str = "bench.db"):
    """A SQLite URL in a fresh temporary folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield f"sqlite:///{folder / name}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def throwaway_postgres():
    """DATABASE_URL_BENCH if set (an empty database), otherwise a throwaway PostgreSQL server
    started with initdb/pg_ctl (as the postgres user when run as root), like the test fixtures."""
    url = os.environ.get("DATABASE_URL_BENCH")
    if url:
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not bins:
        raise SystemExit("PostgreSQL binaries not found under /usr/lib/postgresql")
    bindir = bins[0]
    root = os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="mentorhub-bench-pg-"))
    if root:
        shutil.chown(tmp, "postgres", "postgres")
        tmp.chmod(0o700)
    data, port = tmp / "data", free_port()

    def run(cmd: str) -> None:
        subprocess.run(["su", "postgres", "-c", cmd] if root else ["bash", "-c", cmd], check=True,
                       capture_output=True, timeout=120)

    run(f"{bindir}/initdb -D {data} -A trust -U postgres --no-sync -E UTF8")
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1"
    run(f"{bindir}/pg_ctl -D {data} -o '{opts}' -l {tmp}/log -w start")
    try:
        run(f"{bindir}/createdb -h 127.0.0.1 -p {port} -U postgres bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
    finally:
        run(f"{bindir}/pg_ctl -D {data} -m fast stop")
        shutil.rmtree(tmp, ignore_errors=True)


def bench_app(url: str, base=None, **settings):
    """Create every table on the (empty) database at ``url``, then build an app on it.

    ``base`` is the Config class to extend (default ``TestConfig``); ``settings`` are extra
    class attributes (e.g. ``TESTING=True``, ``SMTP_PORT=...``)."""
    from mentorhub import create_app, models  # noqa: F401  (every table on the metadata)
    from mentorhub.config import TestConfig
    from mentorhub.db import Base, make_engine

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    config = type("BenchConfig", (base or TestConfig,), {"DATABASE_URL": url, **settings})
    return create_app(config)
