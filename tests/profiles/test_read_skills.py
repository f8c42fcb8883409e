"""Skills as people write them (profiles/intake/skills.py), against seed/taxonomy.yaml: no database."""
from __future__ import annotations

import pytest

from mentorhub.profiles.intake.skills import Entry, SkillMatcher
from mentorhub.profiles.taxonomy import read_taxonomy


@pytest.fixture(scope="module")
def matcher():
    data = read_taxonomy()
    entries = [Entry(s["slug"], s["name"], "skill", tuple(s.get("aliases") or ())) for s in data["skills"]]
    entries += [Entry(d["slug"], d["name"], "domain", tuple(d.get("aliases") or ())) for d in data["domains"]]
    return SkillMatcher(entries)


@pytest.mark.parametrize("text, levels", [
    ("pytorch", {"pytorch": 2}),  # slug
    ("Model monitoring", {"model-monitoring": 2}),  # display name
    ("C++", {"cpp": 2}),
    ("scikit-learn", {"scikit-learn": 2}),
    ("PYTORCH", {"pytorch": 2}),  # any case
    ("Data structures and algorithms", {"data-structures-algorithms": 2}),  # a name with "and" stays whole
    # aliases from seed/taxonomy.yaml
    ("sklearn", {"scikit-learn": 2}), ("torch", {"pytorch": 2}), ("k8s", {"kubernetes": 2}), ("CI/CD", {"ci-cd": 2}),
    # hedges
    ("a bit of PyTorch", {"pytorch": 1}), ("basic numpy", {"numpy": 1}), ("some Python", {"python": 2}),
    ("strong SQL", {"sql": 3}), ("expert in Docker", {"docker": 4}), ("python:3", {"python": 3}),
    ("Python (4)", {"python": 4}),
    # small typos
    ("pytoch", {"pytorch": 2}), ("tensorflw", {"tensorflow": 2}), ("Kubernets", {"kubernetes": 2}),
    ("scikit lern", {"scikit-learn": 2}),
])
def test_one_term(matcher, text, levels):
    reading = matcher.read(text)
    assert reading.levels == levels and reading.unmatched == []


@pytest.mark.parametrize("text", [
    "Python, a bit of PyTorch; some SQL",
    "Python\na bit of PyTorch\nsome SQL",
    "Python, a bit of PyTorch and some SQL",
    "Python; a bit of PyTorch & some SQL",
])
def test_separators(matcher, text):
    assert matcher.read(text).levels == {"python": 2, "pytorch": 1, "sql": 2}


def test_a_hedge_covers_the_terms_it_is_joined_to(matcher):
    assert matcher.read("a bit of pandas and numpy").levels == {"pandas": 1, "numpy": 1}


def test_short_terms_are_not_guessed(matcher):
    assert matcher.read("Rust, Go").levels == {}  # not R, not git
    assert matcher.read("Rust, Go").unmatched == ["Rust", "Go"]


def test_unmatched_terms_are_returned_not_dropped(matcher):
    reading = matcher.read("Python, Excel, Tableau, n/a")
    assert reading.levels == {"python": 2} and reading.unmatched == ["Excel", "Tableau"]
    assert "'Excel' → no match (kept in the free text)" in reading.describe()


@pytest.mark.parametrize("text, levels, domains", [
    ("NLP and transformers", {"transformers": 2}, ["nlp"]),
    ("deep learning and transformers", {"neural-networks": 2, "transformers": 2}, []),
    ("How to deploy models", {"model-deployment": 2}, []),
    ("I want to learn MLflow", {"mlflow": 2}, []),
    ("computer vision, LLMs", {}, ["computer-vision", "llms"]),
    ("Time series forecasting; MLflow", {"mlflow": 2}, ["time-series"]),
    ("model monitoring and CI/CD", {"model-monitoring": 2, "ci-cd": 2}, []),
])
def test_wishes_to_learn_go_through_the_same_matcher(matcher, text, levels, domains):
    reading = matcher.read(text)
    assert reading.levels == levels and reading.domains == domains and reading.unmatched == []


def test_a_domains_column_prefers_the_domain_of_a_shared_name(matcher):
    assert matcher.read("reinforcement-learning").levels == {"reinforcement-learning": 2}
    reading = matcher.read("reinforcement-learning", prefer="domain")
    assert reading.domains == ["reinforcement-learning"] and reading.levels == {}
