"""Password reset: how long POST /reset takes for an address with an account and for one without.

    .venv/bin/python bench/accounts_reset_timing.py --runs 200

Issue 12 item 8: the two must not differ (both make a token, queue one mail and commit). Prints
the median and 95th percentile of each, on a SQLite file, through the test client (no network).
A new address is used for every request, so the per-minute de-duplication never shortens a run.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import time

from _common import bench_app, md_header, md_row, temp_sqlite

from mentorhub.accounts.models import User  # noqa: E402
from mentorhub.db import db  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    with temp_sqlite() as url:
        app = bench_app(url)
        with app.app_context():
            db.session.add_all([User(email=f"known{i}@example.com", display_name=f"Known {i}",
                                     password_hash="x") for i in range(args.runs)])
            db.session.commit()
        client = app.test_client()
        samples = {"known": [], "unknown": []}
        client.post("/reset", data={"email": "warm-up@example.com"})
        for i in range(args.runs):  # interleaved, so a change of load hits both alike
            for kind in ("known", "unknown"):
                t = time.perf_counter()
                assert client.post("/reset", data={"email": f"{kind}{i}@example.com"}).status_code == 302
                samples[kind].append((time.perf_counter() - t) * 1000)
        md_header("address", "median ms", "p95 ms", align="lrr")
        for kind, values in samples.items():
            values.sort()
            md_row(kind, f"{statistics.median(values):.2f}", f"{values[int(0.95 * (len(values) - 1))]:.2f}")
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
