"""The mentor directory: search, filters and the shared-time column."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from .. import validation
from ..accounts.models import User
from ..actors import is_signed_in
from ..db import db
from ..pagination import Page, paginate
from . import availability as av
from .cards import MentorCard, card_columns, cards_from_rows
from .models import AvailabilityWindow, Domain, MentorProfile, MentorSkill, Skill, mentor_domains
from .queries import windows_for_users, windows_of


def search_mentors(viewer: User | None, q: str = "", skill: str = "", domain: str = "",
                   accepting: bool = False, min_overlap: float | None = None, page: int = 1,
                   per_page: int | None = None, week_start: date | None = None) -> Page:
    """The mentor directory. Items are MentorCard rows (cards.py) with ``overlap_hours`` set
    (None for anonymous viewers)."""
    per_page = per_page or validation.setting("DIRECTORY_PAGE_SIZE")
    stmt = (select(MentorProfile).join(User, User.id == MentorProfile.user_id)
            .where(User.is_deleted.is_(False), User.is_suspended.is_(False)))
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.display_name).like(like), func.lower(MentorProfile.headline).like(like),
                              func.lower(MentorProfile.bio).like(like)))
    if skill:
        stmt = stmt.where(MentorProfile.id.in_(
            select(MentorSkill.mentor_id).join(Skill, Skill.id == MentorSkill.skill_id).where(Skill.slug == skill)))
    if domain:
        stmt = stmt.where(MentorProfile.id.in_(
            select(mentor_domains.c.mentor_id).join(Domain, Domain.id == mentor_domains.c.domain_id)
            .where(Domain.slug == domain)))
    if accepting:
        stmt = stmt.where(MentorProfile.is_accepting.is_(True), MentorProfile.capacity > 0)
    stmt = stmt.order_by(MentorProfile.is_accepting.desc(), User.display_name, MentorProfile.id)
    week_start = week_start or av.current_week_start()
    logged_in = is_signed_in(viewer)
    if logged_in and min_overlap:
        mine = av.utc_week_minutes(windows_of(viewer), viewer.timezone or "UTC", week_start)
        rows = db.session.execute(stmt.with_only_columns(MentorProfile.id, User.id, User.timezone)).all()
        windows: dict[int, list] = {}
        mentor_users = stmt.with_only_columns(MentorProfile.user_id).order_by(None)
        for uid, d, s, e in db.session.execute(
                select(AvailabilityWindow.user_id, AvailabilityWindow.weekday, AvailabilityWindow.start_minute,
                       AvailabilityWindow.end_minute).where(AvailabilityWindow.user_id.in_(mentor_users))):
            windows.setdefault(uid, []).append((d, s, e))
        need = min_overlap * 60 - 1e-6
        hours = {}
        for mid, uid, tz in rows:
            minutes = av.overlap_minutes(mine, av.utc_week_minutes(windows.get(uid, ()), tz or "UTC", week_start))
            if minutes >= need:
                hours[mid] = round(minutes / 60, 2)
        ids = [mid for mid, _, _ in rows if mid in hours]
        total = len(ids)
        page = min(max(1, page), max(1, -(-total // per_page)))
        chosen = ids[(page - 1) * per_page: page * per_page]
        rows = db.session.execute(card_columns(stmt.where(MentorProfile.id.in_(chosen)).order_by(None)))
        by_id = {card.id: card for card in cards_from_rows(rows)}
        result = Page(items=[by_id[i] for i in chosen], page=page, per_page=per_page, total=total)
    else:
        result = paginate(db.session, card_columns(stmt), page, per_page, scalars=False)
        result.items = cards_from_rows(result.items)
    if logged_in:
        _add_overlap(result.items, viewer, week_start)
    return result


def _add_overlap(cards: list[MentorCard], viewer: User, week_start: date) -> None:
    windows = windows_for_users([card.user_id for card in cards] + [viewer.id])
    for card in cards:
        card.overlap_hours = av.overlap_hours(windows.get(viewer.id, []), viewer.timezone or "UTC",
                                              windows.get(card.user_id, []), card.timezone or "UTC", week_start)
