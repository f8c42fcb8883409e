"""The scheduler process: APScheduler's BlockingScheduler over the job registry.

Run exactly one (``flask --app wsgi scheduler``); web workers never start it. Each run
gets a fresh app context (so its DB session is cleaned up) and an exception in one job is
logged without stopping the process.
"""
from __future__ import annotations

import logging
import signal
import time
from typing import Callable

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from ..db import db, utcnow
from .registry import Job, jobs
from .services import record_job_run

log = logging.getLogger("mentorhub.scheduler")


def run_job(app: Flask, job: Job | Callable) -> object:
    """Run one job in a fresh app context; log one line with its outcome, counts and duration,
    and record the run (scheduler_job_runs, which /metrics reads)."""
    func = job.func if isinstance(job, Job) else job
    name = job.id if isinstance(job, Job) else getattr(func, "__name__", "job")
    read_only = isinstance(job, Job) and job.read_only
    with app.app_context():
        started_at, started = utcnow(), time.perf_counter()
        try:
            if read_only:
                with db.read_only():
                    result = func()
            else:
                result = func()
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            seconds = time.perf_counter() - started
            log.exception("job %s failed after %.3f s", name, seconds,
                          extra={"job": name, "outcome": "failed", "duration_ms": round(seconds * 1000, 1)})
            _record(name, started_at, seconds, ok=False)
            return None
        seconds = time.perf_counter() - started
        log.info("job %s done in %.3f s: %s", name, seconds, result,
                 extra={"job": name, "outcome": "done", "duration_ms": round(seconds * 1000, 1),
                        "counts": result if isinstance(result, (dict, int)) else None})
        _record(name, started_at, seconds, ok=True)
        return result


def _record(name: str, started_at, seconds: float, ok: bool) -> None:
    try:
        db.session.rollback()  # what the job left uncommitted would be dropped at teardown anyway
        record_job_run(name, started_at, seconds, ok)
    except Exception:  # noqa: BLE001 - bookkeeping must never fail a job (e.g. before `flask migrate`)
        log.warning("could not record the run of job %s", name, exc_info=True)
        db.session.rollback()


def build_scheduler(app: Flask) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for job in jobs(app):
        scheduler.add_job(run_job, job.trigger, args=[app, job], id=job.id, name=job.id,
                          max_instances=1, coalesce=True, misfire_grace_time=60, **job.args)
    return scheduler


def run(app: Flask) -> None:
    scheduler = build_scheduler(app)

    stopping = []

    def _stop(signum, _frame):
        if stopping:  # a second signal while shutting down: nothing more to do
            return
        stopping.append(signum)
        log.info("scheduler stopping (signal %s)", signum)
        try:
            scheduler.shutdown(wait=False)
        except SchedulerNotRunningError:  # the signal came before start(); start() sees `stopping`
            pass

    signal.signal(signal.SIGTERM, _stop)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # Ctrl-C in a terminal
        signal.signal(signal.SIGINT, _stop)
    log.info("scheduler starting with jobs: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    # Run each sweep once at start, so nothing waits for the first interval.
    for job in jobs(app):
        if stopping:
            return
        if job.trigger == "interval":
            run_job(app, job)
    if stopping:
        return
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
