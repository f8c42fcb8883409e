"""Import and export of learners and mentors as CSV or JSON (see README "Import and export").

CSV: one row per profile, as a form tool exports it; a person who both learns and mentors
has one row of each role. Skills are written ``pytorch:3; sql:2``, lists ``nlp; speech`` (domains,
wanted skills, languages, a mentor's preferred stages and fields), availability
``Tue 18:00-20:00; Thu 07:00-08:30`` in the person's time zone.
JSON: ``{"people": [{"email", "name", "timezone", "availability", "learner": {...},
"mentor": {...}}]}``.

The whole file is checked before anything is written. With any bad row nothing is imported,
unless ``skip_invalid`` is set, which imports the good rows and reports the rest.
People are matched by email, so importing the same file again updates them.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.passwords import invite
from ..accounts.queries import find_by_email, normalize_email
from ..db import db
from ..errors import ValidationError
from ..timeutil import is_valid_zone
from . import availability as av
from . import cleaning, queries, services
from .models import LearnerProfile, LearnerSkill, MentorProfile, MentorSkill

LEARNER_COLUMNS = ["background", "goals", "target_track", "stage", "hours_per_week", "wanted"]
MENTOR_COLUMNS = ["bio", "years_experience", "current_role", "capacity", "accepting", "session_minutes",
                  "pref_stages", "pref_domains"]
COLUMNS = ["role", "email", "name", "timezone", "headline", "skills", "domains", "availability", "languages",
           *LEARNER_COLUMNS, *MENTOR_COLUMNS, "github_url", "linkedin_url", "website_url"]
# Stored comma-separated (profiles/models.py), exported and compared as lists.
LISTS = ("languages", "pref_stages", "pref_domains")
ALIASES = {
    "email_address": "email", "e_mail": "email", "full_name": "name", "display_name": "name",
    "time_zone": "timezone", "tz": "timezone", "is_accepting": "accepting", "accepting_new_mentees": "accepting",
    "github": "github_url", "linkedin": "linkedin_url", "website": "website_url", "personal_site": "website_url",
    "skills_to_learn": "wanted", "wanted_skills": "wanted", "weekly_availability": "availability",
    "windows": "availability", "session_length": "session_minutes", "hours": "hours_per_week",
    "preferred_stages": "pref_stages", "preferred_domains": "pref_domains", "preferred_fields": "pref_domains",
}
# Blank cells of these columns mean "use the default", not "set to empty".
DEFAULTED = {"background", "target_track", "stage", "hours_per_week", "years_experience", "capacity",
             "accepting", "session_minutes", "timezone"}


@dataclass
class Row:
    number: int  # CSV line number (header = 1), or the position in the JSON list
    role: str
    email: str
    name: str
    timezone: str | None
    data: dict


@dataclass
class ImportReport:
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)
    created: int = 0
    updated: int = 0
    invited: int = 0
    unchanged: int = 0  # people already as the file says: nothing written for them
    imported_rows: int = 0
    imported: bool = False
    invited_people: list[tuple[str, str]] = field(default_factory=list)  # (name, email) of new people

    def lines(self) -> list[str]:
        out = [f"row {row}, column {col}: {reason}" for row, col, reason in self.errors]
        if self.imported:
            out.append(f"imported {self.imported_rows} profile(s): {self.created} new people (invited {self.invited}), "
                       f"{self.updated} updated, {self.unchanged} unchanged" + (f"; skipped {len({r for r, _, _ in self.errors})} bad row(s)"
                                                     if self.errors else ""))
        else:
            out.append(f"nothing imported: {len({r for r, _, _ in self.errors})} bad row(s). Fix them, or use "
                       "--skip-invalid to import the good rows.")
        return out


def _column(name: str) -> str:
    key = "_".join(name.strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def _field_to_column(field_name: str | None) -> str:
    return {"windows": "availability", "is_accepting": "accepting", None: "row"}.get(field_name, field_name)


# ---- reading ------------------------------------------------------------------------------


def read_csv(text: str) -> tuple[list[Row], list[tuple[int, str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        return [], [(1, "header", "The file has no header row.")]
    names = {f: _column(f) for f in reader.fieldnames if f is not None}
    missing = [c for c in ("role", "email", "name") if c not in names.values()]
    if missing:
        return [], [(1, "header", f"Missing column(s): {', '.join(missing)}.")]
    rows, errors = [], []
    for raw in reader:
        number = reader.line_num
        cells = {names[k]: (v or "").strip() for k, v in raw.items() if k in names and isinstance(v, str)}
        if not any(cells.values()):
            continue
        data = {}
        for col, value in cells.items():
            if col in ("role", "email", "name", "timezone") or col not in COLUMNS:
                continue
            if col in DEFAULTED and value == "":
                continue
            data[col] = value
        rows.append(Row(number, cells.get("role", "").lower(), cells.get("email", ""), cells.get("name", ""),
                        cells.get("timezone") or None, data))
    return rows, errors


def read_json(text: str) -> tuple[list[Row], list[tuple[int, str, str]]]:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [(exc.lineno, "file", f"Not valid JSON: {exc.msg}.")]
    people = payload.get("people") if isinstance(payload, dict) else payload
    if not isinstance(people, list):
        return [], [(1, "file", 'Expected {"people": [...]} or a list of people.')]
    rows, errors = [], []
    for i, person in enumerate(people, start=1):
        if not isinstance(person, dict):
            errors.append((i, "person", "Each person must be an object."))
            continue
        roles = [r for r in ("learner", "mentor") if isinstance(person.get(r), dict)]
        if not roles:
            errors.append((i, "role", "Give a learner or a mentor profile (or both)."))
        for role in roles:
            data = dict(person[role])
            if "availability" in person:
                data["availability"] = person["availability"]
            rows.append(Row(i, role, str(person.get("email") or ""), str(person.get("name") or ""),
                            person.get("timezone") or None, data))
    return rows, errors


def read_file(path: Path | str, fmt: str | None = None) -> tuple[list[Row], list[tuple[int, str, str]]]:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"Cannot read {path}: {exc}") from None
    if fmt == "csv":
        return read_csv(text)
    if fmt == "json":
        return read_json(text)
    raise ValidationError("Give a .csv or .json file (or --format csv|json).")


# ---- checking -----------------------------------------------------------------------------


def _profile_data(row: Row) -> dict:
    data = dict(row.data)
    if "availability" in data:
        data["windows"] = data.pop("availability") or []
    if "accepting" in data:
        data["is_accepting"] = data.pop("accepting")
    allowed = cleaning.LEARNER_FIELDS if row.role == "learner" else cleaning.MENTOR_FIELDS
    return {k: v for k, v in data.items() if k in allowed}


def check_rows(rows: list[Row]) -> list[tuple[int, str, str]]:
    """Every problem of every row as (row, column, reason)."""
    errors = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        if row.role not in ("learner", "mentor"):
            errors.append((row.number, "role", "Role must be learner or mentor."))
            continue
        try:
            email = normalize_email(row.email)
        except ValidationError:
            errors.append((row.number, "email", f"{row.email or 'An empty value'} is not a valid email address."))
            email = None
        name = " ".join(row.name.split())
        if not name:
            errors.append((row.number, "name", "Give the person's name."))
        elif len(name) > 80:
            errors.append((row.number, "name", "The name can be at most 80 characters."))
        if row.timezone and not is_valid_zone(row.timezone):
            errors.append((row.number, "timezone", f"{row.timezone} is not a time zone we know (such as Europe/Berlin)."))
        if email:
            key = (email, row.role)
            if key in seen:
                errors.append((row.number, "email", f"{email} already has a {row.role} row ({seen[key]})."))
            seen.setdefault(key, row.number)
        cleaner = cleaning.clean_learner if row.role == "learner" else cleaning.clean_mentor
        _, problems = cleaner(_profile_data(row))
        for field_name, message in problems:
            errors.append((row.number, _field_to_column(field_name), message))
    return errors


# ---- importing -----------------------------------------------------------------------------


def import_rows(rows: list[Row], read_errors=(), skip_invalid: bool = False, checked: bool = False) -> ImportReport:
    """Check everything (unless ``checked``: the errors are in ``read_errors``), then write (all
    rows, or with ``skip_invalid`` the good ones) in one transaction. A row that would change
    nothing is not written, so importing the same file twice changes nothing the second time."""
    limit = current_app.config["IMPORT_MAX_ROWS"]
    report = ImportReport(errors=list(read_errors))
    if len(rows) > limit:
        report.errors.append((limit + 1, "file", f"At most {limit} rows can be imported at once."))
        return report
    if not checked:
        report.errors += check_rows(rows)
    report.errors.sort()
    if report.errors and not skip_invalid:
        return report
    bad = {r for r, _, _ in report.errors}
    people: dict[str, User] = {}
    changed: set[str] = set()
    new: set[str] = set()
    try:
        for row in rows:
            if row.number in bad:
                continue
            email = normalize_email(row.email)
            user = people.get(email) or find_by_email(email)
            people[email] = user
            name = " ".join(row.name.split())
            if user is None:
                user = User(email=email, display_name=name, password_hash="", timezone=row.timezone or "UTC")
                db.session.add(user)
                db.session.flush()
                invite(user)
                people[email] = user
                new.add(email)
                report.invited_people.append((name, email))
            elif email not in new and _unchanged(user, row, name):
                report.imported_rows += 1
                continue
            elif email not in new:
                user.display_name = name
                if row.timezone:
                    user.timezone = row.timezone
                changed.add(email)
            data = _profile_data(row)
            if row.timezone:
                data["timezone"] = row.timezone
            (services.write_learner if row.role == "learner" else services.write_mentor)(user, data)
            report.imported_rows += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.created = report.invited = len(new)
    report.updated = len(changed)
    report.unchanged = len(set(people) - new - changed)
    report.imported = True
    return report


def _unchanged(user: User, row: Row, name: str) -> bool:
    """True when writing ``row`` would leave ``user`` and the profile exactly as they are."""
    if user.display_name != name or (row.timezone and user.timezone != row.timezone):
        return False
    learner = row.role == "learner"
    profile = queries.learner_profile_of(user) if learner else queries.mentor_profile_of(user)
    if profile is None:
        return False
    cleaned, problems = (cleaning.clean_learner if learner else cleaning.clean_mentor)(_profile_data(row), profile)
    if problems:
        return False
    current = profile_dict(row.role, profile)
    for key, value in cleaned.items():
        if key == "windows":
            if sorted(tuple(w) for w in queries.windows_of(user)) != sorted(tuple(w) for w in value):
                return False
        elif key in LISTS:
            if sorted(current.get(key) or []) != sorted(queries.split_slugs(value)):
                return False
        elif key in ("wanted", "domains"):
            if sorted(current.get(key) or []) != sorted(value):
                return False
        elif current.get(key) != value:
            return False
    return True


def import_file(path: Path | str, fmt: str | None = None, skip_invalid: bool = False) -> ImportReport:
    rows, errors = read_file(path, fmt)
    return import_rows(rows, errors, skip_invalid)


# ---- exporting -----------------------------------------------------------------------------


def _people():
    learners = {p.user_id: p for p in db.session.scalars(
        select(LearnerProfile).options(selectinload(LearnerProfile.skills).selectinload(LearnerSkill.skill),
                                       selectinload(LearnerProfile.wanted_skills),
                                       selectinload(LearnerProfile.domains)))}
    mentors = {p.user_id: p for p in db.session.scalars(
        select(MentorProfile).options(selectinload(MentorProfile.skills).selectinload(MentorSkill.skill),
                                      selectinload(MentorProfile.domains)))}
    ids = sorted(set(learners) | set(mentors))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids), User.is_deleted.is_(False)))}
    windows = queries.windows_for_users(ids)
    for uid in ids:
        if uid in users:
            yield users[uid], learners.get(uid), mentors.get(uid), sorted(windows.get(uid, []))


def profile_dict(role: str, profile: LearnerProfile | MentorProfile) -> dict:
    """A profile in the import's field names: the profile as queries reads it plus the lists
    the import and export carry (languages; a mentor's preferred stages and fields)."""
    if role == "learner":
        return {**queries.learner_as_dict(profile), "languages": queries.split_slugs(profile.languages)}
    return {**queries.mentor_as_dict(profile), **{name: queries.split_slugs(getattr(profile, name)) for name in LISTS}}


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for user, learner, mentor, windows in _people():
        base = {"email": user.email, "name": user.display_name, "timezone": user.timezone,
                "availability": av.format_windows(windows)}
        for role, profile in (("learner", learner), ("mentor", mentor)):
            if profile is None:
                continue
            data = profile_dict(role, profile)
            if "is_accepting" in data:
                data["accepting"] = data.pop("is_accepting")
            row = {**base, "role": role, **{k: _csv_value(v) for k, v in data.items() if k in COLUMNS}}
            writer.writerow(row)
    return out.getvalue()


def export_json() -> str:
    people = []
    for user, learner, mentor, windows in _people():
        entry = {"email": user.email, "name": user.display_name, "timezone": user.timezone,
                 "availability": av.format_windows(windows)}
        if learner:
            entry["learner"] = profile_dict("learner", learner)
        if mentor:
            entry["mentor"] = profile_dict("mentor", mentor)
        people.append(entry)
    return json.dumps({"format": "mentorhub-people", "version": 1, "people": people}, indent=2, ensure_ascii=False) + "\n"


def export_file(path: Path | str, fmt: str | None = None) -> int:
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in ("csv", "json"):
        raise ValidationError("Give a .csv or .json file (or --format csv|json).")
    text = export_csv() if fmt == "csv" else export_json()
    path.write_text(text, encoding="utf-8")
    return sum(1 for _ in _people())
