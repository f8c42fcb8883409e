"""Accounts: every write about users, and every check of who may do what to an account."""
from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..generations import user_changed
from ..notifications.services import queue_email
from ..pagination import Page, paginate
from ..timeutil import is_valid_zone
from ..urls import external_url
from .models import Block, LoginSession, User, new_token

log = logging.getLogger(__name__)

GENERIC_LOGIN_ERROR = "That email and password do not match an active account."
GENERIC_REGISTER_ERROR = (
    "We could not create an account with these details. If you already have an account, "
    "log in or reset your password."
)
DISPLAY_NAME_MAX = 80
PASSWORD_MAX = 256
# A hash to compare against when the email is unknown, so both paths take the same time. Written
# out rather than computed at import (an scrypt hash costs ~0.1 s of every process's start-up); it
# carries the same scrypt parameters as hash_password (tests/accounts/test_services.py checks).
_DUMMY_HASH = ("scrypt:32768:8:1$LIQkBoyDTEsvD8ie$649accdd03f707312d973f05fc6448fe833aafbf66f40e"
               "ea9c5d7df60254b26ed99820478a4e138b321a4bb5340157a6e6c5f031282c6506a6d0c3a3201dcdd4")
LAST_SEEN_EVERY = timedelta(minutes=5)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def normalize_email(email: str) -> str:
    """Lower-cased, validated email, or ValidationError."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False,
                                test_environment=current_app.config["EMAIL_ALLOW_TEST_DOMAINS"])
    except EmailNotValidError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    return result.normalized.lower()


def check_password_rules(password: str, user_inputs: list[str] | None = None) -> None:
    """At least PASSWORD_MIN_LENGTH characters and not a known-common or guessable password."""
    min_len = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < min_len:
        raise ValidationError(f"Use at least {min_len} characters.", field="password")
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"Use at most {PASSWORD_MAX} characters.", field="password")
    # Imported here: zxcvbn's dictionaries take ~12 MiB and ~20 ms to load, and only the few
    # requests that set a password need them; at start-up every web worker would carry them.
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[u for u in (user_inputs or []) if u])
    common = any(
        m.get("pattern") == "dictionary" and m.get("dictionary_name") == "passwords"
        and len(m.get("token", "")) >= len(password) - 2
        for m in result["sequence"]
    )
    if common or result["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        raise ValidationError(
            "That password is too common or too easy to guess. Try a few unrelated words.",
            field="password",
        )


# Built once at import: every logged-in request runs it (building it took longer than the query).
_LOAD_USER = (select(User).join(LoginSession, LoginSession.user_id == User.id)
              .where(User.session_token == bindparam("session_token"), LoginSession.token == bindparam("device_token")))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``<session_token>.<device token>`` (see User.get_id), both still valid."""
    session_token, _, device_token = (user_id or "").partition(".")
    if not session_token or not device_token:
        return None
    user = db.session.scalar(_LOAD_USER, {"session_token": session_token, "device_token": device_token})
    if user is None or not user.is_active:
        return None
    user.device_token = device_token
    return user


def start_device_session(user: User) -> None:
    """A new login on one device: its own token, folded into ``user.get_id()``. Logins older
    than the remember-me lifetime are pruned on the way."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                  LoginSession.created_at < cutoff))
    row = LoginSession(user_id=user.id, token=new_token(), created_at=utcnow())
    db.session.add(row)
    db.session.commit()
    user.device_token = row.token


def end_device_session(user: User) -> None:
    """Logging out: this device's session and remember cookie stop working, others stay."""
    if user.device_token:
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id,
                                                      LoginSession.token == user.device_token))
        db.session.commit()
    user.device_token = None


def _end_all_sessions(user: User) -> None:
    """Every device is logged out (the caller commits)."""
    user.session_token = new_token()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    user.device_token = None


def log_out_everywhere(user: User) -> None:
    _end_all_sessions(user)
    db.session.commit()


def get_user(user_id: int, include_deleted: bool = False) -> User:
    user = db.session.get(User, user_id)
    if user is None or (user.is_deleted and not include_deleted):
        raise NotFound("No such member.")
    return user


