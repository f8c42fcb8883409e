"""Checks of what people type, shared by every feature: strict form-key numbers and the date window.

Layer 1 (see DESIGN.md): imports only config-level modules, never a feature.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import current_app

from .errors import ValidationError

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
