"""Languages and a mentor's preferences (issue 15 item 7) through CSV/JSON import and export:
both directions, per-row errors that write nothing, and a round trip that keeps them."""
from __future__ import annotations

import json
import shutil

from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.profiles import queries
from mentorhub.profiles.models import LearnerProfile, MentorProfile
from mentorhub.profiles.taxonomy import load_taxonomy
from support import row_counts

HEADER = "role,email,name,timezone,skills,domains,languages,stage,pref_stages,pref_domains,capacity\n"
LEARNER = "learner,ana@example.org,Ana Lima,Europe/Berlin,python:2,nlp,\"Português, English\",core-ml,,,\n"
MENTOR = "mentor,cy@example.org,Cy Chen,Asia/Singapore,pytorch:4,nlp,English; Deutsch,,{stages},{domains},3\n"


def _csv(tmp_path, *rows, name="people.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def _profiles(app, email):
    with app.app_context():
        uid = db.session.scalar(select(User.id).where(User.email == email))
        return queries.learner_profile_of(uid), queries.mentor_profile_of(uid)


def test_csv_import_reads_languages_and_a_mentors_preferences(app, runner, taxonomy, tmp_path):
    mentor = MENTOR.format(stages="Projects; deployment", domains="nlp; Computer vision")
    result = runner.invoke(args=["import", _csv(tmp_path, LEARNER, mentor)])
    assert result.exit_code == 0, result.output
    learner, _ = _profiles(app, "ana@example.org")
    assert learner.languages == "português,english"  # words in any script
    _, cy = _profiles(app, "cy@example.org")
    # stage and field names are read as their slugs
    assert (cy.pref_stages, cy.pref_domains, cy.languages) == ("projects,deployment", "nlp,computer-vision",
                                                               "english,deutsch")


def test_unknown_stages_domains_and_bad_languages_refuse_their_row_and_write_nothing(app, runner, taxonomy,
                                                                                     tmp_path):
    rows = [LEARNER,
            MENTOR.format(stages="projects; wizardry", domains="nlp"),
            MENTOR.replace("cy@", "dee@").format(stages="projects", domains="nlp; astrology; alchemy"),
            MENTOR.replace("cy@", "eve@").replace("English; Deutsch", "en_GB 2").format(stages="", domains="")]
    result = runner.invoke(args=["import", _csv(tmp_path, *rows)])
    assert result.exit_code == 1
    out = result.output
    assert "row 3, column pref_stages: Unknown roadmap stage: wizardry." in out
    assert "row 4, column pref_domains: Unknown domains: astrology, alchemy." in out
    assert "row 5, column languages: Write languages as words" in out
    assert "row 2" not in out and "nothing imported" in out
    assert row_counts(app, User, LearnerProfile, MentorProfile) == (0, 0, 0)
    # with --skip-invalid only the good row is written, the bad ones not even in part
    result = runner.invoke(args=["import", "--skip-invalid", _csv(tmp_path, *rows)])
    assert result.exit_code == 0, result.output
    assert row_counts(app, User, LearnerProfile, MentorProfile) == (1, 1, 0)


def test_json_import_checks_the_same_fields(app, runner, taxonomy, tmp_path):
    path = tmp_path / "people.json"
    people = [{"email": "cy@example.org", "name": "Cy", "mentor": {
        "skills": {"pytorch": 4}, "languages": ["English"], "pref_stages": ["projects", "wizardry"],
        "pref_domains": ["nlp", "astrology"]}},
        {"email": "ana@example.org", "name": "Ana", "learner": {"languages": "English, 42"}}]
    path.write_text(json.dumps({"people": people}))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "row 1, column pref_stages: Unknown roadmap stage: wizardry." in result.output
    assert "row 1, column pref_domains: Unknown domain: astrology." in result.output
    assert "row 2, column languages: Write languages as words" in result.output
    assert row_counts(app, User, LearnerProfile, MentorProfile) == (0, 0, 0)
    people[0]["mentor"].update(pref_stages=["projects"], pref_domains=["nlp"])
    people[1]["learner"]["languages"] = "English, Deutsch"
    path.write_text(json.dumps({"people": people}))
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    _, cy = _profiles(app, "cy@example.org")
    assert (cy.pref_stages, cy.pref_domains, cy.languages) == ("projects", "nlp", "english")
    assert _profiles(app, "ana@example.org")[0].languages == "english,deutsch"


def test_export_writes_them_and_import_gives_the_same_profiles(app, runner, make_learner, make_mentor, tmp_path,
                                                               sqlite_template):
    from conftest import build_app

    learner = make_learner(languages="Deutsch, English", stage="projects")
    make_mentor(user=learner.user, languages="English", pref_stages=["foundations", "core-ml"],
                pref_domains=["nlp", "speech"])
    make_mentor(timezone="America/Chicago", languages="Spanish, English", pref_stages=["deployment"])
    with app.app_context():
        before = _dump()
    for fmt in ("csv", "json"):
        exported = tmp_path / f"out.{fmt}"
        assert runner.invoke(args=["export", str(exported)]).exit_code == 0
        text = exported.read_text()
        if fmt == "csv":
            header = text.splitlines()[0].split(",")
            assert {"languages", "pref_stages", "pref_domains"} <= set(header)
            assert "foundations; core-ml" in text and "nlp; speech" in text and "spanish; english" in text
        else:
            mentors = [p["mentor"] for p in json.loads(text)["people"] if "mentor" in p]
            assert {"languages": ["english"], "pref_stages": ["foundations", "core-ml"],
                    "pref_domains": ["nlp", "speech"]}.items() <= mentors[0].items()
        other_db = tmp_path / f"other-{fmt}.db"
        shutil.copy(sqlite_template, other_db)
        other = build_app(f"sqlite:///{other_db}")
        with other.app_context():
            load_taxonomy()
        result = other.test_cli_runner().invoke(args=["import", str(exported)])
        assert result.exit_code == 0, result.output
        with other.app_context():
            assert _dump() == before
        # importing the same file again finds nothing to change
        result = other.test_cli_runner().invoke(args=["import", str(exported)])
        assert "0 updated, 2 unchanged" in result.output, result.output
        other.extensions["db_engine"].dispose()


def _dump() -> dict:
    """Every profile's fields by email and role, as the database holds them."""
    out = {}
    for p in db.session.scalars(select(LearnerProfile)):
        out[(p.user.email, "learner")] = (queries.learner_as_dict(p), p.languages)
    for p in db.session.scalars(select(MentorProfile)):
        out[(p.user.email, "mentor")] = (queries.mentor_as_dict(p), p.languages, p.pref_stages, p.pref_domains)
    assert out
    return out