def find_by_email(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ValidationError:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Enter a display name.", field="display_name")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(f"Use at most {DISPLAY_NAME_MAX} characters.", field="display_name")
    return name


def register(display_name: str, email: str, password: str, timezone: str = "UTC") -> User:
    """Create an account. An email that exists gets the generic error (no enumeration)."""
    name = _clean_name(display_name)
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
    from ..notifications.services import queue_email

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


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.is_active:
        return None
    return user


def touch_last_seen(user: User) -> None:
    now = utcnow()
    if user.last_seen_at is None or now - user.last_seen_at > LAST_SEEN_EVERY:
        with db.write_unit():  # a GET's read transaction never writes
            user.last_seen_at = now


def update_settings(actor: User, user: User, display_name: str, timezone: str) -> User:
    _require_self_or_admin(actor, user)
    name = _clean_name(display_name)
    if not is_valid_zone(timezone):
        raise ValidationError("Choose a time zone from the list, such as Europe/Berlin.", field="timezone")
    user.display_name = name
    user.timezone = timezone
    user_changed(user.id)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash or _DUMMY_HASH, current or ""):
        raise ValidationError("Your current password is not right.", field="current_password")
    check_password_rules(new, [user.display_name, user.email])
    user.password_hash = hash_password(new)
    _end_all_sessions(user)
    db.session.commit()


def change_email(user: User, password: str, new_email: str) -> None:
    """Asks for the change: the new address gets a link to confirm it, or, when another account
    already uses it, a note saying so. The caller sees the same answer either way."""
    if not check_password_hash(user.password_hash or _DUMMY_HASH, password or ""):
        raise ValidationError("Your password is not right.", field="password")
    email = normalize_email(new_email)
    if email == user.email:
        raise ValidationError("That is already your email address.", field="email")
    if find_by_email(email) is None:
        seal = _email_change_seal(user)
        token = _serializer("email-change").dumps({"u": user.id, "e": email, "h": seal})
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


def _email_change_seal(user: User) -> str:
    """Ties a confirmation link to the account as it is: used or outdated once the email or the
    password changes."""
    return hashlib.sha256(f"{user.email}|{user.password_hash}".encode()).hexdigest()[:16]


