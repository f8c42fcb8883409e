"""Outbox throughput: notify() N users, then deliver the outbox to a real SMTP server on loopback.

    .venv/bin/python bench/notifications_outbox.py --n 2000 [--database-url postgresql+psycopg://...]

Prints notify()/s (one ORM notification + outbox row each, committed in batches of 100) and
mails/s for deliver_outbox runs of OUTBOX_BATCH rows over one SMTP connection per run.
"""
from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time

from _common import bench_app, free_port, md_header, md_row

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from mentorhub.accounts.models import User  # noqa: E402
from mentorhub.db import db, utcnow  # noqa: E402
from mentorhub.notifications import outbox  # noqa: E402
from mentorhub.notifications.models import OutboxEmail  # noqa: E402
from mentorhub.notifications.notify import notify  # noqa: E402


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        Sink.count += 1
        return "250 OK"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--database-url", default=None, help="an EMPTY database (tables are created)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    tmp = None if args.database_url else tempfile.mkdtemp(prefix="mentorhub-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    app = bench_app(url, SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        now = utcnow()
        db.session.execute(insert(User), [
            {"email": f"bench{i}@example.com", "display_name": f"Bench {i}", "password_hash": "", "timezone": "UTC",
             "is_admin": False, "is_organiser": False, "is_suspended": False, "is_deleted": False,
             "session_token": f"bench-token-{i}", "created_at": now} for i in range(args.n)])
        db.session.commit()
        users = db.session.scalars(select(User).order_by(User.id)).all()
        t0 = time.perf_counter()
        for i, user in enumerate(users):
            notify(user, "system", f"Bench notice {i}", body="Hello from the benchmark.", key=f"bench:{i}")
            if i % 100 == 99:
                db.session.commit()
        db.session.commit()
        notify_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        runs = 0
        while db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "pending")):
            outbox.deliver_outbox()
            runs += 1
        deliver_s = time.perf_counter() - t0
    deadline = time.monotonic() + 30
    while Sink.count < args.n and time.monotonic() < deadline:
        time.sleep(0.05)
    controller.stop()
    app.extensions["db_engine"].dispose()
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    md_header("backend", "mails", "notify/s", "deliver runs", "mails/s", "received", align="lrrrrr")
    md_row(backend, args.n, f"{args.n / notify_s:,.0f}", runs, f"{args.n / deliver_s:,.0f}", Sink.count)


if __name__ == "__main__":
    main()
