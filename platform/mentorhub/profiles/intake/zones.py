"""Time zones as people write them. Pure: tzdata through zoneinfo, no database.

``read_zone("Rome (CET)")`` -> ZoneReading(zone="Europe/Rome", how="city Rome").
Accepted: IANA names in any letter case; tzdata cities (``Berlin``, ``new york``); common
abbreviations and names (``CET``, ``EST``, ``Pacific Time``); offsets as people mean them
(``UTC+1`` is one hour AHEAD of UTC, stored as the fixed zone ``Etc/GMT-1`` whose POSIX name
has the inverted sign); and any of these with a parenthesis (``GMT+4 (Dubai)``). An
ambiguous abbreviation (IST) carries its readings in ``options``; ``resolve_ambiguous``
picks the one the rest of the file makes likely, or leaves it for the organiser.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ...timeutil import all_zones, zone

# A civil-time abbreviation or name means the region's clock (with its summer time).
ABBREVIATIONS = {
    "utc": "UTC", "z": "UTC", "zulu": "UTC", "coordinated universal": "UTC", "universal": "UTC",
    "gmt": "Europe/London", "bst": "Europe/London", "british": "Europe/London", "uk": "Europe/London",
    "greenwich mean": "Europe/London",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "met": "Europe/Berlin", "central european": "Europe/Berlin",
    "central europe": "Europe/Berlin", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
    "western european": "Europe/Lisbon", "eet": "Europe/Athens", "eest": "Europe/Athens",
    "eastern european": "Europe/Athens", "msk": "Europe/Moscow", "moscow": "Europe/Moscow",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York", "eastern": "America/New_York",
    "us eastern": "America/New_York", "cdt": "America/Chicago", "ct": "America/Chicago",
    "central": "America/Chicago", "us central": "America/Chicago", "mst": "America/Denver",
    "mdt": "America/Denver", "mt": "America/Denver", "mountain": "America/Denver",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "us pacific": "America/Los_Angeles",
    "akst": "America/Anchorage", "hst": "Pacific/Honolulu", "nst": "America/St_Johns",
    "aest": "Australia/Sydney", "aedt": "Australia/Sydney", "acst": "Australia/Adelaide",
    "awst": "Australia/Perth", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
    "pht": "Asia/Manila", "wib": "Asia/Jakarta", "pkt": "Asia/Karachi", "npt": "Asia/Kathmandu",
    "brt": "America/Sao_Paulo", "art": "America/Argentina/Buenos_Aires", "sast": "Africa/Johannesburg",
    "wat": "Africa/Lagos", "eat": "Africa/Nairobi", "cat": "Africa/Maputo", "gst": "Asia/Dubai",
    "india": "Asia/Kolkata", "indian": "Asia/Kolkata", "israel": "Asia/Jerusalem", "irish": "Europe/Dublin",
}
# Abbreviations with several common readings: each is (zone, what people call it).
AMBIGUOUS = {
    "ist": (("Asia/Kolkata", "India"), ("Asia/Jerusalem", "Israel"), ("Europe/Dublin", "Ireland")),
    "cst": (("America/Chicago", "US Central"), ("Asia/Shanghai", "China")),
    "ast": (("America/Halifax", "Atlantic"), ("Asia/Riyadh", "Arabia")),
}
# Cities people often write that tzdata names after another city.
CITIES = {
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata", "chennai": "Asia/Kolkata", "hyderabad": "Asia/Kolkata", "pune": "Asia/Kolkata",
    "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles", "boston": "America/New_York",
    "washington": "America/New_York", "washington dc": "America/New_York", "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin", "frankfurt": "Europe/Berlin", "barcelona": "Europe/Madrid", "milan": "Europe/Rome",
    "tel aviv": "Asia/Jerusalem", "beijing": "Asia/Shanghai", "austin": "America/Chicago",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "montreal": "America/Toronto",
    "rio de janeiro": "America/Sao_Paulo", "cape town": "Africa/Johannesburg", "abu dhabi": "Asia/Dubai",
}
# Offsets that are not whole hours: the main zone that keeps them all year.
HALF_HOURS = {330: "Asia/Kolkata", 345: "Asia/Kathmandu", 570: "Australia/Darwin", 270: "Asia/Kabul",
              390: "Asia/Yangon", 210: "Asia/Tehran", 525: "Australia/Eucla", -570: "Pacific/Marquesas"}
_REGIONS = ("Europe/", "America/", "Asia/", "Africa/", "Australia/", "Pacific/", "Atlantic/", "Indian/", "Antarctica/")
_OFFSET = re.compile(r"^(?:utc|gmt|z)?\s*([+\-−–])\s*(\d{1,2})(?:[:.h]?(\d{2}))?$")
_FILLER = re.compile(r"\b(time|standard|daylight|summer|zone|timezone|my|local|the)\b")


@dataclass
class ZoneReading:
    zone: str | None
    how: str = ""  # what was understood, for the report
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # ambiguous: (zone, label)
    problem: str | None = None


def fold(text: str) -> str:
    """Lower case, accents stripped, '_' and '-' as spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """(lower-case IANA name -> name, folded city -> zone), regions before legacy links."""
    iana = {z.lower(): z for z in all_zones()}
    cities: dict[str, str] = {}
    for name in sorted(all_zones(), key=lambda z: (not z.startswith(_REGIONS), z)):
        if name.startswith("Etc/"):
            continue
        cities.setdefault(fold(name.rsplit("/", 1)[-1]), name)
    return iana, cities


