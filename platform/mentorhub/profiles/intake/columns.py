"""Column mapping: which header of a form export feeds which import column. Pure.

A mapping is ``{header: column or None}``; None means "not imported". ``guess_mapping`` maps
by meaning (the README's column names, their common spellings, then words in question-like
headers); ``read_map`` reads an organiser's YAML or JSON map file; ``format_map`` writes a
mapping in that same format, so a guessed mapping can be saved, edited and passed back.
"""
from __future__ import annotations

import json
import re

import yaml

PERSON = ["role", "email", "name", "first_name", "last_name", "timezone", "headline", "skills", "domains",
          "availability", "languages", "about"]  # about: free text for a learner's goals and a mentor's bio
LEARNER = ["background", "goals", "target_track", "stage", "hours_per_week", "wanted"]
MENTOR = ["bio", "years_experience", "current_role", "capacity", "accepting", "session_minutes", "pref_stages",
          "pref_domains"]
LINKS = ["github_url", "linkedin_url", "website_url"]
TARGETS = [*PERSON, *LEARNER, *MENTOR, *LINKS]
REQUIRED = ("email",)  # plus a name (or first name) and a role (or a default role)

SPELLINGS = {
    "email_address": "email", "e_mail": "email", "e_mail_address": "email", "mail": "email",
    "full_name": "name", "display_name": "name", "your_name": "name", "first_name": "first_name",
    "given_name": "first_name", "last_name": "last_name", "surname": "last_name", "family_name": "last_name",
    "time_zone": "timezone", "tz": "timezone", "is_accepting": "accepting", "accepting_new_mentees": "accepting",
    "github": "github_url", "linkedin": "linkedin_url", "website": "website_url", "personal_site": "website_url",
    "skills_to_learn": "wanted", "wanted_skills": "wanted", "weekly_availability": "availability",
    "windows": "availability", "session_length": "session_minutes", "hours": "hours_per_week",
    "preferred_stages": "pref_stages", "preferred_domains": "pref_domains", "preferred_fields": "pref_domains",
}
# Words in a question-like header, most specific first: (pattern, column).
MEANINGS = [
    (r"\bfirst name\b|\bgiven name\b", "first_name"),
    (r"\blast name\b|\bsurname\b|\bfamily name\b", "last_name"),
    (r"e-?mail", "email"),
    (r"time ?zone|\btz\b|where are you based|which city|your city|located|location", "timezone"),
    # a mentor's preferences come before "role", "stage" and "domains", whose words they contain
    (r"\b(prefer|like to mentor|happy to mentor)\b.*\bstages?\b|\bstages?\b.*\b(prefer|like to mentor)",
     "pref_stages"),
    (r"\b(prefer|like to mentor|happy to mentor)\b.*\b(fields?|domains?|areas?)\b|"
     r"\b(fields?|domains?|areas?)\b.*\b(prefer|like to mentor)", "pref_domains"),
    (r"\blanguages?\b", "languages"),
    (r"github", "github_url"), (r"linkedin", "linkedin_url"), (r"website|portfolio|personal site|blog", "website_url"),
    (r"how many mentees|capacity|mentees can you|how many (people|learners)", "capacity"),
    (r"accepting|taking (new )?mentees", "accepting"),
    (r"session (length|minutes)|how long.*session|minutes", "session_minutes"),
    (r"hours (per|a|each) week|hours.*week|how many hours", "hours_per_week"),
    (r"years", "years_experience"),
    (r"current (role|job|position)|job title|what do you do|where do you work|occupation", "current_role"),
    ((r"\bmentor\b.*\b(learn|mentee|or)\b|\b(learn|learner|mentee)\b.*\bmentor\b|join as|sign(ing)? up as|"
      r"\brole\b|which are you"), "role"),
    (r"background", "background"),
    (r"\btrack\b|career (goal|path)|aiming for", "target_track"),
    (r"\bstage\b|where are you on", "stage"),
    (r"learn|want to (get better|improve|grow)|improve", "wanted"),
    ((r"skills?|know already|already know|what you know|experience with|tools|tech stack|good at|"
      r"comfortable with|can (you )?teach|expertise"), "skills"),
    (r"\bfree\b|availab|when can you|schedule|what times|which times|when are you", "availability"),
    (r"goal|hope to|hoping|achieve|why do you", "goals"),
    (r"\bbio\b|about (yourself|you)|tell us|introduce yourself", "bio"),
    (r"anything else|about you|comments?\b|notes?\b|more about", "about"),
    (r"headline|tagline|one line|in a sentence", "headline"),
    (r"domain|area|field|interested in|interests|focus", "domains"),
    (r"^(name|your name|full name)$|what('?s| is) your (full )?name|\bname\b", "name"),
]


