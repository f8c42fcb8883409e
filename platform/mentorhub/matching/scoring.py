"""Match scoring over arrays: numpy, scipy and scikit-learn only (no Flask, no ORM).

Everything here works on plain matrices so it can be tested on hand-built profiles and
benchmarked without a database. ``matching/reader.py`` reads the inputs from the DB. The
feature rows are computed per entity in features.py, the queries live in model.py, the
explanations in explain.py (their sentences in reasons.py, not here: this module is numbers
only); ``Scorer`` fits the text model and puts them together.

Skills have integer levels 0..4 (0 = not held). Every component lies in [0, 1]:

Learner -> mentor
  skills        0.6 * coverage + 0.4 * depth + related, over the learner's *wanted* skills, where
                coverage = share of wanted skills the mentor holds at level >= 3 ("solid") and
                           above the learner's level: what "can teach" means
                depth    = sum(max(0, mentor level - learner level)) / sum(4 - learner level)
                related  = related_credit * share of wanted skills (learner below 3) that the
                           mentor does not hold at 3+ but holds a related skill at 3+
                           (``related:`` in seed/taxonomy.yaml)
  domains       share of the learner's domains the mentor also works in
  text          cosine of TF-IDF vectors (learner goals vs mentor headline + bio), reduced
                to a fixed number of dimensions by truncated SVD when the corpus is large
  availability  1 - exp(-h / overlap_scale_hours), h = weekly overlap hours from UTC slot grids:
                every hour counts, the first most, and there is no plateau
  total         (weighted sum) * (1 - activity_weight * (1 - mentor activity))
  ranked score  total + reach_tier * [mentor can teach a wanted skill and h >= reach_hours]
                reach_tier = max(1, sum of the weights) is at least any weighted sum, so among
                mentors who can teach,
                those who share reach_hours rank above all who do not (unless none do). The
                score people see is ``total``; the tier only orders.

Every linear component is an exact bilinear form: the level comparisons are written as
sums over thresholds k (max(0, t - h) = sum_k [h < k][t >= k]; coverage is
[t >= max(h + 1, 3)], one threshold block per learner skill), so one matrix product scores
all pairs. "Can teach" for the tier is one AND of bit rows (wanted skills needing t >= 3 or
t >= 4 against the mentor's skills at 3+ and at 4).

Learner -> project
  readiness     share of the project's required skills the learner holds at the minimum
                level (1 when nothing is required)
  growth        share of the learner's wanted skills the project teaches
  domains       share of the learner's domains the project is in
  difficulty    fit of the project's difficulty to the learner's roadmap stage
  seats         min(1, free seats / target)
  ranked score  weighted sum + growth_tier * [growth > 0] - gate * [difficulty beyond stage]
                (growth_tier = max(1, sum of the weights), gate = 1 + 2 * growth_tier)
                (growth first: an idea teaching a wanted skill outranks every idea in reach that
                teaches none; an idea beyond the learner's stage scores below zero and is never
                suggested: a gate, not a penalty)
"""
from __future__ import annotations

from .features import (  # noqa: F401  (the scoring vocabulary, re-exported for callers)
    DIFFICULTIES,
    STAGES,
    Learners,
    Mentors,
    Projects,
    Weights,
    empty_projects,
    learner_features,
    mentor_features,
    project_features,
)
from .model import MatchModel, Ranked, _top_rows, candidate_edges  # noqa: F401
from .text import text_vectors


class Scorer(MatchModel):
    """A model fitted on these learners, mentors and projects (one joint text fit)."""

    def __init__(self, learners: Learners, mentors: Mentors, projects: Projects | None = None,
                 weights: Weights | None = None, slot_hours: float = 0.5, related=None):
        w = weights or Weights()
        l_text, m_text, self.text_model = text_vectors(learners.text, mentors.text, w.text_dims,
                                                       w.text_max_features)
        if projects is None:
            projects = empty_projects(learners.have.shape[1], learners.domains.shape[1])
        arrays = {**learner_features(learners, w, l_text), **mentor_features(mentors, w, m_text, slot_hours, related),
                  **project_features(projects, w)}
        self._set(arrays, w, slot_hours)

