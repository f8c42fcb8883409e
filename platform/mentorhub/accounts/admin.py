"""Admin work on accounts: the member list, suspensions, organiser and admin rights."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from ..db import db
from ..errors import NotFound, PermissionDenied, ValidationError
from ..generations import user_changed
from ..pagination import Page, paginate
from ..validation import setting
from .models import User
from .passwords import check_password_rules, hash_password, invite
from .queries import find_by_email, normalize_email
from .registration import clean_name
from .rules import can_administer
from .sessions import end_all_sessions

ADMIN_ACTIONS = {
    "suspend": ("Suspend", "They are logged out at once and cannot log in until unsuspended."),
    "unsuspend": ("Unsuspend", "They can log in again."),
    "grant-organiser": ("Make organiser", "They can create and run meetups, and create cohorts."),
    "revoke-organiser": ("Remove organiser rights", "They can no longer create meetups."),
    "make-admin": ("Make admin", "They can manage every account, including yours."),
}


def require_admin(actor: User) -> None:
    reason = can_administer(actor)
    if reason:
        raise PermissionDenied(reason)


def create_admin(email: str, display_name: str | None = None, password: str | None = None) -> tuple[User, bool]:
    """Make the account an admin, creating it (with an invitation) if needed. Returns (user, created)."""
    email = normalize_email(email)
    user = find_by_email(email)
    created = user is None
    if created:
        user = User(email=email, display_name=clean_name(display_name or email.split("@")[0]))
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
    require_admin(actor)
    if actor.id == user.id:
        raise ValidationError("You cannot suspend yourself.")
    user.is_suspended = suspended
    if suspended:
        end_all_sessions(user)
    user_changed(user.id)
    db.session.commit()


def set_organiser(actor: User, user: User, organiser: bool) -> None:
    require_admin(actor)
    user.is_organiser = organiser
    db.session.commit()


def make_admin(actor: User, user: User) -> None:
    require_admin(actor)
    if user.is_deleted:
        raise ValidationError("A deleted account cannot become an admin.")
    user.is_admin = True
    db.session.commit()


def search_users(actor: User, query: str, page: int) -> Page:
    """Admin list of accounts, newest first, filtered by email or display name."""
    require_admin(actor)
    stmt = select(User).where(User.is_deleted.is_(False))
    query = (query or "").strip()[: setting("ADMIN_SEARCH_MAX")]
    if query:
        pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                              func.lower(User.display_name).like(pattern, escape="\\")))
    stmt = stmt.order_by(User.created_at.desc(), User.id.desc())
    return paginate(db.session, stmt, page, setting("ADMIN_USERS_PAGE_SIZE"))


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
