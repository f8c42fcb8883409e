"""Writing portfolio items: create, edit (a new version with a note and a diff for earlier
reviewers), delete, and the notebook an item carries.

Each public write runs as one write unit (``db.write_unit()`` used as a decorator): it commits at
the end, and on any error it rolls back, so a caller that shows the error finds the session clean.
"""
from __future__ import annotations

import difflib

from sqlalchemy import select, update

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..profiles.models import Domain, Skill
from ..projects.queries import project_title
from ..urls import path_for
from ..validation import choice, db_ids, setting, text, url
from . import notebook as nbmod
from . import rules
from .models import STATUSES, VISIBILITIES, FeedbackRequest, PortfolioItem, PortfolioUpdate, Review
from .queries import get_item, own_item

_TITLE_MAX = PortfolioItem.__table__.c.title.type.length
_SUMMARY_MAX = PortfolioItem.__table__.c.summary.type.length
_NOTEBOOK_NAME_MAX = PortfolioItem.__table__.c.notebook_name.type.length


# ---- what people chose --------------------------------------------------------------------------


def _chosen(model, raw, *, field: str, message: str) -> list:
    """The live (not retired) rows of ``model`` with the ids in ``raw``; ValidationError(message)
    when any id names none (a tampered 30-digit number included)."""
    values = list(raw or [])
    if any(not db_ids([v]) for v in values):
        raise ValidationError(message, field=field)
    ids = db_ids(values)
    if not ids:
        return []
    found = list(db.session.scalars(select(model).where(model.id.in_(ids), model.is_retired.is_(False))))
    if len(found) != len(ids):
        raise ValidationError(message, field=field)
    return found


def chosen_skills(raw) -> list[Skill]:
    return _chosen(Skill, raw, field="skills", message="One of the chosen skills does not exist.")


def _project(project_id) -> int | None:
    if not project_id:
        return None
    ids = db_ids([project_id])
    if not ids or project_title(ids[0]) is None:
        raise ValidationError("That project idea does not exist.", field="project_id")
    return ids[0]


def _clean_fields(data: dict) -> dict:
    return {
        "title": text(data.get("title"), field="title", label="the title", max_len=_TITLE_MAX, required=True),
        "summary": text(data.get("summary"), field="summary", label="the summary", max_len=_SUMMARY_MAX),
        "body": text(data.get("body"), field="body", label="the write-up", max_len=setting("PORTFOLIO_BODY_MAX")),
        "repo_url": url(data.get("repo_url"), field="repo_url", label="repository link",
                        max_len=setting("PORTFOLIO_URL_MAX")),
        "demo_url": url(data.get("demo_url"), field="demo_url", label="demo link",
                        max_len=setting("PORTFOLIO_URL_MAX")),
        "visibility": choice(data.get("visibility") or "members", VISIBILITIES, field="visibility",
                             label="who can see this item"),
        "status": choice(data.get("status") or "draft", STATUSES, field="status", label="a status"),
        "skills": chosen_skills(data.get("skill_ids")),
        "domains": _chosen(Domain, data.get("domain_ids"), field="domains",
                           message="One of the chosen domains does not exist."),
        "project_id": _project(data.get("project_id")),
    }


# ---- notebooks ------------------------------------------------------------------------------------


def notebook_limits() -> nbmod.Limits:
    return nbmod.Limits(
        max_bytes=setting("PORTFOLIO_NOTEBOOK_MAX_BYTES"),
        max_output_bytes=setting("PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES"),
        max_cells=setting("PORTFOLIO_NOTEBOOK_MAX_CELLS"),
        cell_source=setting("PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX"),
        source=setting("PORTFOLIO_NOTEBOOK_SOURCE_MAX"),
        cell_markdown=setting("PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX"),
        markdown=setting("PORTFOLIO_NOTEBOOK_MARKDOWN_MAX"),
        work_steps=setting("PORTFOLIO_NOTEBOOK_WORK_STEPS"),
        work_seconds=setting("PORTFOLIO_NOTEBOOK_WORK_SECONDS"),
    )


