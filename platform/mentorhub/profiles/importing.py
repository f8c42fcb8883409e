"""Importing a community from a form export: the service the CLI (`flask import`) and the web
import (/admin/import) share.

``plan_import`` reads a CSV or JSON export, maps its headers (a given map, or by meaning),
reads every cell (intake/), and checks every row the way the profile services do, writing
nothing: that is the dry run and the web preview. ``run_import`` writes a plan through
transfer.import_rows (everything or, with ``skip_invalid``, the good rows; people matched by
email; rows that would change nothing are not written). ``import_for`` is the web's entry:
it asks ``can_import`` first.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..db import db
from ..errors import PermissionDenied, ValidationError
from . import cleaning, taxonomy, transfer
from .intake import columns
from .intake.cells import Context, Record, read_records
from .intake.skills import Entry, SkillMatcher
from .intake.times import parse_span
from .models import Domain, Skill

PARTS = {"morning": "IMPORT_TIME_MORNING", "lunch": "IMPORT_TIME_LUNCH", "afternoon": "IMPORT_TIME_AFTERNOON",
         "evening": "IMPORT_TIME_EVENING", "day": "IMPORT_TIME_DAY"}


# Features above profiles that know other organisers (events: cohort organisers) put a
# ``check(user_id) -> bool`` in app.extensions[ORGANISER_CHECKS] from create_app.
ORGANISER_CHECKS = "profiles.organiser_checks"


def can_import(actor: User | None) -> str | None:
    """None when ``actor`` may import people (admins, organisers and cohort organisers), else the reason."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return "Log in first."
    if actor.is_admin or actor.is_organiser:
        return None
    if any(check(actor.id) for check in current_app.extensions.get(ORGANISER_CHECKS, ())):
        return None
    return "Only organisers and admins can import people."


@dataclass
class Plan:
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    guessed: bool = True  # the mapping was found by meaning, not given
    absent: list[str] = field(default_factory=list)  # headers of the map file this file lacks
    missing: list[str] = field(default_factory=list)  # columns nobody can be imported without
    records: list[Record] = field(default_factory=list)
    rows: list[transfer.Row] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)

    @property
    def unmapped(self) -> list[str]:
        return [h for h, c in self.mapping.items() if not c]

    @property
    def header_ok(self) -> bool:
        return not self.missing

    def problems_of(self, number: int) -> list[tuple[str, str]]:
        return [(c, r) for n, c, r in self.errors if n == number]

    @property
    def row_count(self) -> int:
        return len(self.records) or len({r.number for r in self.rows})

    @property
    def bad_rows(self) -> set[int]:
        return {n for n, _, _ in self.errors}


def context(default_role: str | None = None) -> Context:
    """The readers' vocabulary: current skills and domains with the taxonomy file's aliases."""
    try:
        data = taxonomy.read_taxonomy()
    except ValidationError:
        data = {"skills": [], "domains": []}
    aliases = {(kind, str(i["slug"])): tuple(str(a) for a in i.get("aliases") or ())
               for kind, items in (("skill", data["skills"]), ("domain", data["domains"])) for i in items}
    entries = [Entry(s.slug, s.name, "skill", aliases.get(("skill", s.slug), ()))
               for s in db.session.scalars(select(Skill).where(Skill.is_retired.is_(False)))]
    domains = list(db.session.scalars(select(Domain).where(Domain.is_retired.is_(False))))
    entries += [Entry(d.slug, d.name, "domain", aliases.get(("domain", d.slug), ())) for d in domains]
    cfg = current_app.config
    return Context(
        matcher=SkillMatcher(entries),
        parts={name: parse_span(cfg[setting]) for name, setting in PARTS.items()},
        after_minutes=int(cfg["IMPORT_AFTER_HOURS"]) * 60,
        default_role=default_role,
        choices={"background": cleaning.BACKGROUNDS, "target_track": taxonomy.track_choices(),
                 "stage": taxonomy.stage_choices(), "domains": [(d.slug, d.name) for d in domains]},
    )


