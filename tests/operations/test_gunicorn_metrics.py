"""/metrics under 4 real gunicorn workers: the request counters of every worker add up, in
whichever worker serves the scrape, and a worker killed with SIGKILL loses none of them."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.test_serving import Browser, gunicorn, served_db  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

BURST = 120


def index_requests(base: str) -> tuple[float, float]:
    """(requests counted for GET / with status 200, the latency histogram's count for it)."""
    status, text = Browser(base).request("/metrics")
    assert status == 200, text[:500]
    counted = latency = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.labels.get("endpoint") != "core.index":
                continue
            if s.name == "mentorhub_http_requests_total" and s.labels["status"] == "200":
                counted += s.value
            if s.name == "mentorhub_http_request_duration_seconds_count":
                latency += s.value
    return counted, latency


def worker_pids(folder) -> set[int]:
    return {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("counter_*.db")}


def test_request_counters_add_up_across_four_workers(tmp_path, served_db):  # noqa: F811
    _, url, _ = served_db
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    with gunicorn(tmp_path, url, workers=4, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as (base, log):
        clients = [Browser(base) for _ in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda n: clients[n % 8].request("/")[0], range(BURST)))
        assert statuses.count(200) == BURST
        served_by = worker_pids(metrics_dir)
        assert len(served_by) >= 2, "the burst reached only one worker"
        # Each scrape is served by some worker; every one sees the sum over all workers.
        for _ in range(6):
            assert index_requests(base) == (BURST, BURST)

        victim = sorted(served_by)[0]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # gunicorn starts a replacement; the victim's counts stay in its files
            try:
                if Browser(base).request("/healthz")[0] == 200 and index_requests(base) == (BURST, BURST):
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda n: clients[n % 8].request("/")[0], range(10)))
        assert index_requests(base) == (BURST + 10, BURST + 10)
