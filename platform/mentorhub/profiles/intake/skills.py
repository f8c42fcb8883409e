"""Skills as people write them. Pure: the vocabulary is passed in, no database.

``SkillMatcher(entries).read("a bit of PyTorch; some Python, sklearn and k8s")`` ->
SkillReading(levels={"pytorch": 1, "python": 2, "scikit-learn": 2, "kubernetes": 2}, ...).
A term matches a slug, a display name or an alias (seed/taxonomy.yaml ``aliases``), in any
letter case, with small typos tolerated (difflib, standard library). Lists are separated by
commas, semicolons, new lines or "and" (a name that itself contains "and", such as "Data
structures and algorithms", is tried whole first). Hedges set the level: "a bit of" and
"basic" mean 1, "some" 2, "good" 3, "expert" 4; no hedge means ``default_level``. Terms that
match nothing are returned in ``unmatched`` so they can be kept in the person's free text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from .zones import fold

DEFAULT_LEVEL = 2
# Longest first: the first hedge that starts the term wins.
HEDGES = [
    ("a little bit of", 1), ("a little", 1), ("a bit of", 1), ("a bit", 1), ("bit of", 1), ("basics of", 1),
    ("basic", 1), ("beginner in", 1), ("beginner", 1), ("new to", 1), ("learning", 1), ("familiar with", 1),
    ("some experience with", 2), ("some experience in", 2), ("some", 2), ("intermediate", 2), ("decent", 2),
    ("working knowledge of", 2), ("good", 3), ("solid", 3), ("strong", 3), ("advanced", 3), ("proficient in", 3),
    ("proficient", 3), ("lots of", 3), ("expert in", 4), ("expert", 4),
]
TRAILING_HEDGES = [("basics", 1), ("(basic)", 1), ("(beginner)", 1), ("(some)", 2), ("(advanced)", 3), ("(expert)", 4)]
# Phrases around a wish to learn, dropped before matching ("How to deploy models").
FILLERS = re.compile(r"^(?:i(?:'d| would)? (?:like|want|love) to (?:learn|get better at|understand|do)|"
                     r"i want to|want to|how to|learn(?:ing)?|get(?:ting)? (?:better at|into|started with)|"
                     r"more about|more|about|understand(?:ing)?|the basics of|basics of|intro to|"
                     r"introduction to|also|maybe|mostly|especially)\s+")
LEVEL_SUFFIX = re.compile(r"\s*(?:[:=(]\s*|\s+level\s+)(\d+)\s*\)?\s*$")
TYPO_CUTOFF = 0.84  # difflib ratio: one wrong or missing letter in a word of six or more
TYPO_MIN_LENGTH = 5  # shorter terms must match exactly (r, sql, aws are too short to guess)


@dataclass(frozen=True)
class Entry:
    slug: str
    name: str
    kind: str = "skill"  # "skill" or "domain"
    aliases: tuple[str, ...] = ()


@dataclass
class Term:
    text: str  # as written
    slug: str | None = None
    kind: str = "skill"
    level: int = DEFAULT_LEVEL
    how: str = ""  # "alias k8s", "typo of pytorch" …


@dataclass
class SkillReading:
    levels: dict[str, int] = field(default_factory=dict)  # skill slug -> level
    domains: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        for t in self.terms:
            if t.slug is None:
                parts.append(f"{t.text!r} → no match (kept in the free text)")
            elif t.kind == "domain":
                parts.append(f"{t.text!r} → domain {t.slug}")
            else:
                parts.append(f"{t.text!r} → {t.slug}:{t.level}" + (f" ({t.how})" if t.how else ""))
        return "; ".join(parts)


def _key(text: str) -> str:
    """Lower case, accents and punctuation dropped except + and # (C++, C#); '-', '_', '.' as spaces."""
    text = fold(text.replace(".", " ").replace("/", " / "))
    text = re.sub(r"[^a-z0-9+# /]", " ", text)
    return " ".join(text.split())