def confirm_email_change(token: str) -> User:
    """Applies a confirmed change and tells the old address."""
    try:
        data = _serializer("email-change").loads(token,
                                                 max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError("That link has expired. Ask for the change again.") from None
    except BadSignature:
        raise ValidationError("That link is not valid.") from None
    # A GET (the mailed link): the check and the change run in one short write unit.
    with db.write_unit():
        user = db.session.get(User, data.get("u"))
        if user is None or not user.is_active or _email_change_seal(user) != data.get("h"):
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


def _require_self_or_admin(actor: User, user: User) -> None:
    if actor.id != user.id and not actor.is_admin:
        raise PermissionDenied()


# ---- password reset and invitations -------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)



def make_reset_token(user: User | None) -> str:
    # The password hash's tail makes the token single-use: it changes once used. Without a user
    # (an address with no account) the same work makes a token that opens nothing.
    if user is None:
        return _serializer("reset").dumps({"u": 0, "h": ""})
    return _serializer("reset").dumps({"u": user.id, "h": (user.password_hash or "")[-12:]})


def request_password_reset(email: str) -> None:
    """Looks the same to the caller and does the same work whatever the address (one token,
    one queued mail, one commit), so the answer takes as long for an account as for none. An
    active account's address gets a link; any other address a note that it has no account."""
    try:
        email = normalize_email(email)
    except ValidationError:
        return
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    active = user is not None and user.is_active
    link = external_url("accounts.reset_password", token=make_reset_token(user if active else None))
    if active:
        body = (f"Use this link to choose a new password (valid for 3 days):\n\n{link}\n\n"
                "If you did not ask for this, you can ignore this email.")
    else:
        body = ("Someone asked to reset the mentorhub password of this address, but no active account "
                "uses it, so nothing changed. If it was you, try the address you registered with.\n\n"
                "If you did not ask for this, you can ignore this email.")
    # At most one such mail per address and minute, whichever it is.
    queue_email(to=email, subject="Reset your mentorhub password", body=body,
                key=f"reset:{email}:{utcnow():%Y-%m-%dT%H:%M}", user=user if active else None)
    db.session.commit()


def invite(user: User) -> None:
    """Invitation to set a password, for accounts created by an import."""
    from ..notifications.services import queue_email

    link = external_url("accounts.reset_password", token=make_reset_token(user))
    queue_email(
        to=user.email,
        subject="You are invited to mentorhub",
        body=f"An account was created for you on mentorhub. Choose your password here:\n\n{link}\n",
        key=f"invite:{user.id}",
        user=user,
        kind="system",  # not asked for by the recipient: carries an unsubscribe link
    )


def user_for_reset_token(token: str) -> User:
    try:
        data = _serializer("reset").loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise ValidationError("That link has expired. Ask for a new one.") from None
    except BadSignature:
        raise ValidationError("That link is not valid. Ask for a new one.") from None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or (user.password_hash or "")[-12:] != data.get("h"):
        raise ValidationError("That link is not valid any more. Ask for a new one.")
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset_token(token)
    check_password_rules(new, [user.display_name, user.email])
    user.password_hash = hash_password(new)
    _end_all_sessions(user)
    db.session.commit()
    return user


# ---- admin ----------------------------------------------------------------------------


def create_admin(email: str, display_name: str | None = None, password: str | None = None) -> tuple[User, bool]:
    """Make the account an admin, creating it (with an invitation) if needed. Returns (user, created)."""
    email = normalize_email(email)
    user = find_by_email(email)
    created = user is None
    if created:
        user = User(email=email, display_name=_clean_name(display_name or email.split("@")[0]))
        if password:
            check_password_rules(password, [email])
            user.password_hash = hash_password(password)
        db.session.add(user)
        db.session.flush()
        if not password:
            invite(user)
    user.is_admin = True
    db.session.commit()
    return user, created


def set_suspended(actor: User, user: User, suspended: bool) -> None:
    if not actor.is_admin:
        raise PermissionDenied()
    if actor.id == user.id:
        raise ValidationError("You cannot suspend yourself.")
    user.is_suspended = suspended
    if suspended:
        _end_all_sessions(user)
    user_changed(user.id)
    db.session.commit()


def set_organiser(actor: User, user: User, organiser: bool) -> None:
    if not actor.is_admin:
        raise PermissionDenied()
    user.is_organiser = organiser
    db.session.commit()


def make_admin(actor: User, user: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied()
    if user.is_deleted:
        raise ValidationError("A deleted account cannot become an admin.")
    user.is_admin = True
    db.session.commit()


def require_admin(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_admin):
        raise PermissionDenied("Only admins can see this page.")


def search_users(actor: User, query: str, page: int) -> Page:
    """Admin list of accounts, newest first, filtered by email or display name."""
    require_admin(actor)
    stmt = select(User).where(User.is_deleted.is_(False))
    query = (query or "").strip()[: current_app.config["ADMIN_SEARCH_MAX"]]
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                              func.lower(User.display_name).like(pattern, escape="\\")))
    stmt = stmt.order_by(User.created_at.desc(), User.id.desc())
    return paginate(db.session, stmt, page, current_app.config["ADMIN_USERS_PAGE_SIZE"])


ADMIN_ACTIONS = {
    "suspend": ("Suspend", "They are logged out at once and cannot log in until unsuspended."),
    "unsuspend": ("Unsuspend", "They can log in again."),
    "grant-organiser": ("Make organiser", "They can create and run meetups, and create cohorts."),
    "revoke-organiser": ("Remove organiser rights", "They can no longer create meetups."),
    "make-admin": ("Make admin", "They can manage every account, including yours."),
}


def admin_action(actor: User, user: User, action: str) -> None:
    if action not in ADMIN_ACTIONS:
        raise NotFound("No such action.")
    require_admin(actor)
    if user.is_deleted:  # the account is gone: nothing left to suspend or promote
        raise NotFound("No such member.")
    if action == "suspend":
        set_suspended(actor, user, True)
    elif action == "unsuspend":
        set_suspended(actor, user, False)
    elif action == "grant-organiser":
        set_organiser(actor, user, True)
    elif action == "revoke-organiser":
        set_organiser(actor, user, False)
    else:
        make_admin(actor, user)


