"""Kill -9 a process in the middle of a write, at a chosen SQL statement.

``arm(engine)`` reads CRASH_AT (a regular expression over SQL statements), CRASH_SKIP (matches
to let pass first, default 0) and CRASH_MARKER (a file path). On the first statement past the
skipped ones that matches, after the database ran it and before the unit of work commits, it
writes the marker (statement and pid) and sends SIGKILL to its own process: no handler, no
rollback, no flush, exactly like ``kill -9``. A restarted process sees the marker and runs on.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from sqlalchemy import event

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def die(reason: str) -> None:
    marker = os.environ.get("CRASH_MARKER")
    if marker:
        Path(marker).write_text(f"{os.getpid()}\n{reason[:300]}\n")
    os.kill(os.getpid(), signal.SIGKILL)


def arm(engine) -> None:
    pattern, marker = os.environ.get("CRASH_AT"), os.environ.get("CRASH_MARKER")
    if not pattern or not marker or Path(marker).exists():
        return
    wanted = re.compile(pattern, re.I | re.S)
    skip = [int(os.environ.get("CRASH_SKIP", "0"))]

    @event.listens_for(engine, "after_cursor_execute")
    def _crash(conn, cursor, statement, params, context, executemany):
        if not wanted.search(statement) or Path(marker).exists():
            return
        if skip[0] > 0:
            skip[0] -= 1
            return
        die(statement)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(url: str, tmp_path: Path, **extra: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "crash-test-secret-key", "MENTORHUB_ENV": "development",
            "MENTORHUB_INSTANCE": str(tmp_path / "instance"), "PYTHONPATH": str(HERE), **extra}


@contextmanager
def crashing_gunicorn(tmp_path: Path, url: str, workers: int = 1, **env: str):
    """gunicorn with crash_gunicorn.conf.py (every worker armed); yields (base URL, log path)."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    binary = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(binary), "-c", str(HERE / "crash_gunicorn.conf.py"), "--workers", str(workers),
                             "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env_for(url, tmp_path, **env),
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, log)
        yield base, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_healthy(base: str, proc, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(base + "/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)


def run_driver(tmp_path: Path, url: str, *args: str, timeout: float = 180, **env: str) -> subprocess.CompletedProcess:
    """crash_driver.py in a process of its own (armed); returns how it ended."""
    return subprocess.run([sys.executable, str(HERE / "crash_driver.py"), *args], cwd=ROOT,
                          env=env_for(url, tmp_path, **env), capture_output=True, text=True, timeout=timeout)


def start_driver(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.Popen:
    log = tmp_path / f"driver-{args[0]}.log"
    return subprocess.Popen([sys.executable, str(HERE / "crash_driver.py"), *args], cwd=ROOT,
                            env=env_for(url, tmp_path, **env), stdout=log.open("a"), stderr=subprocess.STDOUT)
