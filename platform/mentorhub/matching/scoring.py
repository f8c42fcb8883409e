"""Match scoring over arrays: numpy, scipy and scikit-learn only (no Flask, no ORM).

Everything here works on plain matrices so it can be tested on hand-built profiles and
benchmarked without a database. ``matching/reader.py`` reads the inputs from the DB. The
feature rows are computed per entity in features.py, the queries live in model.py, the
explanations in explain.py (their sentences in reasons.py, not here: this module is numbers
only); ``Scorer`` fits the text model and puts them together.

Skills have integer levels 0..4 (0 = not held). Every component lies in [0, 1]:

Learner -> mentor
  skills        0.6 * coverage + 0.4 * depth, over the learner's *wanted* skills, where
                coverage = share of wanted skills the mentor holds above the learner's level
                depth    = sum(max(0, mentor level - learner level)) / sum(4 - learner level)
  domains       share of the learner's domains the mentor also works in
  text          cosine of TF-IDF vectors (learner goals vs mentor headline + bio), reduced
                to a fixed number of dimensions by truncated SVD when the corpus is large
  availability  min(1, weekly overlap hours / target hours), from UTC slot grids
  total         (weighted sum) * (1 - activity_weight * (1 - mentor activity))

Every linear component is an exact bilinear form: the level comparisons are written as
sums over thresholds k = 1..4 (max(0, t - h) = sum_k [h < k][t >= k] and
[t > h] = sum_k [h = k - 1][t >= k]), so one matrix product scores all pairs.

Learner -> project
  readiness     share of the project's required skills the learner holds at the minimum
                level (1 when nothing is required)
  growth        share of the learner's wanted skills the project teaches
  domains       share of the learner's domains the project is in
  difficulty    fit of the project's difficulty to the learner's roadmap stage
  seats         min(1, free seats / target)
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

