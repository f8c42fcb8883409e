"""Registration: a new account, without telling anyone whether an address is taken."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..db import db, utcnow
from ..errors import ValidationError
from ..notifications.outbox import queue_email
from ..timeutil import is_valid_zone
from ..urls import external_url
from .models import User
from .passwords import check_password_rules, hash_password
from .queries import find_by_email, normalize_email

GENERIC_REGISTER_ERROR = (
    "We could not create an account with these details. If you already have an account, "
    "log in or reset your password."
)
DISPLAY_NAME_MAX = 80  # the column's width (accounts/models.py)


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Enter a display name.", field="display_name")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(f"Use at most {DISPLAY_NAME_MAX} characters.", field="display_name")
    return name


def register(display_name: str, email: str, password: str, timezone: str = "UTC") -> User:
    """Create an account. An email that exists gets the generic error (no enumeration)."""
    name = clean_name(display_name)
    email = normalize_email(email)
    check_password_rules(password, [name, email])
    if not is_valid_zone(timezone):
        timezone = "UTC"
    existing = find_by_email(email)
    if existing is not None:
        _notify_existing_owner(existing)
        raise ValidationError(GENERIC_REGISTER_ERROR)
    user = User(email=email, display_name=name, password_hash=hash_password(password), timezone=timezone)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent registration took the address after our check
        db.session.rollback()
        raise ValidationError(GENERIC_REGISTER_ERROR) from None
    return user


def _notify_existing_owner(user: User) -> None:
    """Tell the owner (at most once a day) that someone tried to register with their email."""
    if user.is_deleted:
        return
    queue_email(
        to=user.email,
        subject="Someone tried to register with your email",
        body=(
            "Someone tried to create a mentorhub account with this email address, which already "
            "has one. If it was you, log in or reset your password:\n\n"
            f"{external_url('accounts.reset_request')}\n\nIf it was not you, ignore this message."
        ),
        key=f"register-attempt:{user.id}:{utcnow().date().isoformat()}",
    )
    db.session.commit()
