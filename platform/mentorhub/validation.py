"""Checks of what people type, shared by every feature: text, web addresses, whole numbers,
choices, ids and the date window. Each check raises ValidationError with a message that names
the field and the limit; limits are named settings (config.py), never literals at call sites.

Layer 1 (see DESIGN.md): imports only config-level modules, never a feature.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from .db import MAX_DB_INT
from .errors import ValidationError

# Characters a pasted web address never needs and markup or header injection does.
_URL_FORBIDDEN = frozenset(" \t\r\n\"'<>\\")

# ASCII digits only: str.isdigit() and int() also accept "²" or "٣", which either raise
# ValueError later or turn into a number nobody typed.
_ASCII_INT = re.compile(r"[0-9]{1,9}", re.ASCII)


def ascii_int(value: str | None) -> int | None:
    """The number in ``value`` when it is 1 to 9 ASCII digits and nothing else; None otherwise."""
    if value is None or not _ASCII_INT.fullmatch(value):
        return None
    return int(value)


def date_window(today: date) -> tuple[date, date]:
    """The first and last day a person may enter (DATE_WINDOW_PAST_DAYS before ``today`` to
    DATE_WINDOW_FUTURE_DAYS after it)."""
    cfg = current_app.config
    return (today - timedelta(days=cfg["DATE_WINDOW_PAST_DAYS"]),
            today + timedelta(days=cfg["DATE_WINDOW_FUTURE_DAYS"]))


def is_in_window(value: date | datetime, *, today: date) -> bool:
    """Whether ``value`` (a date, or a datetime whose calendar day is taken as given) lies in the
    window around ``today``: for callers whose own message says more (a slot "from the list")."""
    first, last = date_window(today)
    return first <= (value.date() if isinstance(value, datetime) else value) <= last


def date_in_window(value: date | datetime, *, today: date, field: str | None = None,
                   label: str = "The date") -> None:
    """Raise ValidationError with a clear message when ``value`` is outside the window."""
    if not is_in_window(value, today=today):
        day = value.date() if isinstance(value, datetime) else value
        first, last = date_window(today)
        raise ValidationError(
            f"{label} must be between {first.isoformat()} and {last.isoformat()} "
            f"(you gave {day.isoformat()}).", field=field)


def setting(name: str) -> Any:
    """A named limit from the app's configuration (config.py)."""
    return current_app.config[name]


def text(value: Any, *, field: str | None, label: str, max_len: int, required: bool = False,
         min_len: int = 0) -> str:
    """``value`` stripped of surrounding space; "" when empty and not required."""
    cleaned = str(value if value is not None else "").strip()
    if not cleaned:
        if required:
            raise ValidationError(f"Please fill in {label}.", field=field)
        return ""
    if len(cleaned) > max_len:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} is too long ({len(cleaned)} characters; "
                              f"at most {max_len}).", field=field)
    if len(cleaned) < min_len:
        raise ValidationError(f"Write at least {min_len} characters for {label}.", field=field)
    return cleaned


def is_web_address(value: str, max_len: int) -> bool:
    """An http(s) address with a dotted host, at most ``max_len`` characters, nothing pasted in."""
    if len(value) > max_len or any(ch in _URL_FORBIDDEN or ord(ch) < 32 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not host.startswith(".")


def url(value: Any, *, field: str | None, label: str = "link", max_len: int | None = None) -> str | None:
    """A full web address, or None when empty. The limit is URL_MAX unless the caller names one."""
    cleaned = str(value if value is not None else "").strip()
    if not cleaned:
        return None
    limit = max_len if max_len is not None else setting("URL_MAX")
    if not is_web_address(cleaned, limit):
        raise ValidationError(f"Enter the {label} as a full web address starting with https:// "
                              f"(at most {limit} characters).", field=field)
    return cleaned


def integer(value: Any, *, field: str | None, label: str, low: int, high: int) -> int:
    """A whole number typed in ASCII digits (an optional leading minus) within [low, high]."""
    raw = str(value if value is not None else "").strip()
    number = ascii_int(raw.removeprefix("-")) if not isinstance(value, bool) else None
    if number is not None and raw.startswith("-"):
        number = -number
    if number is None or not low <= number <= high:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} must be a whole number from {low} to {high}.",
                              field=field)
    return number


def choice(value: Any, choices: Collection[str] | Mapping[str, str], *, field: str | None, label: str) -> str:
    """One of ``choices`` (values, or a {value: name} mapping); the message lists the names."""
    cleaned = str(value if value is not None else "").strip()
    if cleaned not in choices:
        names = choices.values() if isinstance(choices, Mapping) else choices
        raise ValidationError(f"Choose {label} from the list ({', '.join(names)}).", field=field)
    return cleaned


def db_ids(values: Iterable[Any]) -> list[int]:
    """The ids among ``values`` a table could hold, in order and without repeats: a tampered
    30-digit number or a word matches nothing instead of overflowing the database driver."""
    out: dict[int, None] = {}
    for v in values:
        number = v if isinstance(v, int) and not isinstance(v, bool) else ascii_int(str(v).strip())
        if number is not None and 0 < number <= MAX_DB_INT:
            out[number] = None
    return list(out)
