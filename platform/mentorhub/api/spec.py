"""The OpenAPI 3.1 document, built by spectree from the pydantic models each route declares,
and the shared pieces every resource uses: the problem schema, cursor pages, standard errors.

spectree validates each request's query and JSON body against the same models it documents,
and each response against its declared model, so the document cannot drift from the code.
"""
from __future__ import annotations

import base64
import binascii
import copy
from typing import Any

from pydantic import ConfigDict, Field
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from sqlalchemy import Select

from ..db import MAX_DB_INT, db
from ..validation import setting
from .problems import PROBLEM_TYPE, ApiProblem
from .schemas import Shape


class Problem(Shape):
    """An error (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def _refuse_invalid(req, resp, req_validation_error, instance, model_adapter) -> None:
    """spectree's "before" hook: a request that breaks its schema gets a 400 problem document."""
    if req_validation_error is not None:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")}
                  for e in req_validation_error.errors()]
        raise ApiProblem(400, "The request does not match the API's schema: "
                         + "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors), errors)


class _SchemasOnDemand(SpecTree):
    """spectree turns every route's models into JSON schemas as the route is declared: about 200
    schemas, 0.15 s of every process's start (web workers, the scheduler, each ``flask`` command)
    for a document few ever read. Here they are noted in order and turned into schemas, in the
    same order, the first time the document is built. Validating requests uses the model classes
    themselves, not these schemas."""

    def __init__(self, *args, **kwargs):
        self._pending: list[tuple[Any, str]] = []
        super().__init__(*args, **kwargs)

    def _add_model(self, model, mode="validation") -> str:
        self._pending.append((model, mode))
        return self.naming_strategy(model)

    def _generate_spec(self) -> dict[str, Any]:
        pending, self._pending = self._pending, []
        for model, mode in pending:
            super()._add_model(model, mode)
        return super()._generate_spec()


spec = _SchemasOnDemand(
    "flask", mode="strict", title="mentorhub API", version="1",
    description="Read and act on mentorhub with a personal access token "
                "(Authorization: Bearer <token>). Errors are application/problem+json.",
    path="api-spectree", page_templates={}, before=_refuse_invalid,
    validation_error_status=400, validation_error_model=Problem,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"bearer": []},
    naming_strategy=lambda model: model.__name__,
    nested_naming_strategy=lambda _parent, child: child,
)

READ = {"bearer": []}
ERRORS_READ = (401, 403, 404, 429)
ERRORS_WRITE = (400, 401, 403, 404, 409, 429)


def responses(ok: int, model, errors=ERRORS_READ) -> Response:
    return Response(**{f"HTTP_{ok}": model}, **{f"HTTP_{code}": Problem for code in errors})


def document() -> dict:
    """The OpenAPI document: spectree's, with error bodies typed as problem documents."""
    doc = copy.deepcopy(spec.spec)
    for path in doc.get("paths", {}).values():
        for operation in path.values():
            for code, answer in operation.get("responses", {}).items():
                content = answer.get("content", {})
                if code.isdigit() and int(code) >= 400 and "application/json" in content:
                    content[PROBLEM_TYPE] = content.pop("application/json")
    return doc


# ---- cursor pages ----------------------------------------------------------------------------


class PageQuery(Shape):
    model_config = ConfigDict(extra="ignore")

    cursor: str | None = Field(None, max_length=40, description="next_cursor of the previous page")
    limit: int | None = Field(None, ge=1, description="items per page (API_PAGE_SIZE by default, at most API_PAGE_SIZE_MAX)")


def _decode(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)).decode("ascii")
        kind, _, number = raw.partition(":")
        value = int(number)
    except (ValueError, UnicodeError, binascii.Error):
        value, kind = 0, ""
    if kind != "id" or not 0 < value <= MAX_DB_INT:
        raise ApiProblem(400, "That cursor is not one this API gave out. Start again without it.")
    return value


def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode("ascii")).decode("ascii").rstrip("=")


def cursor_page(stmt: Select, query: PageQuery | None, *, scalars: bool = True) -> tuple[list, str | None]:
    """Newest first by id, ``limit`` rows after the cursor: (rows, next cursor or None). Keyset
    paging: each page costs the same whatever its depth, and rows added meanwhile never shift it."""
    entity = stmt.column_descriptions[0]["entity"]
    limit = query.limit if query and query.limit else setting("API_PAGE_SIZE")
    if limit > setting("API_PAGE_SIZE_MAX"):
        raise ApiProblem(400, f"Ask for at most {setting('API_PAGE_SIZE_MAX')} items a page.")
    after = _decode(query.cursor if query else None)
    stmt = stmt.order_by(None).order_by(entity.id.desc()).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(entity.id < after)
    result = db.session.execute(stmt)
    rows = list(result.unique().scalars() if scalars else result.unique())
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    last_id = (last.id if scalars else last[0].id) if last is not None else None
    return rows, (_encode(last_id) if more and last_id is not None else None)


def operation(**kw):
    """spectree's ``validate`` for an API route: the answer is the JSON of the validated model
    (so times are ISO 8601, as documented), never Flask's own serialisation of the dict."""
    return spec.validate(force_resp_serialize=True, **kw)
