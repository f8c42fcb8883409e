"""Notification preferences: the channel per kind, and the signed one-click unsubscribe."""
from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..accounts.models import User
from ..db import db
from ..errors import PermissionDenied, ValidationError
from ..validation import setting
from .kinds import CHANNELS, KINDS
from .kinds import kind as get_kind
from .models import NotificationPreference

# The unsubscribe token "kind" of a digest email: it turns off every kind sent by digest.
DIGEST = "digest"


def chosen_channels(user_ids, kinds) -> dict[tuple[int, str], str]:
    """The channels users picked, {(user_id, kind): channel}; a pair missing uses the default."""
    user_ids, kinds = sorted(set(user_ids)), sorted(set(kinds))
    chosen: dict[tuple[int, str], str] = {}
    step = 500  # bound the IN lists
    for i in range(0, len(user_ids), step):
        rows = db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.kind, NotificationPreference.channel)
            .where(NotificationPreference.user_id.in_(user_ids[i:i + step]), NotificationPreference.kind.in_(kinds))
        )
        chosen.update({(uid, k): ch for uid, k, ch in rows})
    return chosen


def channel_of(chosen: dict[tuple[int, str], str], user_id: int, kind: str) -> str:
    return chosen.get((user_id, kind)) or get_kind(kind).default


def channel_for(user: User, kind: str) -> str:
    return channel_of(chosen_channels([user.id], [kind]), user.id, kind)


def preferences(user: User) -> dict[str, str]:
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.channel).where(
            NotificationPreference.user_id == user.id
        )
    ).all()
    chosen = dict(rows)
    return {name: chosen.get(name, k.default) for name, k in KINDS.items()}


def set_preferences(actor: User, user: User, choices: dict[str, str]) -> None:
    if actor.id != user.id:
        raise PermissionDenied()
    for kind, channel in choices.items():
        if kind not in KINDS:
            raise ValidationError(f"Unknown notification kind: {kind}.")
        if channel not in CHANNELS:
            raise ValidationError(f"Choose one of {', '.join(CHANNELS)} for {KINDS[kind].label}.")
    for kind, channel in choices.items():
        _set_channel(user, kind, channel)
    db.session.commit()


def _set_channel(user: User, kind: str, channel: str) -> None:
    pref = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind
        )
    )
    if pref is None:
        db.session.add(NotificationPreference(user_id=user.id, kind=kind, channel=channel))
    else:
        pref.channel = channel


# ---- unsubscribe ------------------------------------------------------------------------------


def unsubscribe_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(setting("SECRET_KEY"), salt="unsubscribe")


def unsubscribe_token(user_id: int, kind: str, serializer: URLSafeTimedSerializer | None = None) -> str:
    """The signed proof in an unsubscribe link: it turns off ``kind`` (or the digest) for one person."""
    return (serializer or unsubscribe_serializer()).dumps({"u": user_id, "k": kind})


def is_unsubscribe_kind(kind) -> bool:
    return kind in KINDS or kind == DIGEST


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    try:
        data = unsubscribe_serializer().loads(token, max_age=setting("UNSUBSCRIBE_TOKEN_MAX_AGE"))
    except SignatureExpired:
        raise ValidationError("This unsubscribe link has expired. Change your settings after logging in.") from None
    except BadSignature:
        raise ValidationError("This unsubscribe link is not valid.") from None
    user = db.session.get(User, data.get("u"))
    if user is None or user.is_deleted or not is_unsubscribe_kind(data.get("k")):
        raise ValidationError("This unsubscribe link is not valid.")
    return user, data["k"]


def unsubscribe_label(kind: str) -> str:
    return "the daily digest" if kind == DIGEST else f"“{KINDS[kind].label}”"


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off email for one kind (or every kind in the digest); the signed token is the
    proof, no login needed."""
    user, kind = read_unsubscribe_token(token)
    if kind == DIGEST:
        for name, channel in preferences(user).items():
            if channel == "digest":
                _set_channel(user, name, "off")
    else:
        _set_channel(user, kind, "off")
    db.session.commit()
    return user, kind
