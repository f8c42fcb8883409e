"""Pages under load: mentorhub's pages under gunicorn next to a hello-world Flask app.

    .venv/bin/python bench/web_load.py [--duration 10] [--clients 16] [--workers 4]
                                       [--scale 20000] [--postgres | --no-postgres]
                                       [--cache on,off,churn5]

In one run: a hello-world Flask app and mentorhub, each under gunicorn with the same settings
(WORKERS sync workers, `gunicorn.conf.py`); mentorhub on a SQLite file (and on a throwaway
PostgreSQL server when its binaries exist, or with --postgres) loaded with `flask seed --demo`
plus `flask seed --scale N`. `wrk` drives CLIENTS keep-alive connections per page for DURATION
seconds; the logged-in pages carry the session cookie of learner@mentorhub.test, logged in once
through the form. Prints per page req/s, the ratio to hello-world, p50/p95 latency and non-2xx
answers; last, /projects on SQLite with 1 and with 2 clients, page cache off (2 workers can serve 2 readers at
once only when reads do not serialise on the database). A quick run:
`--duration 3 --scale 2000`.

Each row also gives the CPU time the gunicorn processes spent per request (user + system, from
/proc, over the whole run) and hello-world's CPU per request divided by it: the throughput ratio
an unshared machine would show where both are CPU-bound, and much steadier than req/s when
other work shares the cores.

`--cache` picks how the rendered-page cache (mentorhub/pagecache.py) runs, one row set each:
`on` (the default settings), `off` (PAGE_CACHE_SECONDS=0: every request renders), `churnN`
(on, while this script raises the data version N times a second, as N writes a second by
the community would: each empties every cache).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, nullcontext
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

from _common import ROOT, free_port, md_header, md_row, temp_sqlite, throwaway_postgres
from sqlalchemy import text

from mentorhub.db import make_engine

BIN = Path(sys.executable).parent
DEMO_LOGIN = ("learner@mentorhub.test", "mentorhub-demo-pass")  # README "Quick start"
PAGES = [("/healthz", False), ("/projects", False), ("/mentors", True), ("/matches", True), ("/dashboard", True)]
HELLO = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''
# wrk reports through this script: requests, seconds, p50 and p95 (microseconds), non-2xx/3xx, errors
WRK_SCRIPT = '''done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %f %d %d %d %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), e.status, e.connect + e.read + e.write + e.timeout))
end
'''
# Sessions are bound to the client's address and User-Agent (Flask-Login "strong" protection):
# the login and wrk send the same one.
USER_AGENT = "mentorhub-web-load"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_cookie(base: str) -> str:
    """Log the demo learner in through the form; the Cookie header of that session."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar), _NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(base + "/login", timeout=60).read().decode()
    token = re.search(r'value="([^"]+)"', CSRF_INPUT.search(html).group(0)).group(1)
    data = urlencode({"csrf_token": token, "email": DEMO_LOGIN[0], "password": DEMO_LOGIN[1]}).encode()
    try:
        opener.open(base + "/login", data=data, timeout=60)
        raise SystemExit("login did not redirect: wrong demo login?")
    except HTTPError as exc:
        if exc.code != 302:
            raise SystemExit(f"login answered {exc.code}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(base: str, path: str, cookie: str | None) -> tuple[int, str]:
    opener = build_opener(_NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)] + ([("Cookie", cookie)] if cookie else [])
    try:
        with opener.open(base + path, timeout=120) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except HTTPError as exc:
        return exc.code, ""


def status_of(base: str, path: str, cookie: str | None) -> int:
    return fetch(base, path, cookie)[0]


