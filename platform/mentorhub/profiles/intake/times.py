"""Availability as people write it. Pure: no database, no Flask.

``read_availability("Mon/Wed 8-10pm my time", parts)`` -> windows [(0, 1200, 1320), (2, 1200, 1320)]
in the person's own zone (weekday 0 = Monday, minutes after local midnight).

Days: names and their short forms, plurals ("Tuesdays"), ranges ("Mon-Fri", "Monday to
Friday"), lists ("Mon/Wed", "Tue and Thu"), "weekdays", "weekends", "every day"; "except
Fri" takes a day out. Times: "19:00-21:00", "8-10pm", "6-8am", "12-1", "7:30pm", "after 6pm".
Parts of the day ("evening", "morning", "lunch" …) come from ``parts`` (the IMPORT_TIME_*
settings). Times written without days mean every day; days without a time mean
``parts["day"]``. An explicit time beats a part of the day in the same phrase ("evenings
after 7pm" is 19:00 on). Text with no day and no time at all yields no windows and a flag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

DAY = 24 * 60
LATEST_WRAP = 6 * 60  # "10pm-1am" runs over midnight; "20:00-18:00" is a mistake, not a 22-hour window
DAY_WORDS = {
    "monday": 0, "mon": 0, "mo": 0, "tuesday": 1, "tue": 1, "tues": 1, "tu": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "th": 3, "friday": 4, "fri": 4, "fr": 4,
    "saturday": 5, "sat": 5, "sa": 5, "sunday": 6, "sun": 6, "su": 6,
}
GROUPS = {"weekday": (0, 1, 2, 3, 4), "weekdays": (0, 1, 2, 3, 4), "workdays": (0, 1, 2, 3, 4),
          "weeknight": (0, 1, 2, 3, 4), "weeknights": (0, 1, 2, 3, 4), "weekend": (5, 6), "weekends": (5, 6),
          "daily": tuple(range(7)), "everyday": tuple(range(7))}
PART_WORDS = {"morning": "morning", "mornings": "morning", "am": "morning", "lunch": "lunch", "lunchtime": "lunch",
              "lunchtimes": "lunch", "noon": "lunch", "midday": "lunch", "afternoon": "afternoon",
              "afternoons": "afternoon", "evening": "evening", "evenings": "evening", "night": "evening",
              "nights": "evening", "tonight": "evening"}
SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_T = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
RANGE = re.compile(rf"\b{_T}\s*(?:-|–|—|to|until|till)\s*{_T}(?![\d:])", re.IGNORECASE)
AFTER = re.compile(rf"\b(?:after|from|from about|at|around|since)\s+{_T}", re.IGNORECASE)
BEFORE = re.compile(rf"\b(?:before|until|till)\s+{_T}", re.IGNORECASE)
SINGLE = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b(\d{1,2})[:.](\d{2})\b", re.IGNORECASE)
DAY_RANGE = re.compile(r"\b([a-z]+)\s*(?:-|–|to|through|thru)\s*([a-z]+)\b", re.IGNORECASE)


@dataclass
class Reading:
    windows: list[tuple[int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: bool = False
    problem: str | None = None

    def describe(self) -> str:
        if self.unreadable:
            return "no day or time understood: imported without windows"
        text = "; ".join(f"{SHORT[d]} {m // 60:02d}:{m % 60:02d}-{e // 60:02d}:{e % 60:02d}" for d, m, e in self.windows)
        return text + (f" ({'; '.join(self.notes)})" if self.notes else "")


def _day(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in DAY_WORDS:
        return DAY_WORDS[w]
    if w.endswith("s") and w[:-1] in DAY_WORDS and len(w) > 3:
        return DAY_WORDS[w[:-1]]
    return None


def _clock(hour: str, minute: str | None, suffix: str | None) -> tuple[int, str | None]:
    h, m = int(hour), int(minute or 0)
    suffix = (suffix or "").lower().replace(".", "") or None
    if suffix == "pm" and h < 12:
        h += 12
    elif suffix == "am" and h == 12:
        h = 0
    return h * 60 + m, suffix


def _span(match, groups=(1, 2, 3, 4, 5, 6)) -> tuple[int, int] | None:
    h1, m1, s1, h2, m2, s2 = (match.group(g) for g in groups)
    if int(h1) > 24 or int(h2) > 24 or int(m1 or 0) > 59 or int(m2 or 0) > 59:
        return None
    if s2 and not s1:  # "8-10pm": the suffix covers both, unless that puts the start after the end
        start, _ = _clock(h1, m1, s2)
        end, _ = _clock(h2, m2, s2)
        if start >= end and s2.lower().startswith("p"):
            start, _ = _clock(h1, m1, "am")
    else:
        start, _ = _clock(h1, m1, s1)
        end, _ = _clock(h2, m2, s2)
    if not s1 and not s2 and m1 is None and m2 is None and int(h1) <= 12 and int(h2) <= 12:
        # Bare hours: "12-1" is noon to one, "6-8" evening; "9-11" stays morning.
        if end <= start:
            end += 12 * 60
        elif start < 7 * 60:
            start, end = start + 12 * 60, end + 12 * 60
    if s2 and s2.lower().startswith("a") and end == 0:
        end = DAY
    if end == 0:
        end = DAY
    return start, end


def _days(text: str) -> tuple[list[tuple[int, str]], set[int]]:
    """Every day mention with its position, and the days after 'except'/'not'."""
    found: list[tuple[int, str]] = []
    excluded: set[int] = set()
    taken = []
    for m in DAY_RANGE.finditer(text):
        a, b = _day(m.group(1)), _day(m.group(2))
        if a is not None and b is not None:
            days = list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(b + 1)]
            found.extend((m.start(), str(d)) for d in days)
            taken.append((m.start(), m.end()))
    for m in re.finditer(r"[a-z]+", text, re.IGNORECASE):
        if any(s <= m.start() < e for s, e in taken):
            continue
        word = m.group(0).lower()
        before = text[max(0, m.start() - 12):m.start()].lower()
        days = GROUPS.get(word) or (tuple(range(7)) if word == "day" and re.search(r"(every|any)\s+$", before) else None)
        if days is None:
            d = _day(word)
            days = (d,) if d is not None and len(word) >= 3 else None
        if days is None:
            continue
        if re.search(r"\b(except|not|but not|no)\s+(on\s+)?$", before):
            excluded.update(days)
            continue
        found.extend((m.start(), str(d)) for d in days)
    return sorted(found), excluded


def _times(text: str, parts: dict, after_minutes: int) -> list[tuple[int, int, int, str]]:
    """(position, start, end, kind) with kind 'time' or 'part'."""
    out = []
    covered = []
    for m in RANGE.finditer(text):
        span = _span(m)
        if span:
            out.append((m.start(), *span, "time"))
            covered.append((m.start(), m.end()))

    def free(pos):
        return not any(s <= pos < e for s, e in covered)

    for m in AFTER.finditer(text):
        if free(m.start(1)):
            start, _ = _clock(m.group(1), m.group(2), m.group(3) or ("pm" if int(m.group(1)) < 8 else None))
            out.append((m.start(), start, min(DAY, start + after_minutes), "time"))
            covered.append((m.start(), m.end()))
    for m in BEFORE.finditer(text):
        if free(m.start(1)):
            end, _ = _clock(m.group(1), m.group(2), m.group(3))
            out.append((m.start(), max(0, end - after_minutes), end, "time"))
            covered.append((m.start(), m.end()))
    for m in SINGLE.finditer(text):
        if free(m.start()):
            hour, minute, suffix = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), None)
            start, _ = _clock(hour, minute, suffix)
            out.append((m.start(), start, min(DAY, start + after_minutes), "time"))
    for m in re.finditer(r"[a-z]+", text, re.IGNORECASE):
        word = m.group(0).lower()
        if word in PART_WORDS and free(m.start()) and PART_WORDS[word] in parts:
            if word == "am" and not re.search(r"\bam\b", text[m.start():m.end() + 1], re.IGNORECASE):
                continue
            start, end = parts[PART_WORDS[word]]
            out.append((m.start(), start, end, "part"))
    return sorted(out)


def read_availability(text: str, parts: dict[str, tuple[int, int]], after_minutes: int = 180) -> Reading:
    """Windows for ``text``. ``parts`` maps morning/lunch/afternoon/evening/day to (start, end) minutes."""
    reading = Reading()
    text = re.sub(r"\bafter (work|school|dinner)\b", "evening", (text or "").strip(), flags=re.IGNORECASE)
    if not text:
        return reading
    # Each sentence or ';'-part is read on its own; inside one, days gather until times follow them.
    for clause in re.split(r"[;\n]|\.(?=\s|$)", text):
        days, excluded = _days(clause)
        times = _times(clause, parts, after_minutes)
        if not days and not times:
            continue
        mentions: dict[int, set[int]] = {}
        for pos, d in days:
            mentions.setdefault(pos, set()).add(int(d))
        events = sorted([(p, "day", ds) for p, ds in mentions.items()] + [(p, "time", (s, e, k)) for p, s, e, k in times],
                        key=lambda ev: ev[0])
        # A day mentioned after a time that followed days starts a new phrase ("Mon 8-10pm, Sat morning");
        # times before the first day belong to the days after them ("19:00-21:00 on Tue and Thu").
        # "after 6pm on Fridays": times just before "on <day>" belong to that day.
        groups: list[tuple[set, list]] = []
        current_days: set[int] = set()
        current_times: list = []
        trailing: list = []  # times since the last day
        last = None
        for pos, kind, value in events:
            if kind == "day":
                if last == "time" and current_days:
                    if re.search(r"\bon\s+$", clause[:pos], re.IGNORECASE):
                        groups.append((current_days, current_times[:len(current_times) - len(trailing)]))
                        current_days, current_times = set(), list(trailing)
                    else:
                        groups.append((current_days, current_times))
                        current_days, current_times = set(), []
                current_days |= value
                trailing = []
            else:
                current_times.append(value)
                trailing.append(value)
            last = kind
        if current_days or current_times:
            groups.append((current_days, current_times))
        for group_days, group_times in groups:
            if not group_days:
                group_days = set(range(7))
                reading.notes.append("no day given: every day")
            group_days -= excluded
            explicit = [(s, e) for s, e, k in group_times if k == "time"]
            spans = explicit or [(s, e) for s, e, k in group_times]
            if not spans:
                spans = [parts["day"]]
                reading.notes.append("no time given: " + _fmt(*parts["day"]))
            for day in sorted(group_days):
                for start, end in spans:
                    if end > start:
                        reading.windows.append((day, start, end))
                    elif end > LATEST_WRAP:
                        reading.problem = (f"{_fmt(start, end)} ends before it starts. To cover midnight, "
                                           "write it as two windows, one on each day.")
                    else:  # over midnight: the rest of this day and the start of the next
                        reading.windows.append((day, start, DAY))
                        if end > 0:
                            reading.windows.append(((day + 1) % 7, 0, end))
    reading.windows = merge_windows(reading.windows)
    reading.notes = list(dict.fromkeys(reading.notes))
    reading.unreadable = not reading.windows and not reading.problem
    return reading


def merge_windows(windows) -> list[tuple[int, int, int]]:
    """Sorted, with overlapping or touching windows of a day joined."""
    out: list[tuple[int, int, int]] = []
    for day, start, end in sorted(set(windows)):
        if out and out[-1][0] == day and start <= out[-1][2]:
            out[-1] = (day, out[-1][1], max(end, out[-1][2]))
        else:
            out.append((day, start, end))
    return out


def _fmt(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_span(text: str) -> tuple[int, int]:
    """'18:00-21:00' -> (1080, 1260): the form of the IMPORT_TIME_* settings."""
    start, end = text.replace("–", "-").split("-")
    sh, sm = start.strip().split(":")
    eh, em = end.strip().split(":")
    return int(sh) * 60 + int(sm), int(eh) * 60 + int(em)