def read_table(text: str, fmt: str) -> tuple[list[str], list[tuple[int, dict]]] | None:
    """(headers, [(row number, {header: value})]) of a CSV or a flat JSON export; None for
    mentorhub's own nested JSON (read by transfer.read_json). ValidationError when unreadable."""
    text = text.lstrip("\ufeff")
    if fmt == "csv":
        reader = csv.reader(io.StringIO(text))
        try:
            table = list(reader)
        except csv.Error as exc:
            raise ValidationError(f"The CSV file cannot be read: {exc}.") from None
        if not table or not any(h.strip() for h in table[0]):
            raise ValidationError("The file has no header row.")
        headers = _unique([h.strip() for h in table[0]])
        return headers, [(i, dict(zip(headers, row))) for i, row in enumerate(table[1:], start=2)]
    if fmt != "json":
        raise ValidationError("Give a .csv or .json file.")
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from None
    items = payload
    if isinstance(payload, dict):
        items = next((payload[k] for k in ("people", "responses", "items", "rows") if isinstance(payload.get(k), list)),
                     None)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError('Expected a list of answers, {"responses": [...]} or {"people": [...]}.')
    if any(isinstance(i.get("learner"), dict) or isinstance(i.get("mentor"), dict) for i in items):
        return None
    headers: list[str] = []
    for item in items:
        headers.extend(str(k) for k in item if str(k) not in headers)
    records = [(i, {str(k): _flat(v) for k, v in item.items()}) for i, item in enumerate(items, start=1)]
    return headers, records


