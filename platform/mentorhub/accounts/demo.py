"""The demo logins and their shared password, for `flask seed --demo` (mentorhub/demo.py) and
the features' own demo data (profiles/demo.py)."""
from __future__ import annotations

from sqlalchemy import select

from ..db import db
from .models import User
from .passwords import hash_password

DEMO_PASSWORD = "mentorhub-demo-pass"
DEMO_LOGINS = [
    ("admin@mentorhub.test", "Ada Admin", {"is_admin": True, "is_organiser": True}, "Europe/London"),
    ("learner@mentorhub.test", "Lena Learner", {}, "Europe/Berlin"),
    ("mentor@mentorhub.test", "Marco Mentor", {"is_organiser": True}, "America/New_York"),
]


def demo_user(email: str, name: str, timezone: str = "UTC", **flags) -> User:
    """The user with this email, created with the demo password if missing."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=name, password_hash=hash_password(DEMO_PASSWORD),
                    timezone=timezone, **flags)
        db.session.add(user)
        db.session.flush()
    return user
