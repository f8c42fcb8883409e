"""Column mapping of form exports (profiles/intake/columns.py): no database."""
from __future__ import annotations

import csv
import json

import pytest

from mentorhub.config import ROOT
from mentorhub.profiles.intake.columns import (
    apply_map,
    format_map,
    guess_mapping,
    missing,
    read_map,
)

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def _headers(name):
    with open(FIXTURES / name, encoding="utf-8") as fh:
        return next(csv.reader(fh))


def test_google_forms_headers_by_meaning():
    mapping = guess_mapping(_headers("google_forms.csv"))
    assert mapping == {
        "Timestamp": None, "Email Address": "email", "What's your name?": "name",
        "Are you joining as a learner or a mentor?": "role", "Which time zone are you in?": "timezone",
        "Which skills do you already have?": "skills", "What do you want to learn?": "wanted",
        "When are you usually free?": "availability", "How many mentees could you take on? (mentors only)": "capacity",
        "Anything else you'd like us to know?": "about",
    }
    assert missing(mapping) == []


def test_typeform_headers_by_meaning():
    mapping = guess_mapping(_headers("typeform.csv"))
    assert {h: c for h, c in mapping.items() if c} == {
        "First name": "first_name", "Last name": "last_name", "Email": "email", "I want to join as…": "role",
        "Where are you based? (city or time zone)": "timezone", "Tell us what you already know": "skills",
        "What would you like to learn?": "wanted", "Which times suit you?": "availability",
        "How many hours a week can you give?": "hours_per_week"}
    assert [h for h, c in mapping.items() if not c] == ["#", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]


def test_microsoft_forms_headers_by_meaning():
    mapping = guess_mapping(_headers("microsoft_forms.csv"))
    assert {h: c for h, c in mapping.items() if c} == {
        "Email": "email", "Name": "name", "Role": "role", "Time zone": "timezone", "Skills": "skills",
        "Skills you want to learn": "wanted", "Availability": "availability", "Years of experience": "years_experience",
        "Session length": "session_minutes"}


def test_the_readme_column_names_and_spellings_map_to_themselves():
    headers = ["role", "E-mail", "Full Name", "Time zone", "GitHub", "Skills to learn", "current_role"]
    assert guess_mapping(headers) == {"role": "role", "E-mail": "email", "Full Name": "name", "Time zone": "timezone",
                                      "GitHub": "github_url", "Skills to learn": "wanted",
                                      "current_role": "current_role"}


def test_a_column_goes_to_the_first_header_that_claims_it():
    mapping = guess_mapping(["Email", "Work email"])
    assert mapping == {"Email": "email", "Work email": None}


def test_the_printed_map_reads_back_as_the_same_mapping():
    mapping = guess_mapping(_headers("google_forms.csv"))
    text = format_map(mapping)
    assert text.splitlines()[1] == '"Email Address": email' and '"Timestamp": null' in text
    assert read_map(text) == mapping
    assert read_map(json.dumps(mapping)) == mapping  # JSON is a map file too


def test_map_files_name_real_columns():
    with pytest.raises(ValueError, match="not a column"):
        read_map('"Q1": colour\n')
    with pytest.raises(ValueError, match="must be an object"):
        read_map("- a\n- b\n")
    assert read_map('"Q1": ignore\n"Q2": Email\n') == {"Q1": None, "Q2": "email"}


def test_a_map_applies_ignoring_case_and_reports_headers_the_file_lacks():
    mapping, absent = apply_map(["EMAIL ADDRESS", "Name"], {"Email Address": "email", "Old question": "bio"})
    assert mapping == {"EMAIL ADDRESS": "email", "Name": None} and absent == ["Old question"]


def test_what_nobody_can_be_imported_without():
    assert missing({"Timestamp": None}) == ["role", "email", "name"]
    assert missing({"E": "email", "F": "first_name"}, default_role="learner") == []