def offset_minutes(tz_name: str, when: datetime) -> int:
    """The zone's UTC offset in minutes at the naive UTC-free wall date ``when``."""
    return int(when.replace(tzinfo=zone(tz_name)).utcoffset().total_seconds() // 60)


@lru_cache(maxsize=64)
def zone_for_offset(minutes: int) -> str | None:
    """A zone always ``minutes`` ahead of UTC: Etc/GMT∓N for whole hours, else a region without summer time."""
    if minutes == 0:
        return "UTC"
    if minutes % 60 == 0 and -12 * 60 <= minutes <= 14 * 60:
        hours = minutes // 60
        return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"  # POSIX: the sign is inverted
    if minutes in HALF_HOURS:
        return HALF_HOURS[minutes]
    for name in all_zones():
        if name.startswith(_REGIONS) and all(offset_minutes(name, datetime(2026, m, 15)) == minutes for m in (1, 7)):
            return name
    return None


def _offset(text: str) -> ZoneReading | None:
    match = _OFFSET.match(text)
    if not match:
        return None
    sign = -1 if match.group(1) in "-−–" else 1
    hours, mins = int(match.group(2)), int(match.group(3) or 0)
    if hours > 14 or mins >= 60:
        return ZoneReading(None, problem=f"{text} is not a UTC offset (they go from -12 to +14).")
    total = sign * (hours * 60 + mins)
    name = zone_for_offset(total)
    label = f"UTC{'+' if total >= 0 else '-'}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
    if name is None:
        return ZoneReading(None, problem=f"No time zone is always {label}; write the city instead.")
    return ZoneReading(name, how=f"fixed offset {label}, no summer time")


def _one(text: str) -> ZoneReading | None:
    """One candidate (no parentheses)."""
    raw = text.strip().strip(".,;:")
    if not raw:
        return None
    iana, cities = _names()
    low = raw.lower().replace(" ", "_")
    if low in iana:
        name = iana[low]
        if name.startswith("Etc/GMT") and name[7:]:
            sign = "-" if name[7] == "+" else "+"
            return ZoneReading(name, how=f"IANA {name}, which is UTC{sign}{name[8:]} (POSIX names invert the sign)")
        return ZoneReading(name, how=f"IANA name {name}")
    found = _offset("".join(raw.lower().split()))
    if found:
        return found
    key = fold(raw)
    if key in CITIES:
        return ZoneReading(CITIES[key], how=f"city {raw} → {CITIES[key]}")
    if key in cities:
        return ZoneReading(cities[key], how=f"city {raw} → {cities[key]}")
    short = " ".join(_FILLER.sub(" ", key).split())
    for candidate in (key, short):
        if candidate in AMBIGUOUS:
            return ZoneReading(None, how=raw, options=AMBIGUOUS[candidate])
        if candidate in ABBREVIATIONS:
            name = ABBREVIATIONS[candidate]
            summer = "" if name == "UTC" else " (with its summer time)"
            return ZoneReading(name, how=f"{raw} read as {name}{summer}")
    return None


def read_zone(text: str | None) -> ZoneReading:
    """What ``text`` means as a time zone; ``zone`` is None when unreadable or ambiguous."""
    text = (text or "").strip()
    if not text:
        return ZoneReading(None)
    outer = re.sub(r"\(([^)]*)\)", " ", text).strip()
    inner = re.findall(r"\(([^)]*)\)", text)
    pieces = [text, outer, *inner] if inner else [text]
    readings = [r for r in (_one(p) for p in pieces) if r is not None]
    # A city or IANA name knows the summer time; prefer it to an abbreviation or an offset.
    for kind in ("IANA", "city"):
        for r in readings:
            if r.zone and r.how.startswith(kind):
                return r
    for r in readings:
        if r.zone or r.problem:
            return r
    if readings:
        return readings[0]
    return ZoneReading(None, problem=f"{text!r} is not a time zone we can read; write a city such as Berlin "
                                     "or a name such as Europe/Berlin.")


def resolve_ambiguous(reading: ZoneReading, others: Counter, when: datetime = datetime(2026, 1, 15)) -> ZoneReading:
    """Choose among ``reading.options`` by the zones of the rest of the file (zone -> count):
    the option most people share a UTC offset with wins, a tie asks the organiser."""
    if not reading.options:
        return reading
    labels = " or ".join(f"{label} ({z})" for z, label in reading.options)

    def score(tz_name: str) -> tuple[int, int]:
        mine = offset_minutes(tz_name, when)
        same = sum(n for z, n in others.items() if offset_minutes(z, when) == mine)
        near = sum(n for z, n in others.items() if abs(offset_minutes(z, when) - mine) <= 60)
        return same, near

    scored = sorted(((score(z), z, label) for z, label in reading.options), reverse=True)
    (best, name, label), runner_up = scored[0], scored[1]
    if best == (0, 0) or best == runner_up[0]:
        return ZoneReading(None, how=reading.how, options=reading.options,
                           problem=f"{reading.how} could be {labels}; write the city (such as Dublin) instead.")
    share = f"{best[0]} other(s) in this file share its UTC offset" if best[0] else \
        f"{best[1]} other(s) in this file are within an hour of it"
    return ZoneReading(name, how=f"{reading.how} could be {labels}: read as {label} ({name}); {share}")
