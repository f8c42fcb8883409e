"""The mentoring sweeps over N due items, on SQLite and PostgreSQL (target: 100,000 in at most 30 s each).

    .venv/bin/python bench/mentoring_sweep.py [--n 20000] [--backends sqlite,postgres]

Half the items are active mentorships whose check-in is due (the sweep opens a check-in and
tells the learner), half are booked sessions inside the 24-hour reminder window (the sweep
reminds both people: two notifications, two outbox mails). Every send goes through
notifications.bulk.notify_many with its unique key, batch by batch, as the scheduler runs it. A second run
of both sweeps follows, which must find nothing to do (idempotence). Seeding is not timed.
The default keeps ``make bench`` short; the recorded figures use ``--n 100000``.
"""
from __future__ import annotations

import argparse
import time
from datetime import timedelta

from _common import bench_app, temp_sqlite, throwaway_postgres


def seed(app, n: int) -> None:
    from sqlalchemy import insert

    from mentorhub.accounts.models import User
    from mentorhub.db import db, utcnow
    from mentorhub.mentoring.models import MentoringSession, Mentorship

    now = utcnow()
    half = n // 2
    mentors = max(1, half // 10)
    with app.app_context():
        users = [{"id": i + 1, "email": f"u{i}@bench.test", "display_name": f"Member {i}", "password_hash": "",
                  "timezone": ("America/New_York", "Asia/Kolkata", "Europe/Berlin")[i % 3],
                  "session_token": f"tok-{i}", "created_at": now, "is_admin": False, "is_organiser": False,
                  "is_suspended": False, "is_deleted": False}
                 for i in range(mentors + half)]
        for i in range(0, len(users), 5000):
            db.session.execute(insert(User), users[i:i + 5000])
        rows = [{"id": j + 1, "learner_id": mentors + j + 1, "mentor_id": (j % mentors) + 1, "cadence": "weekly",
                 "status": "active", "started_at": now - timedelta(days=7), "next_checkin_at": now - timedelta(hours=1),
                 "is_rematch_requested": False}
                for j in range(half)]
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(Mentorship), rows[i:i + 5000])
        sessions = []
        for j in range(n - half):
            start = now + timedelta(hours=2, seconds=j)
            sessions.append({"mentorship_id": j % half + 1, "mentor_id": (j % half) % mentors + 1,
                             "learner_id": mentors + (j % half) + 1, "starts_at": start,
                             "ends_at": start + timedelta(hours=1), "slot_starts_at": start, "status": "booked",
                             "meeting_url": "", "agenda": "", "sequence": 0, "cancel_reason": "",
                             "created_at": now, "updated_at": now, "reminders_sent": ""})
        for i in range(0, len(sessions), 5000):
            db.session.execute(insert(MentoringSession), sessions[i:i + 5000])
        db.session.commit()
        if db.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy import text

            for table in ("users", "mentorships", "mentoring_sessions"):
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def measure(url: str, n: int) -> dict:
    from sqlalchemy import func, select

    from mentorhub.config import Config
    from mentorhub.db import db
    from mentorhub.mentoring import jobs
    from mentorhub.notifications.models import Notification, OutboxEmail

    app = bench_app(url, base=Config, TESTING=True)
    seed(app, n)
    out = {}
    with app.app_context():
        t0 = time.perf_counter()
        out["checkins"] = jobs.create_checkins()
        t1 = time.perf_counter()
        out["reminded"] = jobs.session_reminders()
        t2 = time.perf_counter()
        again = (jobs.create_checkins(), jobs.session_reminders())
        t3 = time.perf_counter()
        out["notifications"] = db.session.scalar(select(func.count(Notification.id)))
        out["mails"] = db.session.scalar(select(func.count(OutboxEmail.id)))
    app.extensions["db_engine"].dispose()
    assert again == (0, 0), again
    out.update(checkin_s=t1 - t0, reminder_s=t2 - t1, total_s=t2 - t0, rerun_s=t3 - t2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"mentoring sweeps over {args.n:,} due items ({args.n // 2:,} check-ins, {args.n - args.n // 2:,} sessions)")
    print(f"{'backend':10} {'check-ins s':>12} {'reminders s':>12} {'total s':>9} {'re-run s':>9} "
          f"{'notifications':>14} {'mails':>9}")
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with temp_sqlite() as url:
                r = measure(url, args.n)
        else:
            with throwaway_postgres() as url:
                r = measure(url, args.n)
        print(f"{backend:10} {r['checkin_s']:12.1f} {r['reminder_s']:12.1f} {r['total_s']:9.1f} {r['rerun_s']:9.2f} "
              f"{r['notifications']:14,} {r['mails']:9,}", flush=True)


if __name__ == "__main__":
    main()
