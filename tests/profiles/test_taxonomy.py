"""Loading seed/taxonomy.yaml and the roadmap."""
from __future__ import annotations

import yaml
from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.profiles import taxonomy as tx
from mentorhub.profiles.models import Domain, Skill


def test_seed_files_cover_the_categories_and_tracks():
    data = tx.read_taxonomy()
    assert len(data["skills"]) >= 60 and len(data["domains"]) >= 10
    assert set(data["categories"]) == {"maths", "programming", "data", "classic-ml", "deep-learning", "mlops",
                                       "software-engineering", "cloud-big-data"}
    slugs = {s["slug"] for s in data["skills"]}
    for t in tx.tracks():
        assert set(t["skills"]) <= slugs, t["slug"]
    for s in tx.stages():
        assert set(s["skills"]) <= slugs, s["slug"]
    assert [s["slug"] for s in tx.stages()][0] == "foundations"


def test_load_is_safe_to_run_again(app):
    with app.app_context():
        first = tx.load_taxonomy()
        assert len(first.added) >= 70
        count = db.session.scalar(select(func.count()).select_from(Skill))
        second = tx.load_taxonomy()
        assert second.added == [] and second.updated == [] and second.lines() == ["taxonomy unchanged"]
        assert db.session.scalar(select(func.count()).select_from(Skill)) == count


def _write_without(tmp_path, *drop):
    data = yaml.safe_load(tx.TAXONOMY_PATH.read_text())
    data["skills"] = [s for s in data["skills"] if s["slug"] not in drop]
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_skill_in_use_is_retired_not_dropped(app, make_learner, tmp_path):
    make_learner(skills={"caffe": 2, "python": 3})
    with app.app_context():
        report = tx.load_taxonomy(_write_without(tmp_path, "caffe", "mxnet"))
        assert "skill caffe" in report.retired
        assert "skill mxnet" in report.deleted
        caffe = db.session.scalar(select(Skill).where(Skill.slug == "caffe"))
        assert caffe is not None and caffe.is_retired
        assert db.session.scalar(select(Skill).where(Skill.slug == "mxnet")) is None
        # Back in the file: restored.
        report = tx.load_taxonomy()
        assert "skill caffe" in report.restored
        assert not db.session.scalar(select(Skill).where(Skill.slug == "caffe")).is_retired


def test_cli_loads_and_reports(runner, app):
    result = runner.invoke(args=["taxonomy", "load"])
    assert result.exit_code == 0, result.output
    assert "added" in result.output
    result = runner.invoke(args=["taxonomy", "load"])
    assert "taxonomy unchanged" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Domain)) >= 10


def test_cli_refuses_a_broken_file(runner, app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("categories: []\nskills:\n  - {slug: python, name: Python, category: nowhere}\n")
    result = runner.invoke(args=["taxonomy", "load", str(bad)])
    assert result.exit_code != 0
    assert "unknown category" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Skill)) == 0
