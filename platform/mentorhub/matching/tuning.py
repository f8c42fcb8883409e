"""Learning the mentor component weights from outcomes: numpy and scikit-learn only (no Flask,
no ORM), so the bench (bench/match_tuning.py) and the tests run it on plain arrays.

A sample is one labelled outcome of a learner-mentor pair (accepted, declined, expired, reached
its check-ins, ended early, rated, review marked helpful) with the pair's component scores
(matching/features.MENTOR_COMPONENTS), already multiplied by the mentor's activity factor, so
a pair's total is ``X @ w`` for weights ``w``. A logistic regression on the older samples fits
``w``; the newest ones are held out and decide: the fitted weights are kept only when they rank
the held-out outcomes better (acceptance AUC higher, per-learner NDCG not lower).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ndcg_score, roc_auc_score

# kind -> label (1: the pairing worked, 0: it did not); "rated" by the learner's score.
LABELS = {"request_accepted": 1, "request_declined": 0, "request_expired": 0, "checkins_reached": 1,
          "ended_early": 0, "review_helpful": 1}
GOOD_RATING, BAD_RATING = 4, 2


def label_of(kind: str, value: float | None) -> int | None:
    """1, 0, or None when the event says nothing about the pair (a request sent, a middling rating)."""
    if kind == "rated":
        if value is None:
            return None
        return 1 if value >= GOOD_RATING else 0 if value <= BAD_RATING else None
    return LABELS.get(kind)


@dataclass
class Outcome:
    """What ``tune`` found: ``status`` is "saved", "not better" or "too few"."""

    status: str
    message: str
    samples: int
    train: int = 0
    heldout: int = 0
    before: dict[str, float] = field(default_factory=dict)  # auc, ndcg of the current weights
    after: dict[str, float] = field(default_factory=dict)  # auc, ndcg of the fitted weights
    weights: dict[str, float] = field(default_factory=dict)  # the fitted weights (when any)


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Acceptance AUC; 0.5 when one class is missing (nothing to rank)."""
    if len(np.unique(y)) < 2:
        return 0.5
    return float(roc_auc_score(y, scores))


def ndcg(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """Mean NDCG of each learner's outcomes ranked by score, over learners with two or more
    outcomes and at least one good one; 0 when there is no such learner."""
    values = []
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        if len(rows) >= 2 and y[rows].any():
            values.append(ndcg_score(y[rows][None, :], scores[rows][None, :]))
    return float(np.mean(values)) if values else 0.0


def quality(X: np.ndarray, y: np.ndarray, groups: np.ndarray, w: np.ndarray) -> dict[str, float]:
    s = X @ w
    return {"auc": round(auc(s, y), 4), "ndcg": round(ndcg(s, y, groups), 4)}


def fit_weights(X: np.ndarray, y: np.ndarray, total: float) -> np.ndarray | None:
    """Non-negative weights proportional to the logistic regression's coefficients, scaled to
    sum to ``total`` (the current weights' sum, so scores and thresholds keep their scale).
    None when the data cannot be fitted (one class only, or no positive coefficient)."""
    if len(np.unique(y)) < 2:
        return None
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(X, y)
    w = np.clip(model.coef_[0], 0.0, None)
    if w.sum() <= 0:
        return None
    return w / w.sum() * total


def tune(X: np.ndarray, y: np.ndarray, groups: np.ndarray, names: tuple[str, ...], current: dict[str, float],
         min_events: int, heldout_share: float) -> Outcome:
    """Fit on the older samples (rows are oldest first), compare with ``current`` on the newest
    ``heldout_share``. Below ``min_events`` samples nothing is fitted."""
    n = len(y)
    if n < min_events:
        return Outcome("too few", f"{n} labelled outcomes, fewer than the {min_events} needed "
                                  "(MATCH_TUNE_MIN_EVENTS): the current weights stay.", n)
    cut = min(n - 1, max(1, int(round(n * (1 - heldout_share)))))
    w_now = np.array([current[c] for c in names], dtype=np.float64)
    before = quality(X[cut:], y[cut:], groups[cut:], w_now)
    fitted = fit_weights(X[:cut], y[:cut], float(w_now.sum()) or 1.0)
    if fitted is None:
        return Outcome("not better", "The older outcomes are all alike, so nothing could be fitted: "
                                     "the current weights stay.", n, cut, n - cut, before, before)
    after = quality(X[cut:], y[cut:], groups[cut:], fitted)
    weights = {c: round(float(v), 4) for c, v in zip(names, fitted)}
    better = after["auc"] > before["auc"] and after["ndcg"] >= before["ndcg"]
    message = (f"Held-out outcomes ({n - cut}): AUC {before['auc']:.3f} -> {after['auc']:.3f}, "
               f"NDCG {before['ndcg']:.3f} -> {after['ndcg']:.3f}. ")
    message += "The fitted weights rank them better and were saved." if better else \
        "The fitted weights do not rank them better: the current weights stay."
    return Outcome("saved" if better else "not better", message, n, cut, n - cut, before, after, weights)
