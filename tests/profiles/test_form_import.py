"""`flask import` with real-looking form exports (tests/fixtures/import/): mapping, dry run,
exit codes, unmatched terms kept, and a second import that changes nothing."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.config import ROOT
from mentorhub.db import db
from mentorhub.generations import MatchChange
from mentorhub.notifications.models import OutboxEmail
from mentorhub.profiles import queries
from mentorhub.profiles.models import LearnerProfile, MentorProfile
from mentorhub.profiles.taxonomy import load_taxonomy

FIXTURES = ROOT / "tests" / "fixtures" / "import"
GOOGLE = str(FIXTURES / "google_forms.csv")


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (User, LearnerProfile, MentorProfile))


def test_google_forms_export_imports_everyone_as_written(app, runner, taxonomy):
    result = runner.invoke(args=["import", GOOGLE])
    assert result.exit_code == 0, result.output
    out = result.output
    assert 'column map found by meaning' in out and '"Which time zone are you in?": timezone' in out
    assert 'not imported: "Timestamp"' in out
    assert "imported 11 profile(s): 10 new people (invited 10), 0 updated, 0 unchanged" in out
    assert "row 9, column availability: note: availability not understood" in out  # Hugo, "flexible"
    with app.app_context():
        assert _counts() == (10, 7, 4)  # Chloé is both
        ana = _user("ana.lima@example.org")
        learner = queries.learner_as_dict(queries.learner_profile_of(ana))
        assert ana.timezone == "Europe/Berlin"
        assert learner["skills"] == {"python": 2, "pytorch": 1, "sql": 2}
        assert learner["wanted"] == ["transformers"] and learner["domains"] == ["nlp"]
        assert queries.windows_of(ana) == [(d, 18 * 60, 21 * 60) for d in range(5)]
        # "Excel" is no skill: it stays in her goals, after her own answer.
        assert learner["goals"] == "Data analyst at a logistics firm, want to move into ML.\n\nAlso mentioned: Excel."
        dev = _user("dev.patel@example.org")
        assert dev.timezone == "Asia/Kolkata"  # IST: India, like Isha (UTC+5:30) in the same file
        assert queries.learner_as_dict(queries.learner_profile_of(dev))["skills"] == {"numpy": 1, "scikit-learn": 2}
        assert _user("emma.walsh@example.org").timezone == "Etc/GMT-1"  # UTC+1 as meant: one hour ahead
        assert _user("farid.haddad@example.org").timezone == "Asia/Dubai"
        assert _user("grace.kim@example.org").timezone == "America/Los_Angeles"
        hugo = _user("hugo.silva@example.org")
        assert queries.windows_of(hugo) == [] and queries.mentor_profile_of(hugo).capacity == 2
        chloe = _user("chloe.martin@example.org")
        assert chloe.timezone == "Europe/Rome"
        assert queries.learner_as_dict(queries.learner_profile_of(chloe))["wanted"] == ["model-deployment"]
        assert queries.mentor_as_dict(queries.mentor_profile_of(chloe))["skills"] == {
            "model-monitoring": 2, "pandas": 2, "scikit-learn": 2}
        assert queries.windows_of(chloe) == [(0, 1200, 1320), (2, 1200, 1320)]
        emma = queries.learner_as_dict(queries.learner_profile_of(_user("emma.walsh@example.org")))
        assert emma["goals"] == "I learn best by building things.\n\nAlso mentioned: Tableau."
        invited = sorted(db.session.scalars(select(OutboxEmail.to_addr)))
        assert len(invited) == 10 and "chloe.martin@example.org" in invited


def test_importing_the_same_export_twice_changes_nothing_the_second_time(app, runner, taxonomy):
    assert runner.invoke(args=["import", GOOGLE]).exit_code == 0
    with app.app_context():
        before = (_counts(), db.session.scalar(select(func.count()).select_from(MatchChange)),
                  db.session.scalar(select(func.count()).select_from(OutboxEmail)),
                  sorted(db.session.execute(select(LearnerProfile.id, LearnerProfile.updated_at)).all()),
                  sorted(db.session.execute(select(MentorProfile.id, MentorProfile.updated_at)).all()))
    result = runner.invoke(args=["import", GOOGLE])
    assert result.exit_code == 0, result.output
    assert "0 new people (invited 0), 0 updated, 10 unchanged" in result.output
    with app.app_context():
        after = (_counts(), db.session.scalar(select(func.count()).select_from(MatchChange)),
                 db.session.scalar(select(func.count()).select_from(OutboxEmail)),
                 sorted(db.session.execute(select(LearnerProfile.id, LearnerProfile.updated_at)).all()),
                 sorted(db.session.execute(select(MentorProfile.id, MentorProfile.updated_at)).all()))
    assert after == before


def test_dry_run_prints_every_cell_and_writes_nothing(app, runner, taxonomy):
    result = runner.invoke(args=["import", "--dry-run", GOOGLE])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "row 2: Ana Lima <ana.lima@example.org> as learner [ok]" in out
    assert "'Berlin' -> Europe/Berlin (city Berlin → Europe/Berlin)" in out
    assert "'weekday evenings after 6pm' -> Mon 18:00-21:00; Tue 18:00-21:00" in out
    assert "'a bit of PyTorch' → pytorch:1" in out
    assert "read as India (Asia/Kolkata)" in out
    assert "! not a skill we know, kept in the free text: Excel" in out
    assert "row 4: Chloé Martin <chloe.martin@example.org> as learner and mentor [ok]" in out
    assert "dry run: 10 row(s) can be imported, 0 refused, 4 flagged; nothing was written." in out
    with app.app_context():
        assert _counts() == (0, 0, 0)


def test_the_printed_map_is_a_map_file_that_gives_the_same_import(app, runner, taxonomy, tmp_path):
    out = runner.invoke(args=["import", "--dry-run", GOOGLE]).output
    printed = out.split("\n", 1)[1].split("not imported:")[0]
    path = tmp_path / "map.yaml"
    path.write_text("\n".join(line.strip() for line in printed.splitlines()) + "\n")
    result = runner.invoke(args=["import", "--map", str(path), GOOGLE])
    assert result.exit_code == 0 and "column map used:" in result.output
    with app.app_context():
        assert _counts() == (10, 7, 4)


def test_a_map_file_in_json_renames_a_column(app, runner, taxonomy, tmp_path):
    with open(FIXTURES / "google_forms_map.yaml") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    mapping = {json.loads(line.split('": ')[0] + '"'): None for line in lines}
    mapping.update({"Email Address": "email", "What's your name?": "name", "Which time zone are you in?": "timezone",
                    "Are you joining as a learner or a mentor?": "role",
                    "Anything else you'd like us to know?": "headline"})
    path = tmp_path / "map.json"
    path.write_text(json.dumps(mapping))
    result = runner.invoke(args=["import", "--map", str(path), GOOGLE])
    assert result.exit_code == 0, result.output
    assert '"Which skills do you already have?": null' in result.output
    with app.app_context():
        ben = queries.mentor_profile_of(_user("ben.okafor@example.org"))
        assert ben.headline == "Happy to review projects." and ben.skills == []


def test_the_yaml_map_file_of_the_readme(app, runner, taxonomy):
    result = runner.invoke(args=["import", "--map", str(FIXTURES / "google_forms_map.yaml"), GOOGLE])
    assert result.exit_code == 0, result.output
    assert "column map used:" in result.output
    with app.app_context():
        goals = queries.learner_profile_of(_user("emma.walsh@example.org")).goals
        assert goals.startswith("I learn best by building things.")
        assert queries.mentor_profile_of(_user("hugo.silva@example.org")).bio == "Ex-SRE, now MLOps lead."


def test_a_header_that_cannot_be_mapped_exits_non_zero(app, runner, taxonomy, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Timestamp,Favourite colour\n2026/11/02,green\n")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "Missing column(s): role, email, name" in result.output
    assert "nothing imported: the header cannot be mapped" in result.output
    result = runner.invoke(args=["import", "--skip-invalid", str(path)])
    assert result.exit_code == 1
    bad_map = tmp_path / "bad.yaml"
    bad_map.write_text('"Favourite colour": colour\n')
    result = runner.invoke(args=["import", "--map", str(bad_map), str(path)])
    assert result.exit_code == 1 and "'colour', which is not a column" in result.output


def test_refused_rows_exit_non_zero_unless_skipped(app, runner, taxonomy, tmp_path):
    text = (FIXTURES / "google_forms.csv").read_text()
    text = text.replace('"Rome (CET)"', '"Atlantis"').replace('"ben.okafor@example.org"', '"ben at example"')
    path = tmp_path / "export.csv"
    path.write_text(text)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "row 4, column timezone: 'Atlantis' is not a time zone we can read" in result.output
    assert "row 3, column email" in result.output and "nothing imported: 2 bad row(s)" in result.output
    with app.app_context():
        assert _counts() == (0, 0, 0)
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 1 and "[REFUSED]" in result.output
    result = runner.invoke(args=["import", "--skip-invalid", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 8 row(s), skipped 2." in result.output
    with app.app_context():
        assert _counts()[0] == 8


def test_skip_invalid_with_nothing_good_exits_non_zero(app, runner, taxonomy, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Email Address,Name,Role\nnobody,Nobody,Learner\nalso-bad,Else,Mentor\n")
    result = runner.invoke(args=["import", "--skip-invalid", str(path)])
    assert result.exit_code == 1
    assert "imported 0 row(s), skipped 2." in result.output


def test_microsoft_forms_export(app, runner, taxonomy):
    result = runner.invoke(args=["import", str(FIXTURES / "microsoft_forms.csv")])
    assert result.exit_code == 0, result.output
    assert 'not imported: "ID", "Start time", "Completion time", "Last modified time"' in result.output
    with app.app_context():
        assert _user("liam.doyle@example.org").timezone == "Europe/Dublin"  # IST among London and Dublin
        assert _user("olivia.grant@example.org").timezone == "Europe/London"
        assert _user("nuno.reis@example.org").timezone == "Etc/GMT+1"  # an IANA name is taken as written
        kate = queries.mentor_as_dict(queries.mentor_profile_of(_user("kate.byrne@example.org")))
        assert kate["skills"] == {"python": 2, "scikit-learn": 2, "xgboost": 2, "sql": 3}
        assert kate["years_experience"] == 8 and kate["session_minutes"] == 60
        nuno = _user("nuno.reis@example.org")
        assert queries.windows_of(nuno) == [(4, 1080, 1260), (5, 600, 1080), (6, 600, 1080)]
        assert queries.mentor_as_dict(queries.mentor_profile_of(nuno))["skills"] == {"kubernetes": 2, "docker": 2}
        assert "Also mentioned: Terraform." in queries.mentor_profile_of(nuno).bio
        olivia = queries.learner_as_dict(queries.learner_profile_of(_user("olivia.grant@example.org")))
        assert olivia["skills"] == {"python": 3, "git": 2} and olivia["wanted"] == ["docker", "kubernetes"]
        assert queries.windows_of(_user("olivia.grant@example.org")) == [(d, 720, 780) for d in range(7)]
        maeve = queries.learner_as_dict(queries.learner_profile_of(_user("maeve.kelly@example.org")))
        assert maeve["wanted"] == ["ci-cd", "model-monitoring"]
        assert "Also mentioned: Power BI." in maeve["goals"]


def test_typeform_export_csv_and_json(app, runner, taxonomy):
    result = runner.invoke(args=["import", str(FIXTURES / "typeform.csv")])
    assert result.exit_code == 0, result.output
    assert '"First name": first_name' in result.output and '"Last name": last_name' in result.output
    with app.app_context():
        priya = _user("priya.nair@example.org")
        assert priya.display_name == "Priya Nair" and priya.timezone == "Asia/Kolkata"
        profile = queries.learner_as_dict(queries.learner_profile_of(priya))
        assert profile["skills"] == {"python": 2, "pandas": 2, "scikit-learn": 1}
        assert profile["wanted"] == ["model-deployment"] and profile["domains"] == ["llms"]
        assert profile["hours_per_week"] == 5
        assert queries.windows_of(priya) == [(d, 1200, 1320) for d in range(5)]
        assert _user("sana.iyer@example.org").timezone == "Asia/Kolkata"  # IST, among Bengaluru and Mumbai
        tiago = _user("tiago.costa@example.org")
        assert queries.learner_profile_of(tiago) and queries.mentor_profile_of(tiago)
        assert queries.windows_of(tiago) == [(d, 1140, 1320) for d in range(7)]
        assert queries.learner_as_dict(queries.learner_profile_of(_user("rahul.menon@example.org")))["hours_per_week"] == 3
    result = runner.invoke(args=["import", str(FIXTURES / "typeform.json")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        uma = _user("uma.sato@example.org")
        assert uma.display_name == "Uma Sato" and uma.timezone == "Asia/Tokyo"
        assert queries.learner_as_dict(queries.learner_profile_of(uma))["skills"] == {"python": 2, "numpy": 1}
        assert queries.windows_of(uma) == [(d, 480, 660) for d in range(5)]
        victor = queries.mentor_as_dict(queries.mentor_profile_of(_user("victor.adeyemi@example.org")))
        assert victor["skills"] == {"tensorflow": 2, "gcp": 2, "kubernetes": 2}


def test_form_imports_and_reimports_on_sqlite_and_postgresql(any_app):
    with any_app.app_context():
        load_taxonomy()
    runner = any_app.test_cli_runner()
    for name in ("google_forms.csv", "microsoft_forms.csv", "typeform.csv"):
        result = runner.invoke(args=["import", str(FIXTURES / name)])
        assert result.exit_code == 0, result.output
        again = runner.invoke(args=["import", str(FIXTURES / name)])
        assert "0 new people (invited 0), 0 updated" in again.output and " unchanged" in again.output
    with any_app.app_context():
        assert _counts() == (19, 13, 8)
        assert _user("dev.patel@example.org").timezone == "Asia/Kolkata"


def test_domains_named_as_wishes_are_the_learners_only(app, runner, taxonomy, tmp_path):
    path = tmp_path / "both.csv"
    path.write_text("Email,Name,Role,Skills,What do you want to learn?\n"
                    "zoe@example.org,Zoe Ng,Both,\"PyTorch, computer vision\",NLP and transformers\n")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    with app.app_context():
        zoe = _user("zoe@example.org")
        learner = queries.learner_as_dict(queries.learner_profile_of(zoe))
        mentor = queries.mentor_as_dict(queries.mentor_profile_of(zoe))
        assert learner["domains"] == ["computer-vision", "nlp"] and learner["wanted"] == ["transformers"]
        assert mentor["domains"] == ["computer-vision"] and mentor["skills"] == {"pytorch": 2}


def test_roles_as_people_answer(app, runner, taxonomy, tmp_path):
    path = tmp_path / "roles.csv"
    path.write_text("Email,Name,I want to join as…\n"
                    "a@example.org,A,I'd like to find a mentor\n"
                    "b@example.org,B,Happy to mentor\n"
                    "c@example.org,C,Both — I want to learn and to mentor\n"
                    "d@example.org,D,\n"
                    "e@example.org,E,Just curious\n")
    result = runner.invoke(args=["import", "--dry-run", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "row 2: A <a@example.org> as learner [ok]" in out and "row 3: B <b@example.org> as mentor [ok]" in out
    assert "row 4: C <c@example.org> as learner and mentor [ok]" in out
    assert "x role: No role given: write learner, mentor or both, or give everyone a role (--role)." in out
    assert "x role: 'Just curious' is not a role we can read" in out
    result = runner.invoke(args=["import", "--role", "mentor", str(path)])
    assert result.exit_code == 1 and "row 6, column role" in result.output and "row 5" not in result.output
