"""The figures as tables: what each chart shows, in rows, for the page and for the CSV exports."""
from __future__ import annotations

import csv
import io

from .figures import Figures

DAY_EDGES = (0, 1, 3, 7, 14, 30)
HOUR_EDGES = (0, 1, 6, 24, 72, 168)
TABLES = {
    "funnel": "Funnel",
    "first_session": "Time to first session (days)",
    "response": "Mentor response time (hours)",
    "review_wait": "Review wait time (hours)",
    "weekly": "Weekly active mentorships",
}


def table(fig: Figures, name: str) -> tuple[list[str], list[list]]:
    """(header, rows) of one table."""
    if name == "funnel":
        return ["step", "people"], [[label, n] for label, n in fig.funnel]
    if name == "weekly":
        return ["week starting", "active mentorships"], [[week.isoformat(), n] for week, n in fig.weekly]
    durations = {"first_session": fig.first_session, "response": fig.response, "review_wait": fig.review_wait}[name]
    edges = DAY_EDGES if durations.unit == "days" else HOUR_EDGES
    return [durations.unit, "count"], [[label, n] for label, n in durations.histogram(edges)]


def as_csv(fig: Figures, name: str) -> str:
    header, rows = table(fig, name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:  # labels are our own; a leading = + - @ would still be neutralised
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    return out.getvalue()
