"""Portfolio services: every write and every permission check of the feature.

Visibility of an item (``can_view``): the owner and admins always; nobody else while it
is a draft; then ``public`` for everyone, ``members`` for logged-in users, ``mentors``
for users with a mentor profile. People who claimed or reviewed the item keep access.
Pages return 404 for items a viewer may not see, so their existence does not leak.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import defer, joinedload, selectinload

from ..accounts.models import User
from ..db import MAX_DB_INT, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..mentoring.services import active_mentor_user_ids
from ..notifications.notify import notify
from ..pagination import Page, paginate
from ..profiles.models import Domain, MentorProfile, Skill
from . import notebook as nbmod
from . import rubric
from .models import (
    REQUEST_MODES,
    STATUSES,
    VISIBILITIES,
    FeedbackRequest,
    PortfolioItem,
    PortfolioUpdate,
    Review,
    ReviewerSetting,
    ReviewReply,
    ReviewScore,
)

VISIBILITY_LABELS = {"public": "Everyone", "members": "Members", "mentors": "Mentors only"}
STATUS_LABELS = {"draft": "Draft", "seeking": "Seeking feedback", "done": "Done"}


def _cfg(name: str):
    return current_app.config[name]


def _authed(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and not getattr(user, "is_anonymous", True)


def is_mentor(user) -> bool:
    if not _authed(user):
        return False
    return db.session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user.id)) is not None


def _involved(user, item: PortfolioItem) -> bool:
    """Claimed or reviewed this item (keeps access to it)."""
    return db.session.scalar(
        select(func.count()).select_from(FeedbackRequest).where(
            FeedbackRequest.item_id == item.id,
            or_(FeedbackRequest.claimed_by_id == user.id, FeedbackRequest.mentor_id == user.id),
            FeedbackRequest.status.in_(("claimed", "reviewed", "open")),
        )
    ) or db.session.scalar(
        select(func.count()).select_from(Review).where(Review.item_id == item.id, Review.reviewer_id == user.id)
    )


def can_view(viewer, item: PortfolioItem) -> bool:
    if _authed(viewer) and (viewer.id == item.owner_id or viewer.is_admin):
        return True
    if item.owner.is_deleted or item.owner.is_suspended:
        return False
    if item.status == "draft":
        return False
    if item.visibility == "public":
        return True
    if not _authed(viewer):
        return False
    if item.visibility == "members":
        return True
    if item.visibility == "mentors" and is_mentor(viewer):
        return True
    return bool(_involved(viewer, item))


def _visible_filter(viewer):
    """A WHERE clause for the items ``viewer`` may see in lists."""
    # the owner's row, looked up by key (an IN list of every active user costs ms once users are many)
    owner_ok = (select(User.id).where(User.id == PortfolioItem.owner_id, User.is_deleted.is_(False),
                                      User.is_suspended.is_(False)).correlate(PortfolioItem).exists())
    if not _authed(viewer):
        return and_(PortfolioItem.status != "draft", PortfolioItem.visibility == "public", owner_ok)
    if viewer.is_admin:
        return PortfolioItem.id.is_not(None)
    # "mentors" items when the viewer is one (is_mentor), checked inside the statement: no query of its own
    mentor = select(MentorProfile.id).where(MentorProfile.user_id == viewer.id).exists()
    allowed = or_(PortfolioItem.visibility.in_(["public", "members"]),
                  and_(PortfolioItem.visibility == "mentors", mentor))
    return or_(
        PortfolioItem.owner_id == viewer.id,
        and_(PortfolioItem.status != "draft", allowed, owner_ok),
    )


def get_item(viewer, item_id: int) -> PortfolioItem:
    item = db.session.get(PortfolioItem, item_id)
    if item is None or not can_view(viewer, item):
        raise NotFound("No such portfolio item.")
    return item


def own_item(actor: User, item_id: int) -> PortfolioItem:
    item = db.session.get(PortfolioItem, item_id)
    if item is None or not can_view(actor, item):
        raise NotFound("No such portfolio item.")
    if item.owner_id != actor.id:
        raise PermissionDenied("Only the author can change this item.")
    return item


def list_items(viewer, page: int = 1, skill: str | None = None, owner_id: int | None = None,
               status: str | None = None) -> Page:
    stmt = select(PortfolioItem).where(_visible_filter(viewer))
    if skill:
        stmt = stmt.where(PortfolioItem.skills.any(Skill.slug == skill))
    if owner_id:
        stmt = stmt.where(PortfolioItem.owner_id == owner_id)
    if status in STATUSES:
        stmt = stmt.where(PortfolioItem.status == status)
    stmt = stmt.order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc()).options(
        # what list pages show, in a fixed number of queries; never the notebooks (up to MBs each)
        defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints), defer(PortfolioItem.notebook_html),
        selectinload(PortfolioItem.owner), selectinload(PortfolioItem.skills),
        selectinload(PortfolioItem.requests).options(joinedload(FeedbackRequest.claimed_by),
                                                     joinedload(FeedbackRequest.mentor)),
    )
    return paginate(db.session, stmt, page, _cfg("PORTFOLIO_PAGE_SIZE"))


def public_items_of(owner_user: User, viewer) -> list[PortfolioItem]:
    """The items of ``owner_user`` that ``viewer`` may see (for the profile page)."""
    stmt = (
        select(PortfolioItem)
        .where(PortfolioItem.owner_id == owner_user.id, _visible_filter(viewer))
        .order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc())
        .options(defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints))  # MBs each, never shown here
    )
    return list(db.session.scalars(stmt))


# ---- writing items --------------------------------------------------------------------


def _clean_text(value: str | None, field: str, label: str, max_len: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Please give a {label}.", field=field)
    if len(value) > max_len:
        raise ValidationError(f"The {label} is too long ({len(value)} characters; at most {max_len}).", field=field)
    return value


def _clean_url(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 300 or any(c in value for c in " \"'<>"):
        raise ValidationError("Give a full web address starting with https:// (at most 300 characters).", field=field)
    return value


def _in_db_range(ids: list[int]) -> list[int]:
    """Only ids a table could hold: a tampered 30-digit number matches nothing (instead of
    overflowing the database driver)."""
    return [i for i in ids if 0 < i <= MAX_DB_INT]


def _skills(ids) -> list[Skill]:
    ids = sorted({int(i) for i in ids or []})
    if not ids:
        return []
    found = list(db.session.scalars(select(Skill).where(Skill.id.in_(_in_db_range(ids)),
                                                        Skill.is_retired.is_(False))))
    if len(found) != len(ids):
        raise ValidationError("One of the chosen skills does not exist.", field="skills")
    return found


def _domains(ids) -> list[Domain]:
    ids = sorted({int(i) for i in ids or []})
    if not ids:
        return []
    found = list(db.session.scalars(select(Domain).where(Domain.id.in_(_in_db_range(ids)),
                                                         Domain.is_retired.is_(False))))
    if len(found) != len(ids):
        raise ValidationError("One of the chosen domains does not exist.", field="domains")
    return found


def _project(project_id) -> int | None:
    if not project_id:
        return None
    from ..projects.models import Project

    if not _in_db_range([int(project_id)]) or db.session.get(Project, int(project_id)) is None:
        raise ValidationError("That project idea does not exist.", field="project_id")
    return int(project_id)


def project_choices() -> list[tuple[int, str]]:
    from ..projects.models import Project

    return [(pid, t) for pid, t in db.session.execute(
        select(Project.id, Project.title).order_by(Project.title).limit(500))]


def notebook_limits() -> nbmod.Limits:
    return nbmod.Limits(
        max_bytes=_cfg("PORTFOLIO_NOTEBOOK_MAX_BYTES"),
        max_output_bytes=_cfg("PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES"),
        max_cells=_cfg("PORTFOLIO_NOTEBOOK_MAX_CELLS"),
        cell_source=_cfg("PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX"),
        source=_cfg("PORTFOLIO_NOTEBOOK_SOURCE_MAX"),
        cell_markdown=_cfg("PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX"),
        markdown=_cfg("PORTFOLIO_NOTEBOOK_MARKDOWN_MAX"),
        work_steps=_cfg("PORTFOLIO_NOTEBOOK_WORK_STEPS"),
        work_seconds=_cfg("PORTFOLIO_NOTEBOOK_WORK_SECONDS"),
    )


def prepare_notebook(notebook: tuple[str, bytes] | None) -> tuple[str, nbmod.PreparedNotebook] | None:
    """(file name, checked + rendered notebook) of an upload, or None. All the CPU work of an
    upload happens here, before the caller writes anything: the one place to run it outside a
    write transaction."""
    if notebook is None:
        return None
    name = _notebook_name(notebook[0])
    limits = notebook_limits()
    with db.unlocked():  # checks, rendering and hints hold no transaction (no write lock)
        return name, nbmod.prepare_notebook(notebook[1], limits)


def _store_notebook(item: PortfolioItem, prepared: tuple[str, nbmod.PreparedNotebook]) -> None:
    name, nb = prepared
    item.notebook_name, item.notebook_json = name, nb.text
    item.notebook_html, item.notebook_hints = nb.html, nb.hints


def _clean_fields(data: dict) -> dict:
    visibility = data.get("visibility") or "members"
    if visibility not in VISIBILITIES:
        raise ValidationError("Choose who can see this item.", field="visibility")
    status = data.get("status") or "draft"
    if status not in STATUSES:
        raise ValidationError("Choose a status.", field="status")
    return {
        "title": _clean_text(data.get("title"), "title", "title", 160, required=True),
        "summary": _clean_text(data.get("summary"), "summary", "summary", 500),
        "body": _clean_text(data.get("body"), "body", "write-up", _cfg("PORTFOLIO_BODY_MAX")),
        "repo_url": _clean_url(data.get("repo_url"), "repo_url"),
        "demo_url": _clean_url(data.get("demo_url"), "demo_url"),
        "visibility": visibility,
        "status": status,
        "skills": _skills(data.get("skill_ids")),
        "domains": _domains(data.get("domain_ids")),
        "project_id": _project(data.get("project_id")),
    }


def _notebook_name(filename: str | None) -> str:
    name = (filename or "notebook.ipynb").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith(".ipynb"):
        raise ValidationError("Upload a Jupyter notebook (a file ending in .ipynb).", field="notebook")
    return name


def create_item(actor: User, data: dict, notebook: tuple[str, bytes] | None = None) -> PortfolioItem:
    """``data``: title, summary, body, repo_url, demo_url, visibility, status, skill_ids,
    domain_ids, project_id. ``notebook``: (filename, bytes) or None."""
    fields = _clean_fields(data)
    prepared = prepare_notebook(notebook)
    now = utcnow()
    item = PortfolioItem(owner_id=actor.id, created_at=now, updated_at=now, version=1, **fields)
    if prepared is not None:
        _store_notebook(item, prepared)
    db.session.add(item)
    db.session.commit()
    return item


def _diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=1)
    return "\n".join(lines)[: _cfg("PORTFOLIO_BODY_MAX")]


FIELD_LABELS = {
    "title": "title", "summary": "summary", "body": "write-up", "repo_url": "repository link",
    "demo_url": "demo link", "skills": "skills", "domains": "domains", "project_id": "project idea",
    "notebook": "notebook",
}


def update_item(actor: User, item_id: int, data: dict, notebook: tuple[str, bytes] | None = None,
                remove_notebook: bool = False, note: str = "") -> PortfolioItem:
    """Edit an item. A change of content bumps its version and records a PortfolioUpdate
    (with the author's note and a diff of the write-up) that earlier reviewers are shown."""
    item = own_item(actor, item_id)
    fields = _clean_fields(data)
    note = _clean_text(note, "update_note", "note", _cfg("PORTFOLIO_COMMENT_MAX"))
    prepared = prepare_notebook(notebook)
    nb_text = prepared[1].text if prepared is not None else None

    changed = []
    old_body = item.body
    for key in ("title", "summary", "body", "repo_url", "demo_url", "project_id"):
        if getattr(item, key) != fields[key]:
            changed.append(key)
    if {s.id for s in item.skills} != {s.id for s in fields["skills"]}:
        changed.append("skills")
    if {d.id for d in item.domains} != {d.id for d in fields["domains"]}:
        changed.append("domains")
    if nb_text is not None and nb_text != item.notebook_json or (remove_notebook and item.notebook_json):
        changed.append("notebook")

    for key, value in fields.items():
        setattr(item, key, value)
    if prepared is not None:
        _store_notebook(item, prepared)
    elif remove_notebook:
        item.notebook_name = item.notebook_json = item.notebook_html = item.notebook_hints = None
    now = utcnow()
    item.updated_at = now
    if item.status == "draft":
        _withdraw_active(item)
    if changed or note:
        item.version += 1
        upd = PortfolioUpdate(item_id=item.id, version=item.version, note=note, changed_fields=changed,
                              body_diff=_diff(old_body, item.body) if "body" in changed else "", created_at=now)
        db.session.add(upd)
        db.session.flush()
        reviewers = set(db.session.scalars(select(Review.reviewer_id).where(Review.item_id == item.id)))
        for uid in reviewers:
            user = db.session.get(User, uid)
            if user is not None and can_view(user, item):
                notify(user, "review_update", f"{actor.display_name} updated “{item.title}”",
                       "The work you reviewed has changed. See what is new since your review.",
                       link=f"/portfolio/{item.id}", key=f"portfolio:update:{upd.id}:{uid}")
    db.session.commit()
    return item


def delete_item(actor: User, item_id: int) -> None:
    item = db.session.get(PortfolioItem, item_id)
    if item is None or not can_view(actor, item):
        raise NotFound("No such portfolio item.")
    if item.owner_id != actor.id and not actor.is_admin:
        raise PermissionDenied("Only the author can delete this item.")
    db.session.delete(item)
    db.session.commit()


def notebook_html(item: PortfolioItem) -> Markup | None:
    """The HTML stored when the notebook was accepted (sanitised then; never rendered per view)."""
    return Markup(item.notebook_html) if item.notebook_html else None


def updates_since(item: PortfolioItem, version: int) -> list[PortfolioUpdate]:
    return [u for u in item.updates if u.version > version]


# ---- reviewers and the queue ----------------------------------------------------------------


def reviewer_setting(user: User) -> ReviewerSetting | None:
    return db.session.scalar(select(ReviewerSetting).where(ReviewerSetting.user_id == user.id))


def set_reviewer_setting(actor: User, is_opted_in: bool, skill_ids) -> ReviewerSetting:
    skills = _skills(skill_ids)
    setting = reviewer_setting(actor)
    if setting is None:
        setting = ReviewerSetting(user_id=actor.id)
        db.session.add(setting)
    setting.is_opted_in = bool(is_opted_in)
    setting.skills = skills
    setting.updated_at = utcnow()
    db.session.commit()
    return setting


def suggested_reviewer_skills(user: User) -> list[int]:
    """Skill ids to pre-select on first opt-in: what the person's profiles say they know
    well (mentor skills, and learner skills at level 3 or more)."""
    from ..profiles.services import learner_profile_of, mentor_profile_of

    ids: set[int] = set()
    mentor = mentor_profile_of(user)
    if mentor is not None:
        ids |= {s.skill_id for s in mentor.skills}
    learner = learner_profile_of(user)
    if learner is not None:
        ids |= {s.skill_id for s in learner.skills if s.level >= 3}
    return sorted(ids)


def _matches(setting: ReviewerSetting | None, item: PortfolioItem) -> bool:
    """Items with no skills, or reviewers with no chosen skills, match everything."""
    if setting is None:
        return False
    mine = {s.id for s in setting.skills}
    theirs = {s.id for s in item.skills}
    return not mine or not theirs or bool(mine & theirs)


def may_review_request(actor: User, req: FeedbackRequest) -> bool:
    item = req.item
    if actor.id == item.owner_id:
        return False
    if req.mode == "mentor":
        return req.mentor_id == actor.id
    setting = reviewer_setting(actor)
    return bool(setting and setting.is_opted_in and can_view(actor, item) and _matches(setting, item))


def mentor_choices(actor: User) -> list[User]:
    """Whom "ask my mentor" may address: the learner's active mentors."""
    ids = active_mentor_user_ids(actor)
    if not ids:
        return []
    stmt = select(User).where(User.id.in_(ids), User.id != actor.id, User.is_deleted.is_(False),
                              User.is_suspended.is_(False))
    return list(db.session.scalars(stmt.order_by(User.display_name)))


def active_request(item: PortfolioItem) -> FeedbackRequest | None:
    return db.session.scalar(select(FeedbackRequest).where(FeedbackRequest.active_item_id == item.id))


def request_feedback(actor: User, item_id: int, mode: str, mentor_id: int | None = None,
                     note: str = "") -> FeedbackRequest:
    item = own_item(actor, item_id)
    if mode not in REQUEST_MODES:
        raise ValidationError("Choose your mentor or the community queue.", field="mode")
    note = _clean_text(note, "note", "note", _cfg("PORTFOLIO_COMMENT_MAX"))
    mentor = None
    if mode == "mentor":
        allowed = {u.id: u for u in mentor_choices(actor)}
        if not mentor_id or int(mentor_id) not in allowed:
            raise ValidationError("Choose one of your mentors.", field="mentor_id")
        mentor = allowed[int(mentor_id)]
    if active_request(item) is not None:
        raise Conflict("This item is already waiting for feedback.")
    if item.status == "draft":
        item.status = "seeking"  # asking for feedback publishes the item to its audience
    if mentor is not None and not can_view(mentor, item):
        db.session.rollback()
        raise ValidationError("Your mentor cannot see this item; change its visibility first.", field="mentor_id")
    now = utcnow()
    req = FeedbackRequest(item_id=item.id, active_item_id=item.id, requester_id=actor.id, mode=mode,
                          mentor_id=mentor.id if mentor else None, note=note, status="open", created_at=now)
    db.session.add(req)
    db.session.flush()
    if mentor is not None:
        notify(mentor, "review_queue", f"{actor.display_name} asks for your feedback",
               f"“{item.title}” is waiting for your review.", link="/portfolio/queue",
               key=f"portfolio:ask:{req.id}")
    db.session.commit()
    return req


def _withdraw_active(item: PortfolioItem) -> None:
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.active_item_id == item.id)
        .values(status="withdrawn", active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )


