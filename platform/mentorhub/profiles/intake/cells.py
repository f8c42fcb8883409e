"""One export through the readers: every record becomes import rows plus the reading of each
cell, for the dry-run report and the web preview. Pure: the vocabulary comes in a Context."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .columns import LEARNER, MENTOR
from .skills import SkillMatcher
from .times import read_availability
from .zones import ZoneReading, read_zone, resolve_ambiguous

NUMERIC = ("hours_per_week", "years_experience", "capacity", "session_minutes")
PREFERENCES = {"pref_stages": ("stage", "roadmap stage"), "pref_domains": ("domains", "domain")}  # -> (choices, noun)
NOT_ANSWERS = {"", "n/a", "na", "none", "none yet", "not yet", "-", "no answer", "nothing", "nothing yet"}


@dataclass
class Context:
    matcher: SkillMatcher
    parts: dict[str, tuple[int, int]]  # morning, lunch, afternoon, evening, day -> (start, end) minutes
    after_minutes: int = 180
    default_role: str | None = None
    # (slug, name) choices of background, target_track, stage and domains
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class Cell:
    column: str
    header: str
    raw: str
    reading: str = ""
    problem: str | None = None  # the row cannot be imported as it is
    flag: str | None = None  # imported, but the organiser should look


@dataclass
class Record:
    number: int  # row number in the sheet (the header is row 1) or position in a JSON list
    email: str = ""
    name: str = ""
    roles: list[str] = field(default_factory=list)
    timezone: str | None = None
    cells: list[Cell] = field(default_factory=list)
    data: dict[str, dict] = field(default_factory=dict)  # role -> profile data for transfer.Row
    unmatched: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # header -> the cell as written

    @property
    def problems(self) -> list[Cell]:
        return [c for c in self.cells if c.problem]

    @property
    def flags(self) -> list[Cell]:
        return [c for c in self.cells if c.flag]


def read_role(text: str, default: str | None = None) -> list[str]:
    t = (text or "").lower()
    learn = bool(re.search(r"learn|mentee|student|be mentored|get help|find a mentor", t))
    mentor = bool(re.search(r"\bmentor\b|mentoring|to mentor|help others|give back|teach", t)) and not re.search(
        r"find a mentor|get a mentor|need a mentor|be mentored", t)
    if "both" in t or (learn and mentor):
        return ["learner", "mentor"]
    if mentor:
        return ["mentor"]
    if learn:
        return ["learner"]
    return [default] if default and not t.strip() else []


def _number(column: str, raw: str) -> tuple[str, str]:
    """'about 5 hours' -> '5'; '1 hour' sessions -> '60'."""
    if re.fullmatch(r"\d+", raw):
        return raw, ""
    match = re.search(r"\d+", raw)
    if column == "session_minutes" and re.search(r"\bhours?\b", raw):
        hours = float(match.group(0)) if match else 1.0
        if re.search(r"half", raw):
            hours = 0.5 if not match else hours + 0.5
        return str(int(hours * 60)), f"{raw!r} read as {int(hours * 60)} minutes"
    if match:
        return match.group(0), f"{raw!r} read as {match.group(0)}"
    if re.search(r"\b(none|zero|no)\b", raw.lower()):
        return "0", f"{raw!r} read as 0"
    return raw, ""


def _choice(choices: list[tuple[str, str]], raw: str) -> str | None:
    low = raw.strip().lower()
    for slug, name in choices:
        if low in (slug.lower(), name.lower(), slug.replace("_", " ").lower()):
            return slug
    for slug, name in choices:
        if len(low) >= 4 and (low in name.lower() or name.lower() in low):
            return slug
    return None


def _background(raw: str, choices) -> tuple[str, str]:
    found = _choice(choices, raw)
    if found:
        return found, ""
    low = raw.lower()
    for pattern, slug in ((r"software|developer|engineer|programmer", "software_engineer"),
                          (r"analyst|analytics|\bbi\b", "data_analyst"), (r"research|phd|academ|professor", "academic_researcher"),
                          (r"student|university|bootcamp|school", "student")):
        if re.search(pattern, low) and any(s == slug for s, _ in choices):
            return slug, f"{raw!r} read as {slug}"
    return "other", f"{raw!r} read as other"


def _choices_list(raw: str, choices: list[tuple[str, str]], noun: str) -> tuple[str, str, str | None]:
    """A list answer ("Projects; Deployment") as known slugs: (value, note, problem naming the
    items that match no choice)."""
    items = [p.strip() for p in re.split(r"[;,\n]", raw) if p.strip()]
    found = [_choice(choices, item) for item in items]
    unknown = [item for item, slug in zip(items, found) if slug is None]
    value = "; ".join(dict.fromkeys(slug for slug in found if slug))
    note = f"{raw!r} read as {value}" if value != "; ".join(items) else ""
    problem = f"Unknown {noun}{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}." if unknown else None
    return value, note, problem


def _free_text(text: str, extra: list[str]) -> str:
    if not extra:
        return text
    note = "Also mentioned: " + ", ".join(extra) + "."
    return f"{text}\n\n{note}" if text else note


def read_records(records: list[tuple[int, dict]], mapping: dict[str, str | None], ctx: Context) -> list[Record]:
    """Every record's reading; zones that are ambiguous are settled by the rest of the file."""
    zones: dict[int, tuple[str, ZoneReading]] = {}
    for number, values in records:
        for header, column in mapping.items():
            if column == "timezone" and str(values.get(header) or "").strip():
                zones[number] = (header, read_zone(str(values[header])))
    others = Counter(r.zone for _, r in zones.values() if r.zone)
    out = []
    for number, values in records:
        if not any(str(v or "").strip() for v in values.values()):
            continue
        zone = zones.get(number)
        if zone and zone[1].options:
            zone = (zone[0], resolve_ambiguous(zone[1], others))
        out.append(_record(number, values, mapping, ctx, zone))
    return out


