"""Learning the match weights from outcomes (`flask match-tune`, matching/tuning.py).

A synthetic community (matching/synthetic.py) is scored by the real Scorer. Its members follow
an acceptance rule that differs from the default weights: shared free time matters twice as
much (availability 0.50 instead of 0.25, the rest scaled down to keep the sum). Learners
arrive one after another, see their top 10 under the default weights and send requests to 3
of them; each mentor accepts with the rule's probability. The history is cut after N events
and `tuning.tune` (what `flask match-tune` runs) fits on the older 75 % and compares on the
newest 25 %. A second check ranks every mentor for learners who sent no request at all and
compares the NDCG@10 of the default and fitted weights against the rule's true acceptance
chances.

    .venv/bin/python bench/match_tuning.py [--learners 1500] [--mentors 150] [--seed 7]
"""
from __future__ import annotations

import argparse

import _common  # noqa: F401  (puts platform/ on sys.path)
import numpy as np
from _common import md_header, md_row
from sklearn.metrics import ndcg_score

from mentorhub.matching import explain, tuning
from mentorhub.matching.features import MENTOR_COMPONENTS, Weights
from mentorhub.matching.scoring import Scorer
from mentorhub.matching.synthetic import community

DEFAULT = {c: getattr(Weights(), c) for c in MENTOR_COMPONENTS}
TRUTH = {"skills": 0.40 * 2 / 3, "domains": 0.15 * 2 / 3, "text": 0.20 * 2 / 3, "availability": 0.50}
SHOWN, REQUESTS, SHARPNESS = 10, 3, 14.0


def components(s: Scorer, i: int, js) -> np.ndarray:
    """(len(js), 4) components of learner i with mentors js, times the mentor's activity factor."""
    out = np.empty((len(js), len(MENTOR_COMPONENTS)))
    for k, j in enumerate(js):
        c = explain.mentor_components(s, i, s, int(j))
        out[k] = [c[n] for n in MENTOR_COMPONENTS]
        out[k] *= s.m_factor[int(j)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=1500)
    ap.add_argument("--mentors", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    com = community(args.learners, args.mentors, seed=args.seed)
    s = Scorer(com.learners, com.mentors)
    w_def = np.array([DEFAULT[c] for c in MENTOR_COMPONENTS])
    w_true = np.array([TRUTH[c] for c in MENTOR_COMPONENTS])
    mid = None

    # Fresh learners (no history) for the full-ranking check: every mentor's components.
    n_fresh = min(200, args.learners // 5)
    fresh = np.arange(args.learners - n_fresh, args.learners)
    fresh_X = [components(s, int(i), range(args.mentors)) for i in fresh]

    def accept_chance(X: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-SHARPNESS * (X @ w_true - mid)))

    # History: learners in order see their default top 10 and ask 3 of them.
    X_rows, y, groups = [], [], []
    all_true = np.concatenate([X @ w_true for X in fresh_X])
    mid = float(np.quantile(all_true, 0.9))  # about one in ten of all pairs would be accepted
    for i in range(args.learners - n_fresh):
        top = s.top_mentors(i, k=SHOWN).index
        asked = rng.choice(top, size=min(REQUESTS, len(top)), replace=False)
        X = components(s, i, asked)
        X_rows.append(X)
        y.extend((rng.random(len(asked)) < accept_chance(X)).astype(int).tolist())
        groups.extend([i] * len(asked))
    X_all, y_all, g_all = np.vstack(X_rows), np.array(y), np.array(groups)

    def ndcg10(w: np.ndarray) -> float:
        return float(np.mean([ndcg_score(accept_chance(X)[None, :], (X @ w)[None, :], k=10) for X in fresh_X]))

    print(f"community: {args.learners - n_fresh} learners with history, {n_fresh} fresh learners, "
          f"{args.mentors} mentors, {len(y_all)} outcomes ({y_all.mean():.0%} accepted)")
    print("true rule: " + ", ".join(f"{k} {v:.3f}" for k, v in TRUTH.items())
          + "; defaults: " + ", ".join(f"{k} {v:.2f}" for k, v in DEFAULT.items()))
    print(f"fresh learners, NDCG@10 against the true acceptance chances: true rule {ndcg10(w_true):.3f}\n")
    md_header("events", "status", "held-out AUC before → after", "held-out NDCG before → after",
              "fresh NDCG@10 before → after", "fitted weights (skills, domains, text, availability)")
    for n in (100, 200, 400, 800, 1600, len(y_all)):
        if n > len(y_all):
            continue
        r = tuning.tune(X_all[:n], y_all[:n], g_all[:n], MENTOR_COMPONENTS, DEFAULT, min_events=200,
                        heldout_share=0.25)
        if r.status == "too few":
            md_row(n, "too few (kept defaults)", "–", "–", f"{ndcg10(w_def):.3f}", "–")
            continue
        w_fit = np.array([r.weights.get(c, DEFAULT[c]) for c in MENTOR_COMPONENTS]) if r.weights else w_def
        md_row(n, r.status, f"{r.before['auc']:.3f} → {r.after['auc']:.3f}",
               f"{r.before['ndcg']:.3f} → {r.after['ndcg']:.3f}",
               f"{ndcg10(w_def):.3f} → {ndcg10(w_fit):.3f}",
               ", ".join(f"{v:.2f}" for v in w_fit))


if __name__ == "__main__":
    main()
