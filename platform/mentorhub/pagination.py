"""One way to page through a select()."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_page(value: Any) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def paginate(session: Session, stmt: Select, page: int, per_page: int, scalars: bool = True) -> Page:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(page, max(1, -(-total // per_page)))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.scalars()) if scalars else list(rows)
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_rows(session: Session, stmt: Select, page: int, per_page: int) -> Page:
    """``paginate`` for a select of columns, counting in the same query (``count(*) OVER ()``):
    one query instead of two. Items are tuples of the selected columns. A page past the end
    costs a count and the last page's query, and shows the last page, as ``paginate`` does."""
    rows = session.execute(stmt.add_columns(func.count().over()).limit(per_page).offset((page - 1) * per_page)).all()
    if rows:
        return Page(items=[tuple(row[:-1]) for row in rows], page=page, per_page=per_page, total=rows[0][-1])
    if page == 1:
        return Page(items=[], page=1, per_page=per_page, total=0)
    return paginate(session, stmt, page, per_page, scalars=False)
