"""How long reading and importing a form export takes: the Google Forms sample of
tests/fixtures/import/ repeated to N rows (unique emails), on SQLite.

    .venv/bin/python bench/import_forms.py [--n 500]   (recorded: --n 2000)

Prints the time to plan the file (read, map, read every cell, check every row: what
`--dry-run` and the web preview do), the first import (everyone new, one invitation each) and
the second import of the same file (nothing changes: every row is compared, none written).
"""
from __future__ import annotations

import argparse
import csv
import io
import time

from _common import ROOT, bench_app, md_header, md_row, temp_sqlite

from mentorhub.config import Config
from mentorhub.profiles import importing
from mentorhub.profiles.taxonomy import load_taxonomy

SAMPLE = ROOT / "tests" / "fixtures" / "import" / "google_forms.csv"


def export(n: int) -> str:
    rows = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for i in range(n):
        row = list(body[i % len(body)])
        row[1] = row[1].replace("@", f"+{i}@")
        writer.writerow(row)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    text = export(args.n)
    with temp_sqlite() as url:
        app = bench_app(url, base=Config)
        with app.app_context():
            load_taxonomy()
            t0 = time.perf_counter()
            plan = importing.plan_import(text, "csv")
            planned = time.perf_counter() - t0
            t0 = time.perf_counter()
            first = importing.run_import(importing.plan_import(text, "csv"))
            imported = time.perf_counter() - t0
            t0 = time.perf_counter()
            second = importing.run_import(importing.plan_import(text, "csv"))
            again = time.perf_counter() - t0
        app.extensions["db_engine"].dispose()
    md_header("rows", "plan (dry run) s", "first import s", "second import s", "new people", "unchanged")
    md_row(args.n, f"{planned:.2f}", f"{imported:.2f}", f"{again:.2f}", first.created, second.unchanged)
    assert not plan.errors, plan.errors[:3]


if __name__ == "__main__":
    main()