def _flat(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _unique(headers: list[str]) -> list[str]:
    out: list[str] = []
    for h in headers:
        name, n = h or "column", 2
        while name in out:
            name, n = f"{h} ({n})", n + 1
        out.append(name)
    return out


def plan_import(text: str, fmt: str, mapping: dict[str, str | None] | None = None,
                default_role: str | None = None, max_rows: int | None = None) -> Plan:
    """Read, map and check an export; writes nothing. It runs in a read transaction, so the
    parsing never holds SQLite's write lock (the web preview is a POST, a writing request)."""
    with db.read_only():
        return _plan(text, fmt, mapping, default_role, max_rows)


def _plan(text: str, fmt: str, mapping: dict[str, str | None] | None, default_role: str | None,
          max_rows: int | None) -> Plan:
    plan = Plan()
    table = read_table(text, fmt)
    if table is None:  # mentorhub's own JSON: already in import columns
        plan.rows, plan.errors = transfer.read_json(text)
    else:
        plan.headers, records = table
        if mapping is None:
            plan.mapping = columns.guess_mapping(plan.headers)
        else:
            plan.guessed = False
            plan.mapping, plan.absent = columns.apply_map(plan.headers, mapping)
        plan.missing = columns.missing(plan.mapping, default_role)
        if plan.missing:
            plan.errors.append((1, "header", "Missing column(s): " + ", ".join(plan.missing) + ". Map a header to "
                                "each (--map, or the mapping form)" + (" or give a role for everyone."
                                                                        if "role" in plan.missing else ".")))
            return plan
        plan.records = read_records(records, plan.mapping, context(default_role))
        for rec in plan.records:
            plan.errors.extend((rec.number, c.column, c.problem) for c in rec.problems)
            for role, data in rec.data.items():
                plan.rows.append(transfer.Row(rec.number, role, rec.email, rec.name, rec.timezone, data))
    limit = max_rows or current_app.config["IMPORT_MAX_ROWS"]
    if len(plan.rows) > limit:
        plan.errors.append((limit + 1, "file", f"At most {limit} rows can be imported at once."))
        return plan
    plan.errors += transfer.check_rows(plan.rows) if table is None else _check_read_rows(plan.rows)
    plan.errors = sorted(set(plan.errors))
    return plan


VOCABULARY = ("skills", "wanted", "domains", "pref_domains")


def _check_read_rows(rows: list[transfer.Row]) -> list[tuple[int, str, str]]:
    """check_rows without a query per row: the readers only produce skills and domains (preferred
    fields included) of the current vocabulary (context()), so only their levels and counts are
    left to check here."""
    plain = [transfer.Row(r.number, r.role, r.email, r.name, r.timezone,
                          {k: v for k, v in r.data.items() if k not in VOCABULARY}) for r in rows]
    errors = transfer.check_rows(plain)
    limit = current_app.config["PROFILE_MAX_SKILLS"]
    for row in rows:
        levels = row.data.get("skills") or {}
        bad = [slug for slug, level in levels.items() if not 1 <= level <= 4]
        if bad:
            errors.append((row.number, "skills", f"Levels go from 1 (aware) to 4 (expert); check {', '.join(bad)}."))
        if len(levels) > limit:
            errors.append((row.number, "skills", f"Choose at most {limit} skills."))
        if len(row.data.get("wanted") or []) > limit:
            errors.append((row.number, "wanted", f"Choose at most {limit} skills to learn."))
    return errors


def run_import(plan: Plan, skip_invalid: bool = False) -> transfer.ImportReport:
    """Write a checked plan (one transaction). Nothing is written when the header is not mapped,
    or when any row is bad and ``skip_invalid`` is not set."""
    if not plan.header_ok:
        return transfer.ImportReport(errors=list(plan.errors))
    return transfer.import_rows(plan.rows, plan.errors, skip_invalid, checked=True)


def import_for(actor: User, text: str, fmt: str, mapping: dict[str, str | None], default_role: str | None,
               skip_invalid: bool) -> tuple[Plan, transfer.ImportReport]:
    """The web import: the same plan and write as the command line, for an organiser or admin."""
    reason = can_import(actor)
    if reason:
        raise PermissionDenied(reason)
    plan = plan_import(text, fmt, mapping, default_role, current_app.config["IMPORT_WEB_MAX_ROWS"])
    return plan, run_import(plan, skip_invalid)


def preview_for(actor: User, text: str, fmt: str, mapping: dict[str, str | None] | None,
                default_role: str | None) -> Plan:
    reason = can_import(actor)
    if reason:
        raise PermissionDenied(reason)
    return plan_import(text, fmt, mapping, default_role, current_app.config["IMPORT_WEB_MAX_ROWS"])


def headers_of(text: str, fmt: str) -> list[str]:
    """The headers of an export ([] for mentorhub's own JSON, which needs no mapping)."""
    table = read_table(text, fmt)
    return table[0] if table else []


def samples(plan: Plan) -> dict[str, str]:
    """The first non-blank answer under each header, to show beside the mapping."""
    out: dict[str, str] = {}
    for rec in plan.records:
        for header, value in rec.answers.items():
            if value.strip() and header not in out:
                out[header] = value
    return out


# ---- the command line's report ----------------------------------------------------------------


def mapping_lines(plan: Plan) -> list[str]:
    if not plan.headers:
        return []
    title = "column map found by meaning (save it, edit it, pass it back with --map FILE):" if plan.guessed \
        else "column map used:"
    out = [title, *("  " + line for line in columns.format_map(plan.mapping).splitlines()[1:])]
    if plan.unmapped:
        out.append("not imported: " + ", ".join(json.dumps(h, ensure_ascii=False) for h in plan.unmapped))
    if plan.absent:
        out.append("in the map but not in this file: " + ", ".join(json.dumps(h, ensure_ascii=False)
                                                                   for h in plan.absent))
    return out


def row_lines(plan: Plan) -> list[str]:
    """Every row with the reading of every cell, its flags and its problems."""
    out = []
    for rec in plan.records:
        problems = plan.problems_of(rec.number)
        status = "REFUSED" if problems else "ok"
        out.append(f"row {rec.number}: {rec.name or '?'} <{rec.email or '?'}> as {' and '.join(rec.roles) or '?'}"
                   f" [{status}]")
        for c in rec.cells:
            raw = c.raw.replace("\n", " / ")
            out.append(f"  {c.column:<15} {raw!r} -> {c.reading}" if c.reading and c.reading != c.raw
                       else f"  {c.column:<15} {raw!r}")
            if c.flag:
                out.append(f"  {'':<15} ! {c.flag}")
        for column, reason in problems:
            out.append(f"  {'':<15} x {column}: {reason}")
    return out


def summary_lines(plan: Plan, report: transfer.ImportReport | None, skip_invalid: bool) -> list[str]:
    bad = len(plan.bad_rows)
    good = len({r.number for r in plan.rows} - plan.bad_rows)
    if report is None:  # dry run
        flagged = sum(1 for rec in plan.records if rec.flags)
        return [f"dry run: {good} row(s) can be imported, {bad} refused, {flagged} flagged; nothing was written."]
    lines = [line for line in report.lines() if not line.startswith("row ")]
    if skip_invalid and report.imported:
        lines.append(f"imported {good} row(s), skipped {bad}.")
    return lines