SERVERS: dict[str, int] = {}  # base URL -> gunicorn master's pid
TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(base: str) -> float:
    """CPU seconds (user + system) the gunicorn master and its workers have used so far."""
    master = SERVERS[base]
    pids = [master] + [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


@contextmanager
def gunicorn(app: str, cwd: Path, workers: int, env: dict, log: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
                             "--bind", f"127.0.0.1:{port}", app], cwd=cwd, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    SERVERS[base] = proc.pid
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                build_opener().open(base + ("/healthz" if app == "wsgi:app" else "/"), timeout=5).read()
                break
            except (URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(url: str, clients: int, duration: int, script: Path, cookie: str | None = None) -> dict:
    cmd = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{duration}s", "--timeout", "30s",
           "-s", str(script), "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    base = url[: url.index("/", len("http://"))]
    cpu = server_cpu(base)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    cpu = server_cpu(base) - cpu
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, seconds, p50, p95, bad_status, errors = (float(f) for f in fields)
    return {"rps": requests / seconds, "p50": p50 / 1000, "p95": p95 / 1000,
            "bad": int(bad_status + errors), "requests": int(requests),
            "cpu_ms": cpu * 1000 / requests if requests else float("nan")}


def flask_cli(env: dict, *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def base_env(url: str, instance: Path) -> dict:
    return {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-web-load", "MENTORHUB_ENV": "development",
            "MENTORHUB_INSTANCE": str(instance), "RATELIMIT_ENABLED": "0"}


@contextmanager
def churn(url: str, per_second: int):
    """Raise the data version ``per_second`` times a second (as that many writes would) meanwhile."""
    engine, stop = make_engine(url), threading.Event()

    def run() -> None:
        while not stop.wait(1 / per_second):
            with engine.begin() as conn:
                conn.execute(text("UPDATE data_version SET n = n + 1"))
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        engine.dispose()


def run_backend(name: str, url: str, args, tmp: Path, script: Path, hello: dict) -> dict:
    env = base_env(url, tmp / f"instance-{name}")
    env["MATCH_INDEX_DIR"] = str(tmp / f"instance-{name}" / "match-index")  # absolute: one per backend
    t = time.perf_counter()
    flask_cli(env, "migrate")
    flask_cli(env, "seed", "--demo")
    if args.scale:
        flask_cli(env, "seed", "--scale", str(args.scale))
    flask_cli(env, "match-index", "build")  # as the scheduler would: /matches and /dashboard show real matches
    print(f"{name}: migrate + seed --demo + seed --scale {args.scale} + match-index build: "
          f"{time.perf_counter() - t:.0f} s", flush=True)
    results = {}
    for mode in args.cache:
        writes = int(mode.removeprefix("churn")) if mode.startswith("churn") else 0
        served = {**env, "PAGE_CACHE_SECONDS": "0"} if mode == "off" else env
        with gunicorn("wsgi:app", ROOT, args.workers, served, tmp / f"gunicorn-{name}-{mode}.log") as base:
            cookie = login_cookie(base)
            if "being prepared" in fetch(base, "/matches", cookie)[1]:
                print("warning: /matches says matches are being prepared (no published index)", file=sys.stderr)
            for path, logged_in in PAGES:
                jar = cookie if logged_in else None
                # One request first: its status is shown, and it waits until the workers have drained
                # the previous run's queued requests.
                status = status_of(base, path, jar)
                if status != 200:
                    print(f"warning: {path} answers {status}, not 200", file=sys.stderr)
                with churn(url, writes) if writes else nullcontext():
                    r = wrk(base + path, args.clients, args.duration, script, jar)
                r["status"] = status
                results[(mode, path)] = r
                cache = f"{writes} writes/s" if writes else mode
                md_row(name, cache, path, "learner" if logged_in else "anonymous", status, f"{r['rps']:,.0f}",
                       f"{r['rps'] / hello['rps']:.3f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", r["bad"],
                       f"{r['cpu_ms']:.2f}", f"{hello['cpu_ms'] / r['cpu_ms']:.3f}")
    if name == "SQLite":  # with the page cache off, so that each request reads the database
        with gunicorn("wsgi:app", ROOT, args.workers, {**env, "PAGE_CACHE_SECONDS": "0"},
                      tmp / f"gunicorn-{name}-readers.log") as base:
            status_of(base, "/projects", None)  # wait until the workers have drained the last run's queue
            one = wrk(base + "/projects", 1, args.duration, script)
            status_of(base, "/projects", None)
            two = wrk(base + "/projects", 2, args.duration, script)
            results["projects-1-2"] = (one, two)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections per page (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for both apps (default 4)")
    parser.add_argument("--scale", type=int, default=20000, help="learners from seed --scale (default 20000; 0: none)")
    parser.add_argument("--cache", type=lambda s: s.split(","), default=["on"],
                        help="page cache modes, comma-separated: on, off, churnN (default on)")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=None,
                        help="also run on a throwaway PostgreSQL (default: when its binaries exist)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found (apt-get install wrk)")
    postgres = args.postgres if args.postgres is not None else (
        bool(os.environ.get("DATABASE_URL_BENCH")) or any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))

    tmp = Path(tempfile.mkdtemp(prefix="mentorhub-web-load-"))
    try:
        script = tmp / "report.lua"
        script.write_text(WRK_SCRIPT)
        (tmp / "hello_app.py").write_text(HELLO)
        print(f"gunicorn --workers {args.workers} (sync); wrk {args.clients} connections, {args.duration} s per page; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        with gunicorn("hello_app:app", tmp, args.workers, {**os.environ}, tmp / "gunicorn-hello.log") as base:
            hello = wrk(base + "/", args.clients, args.duration, script)
        print()
        md_header("backend", "page cache", "page", "as", "status", "req/s", "× hello", "p50 ms", "p95 ms",
                  "non-2xx/errors", "CPU ms/request", "× hello by CPU", align="llllrrrrrrrr")
        md_row("hello-world Flask", "", "/", "anonymous", 200, f"{hello['rps']:,.0f}", "1.000", f"{hello['p50']:.1f}",
               f"{hello['p95']:.1f}", hello["bad"], f"{hello['cpu_ms']:.2f}", "1.000")
        with temp_sqlite() as url:
            sqlite = run_backend("SQLite", url, args, tmp, script, hello)
        if postgres:
            with throwaway_postgres() as url:
                run_backend("PostgreSQL", url, args, tmp, script, hello)
        one, two = sqlite["projects-1-2"]
        ratio = f"{two['rps'] / one['rps']:.2f}" if one["rps"] else "n/a (no request finished: raise --duration)"
        print(f"\n/projects on SQLite (anonymous, page cache off): 1 client {one['rps']:,.1f} req/s, "
              f"2 clients {two['rps']:,.1f} req/s, "
              f"ratio {ratio} (2.0 = two readers fully in parallel)")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