class SkillMatcher:
    def __init__(self, entries, default_level: int = DEFAULT_LEVEL):
        self.default_level = default_level
        self.skills_first = self._build(entries, "skill")  # key -> (slug, kind, how)
        self.domains_first = self._build(entries, "domain")
        self.index = self.skills_first
        self.keys = [k for k in self.index if len(k) >= TYPO_MIN_LENGTH]

    @staticmethod
    def _build(entries, first: str) -> dict[str, tuple[str, str, str]]:
        index: dict[str, tuple[str, str, str]] = {}
        for entry in sorted(entries, key=lambda e: e.kind != first):  # a name both have goes to ``first``
            for text, how in ((entry.slug, ""), (entry.name, ""), *((a, f"alias {a}") for a in entry.aliases)):
                for key in {_key(text), _key(text.replace("-", ""))}:
                    if key:
                        index.setdefault(key, (entry.slug, entry.kind, how))
        return index

    def _exact(self, key: str):
        for candidate in (key, key[:-1] if key.endswith("s") else None, key.replace(" ", "")):
            if candidate and candidate in self.index:
                return self.index[candidate]
        return None

    def match(self, text: str) -> Term:
        """One term, with its hedge; slug None when nothing matches."""
        term = Term(text=text.strip(), level=self.default_level)
        key = _key(text)
        explicit = LEVEL_SUFFIX.search(text)
        if explicit:
            term.level = int(explicit.group(1))
            key = _key(text[:explicit.start()])
        for hedge, level in sorted(HEDGES, key=lambda h: -len(h[0])):
            if key.startswith(hedge + " "):
                key, term.level = key[len(hedge) + 1:], (term.level if explicit else level)
                break
        for hedge, level in TRAILING_HEDGES:
            h = _key(hedge)
            if key.endswith(" " + h):
                key, term.level = key[:-len(h) - 1], (term.level if explicit else level)
        previous = None
        while previous != key:
            previous, key = key, FILLERS.sub("", key)
        found = self._exact(key)
        if found is None and len(key) >= TYPO_MIN_LENGTH:
            close = get_close_matches(key, self.keys, n=1, cutoff=TYPO_CUTOFF)
            if close:
                slug, kind, _ = self.index[close[0]]
                found = (slug, kind, f"read as {close[0]!r}")
        if found is None:
            found = self._object_phrase(key)
        if found is not None:
            term.slug, term.kind, term.how = found
        return term

    def _object_phrase(self, key: str):
        """'deploy models' -> 'model deployment': verb + object turned round, tried as a key."""
        words = key.split()
        if len(words) == 2:
            verb, obj = words
            obj = obj.removesuffix("s")
            for suffix in ("ment", "ing", "ion", ""):
                candidate = f"{obj} {verb.rstrip('e')}{suffix}" if suffix else f"{obj} {verb}"
                if candidate in self.index:
                    return self.index[candidate][0], self.index[candidate][1], f"read as {candidate!r}"
        return None

    def split(self, text: str) -> list[str]:
        """Terms of a list: by , ; and new lines, then by 'and' / '&' unless the whole piece matches."""
        out = []
        for piece in re.split(r"[;,\n•]|\s+-\s+", text or ""):
            piece = piece.strip(" .\t")
            if not piece:
                continue
            whole = self.match(piece)
            parts = re.split(r"\s+(?:and|&|\+|plus)\s+", piece, flags=re.IGNORECASE)
            if whole.slug is not None or len(parts) == 1:
                out.append(piece)
                continue
            # "a bit of pandas and numpy": the hedge of the first part covers the rest.
            first = self.match(parts[0])
            hedge = parts[0][: max(0, len(parts[0]) - len(_strip_hedge(parts[0])))]
            out.append(parts[0])
            out.extend((hedge + p) if first.level != self.default_level and hedge and _strip_hedge(p) == p else p
                       for p in parts[1:])
        return out

    def read(self, text: str, prefer: str = "skill") -> SkillReading:
        """Every term of ``text``; ``prefer="domain"`` reads a name both share (reinforcement
        learning) as the domain, for a column that asks for domains."""
        reading = SkillReading()
        self.index = self.domains_first if prefer == "domain" else self.skills_first
        try:
            terms = [self.match(piece) for piece in self.split(text)]
        finally:
            self.index = self.skills_first
        for term in terms:
            piece = term.text
            reading.terms.append(term)
            if term.slug is None:
                if piece.strip().lower() not in ("none", "none yet", "not yet", "n/a", "na", "-", "nothing yet",
                                                 "nothing"):
                    reading.unmatched.append(LEVEL_SUFFIX.sub("", piece).strip())
            elif term.kind == "domain":
                if term.slug not in reading.domains:
                    reading.domains.append(term.slug)
            else:
                reading.levels[term.slug] = max(reading.levels.get(term.slug, 0), term.level)
        return reading


def _strip_hedge(text: str) -> str:
    low = text.lower()
    for hedge, _ in sorted(HEDGES, key=lambda h: -len(h[0])):
        if low.startswith(hedge + " "):
            return text[len(hedge) + 1:]
    return text
