"""Prometheus metrics (prometheus-client): what each request did, counted in every worker, and
what the database says at scrape time.

Request metrics are counters and histograms updated by every request. Under gunicorn
(gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before any worker starts) prometheus-client
keeps them in per-process files in that folder, and a scrape served by any worker adds up
every worker's files (``MultiProcessCollector``). Without the variable (``make run``, tests) each
app keeps its own registry in memory.

Everything read from the database (outbox, scheduler jobs, match index, mentorships, review
queue) is collected at scrape time by ``DatabaseCollector`` through each feature's query
functions, so every worker reports the same values and nothing is double counted.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from datetime import datetime, timezone

from flask import Flask, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ..db import db, utcnow
from ..matching.queries import index_status
from ..mentoring.queries import active_mentorship_count
from ..notifications.queries import outbox_summary
from ..portfolio.queries import oldest_waiting_feedback_request
from ..scheduler.queries import job_runs, last_seen

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 128)
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


class RequestMetrics:
    """The per-request counters and histograms of one app (one worker)."""

    def __init__(self) -> None:
        # In multiprocess mode the values live in files; a registry would only hold this worker's.
        self.registry = None if multiprocess_dir() else CollectorRegistry(auto_describe=True)
        self.requests = Counter("mentorhub_http_requests", "HTTP requests by endpoint, method and status",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram("mentorhub_http_request_duration_seconds", "Time to answer a request",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queries = Histogram("mentorhub_http_request_db_queries", "SQL statements a request ran",
                                 ["endpoint"], buckets=QUERY_BUCKETS, registry=self.registry)
        self.query_total = Counter("mentorhub_db_queries", "SQL statements run by requests", ["endpoint"],
                                   registry=self.registry)

    def observe(self, facts: dict) -> None:
        endpoint = facts["endpoint"]
        self.requests.labels(endpoint, facts["method"], str(facts["status"])).inc()
        self.latency.labels(endpoint).observe(facts["duration_ms"] / 1000)
        self.queries.labels(endpoint).observe(facts["queries"])
        self.query_total.labels(endpoint).inc(facts["queries"])


def _aware(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _age(value, now: datetime) -> float | None:
    value = _aware(value)
    return None if value is None else max(0.0, (now - value).total_seconds())


def _gauge(name: str, doc: str, value: float | None) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc)
    if value is not None:
        family.add_metric([], value)
    return family


class DatabaseCollector:
    """Gauges read from the database at scrape time (in the scraping request's session)."""

    def describe(self):
        return []  # collected on demand only: never at registration

    def collect(self):
        now = utcnow()
        try:
            yield from self._collect(now)
        except Exception:  # noqa: BLE001 - a scrape must still answer when the database does not
            log.exception("metrics: reading the database failed")
            db.session.rollback()
            yield _gauge("mentorhub_database_up", "1 when the database answered the metrics queries", 0)
            return
        yield _gauge("mentorhub_database_up", "1 when the database answered the metrics queries", 1)

    def _collect(self, now: datetime):
        outbox = outbox_summary(now)
        statuses = GaugeMetricFamily("mentorhub_outbox_emails", "Outbox mail by status", labels=["status"])
        for status in OUTBOX_STATUSES:
            statuses.add_metric([status], outbox["by_status"].get(status, 0))
        metrics = [
            statuses,
            _gauge("mentorhub_outbox_backlog", "Outbox mail due now and not yet sent", outbox["backlog"]),
            _gauge("mentorhub_outbox_failed", "Outbox mail given up on after OUTBOX_MAX_ATTEMPTS",
                   outbox["by_status"].get("failed", 0)),
            _gauge("mentorhub_outbox_oldest_due_seconds", "How long the oldest due unsent mail has waited",
                   _age(outbox["oldest_due_at"], now) or 0.0),
        ]
        success = GaugeMetricFamily("mentorhub_scheduler_job_last_success_age_seconds",
                                    "Seconds since each scheduled job last succeeded", labels=["job"])
        failure = GaugeMetricFamily("mentorhub_scheduler_job_last_failure_age_seconds",
                                    "Seconds since each scheduled job last failed", labels=["job"])
        duration = GaugeMetricFamily("mentorhub_scheduler_job_last_duration_seconds",
                                     "How long each job's last run took", labels=["job"])
        for job_id, ok_at, failed_at, seconds in job_runs():
            if ok_at is not None:
                success.add_metric([job_id], _age(ok_at, now))
            if failed_at is not None:
                failure.add_metric([job_id], _age(failed_at, now))
            duration.add_metric([job_id], seconds or 0.0)
        metrics += [success, failure, duration,
                    _gauge("mentorhub_scheduler_heartbeat_age_seconds", "Seconds since the scheduler's last heartbeat",
                           _age(last_seen(), now))]
        index = index_status()
        metrics += [
            _gauge("mentorhub_match_index_published", "1 when a match index build is published", 1 if index else 0),
            _gauge("mentorhub_match_index_generation", "Change-log position the published build contains",
                   index["seq"] if index else None),
            _gauge("mentorhub_match_index_age_seconds", "Seconds since the published build was read",
                   _age(index["built_at"], now) if index else None),
            _gauge("mentorhub_match_index_delta_changes", "Changes since the build, applied as deltas",
                   index["pending_changes"] if index else None),
            _gauge("mentorhub_active_mentorships", "Mentorships in progress", active_mentorship_count()),
            _gauge("mentorhub_review_queue_oldest_wait_seconds",
                   "How long the oldest feedback request still waiting for its review has waited",
                   _age(oldest_waiting_feedback_request(), now) or 0.0),
        ]
        yield from metrics


def init_app(app: Flask) -> RequestMetrics:
    disable_created_metrics()  # no *_created series: they double the output and Prometheus ignores them
    metrics = RequestMetrics()
    app.extensions["ops_metrics"] = metrics
    return metrics


def render() -> bytes:
    """The scrape: every worker's request metrics plus the database gauges, in text format."""
    registry = CollectorRegistry(auto_describe=False)
    folder = multiprocess_dir()
    if folder:
        MultiProcessCollector(registry, path=folder)
    else:
        metrics: RequestMetrics = current_app.extensions["ops_metrics"]
        for collector in (metrics.requests, metrics.latency, metrics.queries, metrics.query_total):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry)


# ---- who may read /metrics -------------------------------------------------------------------


def allowed_networks(spec: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """METRICS_ALLOWED_IPS parsed: addresses or networks, comma-separated. Raises ValueError."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in (spec or "").split(",") if part.strip()]


def may_read(remote_addr: str | None, authorization: str | None) -> str | None:
    """None when this client may read /metrics, else the reason (a bearer METRICS_TOKEN from
    anywhere, or an address in METRICS_ALLOWED_IPS)."""
    cfg = current_app.config
    token = cfg.get("METRICS_TOKEN")
    scheme, _, given = (authorization or "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return None
    try:
        address = ipaddress.ip_address(remote_addr or "")
        networks = allowed_networks(cfg.get("METRICS_ALLOWED_IPS"))
    except ValueError:
        return "Metrics are readable only from allowed addresses or with the metrics token."
    if any(address in network for network in networks):
        return None
    return "Metrics are readable only from allowed addresses or with the metrics token."
