"""The program's figures, each computed from the features' queries (blocks "for stats") over one
population: the members registered in the date range, optionally only a cohort's. A fixed number
of queries whatever the community's size (one per figure, plus the cohort list)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from statistics import mean, median

from sqlalchemy import func, select

from ..accounts.queries import members_select
from ..db import db
from ..events.queries import cohort_members_select
from ..mentoring.community_queries import (
    first_session_delays,
    learners_with_checkins,
    learners_with_session,
    matched_learners,
    mentorship_spans,
    request_response_times,
)
from ..outcomes.queries import learners_with_outcome
from ..portfolio.queries import review_waits
from ..profiles.queries import with_learner_profile
from ..projects.community_queries import milestone_reachers
from ..validation import setting

CHECKINS_STEP = 4  # the funnel's "4 check-ins"


@dataclass(frozen=True)
class Filters:
    cohort_id: int | None
    start: date  # registrations from this day ...
    end: date  # ... to this day, inclusive; also the span of the weekly chart


@dataclass(frozen=True)
class Durations:
    unit: str
    values: list[float]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float | None:
        return round(median(self.values), 1) if self.values else None

    @property
    def mean(self) -> float | None:
        return round(mean(self.values), 1) if self.values else None

    def histogram(self, edges: tuple[float, ...]) -> list[tuple[str, int]]:
        """Counts per bucket [edge_i, edge_i+1), the last one open: ("<1", n), ("1–3", n) … ("≥14", n)."""
        out = []
        for i, low in enumerate(edges):
            high = edges[i + 1] if i + 1 < len(edges) else None
            label = f"≥{low:g}" if high is None else (f"<{high:g}" if i == 0 else f"{low:g}–{high:g}")
            out.append((label, sum(1 for v in self.values if v >= low and (high is None or v < high))))
        return out


@dataclass(frozen=True)
class Figures:
    filters: Filters
    funnel: list[tuple[str, int]]
    first_session: Durations  # days from the mentorship's start to its first session
    response: Durations  # hours from a request to the mentor's answer
    review_wait: Durations  # hours from a feedback request to its review
    weekly: list[tuple[date, int]]  # mentorships active in the week starting that Monday


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _span(pairs, seconds: float, unit: str) -> Durations:
    return Durations(unit, sorted(round((b - a).total_seconds() / seconds, 2) for a, b in pairs if b >= a))


def _weeks(filters: Filters, spans) -> list[tuple[date, int]]:
    monday = filters.start - timedelta(days=filters.start.weekday())
    weeks = []
    while monday <= filters.end and len(weeks) < setting("STATS_MAX_WEEKS"):
        weeks.append(monday)
        monday += timedelta(days=7)
    out = []
    for week in weeks:
        begin, finish = _at(week), _at(week + timedelta(days=7))
        out.append((week, sum(1 for started, ended in spans if started < finish and (ended is None or ended >= begin))))
    return out


def compute(filters: Filters) -> Figures:
    among = cohort_members_select(filters.cohort_id) if filters.cohort_id else None
    people = members_select(_at(filters.start), _at(filters.end + timedelta(days=1)), among)
    steps = [("Registered", people),
             ("Learner profile", with_learner_profile(people)),
             ("Matched with a mentor", matched_learners(people)),
             ("First session", learners_with_session(people)),
             (f"{CHECKINS_STEP} check-ins", learners_with_checkins(people, CHECKINS_STEP)),
             ("A project milestone", milestone_reachers(people)),
             ("An outcome", learners_with_outcome(people))]
    # Each feature hands over the select of its step; the whole funnel is counted in one query.
    counts = db.session.execute(select(*[select(func.count()).select_from(s.subquery()).scalar_subquery()
                                         for _, s in steps])).one()
    funnel = list(zip([name for name, _ in steps], counts))
    return Figures(filters, funnel,
                   _span(first_session_delays(people), 86400, "days"),
                   _span(request_response_times(people), 3600, "hours"),
                   _span(review_waits(people), 3600, "hours"),
                   _weeks(filters, mentorship_spans(people)))