def _record(number: int, values: dict, mapping: dict, ctx: Context, zone) -> Record:
    rec = Record(number, answers={str(h): str(v or "") for h, v in values.items()})
    cells: dict[str, tuple[str, str]] = {}  # column -> (header, raw)
    for header, column in mapping.items():
        if column:
            cells[column] = (header, str(values.get(header) or "").strip())
    common: dict = {}
    learner: dict = {}
    mentor: dict = {}
    skills_levels: dict[str, int] = {}
    domains: list[str] = []
    wished: list[str] = []  # domains named in "want to learn": the learner's only

    def cell(column, **kw) -> Cell:
        header, raw = cells[column]
        c = Cell(column, header, raw, **kw)
        rec.cells.append(c)
        return c

    if "email" in cells:
        rec.email = cells["email"][1]
        cell("email", reading=rec.email)
    if "name" in cells or "first_name" in cells:
        parts = [cells[c][1] for c in ("name",) if c in cells] or [cells[c][1] for c in ("first_name", "last_name")
                                                                   if c in cells]
        rec.name = " ".join(" ".join(parts).split())
        for c in ("name", "first_name", "last_name"):
            if c in cells:
                cell(c, reading=rec.name)
    if "role" in cells:
        rec.roles = read_role(cells["role"][1], ctx.default_role)
        c = cell("role", reading=" and ".join(rec.roles))
        if not rec.roles:
            c.problem = (f"{c.raw!r} is not a role we can read; write learner, mentor or both." if c.raw else
                         "No role given: write learner, mentor or both, or give everyone a role (--role).")
    elif ctx.default_role:
        rec.roles = [ctx.default_role]
    if "timezone" in cells and not zone:
        cell("timezone", flag="no time zone given: UTC for someone new, unchanged for someone already here")
    if zone:
        c = cell("timezone")
        reading = zone[1]
        if reading.zone:
            rec.timezone = reading.zone
            c.reading = f"{reading.zone} ({reading.how})" if reading.how else reading.zone
            if "could be" in reading.how:
                c.flag = f"{c.raw} is ambiguous: check the zone chosen"
        else:
            c.problem = reading.problem or f"{c.raw!r} is not a time zone we can read."
    for column in ("skills", "wanted", "domains"):
        if column not in cells or cells[column][1].lower() in NOT_ANSWERS:
            continue
        reading = ctx.matcher.read(cells[column][1], prefer="domain" if column == "domains" else "skill")
        c = cell(column, reading=reading.describe())
        if column == "skills":
            skills_levels.update(reading.levels)
        elif column == "wanted":
            learner["wanted"] = list(reading.levels)
        elif reading.levels:  # a skill written where domains were asked for still counts as a skill
            for slug, level in reading.levels.items():
                skills_levels.setdefault(slug, level)
        target = wished if column == "wanted" else domains
        target.extend(d for d in reading.domains if d not in target)
        if reading.unmatched:
            c.flag = "not a skill we know, kept in the free text: " + ", ".join(reading.unmatched)
            rec.unmatched.extend(reading.unmatched)
    if skills_levels or "skills" in cells and cells["skills"][1].lower() not in NOT_ANSWERS:
        common["skills"] = skills_levels
    if domains:
        common["domains"] = domains
    if wished:
        learner["domains"] = [*domains, *(d for d in wished if d not in domains)]
    if "availability" in cells and cells["availability"][1]:
        reading = read_availability(cells["availability"][1], ctx.parts, ctx.after_minutes)
        c = cell("availability", reading=reading.describe())
        if reading.problem:
            c.problem = reading.problem
        elif reading.unreadable:
            c.flag = "availability not understood: imported without windows"
        common["availability"] = reading.windows
    for column in ("headline", "languages", "github_url", "linkedin_url", "website_url", *LEARNER, *MENTOR):
        if column not in cells or column in ("wanted",):
            continue
        raw = cells[column][1]
        value, note, problem = raw, "", None
        if raw.lower() in NOT_ANSWERS and column not in ("goals", "bio", "headline"):
            continue
        if column in PREFERENCES:
            key, noun = PREFERENCES[column]
            value, note, problem = _choices_list(raw, ctx.choices.get(key, []), noun)
        elif column in NUMERIC:
            value, note = _number(column, raw)
        elif column == "accepting":
            value = "yes" if re.match(r"\s*(y|yes|sure|of course|true|1)\b", raw.lower()) else (
                "no" if re.match(r"\s*(n|no|not|false|0)\b", raw.lower()) else raw)
            note = f"{raw!r} read as {value}" if value != raw else ""
        elif column == "background":
            value, note = _background(raw, ctx.choices.get("background", []))
        elif column in ("target_track", "stage"):
            value = _choice(ctx.choices.get(column, []), raw) or raw
            note = f"{raw!r} read as {value}" if value != raw else ""
        elif column in ("github_url", "linkedin_url", "website_url") and raw and not raw.startswith("http"):
            value, note = "https://" + raw, f"read as https://{raw}"
        cell(column, reading=note or value, problem=problem)
        (learner if column in LEARNER else mentor if column in MENTOR else common)[column] = value
    if "about" in cells and cells["about"][1].lower() not in NOT_ANSWERS:
        about = cell("about", reading="added to the goals (learner) and the bio (mentor)").raw
        learner["goals"] = f"{learner['goals']}\n\n{about}" if learner.get("goals") else about
        mentor["bio"] = f"{mentor['bio']}\n\n{about}" if mentor.get("bio") else about
    if rec.unmatched:
        learner["goals"] = _free_text(learner.get("goals", ""), rec.unmatched)
        mentor["bio"] = _free_text(mentor.get("bio", ""), rec.unmatched)
    for role in rec.roles:
        rec.data[role] = {**common, **(learner if role == "learner" else mentor)}
    return rec