def withdraw_request(actor: User, request_id: int) -> None:
    req = db.session.get(FeedbackRequest, request_id)
    if req is None:
        raise NotFound("No such feedback request.")
    if req.requester_id != actor.id:
        raise PermissionDenied("Only the author can withdraw this request.")
    if req.active_item_id is None:
        raise Conflict("This request is already closed.")
    _withdraw_active(req.item)
    db.session.commit()


def get_request(actor: User, request_id: int) -> FeedbackRequest:
    req = db.session.get(FeedbackRequest, request_id)
    if req is None or not (can_view(actor, req.item) or req.mentor_id == actor.id):
        raise NotFound("No such feedback request.")
    return req


def claim_request(actor: User, request_id: int, now: datetime | None = None) -> FeedbackRequest:
    """Claim a request so that nobody else reviews it meanwhile. One conditional UPDATE:
    of two reviewers clicking at once, exactly one wins; the other gets Conflict."""
    now = now or utcnow()
    req = get_request(actor, request_id)
    if not may_review_request(actor, req):
        raise PermissionDenied("This request is not offered to you.")
    expires = now + timedelta(hours=_cfg("PORTFOLIO_CLAIM_HOURS"))
    result = db.session.execute(
        update(FeedbackRequest)
        .where(
            FeedbackRequest.id == req.id,
            FeedbackRequest.active_item_id.is_not(None),
            or_(
                FeedbackRequest.status == "open",
                and_(FeedbackRequest.status == "claimed", FeedbackRequest.claim_expires_at < now),
            ),
        )
        .values(status="claimed", claimed_by_id=actor.id, claimed_at=now, claim_expires_at=expires)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else has just claimed this item, or it is no longer waiting.")
    db.session.refresh(req)
    author = db.session.get(User, req.requester_id)
    notify(author, "review_update", f"{actor.display_name} is reviewing “{req.item.title}”",
           "A reviewer has picked up your work.", link=f"/portfolio/{req.item_id}",
           key=f"portfolio:claim:{req.id}:{actor.id}:{int(now.timestamp())}")
    db.session.commit()
    return req


def release_claim(actor: User, request_id: int) -> None:
    req = get_request(actor, request_id)
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == req.id, FeedbackRequest.status == "claimed",
               FeedbackRequest.claimed_by_id == actor.id)
        .values(status="open", claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("You do not hold a claim on this request.")
    db.session.commit()


@dataclass
class QueueEntry:
    request: FeedbackRequest
    item: PortfolioItem
    waited_seconds: float


def _queue_loads():
    """What a queue entry shows, loaded with the request; never the notebooks, which weigh up to MBs each."""
    return (joinedload(FeedbackRequest.item).options(
        defer(PortfolioItem.notebook_json), defer(PortfolioItem.notebook_hints), defer(PortfolioItem.notebook_html),
        joinedload(PortfolioItem.owner), selectinload(PortfolioItem.skills)),)


def queue_for(actor: User, now: datetime | None = None) -> dict:
    """The reviewer's queue: asked of me, community (oldest first, matching my skills), my claims;
    in a fixed number of queries however long each list is."""
    now = now or utcnow()
    setting = db.session.scalars(select(ReviewerSetting).where(ReviewerSetting.user_id == actor.id)
                                 .options(joinedload(ReviewerSetting.skills))).unique().one_or_none()

    def entry(req):
        return QueueEntry(req, req.item, (now - req.created_at).total_seconds())

    available = and_(
        FeedbackRequest.active_item_id.is_not(None),
        or_(FeedbackRequest.status == "open",
            and_(FeedbackRequest.status == "claimed", FeedbackRequest.claim_expires_at < now)),
    )
    is_asked = and_(FeedbackRequest.mode == "mentor", FeedbackRequest.mentor_id == actor.id, available)
    is_claim = and_(FeedbackRequest.status == "claimed", FeedbackRequest.claimed_by_id == actor.id,
                    FeedbackRequest.claim_expires_at >= now)
    mine_rows = db.session.scalars(  # asked of me and my claims in one query, split below
        select(FeedbackRequest).where(or_(is_asked, is_claim)).options(*_queue_loads())
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    ).all()
    claimed = [r.status == "claimed" and r.claimed_by_id == actor.id and r.claim_expires_at >= now
               for r in mine_rows]  # is_claim in Python: an asked request is never also a live claim
    asked = [r for r, c in zip(mine_rows, claimed) if not c]
    claims = sorted((r for r, c in zip(mine_rows, claimed) if c), key=lambda r: r.claim_expires_at)
    community: list[QueueEntry] = []
    community_total = 0
    if setting is not None and setting.is_opted_in:
        stmt = (
            select(FeedbackRequest)
            .join(PortfolioItem, PortfolioItem.id == FeedbackRequest.item_id)
            .where(FeedbackRequest.mode == "community", available, PortfolioItem.owner_id != actor.id,
                   PortfolioItem.status != "draft", _visible_filter(actor))
        )
        mine = [s.id for s in setting.skills]
        if mine:  # items with no skills are offered to everyone
            stmt = stmt.where(or_(~PortfolioItem.skills.any(), PortfolioItem.skills.any(Skill.id.in_(mine))))
        community_total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.session.scalars(
            stmt.options(*_queue_loads()).order_by(FeedbackRequest.created_at, FeedbackRequest.id)
            .limit(_cfg("PORTFOLIO_QUEUE_LIMIT"))
        )
        community = [entry(r) for r in rows]
    return {"asked": [entry(r) for r in asked], "community": community, "community_total": community_total,
            "claims": [entry(r) for r in claims], "setting": setting}


@dataclass
class RequestState:
    state: str  # waiting | claimed | reviewed | withdrawn
    label: str
    request: FeedbackRequest


def request_state(req: FeedbackRequest, now: datetime | None = None) -> RequestState:
    from ..timeutil import humanize_delta

    now = now or utcnow()
    if req.status == "reviewed":
        return RequestState("reviewed", "Reviewed", req)
    if req.status == "withdrawn":
        return RequestState("withdrawn", "Withdrawn", req)
    if req.status == "claimed" and req.claim_expires_at and req.claim_expires_at >= now:
        who = req.claimed_by.display_name if req.claimed_by else "a reviewer"
        return RequestState("claimed", f"Claimed by {who}", req)
    waited = humanize_delta((now - req.created_at).total_seconds())
    where = f"{req.mentor.display_name}" if req.mode == "mentor" and req.mentor else "the community queue"
    return RequestState("waiting", f"Waiting for {waited} ({where})", req)


def latest_request_state(item: PortfolioItem, now: datetime | None = None) -> RequestState | None:
    reqs = [r for r in item.requests if r.status != "withdrawn"]
    return request_state(reqs[-1], now) if reqs else None


# ---- reviews ---------------------------------------------------------------------------------


def _clean_scores(scores: dict) -> list[tuple[int, str, int, str]]:
    max_len = _cfg("PORTFOLIO_COMMENT_MAX")
    rows = []
    for position, crit in enumerate(rubric.criteria()):
        score, comment = (scores or {}).get(crit.slug, (None, ""))
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if score not in (1, 2, 3, 4):
            raise ValidationError(f"Score “{crit.name}” from 1 to 4.", field=f"score_{crit.slug}")
        comment = _clean_text(comment, f"comment_{crit.slug}", "comment", max_len)
        rows.append((position, crit.slug, score, comment))
    return rows


def submit_review(actor: User, request_id: int, scores: dict, summary: str, next_step: str,
                  now: datetime | None = None) -> Review:
    """``scores``: {criterion slug: (score 1-4, comment)} for every rubric criterion.
    Only the reviewer who holds the claim can submit; the request closes in the same UPDATE."""
    now = now or utcnow()
    req = get_request(actor, request_id)
    rows = _clean_scores(scores)
    max_len = _cfg("PORTFOLIO_COMMENT_MAX")
    summary = _clean_text(summary, "summary", "summary", max_len, required=True)
    next_step = _clean_text(next_step, "next_step", "suggested next step", max_len, required=True)
    if req.claimed_by_id != actor.id:
        raise PermissionDenied("Claim this request before you review it.")
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == req.id, FeedbackRequest.status == "claimed",
               FeedbackRequest.claimed_by_id == actor.id)
        .values(status="reviewed", reviewed_at=now, active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("Your claim on this request has ended. Claim it again to review.")
    item = req.item
    review = Review(item_id=item.id, request_id=req.id, reviewer_id=actor.id, item_version=item.version,
                    summary=summary, next_step=next_step, created_at=now, updated_at=now)
    review.scores = [ReviewScore(position=p, criterion=c, score=s, comment=m) for p, c, s, m in rows]
    db.session.add(review)
    db.session.flush()
    notify(item.owner, "review_update", f"New feedback on “{item.title}”",
           f"{actor.display_name} reviewed your work.", link=f"/portfolio/{item.id}#review-{review.id}",
           key=f"portfolio:review:{review.id}")
    db.session.commit()
    db.session.refresh(req)
    return review


def get_review(viewer, review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or not can_view(viewer, review.item):
        raise NotFound("No such review.")
    return review


def can_edit_review(actor, review: Review) -> str | None:
    """None when ``actor`` may edit ``review``, else the reason: only the reviewer edits it."""
    if not _authed(actor) or review.reviewer_id != actor.id:
        return "Only the reviewer can edit this review."
    return None


def can_reply(actor, item: PortfolioItem, review: Review) -> str | None:
    """None when ``actor`` may reply under ``review``, else the reason: the author and the reviewer talk there."""
    if not _authed(actor) or actor.id not in (item.owner_id, review.reviewer_id):
        return "Only the author and the reviewer can reply here."
    return None


def own_review(actor: User, review_id: int) -> Review:
    """A review ``actor`` wrote, or NotFound/PermissionDenied: only the reviewer edits it."""
    review = get_review(actor, review_id)
    reason = can_edit_review(actor, review)
    if reason:
        raise PermissionDenied(reason)
    return review


def edit_review(actor: User, review_id: int, scores: dict, summary: str, next_step: str) -> Review:
    review = own_review(actor, review_id)
    rows = _clean_scores(scores)
    max_len = _cfg("PORTFOLIO_COMMENT_MAX")
    review.summary = _clean_text(summary, "summary", "summary", max_len, required=True)
    review.next_step = _clean_text(next_step, "next_step", "suggested next step", max_len, required=True)
    by_slug = {s.criterion: s for s in review.scores}
    for position, slug, score, comment in rows:
        row = by_slug.get(slug)
        if row is None:
            review.scores.append(ReviewScore(position=position, criterion=slug, score=score, comment=comment))
        else:
            row.score, row.comment, row.position = score, comment, position
    review.updated_at = utcnow()
    db.session.commit()
    return review


def reply(actor: User, review_id: int, body: str) -> ReviewReply:
    """The item's author and the reviewer talk in a thread under the review."""
    review = get_review(actor, review_id)
    item = review.item
    reason = can_reply(actor, item, review)
    if reason:
        raise PermissionDenied(reason)
    body = _clean_text(body, "body", "reply", _cfg("PORTFOLIO_COMMENT_MAX"), required=True)
    row = ReviewReply(review_id=review.id, author_id=actor.id, body=body, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    other = review.reviewer if actor.id == item.owner_id else item.owner
    notify(other, "review_update", f"{actor.display_name} replied about “{item.title}”", body[:300],
           link=f"/portfolio/{item.id}#review-{review.id}", key=f"portfolio:reply:{row.id}")
    db.session.commit()
    return row


def mark_helpful(actor: User, review_id: int, helpful: bool = True) -> Review:
    review = get_review(actor, review_id)
    if review.item.owner_id != actor.id:
        raise PermissionDenied("Only the author of the work can mark a review helpful.")
    if review.is_helpful != helpful:
        review.is_helpful = helpful
        review.helpful_at = utcnow() if helpful else None
        if helpful:
            notify(review.reviewer, "review_update", "Your review was marked helpful",
                   f"{actor.display_name} found your feedback on “{review.item.title}” helpful.",
                   link=f"/portfolio/{review.item_id}#review-{review.id}", key=f"portfolio:helpful:{review.id}")
        db.session.commit()
    return review


def review_counts_for(reviewer_user: User) -> tuple[int, int]:
    """(reviews found helpful, reviews given) of a reviewer, in one query."""
    helpful, given = db.session.execute(
        select(func.count(Review.id).filter(Review.is_helpful.is_(True)), func.count(Review.id))
        .where(Review.reviewer_id == reviewer_user.id)
    ).one()
    return helpful or 0, given or 0


# ---- the rubric chart ----------------------------------------------------------------------


def score_history(owner: User, viewer, visible: list[PortfolioItem] | None = None) -> list[dict]:
    """One point per review on items of ``owner`` that ``viewer`` may see (``visible``: those
    items when the caller already has them), oldest first:
    {"at": datetime, "item": title, "scores": {slug: score}, "mean": float}."""
    items = {i.id: i for i in (public_items_of(owner, viewer) if visible is None else visible)}
    if not items:
        return []
    reviews = db.session.scalars(
        select(Review).options(selectinload(Review.scores))  # one query for every review's scores
        .where(Review.item_id.in_(list(items))).order_by(Review.created_at, Review.id)
    )
    points = []
    for r in reviews:
        scores = {s.criterion: s.score for s in r.scores}
        if scores:
            points.append({"at": r.created_at, "item": items[r.item_id].title, "scores": scores,
                           "mean": sum(scores.values()) / len(scores)})
    return points


CHART_COLOURS = ("#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555")


def score_chart(owner: User, viewer, width: int = 560, height: int = 220,
                visible: list[PortfolioItem] | None = None) -> dict | None:
    """Geometry for an inline SVG line chart of rubric scores over time (one line a criterion)."""
    points = score_history(owner, viewer, visible)
    if not points:
        return None
    left, right, top, bottom = 36, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(points)

    def x(i):
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(score):
        return round(top + plot_h * (4 - score) / 3, 1)

    series = []
    for idx, crit in enumerate(rubric.criteria()):
        coords = [(x(i), y(p["scores"][crit.slug])) for i, p in enumerate(points) if crit.slug in p["scores"]]
        if coords:
            series.append({"name": crit.name, "colour": CHART_COLOURS[idx % len(CHART_COLOURS)],
                           "points": " ".join(f"{a},{b}" for a, b in coords), "dots": coords})
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": height - bottom,
        "grid": [{"score": s, "y": y(s), "label": rubric.scale().get(s, str(s))} for s in (1, 2, 3, 4)],
        "series": series,
        "mean": " ".join(f"{x(i)},{y(p['mean'])}" for i, p in enumerate(points)),
        "ticks": [{"x": x(i), "at": p["at"], "item": p["item"], "mean": round(p["mean"], 1)}
                  for i, p in enumerate(points)],
    }


# ---- personal data ----------------------------------------------------------------------------


def _iso(dt):
    return dt.isoformat() if dt else None


def export_user_data(user: User) -> dict:
    """The user's own items (with notebooks), requests, reviews they wrote and their replies.
    Other people's items are never included, only the ids of those the user reviewed."""
    items = db.session.scalars(select(PortfolioItem).where(PortfolioItem.owner_id == user.id))
    reviews = db.session.scalars(select(Review).where(Review.reviewer_id == user.id))
    replies = db.session.scalars(select(ReviewReply).where(ReviewReply.author_id == user.id))
    setting = reviewer_setting(user)
    return {
        "items": [
            {
                "id": i.id, "title": i.title, "summary": i.summary, "body": i.body, "repo_url": i.repo_url,
                "demo_url": i.demo_url, "visibility": i.visibility, "status": i.status,
                "skills": [s.slug for s in i.skills], "domains": [d.slug for d in i.domains],
                "project_id": i.project_id, "version": i.version,
                "notebook_name": i.notebook_name,
                "notebook": json.loads(i.notebook_json) if i.notebook_json else None,
                "created_at": _iso(i.created_at), "updated_at": _iso(i.updated_at),
                "updates": [{"version": u.version, "note": u.note, "changed": u.changed_fields,
                             "created_at": _iso(u.created_at)} for u in i.updates],
                "feedback_requests": [{"mode": r.mode, "status": r.status, "note": r.note,
                                       "created_at": _iso(r.created_at)} for r in i.requests],
                "reviews_received": [
                    {"summary": r.summary, "next_step": r.next_step, "is_helpful": r.is_helpful,
                     "scores": {s.criterion: s.score for s in r.scores}, "created_at": _iso(r.created_at)}
                    for r in i.reviews
                ],
            }
            for i in items
        ],
        "reviews_written": [
            {"item_id": r.item_id, "summary": r.summary, "next_step": r.next_step,
             "scores": {s.criterion: {"score": s.score, "comment": s.comment} for s in r.scores},
             "created_at": _iso(r.created_at)}
            for r in reviews
        ],
        "replies": [{"review_id": r.review_id, "body": r.body, "created_at": _iso(r.created_at)} for r in replies],
        "reviewer": {"is_opted_in": setting.is_opted_in, "skills": [s.slug for s in setting.skills]}
        if setting else None,
    }


def erase_user_data(user: User) -> None:
    """Delete the user's items (with their requests, reviews and threads), their replies and
    reviewer setting; release their claims. Reviews they wrote on others' work stay (the
    authors need them) and show as by a former member. Does not commit."""
    for item in db.session.scalars(select(PortfolioItem).where(PortfolioItem.owner_id == user.id)):
        db.session.delete(item)
    db.session.flush()
    db.session.execute(delete(ReviewReply).where(ReviewReply.author_id == user.id))
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.claimed_by_id == user.id, FeedbackRequest.status == "claimed")
        .values(status="open", claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.mentor_id == user.id, FeedbackRequest.active_item_id.is_not(None))
        .values(status="withdrawn", active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )
    setting = reviewer_setting(user)
    if setting is not None:
        db.session.delete(setting)
