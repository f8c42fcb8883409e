"""Learned weights: ``flask match-tune`` fits the mentor component weights on the outcome events
(mentorhub/match_events.py), saves them only when they rank held-out outcomes better, and admins
see and roll back the weights in use (matching/views.py). The fitting itself is matching/tuning.py.

Each outcome is scored with the pair's components as the index sees them now (people's current
profiles): the fit learns what the community accepts, not what a profile said months ago.
A saved or rolled-back set changes the weights of the next build (publish.rebuild_reason).
"""
from __future__ import annotations

import dataclasses
import json

import numpy as np
from flask import current_app
from sqlalchemy import select

from .. import match_events
from ..db import db, utcnow
from ..errors import Conflict
from ..validation import setting
from . import rules
from .features import MENTOR_COMPONENTS, Weights
from .index import get_index
from .models import WeightSet
from .reader import weights_from_config


def active_set() -> WeightSet | None:
    return db.session.scalar(select(WeightSet).where(WeightSet.is_active.is_(True)).order_by(WeightSet.id.desc()))


def default_weights(base: Weights) -> dict[str, float]:
    return {c: float(getattr(base, c, 0.0)) for c in MENTOR_COMPONENTS}


def weights_in_use(base: Weights) -> tuple[dict[str, float], WeightSet | None]:
    """(component -> weight, the active set or None for the settings' defaults)."""
    found = active_set()
    if found is None:
        return default_weights(base), None
    return {**default_weights(base), **json.loads(found.weights)}, found


def apply_learned(base: Weights, learned: WeightSet | None) -> Weights:
    """``base`` with the learned set's component weights (unchanged without one)."""
    if learned is None:
        return base
    known = {f.name for f in dataclasses.fields(Weights)}
    return dataclasses.replace(base, **{k: v for k, v in json.loads(learned.weights).items() if k in known})


def samples(index, label_of, names=MENTOR_COMPONENTS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, learner ids) of the learner-mentor outcomes ``label_of(kind, value)`` labels and
    whose people the index knows, oldest first; X holds the components times the mentor's
    activity factor."""
    w = index.scorer.w
    rows, labels, groups = [], [], []
    for kind, learner_id, mentor_id, value, _at in match_events.pair_events():
        label = label_of(kind, value)
        i, j = index.learner_row.get(learner_id), index.mentor_row.get(mentor_id)
        if label is None or i is None or j is None:
            continue
        e = index.remember(("mentor", i, j), lambda i=i, j=j: index.scorer.explain_mentor(i, j))
        rows.append([e.weighted[c] / getattr(w, c) if getattr(w, c, 0) else e.components[c] for c in names])
        labels.append(label)
        groups.append(learner_id)
    X = np.array(rows, dtype=np.float64).reshape(len(rows), len(names))
    return X, np.array(labels, dtype=np.int64), np.array(groups, dtype=np.int64)


def run_tuning(base: Weights):
    """Fit, compare on held-out outcomes, save the weights only when they are better (the
    command's work; returns tuning.Outcome). The published index must exist (Conflict otherwise)."""
    # Imported here: scikit-learn's model fitting is needed only by `flask match-tune`; importing
    # it with the app costs every web worker start-up time and memory (tests/core/test_startup_imports.py).
    from . import tuning

    index = get_index()
    if index is None:
        raise Conflict("No match index is published yet: run `flask match-index build` first.")
    current, _ = weights_in_use(base)
    X, y, groups = samples(index, tuning.label_of)
    db.session.rollback()  # end the read before the numerical work
    result = tuning.tune(X, y, groups, MENTOR_COMPONENTS, current, setting("MATCH_TUNE_MIN_EVENTS"),
                         setting("MATCH_TUNE_HELDOUT_SHARE"))
    if result.status == "saved":
        db.session.execute(WeightSet.__table__.update().where(WeightSet.is_active.is_(True)).values(is_active=False))
        db.session.add(WeightSet(weights=json.dumps(result.weights), is_active=True, events=result.samples,
                                 heldout=result.heldout, auc_before=result.before["auc"],
                                 auc_after=result.after["auc"], ndcg_before=result.before["ndcg"],
                                 ndcg_after=result.after["ndcg"], fitted_at=utcnow()))
        db.session.commit()
    return result


def roll_back(actor) -> WeightSet | None:
    """Deactivate the weights in use; the set fitted before them (not rolled back itself) takes
    over, or the settings' defaults when there is none. Returns the set now in use."""
    rules.require(rules.can_tune(actor))
    current = active_set()
    if current is None:
        raise Conflict("The default weights are in use: there is nothing to roll back.")
    current.is_active = False
    current.rolled_back_at = utcnow()
    previous = db.session.scalar(select(WeightSet).where(WeightSet.id < current.id, WeightSet.rolled_back_at.is_(None))
                                 .order_by(WeightSet.id.desc()).limit(1))
    if previous is not None:
        previous.is_active = True
    db.session.commit()
    return previous


def history(limit: int = 20) -> list[WeightSet]:
    return list(db.session.scalars(select(WeightSet).order_by(WeightSet.id.desc()).limit(limit)))


def weight_set_id() -> int | None:
    found = active_set()
    return None if found is None else found.id


def overview(actor) -> dict:
    """What the admin page shows: the weights in use and their source, the defaults, the fitted
    sets (newest first) and how many outcomes of each kind are recorded."""
    rules.require(rules.can_tune(actor))
    base = weights_from_config(current_app.config)
    weights, learned = weights_in_use(base)
    return {"weights": weights, "learned": learned, "defaults": default_weights(base), "history": history(),
            "counts": match_events.counts(), "min_events": setting("MATCH_TUNE_MIN_EVENTS")}