def _notebook_name(filename: str | None) -> str:
    name = (filename or "notebook.ipynb").replace("\\", "/").rsplit("/", 1)[-1][:_NOTEBOOK_NAME_MAX]
    if not name.lower().endswith(".ipynb"):
        raise ValidationError("Upload a Jupyter notebook (a file ending in .ipynb).", field="notebook")
    return name


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


# ---- items ----------------------------------------------------------------------------------------


@db.write_unit()
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
    return item


def _diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=1)
    return "\n".join(lines)[: setting("PORTFOLIO_BODY_MAX")]


def withdraw_active(item: PortfolioItem) -> None:
    """End the item's waiting request, if any (no commit)."""
    db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.active_item_id == item.id)
        .values(status="withdrawn", active_item_id=None)
        .execution_options(synchronize_session="fetch")
    )


def _changed_fields(item: PortfolioItem, fields: dict, nb_text: str | None, remove_notebook: bool) -> list[str]:
    changed = [key for key in ("title", "summary", "body", "repo_url", "demo_url", "project_id")
               if getattr(item, key) != fields[key]]
    if {s.id for s in item.skills} != {s.id for s in fields["skills"]}:
        changed.append("skills")
    if {d.id for d in item.domains} != {d.id for d in fields["domains"]}:
        changed.append("domains")
    if nb_text is not None and nb_text != item.notebook_json or (remove_notebook and item.notebook_json):
        changed.append("notebook")
    return changed


@db.write_unit()
def update_item(actor: User, item_id: int, data: dict, notebook: tuple[str, bytes] | None = None,
                remove_notebook: bool = False, note: str = "") -> PortfolioItem:
    """Edit an item. A change of content bumps its version and records a PortfolioUpdate
    (with the author's note and a diff of the write-up) that earlier reviewers are shown."""
    item = own_item(actor, item_id)
    fields = _clean_fields(data)
    note = text(note, field="update_note", label="the note", max_len=setting("PORTFOLIO_COMMENT_MAX"))
    prepared = prepare_notebook(notebook)
    changed = _changed_fields(item, fields, prepared[1].text if prepared is not None else None, remove_notebook)
    old_body = item.body
    for key, value in fields.items():
        setattr(item, key, value)
    if prepared is not None:
        _store_notebook(item, prepared)
    elif remove_notebook:
        item.notebook_name = item.notebook_json = item.notebook_html = item.notebook_hints = None
    now = utcnow()
    item.updated_at = now
    if item.status == "draft":
        withdraw_active(item)
    if changed or note:
        item.version += 1
        upd = PortfolioUpdate(item_id=item.id, version=item.version, note=note, changed_fields=changed,
                              body_diff=_diff(old_body, item.body) if "body" in changed else "", created_at=now)
        db.session.add(upd)
        db.session.flush()
        reviewers = set(db.session.scalars(select(Review.reviewer_id).where(Review.item_id == item.id)))
        for uid in reviewers:
            user = db.session.get(User, uid)
            if user is not None and rules.can_see(user, item) is None:
                notify(user, "review_update", f"{actor.display_name} updated “{item.title}”",
                       "The work you reviewed has changed. See what is new since your review.",
                       link=path_for("portfolio.detail", item_id=item.id), key=f"portfolio:update:{upd.id}:{uid}")
    return item


@db.write_unit()
def delete_item(actor: User, item_id: int) -> None:
    item = get_item(actor, item_id)
    reason = rules.can_delete(actor, item)
    if reason:
        raise PermissionDenied(reason)
    db.session.delete(item)


# ---- for reports ----


def hide_item(item_id: int) -> None:
    """Moderation: the item goes back to draft, seen only by its owner, who can no longer change or
    republish it (rules.can_edit); no commit: the caller's."""
    db.session.execute(update(PortfolioItem).where(PortfolioItem.id == item_id)
                       .values(status="draft", hidden_at=utcnow()))