def header_key(header: str) -> str:
    return "_".join(str(header).strip().lower().replace("-", " ").split())


def guess_column(header: str) -> str | None:
    key = header_key(header)
    if key in TARGETS:
        return key
    if key in SPELLINGS:
        return SPELLINGS[key]
    text = " ".join(str(header).lower().replace("_", " ").split())
    for pattern, column in MEANINGS:
        if re.search(pattern, text):
            return column
    return None


def guess_mapping(headers: list[str]) -> dict[str, str | None]:
    """Each header's column by meaning; a column goes to the first header that claims it."""
    taken: set[str] = set()
    exact = {h: guess_column(h) for h in headers if header_key(h) in TARGETS or header_key(h) in SPELLINGS}
    taken.update(c for c in exact.values() if c)
    mapping: dict[str, str | None] = {}
    for header in headers:
        if header in exact:
            mapping[header] = exact[header]
            continue
        column = guess_column(header)
        if column in taken:
            column = None
        if column:
            taken.add(column)
        mapping[header] = column
    return mapping


def missing(mapping: dict[str, str | None], default_role: str | None = None) -> list[str]:
    """Columns a mapping lacks before anyone can be imported."""
    used = {c for c in mapping.values() if c}
    out = []
    if "role" not in used and not default_role:
        out.append("role")
    out += [c for c in REQUIRED if c not in used]
    if "name" not in used and "first_name" not in used:
        out.append("name")
    return out


def read_map(text: str) -> dict[str, str | None]:
    """An organiser's map file (YAML or JSON): {header: column}; ValueError naming the problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"The map file is neither YAML nor JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict):
        raise ValueError("The map file must be an object from the file's headers to column names.")  # noqa: TRY004
    mapping: dict[str, str | None] = {}
    for header, column in data.items():
        if column in (None, "", False, "ignore", "-"):
            mapping[str(header)] = None
            continue
        column = str(column).strip().lower()
        if column not in TARGETS:
            raise ValueError(f"{header!r} maps to {column!r}, which is not a column; use one of: {', '.join(TARGETS)}.")
        mapping[str(header)] = column
    return mapping


def apply_map(headers: list[str], given: dict[str, str | None]) -> tuple[dict[str, str | None], list[str]]:
    """The mapping for ``headers`` from a map file, and the map's headers the file lacks.
    Headers are compared ignoring case and spaces at the ends."""
    by_key = {header_key(h): c for h, c in given.items()}
    mapping = {h: by_key.get(header_key(h)) for h in headers}
    absent = [h for h in given if header_key(h) not in {header_key(x) for x in headers}]
    return mapping, absent


def format_map(mapping: dict[str, str | None]) -> str:
    """The mapping as a YAML map file: mapped headers first, then the ignored ones as null."""
    lines = ["# column map: file header -> import column (null: not imported)"]
    for header, column in [*((h, c) for h, c in mapping.items() if c), *((h, c) for h, c in mapping.items() if not c)]:
        lines.append(f"{json.dumps(header, ensure_ascii=False)}: {column or 'null'}")
    return "\n".join(lines) + "\n"
