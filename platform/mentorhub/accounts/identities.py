"""Linked sign-in identities (GitHub, OpenID Connect): signing in with one, the first sign-in
that creates an account, linking one to an existing account and unlinking.

An identity is linked to an existing account only after that account's password was entered:
never because the provider reports the same email address.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from ..db import db, utcnow
from ..errors import NotFound, ValidationError
from .models import LinkedIdentity, User
from .oauth import ProviderProfile, SignInFailed, label
from .passwords import GENERIC_LOGIN_ERROR, authenticate, require_password
from .queries import find_by_email, identities_of, identity_for, identity_for_user, normalize_email
from .registration import clean_name

NO_PASSWORD = ("Your account has no password yet. Set one first (log out, then “Forgot your "
               "password?”), then link {name}.")
SUSPENDED = "That account cannot sign in."


@db.write_unit()  # the provider's callback is a GET (a READ request): this is its one write unit
def sign_in(profile: ProviderProfile) -> tuple[User | None, bool]:
    """(account, created). The account a linked identity opens; else a new account when the
    provider vouches for an email address no account uses; else (None, False): the person links
    an existing account with its password (or the address could not be used)."""
    identity = identity_for(profile.provider, profile.subject)
    if identity is not None:
        user = db.session.get(User, identity.user_id)
        if user is None or not user.is_active:
            raise SignInFailed(SUSPENDED)
        identity.last_used_at = utcnow()
        db.session.commit()
        return user, False
    if profile.email is None:
        return None, False
    try:
        email = normalize_email(profile.email)
    except ValidationError:
        return None, False
    if find_by_email(email) is not None:
        return None, False  # the owner links it with their password; never by email alone
    try:
        name = clean_name(profile.name or profile.login)
    except ValidationError:
        name = clean_name(profile.login[:80] or "New member")
    user = User(email=email, display_name=name, password_hash="", timezone="UTC")
    db.session.add(user)
    db.session.flush()
    db.session.add(_identity(user, profile))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent sign-in or registration took the address or identity
        db.session.rollback()
        return None, False
    return user, True


def link_signed_in(user: User, profile: ProviderProfile, password: str | None) -> LinkedIdentity:
    """Link ``profile`` to the signed-in ``user`` after their password."""
    if not user.password_hash:
        raise ValidationError(NO_PASSWORD.format(name=label(profile.provider)), field="password")
    require_password(user, password)
    return _link(user, profile)


def link_with_login(email: str, password: str, profile: ProviderProfile) -> User:
    """Link ``profile`` to the account this email and password open (the person is signed out)."""
    user = authenticate(email, password)
    if user is None:
        raise ValidationError(GENERIC_LOGIN_ERROR)
    _link(user, profile)
    return user


def _link(user: User, profile: ProviderProfile) -> LinkedIdentity:
    name = label(profile.provider)
    existing = identity_for(profile.provider, profile.subject)
    if existing is not None:
        if existing.user_id == user.id:
            return existing
        raise ValidationError(f"That {name} account is already linked to another mentorhub account.")
    if identity_for_user(user, profile.provider) is not None:
        raise ValidationError(f"Your account is already linked to a {name} account. Unlink that one first.")
    identity = _identity(user, profile)
    db.session.add(identity)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(f"That {name} account is already linked to a mentorhub account.") from None
    return identity


def unlink(actor: User, identity_id: int) -> None:
    """Remove one of the actor's own identities. The last way in of an account without a
    password stays (it would lock the person out)."""
    identity = db.session.get(LinkedIdentity, identity_id)
    if identity is None or identity.user_id != actor.id:
        raise NotFound("No such linked sign-in.")
    if not actor.password_hash and len(identities_of(actor)) <= 1:
        raise ValidationError("This is your only way to sign in. Set a password first, then unlink it.")
    db.session.delete(identity)
    db.session.commit()


def _identity(user: User, profile: ProviderProfile) -> LinkedIdentity:
    now = utcnow()
    return LinkedIdentity(user_id=user.id, provider=profile.provider, subject=profile.subject,
                          login=profile.login, profile_url=profile.profile_url, created_at=now,
                          last_used_at=now)