# ---- blocking -------------------------------------------------------------------------------


def block(actor: User, user: User) -> Block | None:
    """``actor`` blocks ``user``. Blocking twice is harmless (returns None the second time)."""
    if not actor.is_authenticated:
        raise PermissionDenied()
    if user.id == actor.id:
        raise ValidationError("You cannot block yourself.")
    if user.is_deleted:
        raise NotFound("No such member.")
    if db.session.scalar(select(Block.id).where(Block.blocker_id == actor.id, Block.blocked_id == user.id)):
        return None
    row = Block(blocker_id=actor.id, blocked_id=user.id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # a concurrent request blocked first
        return None
    user_changed(actor.id)
    db.session.commit()
    return row


def unblock(actor: User, user: User) -> bool:
    result = db.session.execute(
        delete(Block).where(Block.blocker_id == actor.id, Block.blocked_id == user.id)
    )
    if result.rowcount:
        user_changed(actor.id)
    db.session.commit()
    return bool(result.rowcount)


def has_blocked(actor: User, user_id: int) -> bool:
    return db.session.scalar(
        select(Block.id).where(Block.blocker_id == actor.id, Block.blocked_id == user_id)
    ) is not None


def is_blocked_between(a_id: int, b_id: int) -> bool:
    """True when either person blocked the other."""
    return db.session.scalar(
        select(Block.id).where(
            or_((Block.blocker_id == a_id) & (Block.blocked_id == b_id),
                (Block.blocker_id == b_id) & (Block.blocked_id == a_id))
        ).limit(1)
    ) is not None


def blocks_of_select(user_id: int):
    """(blocker, blocked) of the blocks with ``user_id`` on either side, as a statement."""
    return select(Block.blocker_id, Block.blocked_id).where(or_(Block.blocker_id == user_id,
                                                                Block.blocked_id == user_id))


def blocked_pairs() -> set[tuple[int, int]]:
    """Every blocked pair in both directions: (a, b) in the set means a and b must not meet."""
    pairs: set[tuple[int, int]] = set()
    for blocker, blocked in db.session.execute(select(Block.blocker_id, Block.blocked_id)):
        pairs.add((blocker, blocked))
        pairs.add((blocked, blocker))
    return pairs


def blocks_by(actor: User) -> list[tuple[Block, User]]:
    rows = db.session.execute(
        select(Block, User).join(User, User.id == Block.blocked_id)
        .where(Block.blocker_id == actor.id).order_by(Block.created_at.desc(), Block.id.desc())
    ).all()
    return [(b, u) for b, u in rows]


# ---- personal data ----------------------------------------------------------------------


def export_data(user: User) -> dict:
    from .privacy import sections

    data = {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "is_admin": user.is_admin,
            "created_at": user.created_at.isoformat() if user.created_at else None,
            "last_seen_at": user.last_seen_at.isoformat() if user.last_seen_at else None,
        }
    }
    data["blocked_members"] = [
        {"user_id": u.id, "display_name": u.display_name, "created_at": b.created_at.isoformat()}
        for b, u in blocks_by(user)
    ]
    for name, export, _erase in sections():
        data[name] = export(user)
    return data


def delete_account(user: User, password: str) -> None:
    """Deletes personal data, anonymises what others still need (see templates/accounts/delete.html)."""
    if not check_password_hash(user.password_hash or _DUMMY_HASH, password or ""):
        raise ValidationError("Your password is not right.", field="password")
    from .privacy import sections

    for _name, _export, erase in sections():
        erase(user)
    # The blocks this person made are theirs; blocks others made against them stay in force.
    db.session.execute(delete(Block).where(Block.blocker_id == user.id))
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = "Former member"
    user.password_hash = ""
    user.is_deleted = True
    user.is_admin = False
    user.is_organiser = False
    user.timezone = "UTC"
    user.last_seen_at = None
    _end_all_sessions(user)
    db.session.commit()
