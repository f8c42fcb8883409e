"""A web worker of the match index benchmark (run by match_index_db.py): maps a published
build, serves learners' matches through the services, applies deltas, reports its memory.

Run: .venv/bin/python bench/match_index_worker.py DATABASE_URL INDEX_DIR [LEARNERS]   (one JSON line)

LEARNERS (default 300) are served, spread evenly over the index. ``resident_mib`` lists the
index files and libraries with the most resident memory at the end (from /proc/self/smaps).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from mentorhub import create_app  # noqa: E402
from mentorhub.config import Config  # noqa: E402


def status_mib(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":"))) / 1024


def memory_mib() -> tuple[float, float]:
    rss = status_mib("VmRSS") * 1024
    rollup = Path("/proc/self/smaps_rollup").read_text()
    pss = int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:")))
    return rss / 1024, pss / 1024


def resident_by_file(top: int = 8) -> dict[str, float]:
    """MiB resident per mapped file (or [anon], [heap]) from /proc/self/smaps, the largest first."""
    out: dict[str, int] = {}
    name = "[anon]"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        parts = line.split()
        if "-" in parts[0] and not parts[0].endswith(":"):  # a mapping's header line
            name = Path(parts[5]).name if len(parts) > 5 else "[anon]"
        elif parts[0] == "Rss:":
            out[name] = out.get(name, 0) + int(parts[1])
    return {k: round(v / 1024, 1) for k, v in sorted(out.items(), key=lambda kv: -kv[1])[:top]}


def main() -> None:
    url, index_dir = sys.argv[1], sys.argv[2]
    learners = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    config = type("WorkerConfig", (Config,), {"DATABASE_URL": url, "MATCH_INDEX_DIR": index_dir, "TESTING": True})
    app = create_app(config)
    from sqlalchemy import select

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.matching import suggestions
    from mentorhub.matching.index import get_index
    from mentorhub.profiles import services as profiles
    from mentorhub.profiles.models import LearnerProfile

    out = {"rss_app_mib": status_mib("VmRSS")}
    with app.app_context():
        t = time.perf_counter()
        index = get_index()
        out["first_read_ms"] = (time.perf_counter() - t) * 1e3
        out["rss_mapped_mib"] = status_mib("VmRSS")
        n = len(index.learner_users)
        uids = [int(u) for u in index.learner_users[:: max(1, n // learners)][:learners]]
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(uids)))}
        times = []
        for uid in uids:
            t = time.perf_counter()
            suggestions.mentor_matches(users[uid])
            suggestions.project_matches(users[uid])
            times.append(time.perf_counter() - t)
        out["query_median_ms"] = float(np.median(times) * 1e3)
        out["query_p95_ms"] = float(np.percentile(times, 95) * 1e3)
        deltas = []
        for uid in uids[:20]:
            user = users[uid]
            profile = db.session.scalar(select(LearnerProfile).where(LearnerProfile.user_id == uid))
            profiles.save_learner(user, user, {"goals": (profile.goals or "") + " and deploy models with docker"})
            db.session.commit()
            t = time.perf_counter()
            index = get_index()
            suggestions.mentor_matches(user)
            deltas.append(time.perf_counter() - t)
            assert index.learner_row[uid] >= len(index.learner_users) - index.changed
        full = []
        for uid in uids[:20]:  # the same query without a pending change, to isolate the delta
            t = time.perf_counter()
            get_index()
            suggestions.mentor_matches(users[uid])
            full.append(time.perf_counter() - t)
        delta_ms = (np.array(deltas) - np.median(full)) * 1e3
        out.update(deltas=len(deltas), delta_median_ms=float(np.median(delta_ms)), delta_max_ms=float(delta_ms.max()))
    out["rss_mib"], out["pss_mib"] = memory_mib()
    out["rss_anon_mib"], out["rss_file_mib"] = status_mib("RssAnon"), status_mib("RssFile")
    out["resident_mib"] = resident_by_file()
    out["sklearn"] = "sklearn" in sys.modules
    print(json.dumps(out))


if __name__ == "__main__":
    main()
