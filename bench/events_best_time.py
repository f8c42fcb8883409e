"""The best time for a group: 50 members over a one-week grid (target: at most 50 ms).

    .venv/bin/python bench/events_best_time.py [--members 50] [--runs 200]

Members are spread over 12 zones (both hemispheres, with and without DST) with 1–4 weekly
windows each. The week measured is the one in which Europe changes its clocks (25–31 March
2030) while North America already has, the hardest case for the zone maths. Three figures:
``grid+rank`` is the pure part (week_grid for every member, then best_slots), ``service`` is
the whole planning.best_time call on SQLite with the windows read from the database (group
already resolved), ``service 200`` the same for 200 members. Median and 95th percentile.
"""
from __future__ import annotations

import argparse
import random
from datetime import date

from _common import bench_app, md_header, md_row, temp_sqlite, timed

ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo",
         "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Africa/Lagos", "Pacific/Auckland",
         "America/Mexico_City", "Asia/Singapore"]
WEEK = date(2030, 3, 25)


def windows(rng: random.Random) -> list[tuple[int, int, int]]:
    out = []
    for day in rng.sample(range(7), rng.randint(1, 4)):
        start = rng.randrange(6 * 60, 21 * 60, 30)
        out.append((day, start, min(1440, start + rng.choice((60, 90, 120, 180)))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    import numpy as np

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.events import planning
    from mentorhub.events.besttime import best_slots
    from mentorhub.profiles.availability import week_grid
    from mentorhub.profiles.models import AvailabilityWindow

    rng = random.Random(42)
    people = [(ZONES[i % len(ZONES)], windows(rng)) for i in range(max(args.members, 200))]

    def pure(n):
        def run():
            grid = np.vstack([week_grid(w, tz, WEEK) for tz, w in people[:n]])
            return best_slots(grid, 2, k=3)
        return run

    rows = [("grid+rank", args.members, *timed(pure(args.members), args.runs))]

    with temp_sqlite() as url:
        app = bench_app(url)
        with app.app_context():
            users = []
            for i, (tz, ws) in enumerate(people):
                user = User(email=f"m{i}@example.com", display_name=f"Member {i}", timezone=tz, is_organiser=i == 0)
                db.session.add(user)
                db.session.flush()
                for d, s, e in ws:
                    db.session.add(AvailabilityWindow(user_id=user.id, weekday=d, start_minute=s, end_minute=e))
                users.append(user)
            db.session.commit()
            organiser = users[0]
            for n in (args.members, 200):
                group = planning.Group("picked", "bench", users[:n])
                result = planning.best_time(organiser, group, 60, week_start=WEEK)
                rows.append((f"service {n}", n, *timed(lambda: planning.best_time(organiser, group, 60, WEEK),
                                                       args.runs)))
                print(f"  {n} members: best slot {result.proposals[0].starts_at:%a %H:%M} UTC, "
                      f"{len(result.proposals[0].can)} can make it")

    md_header("measure", "members", "median ms", "p95 ms", align="lrrr", lead="\n")
    for name, n, med, p95 in rows:
        md_row(name, n, f"{med:.1f}", f"{p95:.1f}")


if __name__ == "__main__":
    main()
