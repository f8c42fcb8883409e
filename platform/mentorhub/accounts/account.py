"""An account's own details: display name, time zone, and a confirmed change of email address."""
from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..errors import PermissionDenied, ValidationError
from ..generations import user_changed
from ..notifications.outbox import queue_email
from ..timeutil import is_valid_zone
from ..urls import external_url
from ..validation import setting
from .models import User
from .passwords import require_password
from .queries import find_by_email, normalize_email
from .registration import clean_name
from .rules import can_manage_account


def update_settings(actor: User, user: User, display_name: str, timezone: str) -> User:
    reason = can_manage_account(actor, user)
    if reason:
        raise PermissionDenied(reason)
    name = clean_name(display_name)
    if not is_valid_zone(timezone):
        raise ValidationError("Choose a time zone from the list, such as Europe/Berlin.", field="timezone")
    user.display_name = name
    user.timezone = timezone
    user_changed(user.id)
    db.session.commit()
    return user


def email_change_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(setting("SECRET_KEY"), salt="email-change")


def email_change_seal(user: User) -> str:
    """Ties a confirmation link to the account as it is: used or outdated once the email or the
    password changes."""
    return hashlib.sha256(f"{user.email}|{user.password_hash}".encode()).hexdigest()[:16]


def change_email(user: User, password: str, new_email: str) -> None:
    """Asks for the change: the new address gets a link to confirm it, or, when another account
    already uses it, a note saying so. The caller sees the same answer either way."""
    require_password(user, password)
    email = normalize_email(new_email)
    if email == user.email:
        raise ValidationError("That is already your email address.", field="email")
    if find_by_email(email) is None:
        token = email_change_serializer().dumps({"u": user.id, "e": email, "h": email_change_seal(user)})
        body = (f"Someone (hopefully you) asked to use this address for the mentorhub account of "
                f"{user.display_name}. Confirm it with this link (valid for 3 days):\n\n"
                f"{external_url('accounts.confirm_email', token=token)}\n\n"
                "If it was not you, ignore this message.")
    else:
        body = ("Someone asked to move a mentorhub account to this address, but this address already "
                "has an account, so nothing changed. If it was you, log in with this address or reset "
                "its password.")
    queue_email(to=email, subject="Confirm your new mentorhub email address", body=body, key=None)
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Applies a confirmed change and tells the old address."""
    try:
        data = email_change_serializer().loads(token, max_age=setting("RESET_TOKEN_MAX_AGE"))
    except SignatureExpired:
        raise ValidationError("That link has expired. Ask for the change again.") from None
    except BadSignature:
        raise ValidationError("That link is not valid.") from None
    # A GET (the mailed link): the check and the change run in one short write unit.
    with db.write_unit():
        user = db.session.get(User, data.get("u"))
        if user is None or not user.is_active or email_change_seal(user) != data.get("h"):
            raise ValidationError("That link is not valid any more. Ask for the change again.")
        email = data.get("e") or ""
        if find_by_email(email) is not None:  # taken since: only the address's owner sees this
            raise ValidationError("That email address cannot be used.", field="email")
        old = user.email
        user.email = email
        try:
            db.session.flush()  # before queue_email, whose savepoint would swallow the conflict
        except IntegrityError:  # another account took the address after our check
            db.session.rollback()
            raise ValidationError("That email address cannot be used.", field="email") from None
        queue_email(
            to=old,
            subject="Your mentorhub email address was changed",
            body=f"The email address of your mentorhub account was changed to {email}. "
            "If you did not do this, reset your password now.",
            key=None,
        )
    return user
