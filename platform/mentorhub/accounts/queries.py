"""Accounts read by views and by other features: members by id or email, and who blocked whom."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select

from ..db import db
from ..errors import NotFound, ValidationError
from ..lazyimport import lazy_module
from ..validation import setting
from .models import Block, LinkedIdentity, User

email_validator = lazy_module("email_validator")  # its rules compile ~20 ms of patterns; only sign-ups and logins need them


def get_user(user_id: int, include_deleted: bool = False) -> User:
    user = db.session.get(User, user_id)
    if user is None or (user.is_deleted and not include_deleted):
        raise NotFound("No such member.")
    return user


def normalize_email(email: str) -> str:
    """Lower-cased, validated email, or ValidationError."""
    try:
        result = email_validator.validate_email((email or "").strip(), check_deliverability=False,
                                test_environment=setting("EMAIL_ALLOW_TEST_DOMAINS"))
    except email_validator.EmailNotValidError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ValidationError:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


# ---- blocks -------------------------------------------------------------------------------------


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
    """The people ``actor`` blocked, newest first, with their blocks."""
    rows = db.session.execute(
        select(Block, User).join(User, User.id == Block.blocked_id)
        .where(Block.blocker_id == actor.id).order_by(Block.created_at.desc(), Block.id.desc())
    ).all()
    return [(b, u) for b, u in rows]


# ---- for matching ----


def users_by_id(user_ids: Iterable[int]) -> dict[int, User]:
    """User id -> account, for the ids that exist (one query; none for no ids)."""
    ids = [int(i) for i in user_ids]
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def user_ids_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Lower-cased address -> user id, for the addresses that have an account (one query)."""
    wanted = [e.strip().lower() for e in emails]
    if not wanted:
        return {}
    return dict(db.session.execute(select(func.lower(User.email), User.id)
                                   .where(func.lower(User.email).in_(wanted))).all())


def user_by_email(email: str) -> User | None:
    """The account with this address (any letter case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def first_admin() -> User | None:
    """The oldest administrator account not deleted, or None."""
    return db.session.scalar(select(User).where(User.is_admin.is_(True), User.is_deleted.is_(False))
                             .order_by(User.id).limit(1))


# ---- linked sign-in identities (GitHub, OpenID Connect) ----


def identity_for(provider: str, subject: str) -> LinkedIdentity | None:
    return db.session.scalar(select(LinkedIdentity).where(LinkedIdentity.provider == provider,
                                                          LinkedIdentity.subject == subject))


def identity_for_user(user: User, provider: str) -> LinkedIdentity | None:
    return db.session.scalar(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id,
                                                          LinkedIdentity.provider == provider))


def identities_of(user: User) -> list[LinkedIdentity]:
    return list(db.session.scalars(select(LinkedIdentity).where(LinkedIdentity.user_id == user.id)
                                   .order_by(LinkedIdentity.id)))


def suggested_github_url(user_id: int) -> str | None:
    """The GitHub profile link of the account's linked GitHub sign-in: the profile forms offer it."""
    return db.session.scalar(select(LinkedIdentity.profile_url).where(LinkedIdentity.user_id == user_id,
                                                                      LinkedIdentity.provider == "github"))


# ---- for stats ----


def members_select(registered_from=None, registered_to=None, among=None):
    """The ids of live accounts registered in [from, to) (either end open), optionally among the
    ids of another select: a select the statistics use as their population (no query)."""
    stmt = select(User.id).where(User.is_deleted.is_(False))
    if registered_from is not None:
        stmt = stmt.where(User.created_at >= registered_from)
    if registered_to is not None:
        stmt = stmt.where(User.created_at < registered_to)
    if among is not None:
        stmt = stmt.where(User.id.in_(among))
    return stmt
