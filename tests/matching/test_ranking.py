"""Ranking rules of issue 15: reachability first, depth over breadth, "can teach" only from the
solid level, related skills, growth-first and stage-gated projects. Pure tests on hand-built
arrays first, then the same rules through a published index and the matches page."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pytest
import scipy.sparse as sp

from mentorhub.errors import ValidationError
from mentorhub.matching import publish, reasons, store
from mentorhub.matching.features import Weights, availability_curve
from mentorhub.matching.index import get_index
from mentorhub.matching.reader import index_root
from mentorhub.matching.scoring import Learners, Mentors, Projects, Scorer
from mentorhub.profiles.taxonomy import skill_relations

# skills: 0 python, 1 pytorch, 2 tensorflow, 3 sql      domains: 0 vision, 1 nlp
SKILLS = {0: "Python", 1: "PyTorch", 2: "TensorFlow", 3: "SQL"}
DOMAINS = {0: "Computer vision", 1: "NLP"}
T = 336  # half-hour slots
RELATED = sp.csr_matrix(np.array([[0, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]], np.float32))


def grid(*ranges):
    g = np.zeros(T, bool)
    for a, b in ranges:
        g[a:b] = True
    return g


def mat(rows, width=4):
    return sp.csr_matrix(np.array(rows, dtype=np.float32).reshape(len(rows), width))


def learner(have=(0, 0, 0, 0), want=(0, 1, 0, 1), avail=None, stage=2):
    return Learners(have=mat([have]), want=mat([want]), domains=mat([[1, 0]], 2), text=["models"],
                    avail=np.array([grid((40, 46)) if avail is None else avail]), stage=np.array([stage]))


def mentors(teach, avail, domains=None, text=None):
    n = len(teach)
    return Mentors(teach=mat(teach), domains=mat(domains or [[1, 0]] * n, 2), text=text or ["models"] * n,
                   avail=np.array(avail))


# ---- reachability ------------------------------------------------------------------------------


def test_a_teacher_sharing_an_hour_ranks_above_stronger_teachers_sharing_none():
    ms = mentors(teach=[[0, 4, 0, 4],   # 0: every wanted skill, no shared hour
                        [0, 3, 0, 0],   # 1: one wanted skill, exactly 1 h shared
                        [4, 0, 0, 0],   # 2: nothing wanted, lots of time
                        [0, 2, 0, 2]],  # 3: wanted skills below solid, lots of time
                 avail=[grid((100, 120)), grid((40, 42)), grid((40, 46)), grid((40, 46))],
                 domains=[[1, 0], [0, 1], [1, 0], [1, 0]], text=["models", "", "models", "models"])
    s = Scorer(learner(), ms)
    order = s.top_mentors(0, 4).index.tolist()
    assert order[0] == 1  # the reachable teacher first, though weaker on every other count
    assert order.index(0) < order.index(2) and order.index(0) < order.index(3)  # then teachers
    assert s.explain_mentor(0, 1).reachable and not s.explain_mentor(0, 0).reachable
    idx, sc = s.top_mentors_all(4, candidates=2)  # the pruned batch agrees
    assert idx[0].tolist() == order


def test_half_an_hour_is_not_reachable_and_the_page_says_why():
    ms = mentors(teach=[[0, 4, 0, 4], [0, 3, 0, 0]], avail=[grid((100, 120)), grid((40, 41))])
    s = Scorer(learner(), ms)
    assert s.top_mentors(0, 2).index.tolist() == [0, 1]  # none reachable: skills decide
    note = reasons.no_reachable_note([False, False], [True, True])
    assert "shares an hour of free time" in note
    assert reasons.no_reachable_note([False, True], [True, True]) is None
    assert reasons.no_reachable_note([False], [False]) is None
    assert "shares no free hour" in reasons.mentor_reason(s.explain_mentor(0, 0), SKILLS, DOMAINS)


def test_shared_time_counts_from_the_first_hour_and_does_not_plateau():
    curve = availability_curve(T, 0.5, Weights())
    assert 0 < curve[1] < curve[2] < curve[8] < curve[9] < curve[16] < 1  # 0.5 h, 1 h, 4 h, 4.5 h, 8 h
    assert curve[2] > 0.3  # the first hour is worth a good share already
    assert curve[9] - curve[8] > 0  # more than 4 h still counts


# ---- depth and relevance -----------------------------------------------------------------------


def test_an_expert_beats_a_keyword_stuffed_profile_with_more_time():
    stuffed = [0, 2, 2, 2]  # every wanted skill at level 2, plus more
    ms = mentors(teach=[stuffed, [0, 4, 0, 4]], avail=[grid((40, 49)), grid((40, 45))],
                 text=["models models models", "other words"])
    s = Scorer(learner(), ms)
    assert s.top_mentors(0, 2).index.tolist() == [1, 0]
    assert s.mentor_components(0, 0)["skills"] < s.mentor_components(0, 1)["skills"] / 2


@pytest.mark.parametrize("level, have, teaches", [(1, 0, False), (2, 0, False), (2, 1, False), (3, 0, True),
                                                  (3, 2, True), (3, 3, False), (4, 3, True)])
def test_can_teach_only_from_the_solid_level_and_above_the_learner(level, have, teaches):
    ms = mentors(teach=[[0, level, 0, 0]], avail=[grid((40, 46))])
    e = Scorer(learner(have=(0, have, 0, 0)), ms).explain_mentor(0, 0)
    sentence = reasons.mentor_reason(e, SKILLS, DOMAINS).lower()
    assert ("can teach pytorch" in sentence) is teaches
    assert ("also knows pytorch" in sentence) is (not teaches and level > have)
    assert bool(e.teachable_skills) is teaches


# ---- related skills ----------------------------------------------------------------------------


def test_a_related_skill_gives_partial_credit_and_says_so():
    ms = mentors(teach=[[0, 0, 4, 3],   # 0: TensorFlow (close to PyTorch) and SQL
                        [4, 0, 0, 3],   # 1: Python and SQL
                        [0, 4, 0, 3]],  # 2: PyTorch itself and SQL
                 avail=[grid((40, 46))] * 3)
    s = Scorer(learner(), ms, related=RELATED)
    assert s.top_mentors(0, 3).index.tolist() == [2, 0, 1]
    skills = [s.mentor_components(0, j)["skills"] for j in range(3)]
    assert skills[1] < skills[0] < skills[2]
    e = s.explain_mentor(0, 0)
    assert e.related_skills == [(1, 2)]
    assert "knows TensorFlow, close to PyTorch" in reasons.mentor_reason(e, SKILLS, DOMAINS)
    assert np.isclose(e.total, s.mentor_scores(0)[0], atol=1e-5)
    plain = Scorer(learner(), ms)  # without relations TensorFlow earns nothing for PyTorch
    assert plain.mentor_components(0, 0)["skills"] == pytest.approx(skills[1])


def test_relations_in_the_taxonomy_name_known_skills(tmp_path):
    pairs = skill_relations()
    assert ("pytorch", "tensorflow") in pairs and ("mlflow", "experiment-tracking") in pairs
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("categories: [{slug: c, name: C}]\nskills: [{slug: a, name: A, category: c}]\n"
                   "domains: []\nrelated: [[a, nope]]\n")
    with pytest.raises(ValidationError, match="nope"):
        skill_relations(bad)


# ---- growth-first projects ---------------------------------------------------------------------


def projects(required, teaches, difficulty):
    n = len(teaches)
    return Projects(required=mat(required), teaches=mat(teaches), domains=mat([[1, 0]] * n, 2),
                    difficulty=np.array(difficulty), free_seats=np.full(n, 2))


def test_an_idea_teaching_nothing_wanted_never_ranks_above_one_that_does():
    ps = projects(required=[[1, 0, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0]],
                  teaches=[[1, 0, 1, 0],   # 0: ready, in the learner's field, teaches nothing wanted
                           [0, 1, 0, 0],   # 1: teaches PyTorch, a requirement unmet
                           [0, 0, 0, 1]],  # 2: teaches SQL
                  difficulty=[0, 1, 1])
    ms = mentors(teach=[[0, 4, 0, 0]], avail=[grid((40, 46))])
    s = Scorer(learner(have=(1, 0, 0, 0), stage=0), ms, ps)
    order = s.top_projects(0, 3).index.tolist()
    assert order[-1] == 0 and set(order[:2]) == {1, 2}
    assert s.project_components(0, 0)["readiness"] == 1.0  # better on every other count
    for p in range(3):
        assert np.isclose(s.explain_project(0, p).total, s.project_scores(0)[p], atol=1e-5)
    # the owner's view follows the same rule
    assert s.learner_scores_for_project(1)[0] > s.learner_scores_for_project(0)[0]


def test_difficulty_beyond_the_stage_is_a_gate():
    ps = projects(required=[[0] * 4] * 3, teaches=[[0, 1, 0, 1]] * 3, difficulty=[2, 1, 0])
    ms = mentors(teach=[[0, 4, 0, 0]], avail=[grid((40, 46))])
    beginner = Scorer(learner(stage=0), ms, ps)
    assert beginner.top_projects(0, 3).index.tolist() == [2, 1]  # beginner, intermediate; advanced never
    assert beginner.explain_project(0, 0).beyond_stage
    assert beginner.top_learners_for_project(0, 3).index.tolist() == []
    later = Scorer(learner(stage=3), ms, ps)
    assert later.top_projects(0, 3).index.tolist()[0] == 0


# ---- through a published index --------------------------------------------------------------------


@pytest.fixture
def close_mentor(fresh_index, make_learner, make_mentor):
    lrn = make_learner(skills={"python": 3}, wanted=["pytorch", "docker"], domains=["nlp"],
                       windows=[(1, 18 * 60, 21 * 60)], goals="train models")
    tf = make_mentor(skills={"tensorflow": 4}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
    shallow = make_mentor(skills={"docker": 2}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
    return lrn, tf, shallow


def test_matches_page_words_close_skills_and_levels_below_solid(client, login_as, close_mentor, publish_index):
    lrn, tf, shallow = close_mentor
    publish_index()
    login_as(lrn.user)
    html = client.get("/matches").get_data(as_text=True)
    assert "Knows TensorFlow, close to PyTorch" in html
    assert "Also knows" in html and "Can teach you" not in html
    assert 'data-testid="reach-note"' not in html  # nobody here can teach a wanted skill


def test_matches_page_says_why_when_no_teacher_shares_an_hour(client, login_as, fresh_index, make_learner,
                                                             make_mentor):
    lrn = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"],
                       windows=[(1, 18 * 60, 21 * 60)], goals="train models")
    make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(3, 6 * 60, 7 * 60)])
    login_as(lrn.user)
    html = client.get("/matches").get_data(as_text=True)
    assert 'data-testid="reach-note"' in html and "Can teach you" in html


def test_a_build_in_an_older_layout_is_not_mapped_and_is_rebuilt(app, fresh_index, publish_index):
    with app.app_context():
        root = index_root()
        build_id = store.current_build(root)
        meta_path = root / build_id / "meta.json"
        meta = json.loads(meta_path.read_text())
        meta.pop("format")
        meta_path.write_text(json.dumps(meta))
        store.publish(root, build_id)  # a new pointer: processes look again
        assert get_index() is None
        assert publish.rebuild_reason(store.published_meta(root), datetime.now(timezone.utc)) is not None
        publish_index()
        assert get_index() is not None
