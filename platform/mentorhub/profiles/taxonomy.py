"""The skills taxonomy (seed/taxonomy.yaml) and the roadmap (seed/roadmap.yaml).

``load_taxonomy`` is safe to run again: it adds and renames skills and domains by slug,
and a skill or domain that left the file is deleted only when nothing refers to it;
one still in use is retired (hidden from pickers, kept where it is used) and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import delete, func, select

from ..config import ROOT, read_yaml
from ..db import Base, db
from ..errors import ValidationError
from ..generations import taxonomy_changed
from .models import Domain, Skill

TAXONOMY_PATH = ROOT / "seed" / "taxonomy.yaml"
ROADMAP_PATH = ROOT / "seed" / "roadmap.yaml"


@dataclass
class TaxonomyReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for label, items in (("added", self.added), ("updated", self.updated), ("restored", self.restored),
                             ("deleted (unused)", self.deleted), ("retired (still in use)", self.retired)):
            if items:
                out.append(f"{label}: {', '.join(items)}")
        return out or ["taxonomy unchanged"]


def read_taxonomy(path: Path | str | None = None) -> dict:
    """Parse and check the file; ValidationError describing the first problem."""
    path = Path(path or TAXONOMY_PATH)
    try:
        data = read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"Cannot read {path}: {exc}") from None
    categories = {c["slug"]: c["name"] for c in data.get("categories") or []}
    skills, domains = data.get("skills") or [], data.get("domains") or []
    for kind, items in (("skill", skills), ("domain", domains)):
        seen = set()
        for item in items:
            slug = str(item.get("slug") or "")
            if not slug or not item.get("name"):
                raise ValidationError(f"A {kind} in {path.name} lacks a slug or a name: {item!r}")
            if slug in seen:
                raise ValidationError(f"The {kind} slug {slug!r} appears twice in {path.name}.")
            if len(slug) > 60 or slug != slug.strip().lower() or " " in slug:
                raise ValidationError(f"The {kind} slug {slug!r} must be lower case without spaces (60 characters at most).")
            seen.add(slug)
            if kind == "skill" and item.get("category") not in categories:
                raise ValidationError(f"The skill {slug!r} names an unknown category {item.get('category')!r}.")
    return {"categories": categories, "skills": skills, "domains": domains}


def _references(table_name: str) -> list:
    """Every column (on any feature's table) that refers to ``<table_name>.id``."""
    cols = []
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and fk.column.name == "id":
                cols.append(fk.parent)
    return cols


def in_use(model, item_id: int) -> bool:
    for col in _references(model.__tablename__):
        if db.session.scalar(select(func.count()).select_from(col.table).where(col == item_id)):
            return True
    return False


def _sync(model, items: list[dict], extra: callable, report: TaxonomyReport, label: str) -> None:
    existing = {row.slug: row for row in db.session.scalars(select(model))}
    wanted = {str(i["slug"]): i for i in items}
    for slug, item in wanted.items():
        values = {"name": str(item["name"])[:100], **extra(item)}
        row = existing.get(slug)
        if row is None:
            db.session.add(model(slug=slug, is_retired=False, **values))
            report.added.append(f"{label} {slug}")
            continue
        if row.is_retired:
            row.is_retired = False
            report.restored.append(f"{label} {slug}")
        if any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            report.updated.append(f"{label} {slug}")
    for slug, row in existing.items():
        if slug in wanted:
            continue
        if in_use(model, row.id):
            if not row.is_retired:
                row.is_retired = True
                report.retired.append(f"{label} {slug}")
        else:
            db.session.execute(delete(model).where(model.id == row.id))
            report.deleted.append(f"{label} {slug}")


def load_taxonomy(path: Path | str | None = None) -> TaxonomyReport:
    """Bring the skills and domains tables in line with the file; commits. Safe to re-run."""
    data = read_taxonomy(path)
    report = TaxonomyReport()
    _sync(Skill, data["skills"], lambda i: {"category": str(i["category"])}, report, "skill")
    _sync(Domain, data["domains"], lambda i: {}, report, "domain")
    if report.added or report.updated or report.retired or report.deleted or report.restored:
        taxonomy_changed()
    db.session.commit()
    categories.cache_clear()
    return report


@lru_cache(maxsize=1)
def categories() -> dict[str, str]:
    """Category slug -> display name, in file order."""
    try:
        return read_taxonomy()["categories"]
    except ValidationError:
        return {}


# ---- roadmap ----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def read_roadmap(path: str | None = None) -> dict:
    data = read_yaml(path or ROADMAP_PATH) or {}
    return {"stages": data.get("stages") or [], "tracks": data.get("tracks") or [],
            "difficulties": data.get("difficulties") or []}


def stages() -> list[dict]:
    return read_roadmap()["stages"]


def tracks() -> list[dict]:
    return read_roadmap()["tracks"]


def roadmap_stages() -> tuple[str, ...]:
    """The stage slugs in roadmap order: the one list code keys by stage name."""
    return tuple(s["slug"] for s in stages())


def difficulties() -> tuple[str, ...]:
    """The project difficulty slugs, easiest first (seed/roadmap.yaml)."""
    return tuple(d["slug"] for d in read_roadmap()["difficulties"])


def stage_choices() -> list[tuple[str, str]]:
    return [(s["slug"], s["name"]) for s in stages()]


def track_choices() -> list[tuple[str, str]]:
    return [(t["slug"], t["name"]) for t in tracks()]


def track(slug: str) -> dict | None:
    return next((t for t in tracks() if t["slug"] == slug), None)


def stage(slug: str) -> dict | None:
    return next((s for s in stages() if s["slug"] == slug), None)


def difficulty_rank() -> dict[str, int]:
    """Project difficulty slug -> rank, easiest first (seed/roadmap.yaml ``difficulties``)."""
    return {slug: k for k, slug in enumerate(difficulties())}


def track_skills(slug: str) -> dict[str, int]:
    """Skill slug -> expected level for a target track (empty for an unknown track)."""
    t = track(slug)
    return {str(k): int(v) for k, v in (t or {}).get("skills", {}).items()}


def skill_relations(path: Path | str | None = None) -> list[tuple[str, str]]:
    """Pairs of related skill slugs from the taxonomy's ``related`` list (each pair once, as
    written). ValidationError for a pair that is not two different known skills."""
    path = Path(path or TAXONOMY_PATH)
    known = {str(s.get("slug")) for s in read_taxonomy(path)["skills"]}
    data = read_yaml(path) or {}
    pairs = []
    for item in data.get("related") or []:
        if not isinstance(item, list) or len(item) != 2 or item[0] == item[1]:
            raise ValidationError(f"A related pair in {path.name} must name two different skills: {item!r}")
        unknown = [str(s) for s in item if str(s) not in known]
        if unknown:
            raise ValidationError(f"The related pair {item!r} in {path.name} names an unknown skill: {unknown[0]!r}")
        pairs.append((str(item[0]), str(item[1])))
    return pairs
