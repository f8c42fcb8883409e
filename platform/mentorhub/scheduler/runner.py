"""The scheduler process: APScheduler's BlockingScheduler over the job registry.

Run exactly one (``flask --app wsgi scheduler``); web workers never start it. Each run
gets a fresh app context (so its DB session is cleaned up) and an exception in one job is
logged without stopping the process.
"""
from __future__ import annotations

import logging
import signal
from typing import Callable

from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from ..db import db
from .registry import Job, jobs

log = logging.getLogger("mentorhub.scheduler")


def run_job(app: Flask, job: Job | Callable) -> object:
    func = job.func if isinstance(job, Job) else job
    name = job.id if isinstance(job, Job) else getattr(func, "__name__", "job")
    read_only = isinstance(job, Job) and job.read_only
    with app.app_context():
        try:
            if read_only:
                with db.read_only():
                    result = func()
            else:
                result = func()
            log.info("job %s done: %s", name, result)
            return result
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("job %s failed", name)
            db.session.rollback()
            return None


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
