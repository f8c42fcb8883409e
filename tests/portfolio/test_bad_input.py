"""Malformed uploads and values on the portfolio pages: each answers 4xx with a message for
people (never a 500, never Python's own words) and saves nothing."""
from __future__ import annotations

import io
import json

import pytest

from fixtures.portfolio import GOOD_NOTEBOOK_CELLS, make_notebook
from mentorhub.errors import ValidationError
from mentorhub.portfolio.models import PortfolioItem
from mentorhub.portfolio.notebook import validate_notebook
from support import QueryLog, counted_get

from .test_views import count, item_form

LIMITS = {"max_bytes": 2_000_000, "max_output_bytes": 500_000, "max_cells": 1000}


def nb(cells, **top) -> bytes:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **top}).encode()


def code(**kw) -> dict:
    return {"cell_type": "code", "id": "c1", "metadata": {}, "source": "x = 1", "execution_count": None,
            "outputs": [], **kw}


ODD = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested far too deeply", id="deeply-nested-json"),
    pytest.param(nb({"a": 1}), "no list of cells", id="cells-a-dict"),
    pytest.param(nb("cells"), "no list of cells", id="cells-a-string"),
    pytest.param(nb([1]), "unexpected shape", id="cell-a-number"),
    pytest.param(nb([None]), "unexpected shape", id="cell-null"),
    pytest.param(nb([code(source=5)]), "not valid nbformat 4", id="source-a-number"),
    pytest.param(nb([code(source=[1, 2])]), "unexpected shape", id="source-list-of-numbers"),
    pytest.param(nb([code(outputs={"a": 1})]), "not valid nbformat 4", id="outputs-a-dict"),
    pytest.param(nb([code(outputs=[5])]), "not valid nbformat 4", id="output-a-number"),
    pytest.param(nb([code(outputs=[{"output_type": "stream", "name": "stdout", "text": 5}])]),
                 "not valid nbformat 4", id="stream-text-a-number"),
    pytest.param(nb([code(outputs=[{"output_type": "display_data", "metadata": {}, "data": {"image/png": 5}}])]),
                 "not valid nbformat 4", id="image-a-number"),
    pytest.param(nb([code(outputs=[{"output_type": "error", "ename": "E", "evalue": "", "traceback": "x"}])]),
                 "not valid nbformat 4", id="traceback-a-string"),
    pytest.param(nb([code()], metadata=[]), "unexpected shape", id="metadata-a-list"),
    pytest.param(nb([code()], nbformat_minor="x"), "unexpected shape", id="minor-version-a-string"),
    pytest.param(b'{"nbformat":4,"nbformat_minor":5,"metadata":{"x":NaN},"cells":[]}', "not valid JSON",
                 id="nan"),
    pytest.param(nb([code(source="\ud800")]), "not valid Unicode", id="lone-surrogate"),
]


@pytest.mark.parametrize("raw, message", ODD)
def test_odd_notebooks_are_refused_with_a_message(raw, message):
    with pytest.raises(ValidationError) as exc:
        validate_notebook(raw, **LIMITS)
    assert message in exc.value.message and exc.value.field == "notebook"
    # never Python's own words about its internals
    for leak in ("not iterable", "pop expected", "list index", "object has no attribute"):
        assert leak not in exc.value.message


def test_a_notebook_with_a_byte_order_mark_is_accepted_without_it():
    raw = make_notebook(*GOOD_NOTEBOOK_CELLS)
    assert validate_notebook(b"\xef\xbb\xbf" + raw, **LIMITS) == raw.decode()


@pytest.mark.parametrize("raw, message", [ODD[0], ODD[3], ODD[12], ODD[13], ODD[15]])
def test_odd_uploads_answer_400_and_save_nothing(app, client, make_user, login_as, raw, message):
    login_as(make_user())
    data = item_form()
    data["notebook"] = (io.BytesIO(raw), "odd.ipynb")
    resp = client.post("/portfolio/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(app, PortfolioItem) == 0


HUGE = "99999999999999999999999"  # no database integer holds it
PG_HUGE = str(2**31)  # past PostgreSQL INTEGER


@pytest.mark.parametrize("kw, message", [
    ({"skill_ids": HUGE}, "One of the chosen skills does not exist."),
    ({"domain_ids": HUGE}, "One of the chosen domains does not exist."),
    ({"project_id": HUGE}, "That project idea does not exist."),
])
def test_ids_too_large_for_the_database_answer_400_and_save_nothing(app, client, make_user, login_as, kw, message):
    login_as(make_user())
    resp = client.post("/portfolio/new", data=item_form(**kw))
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(app, PortfolioItem) == 0


def test_reviewer_settings_with_an_impossible_skill_answer_400_and_save_nothing(app, client, make_user, login_as):
    from mentorhub.portfolio.models import ReviewerSetting

    login_as(make_user())
    resp = client.post("/portfolio/reviewer", data={"is_opted_in": "y", "skill_ids": HUGE})
    assert resp.status_code == 400
    assert "One of the chosen skills does not exist." in resp.get_data(as_text=True)
    assert count(app, ReviewerSetting) == 0


def test_the_list_page_runs_as_many_queries_for_many_items_as_for_few(app, client, make_user, make_item,
                                                                      login_as, pf_skills):
    """No query per item: owners, skills and request states come in a fixed number of queries."""

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.portfolio import feedback

    me = make_user()
    def add(n: int) -> None:
        owner = make_user() if n % 2 else me
        item_id = make_item(owner, notebook=make_notebook(*GOOD_NOTEBOOK_CELLS), title=f"Work {n}",
                            skill_ids=[pf_skills["python"]])
        with app.app_context():
            feedback.request_feedback(db.session.get(User, owner.id), item_id, "community")

    def queries() -> tuple[int, str]:
        return counted_get(app, client, "/portfolio")

    add(0)
    add(1)
    login_as(me)
    queries()  # warm up per-process caches
    few, page = queries()
    assert page.count("Work ") == 2 and "Waiting for" in page
    for n in range(2, 8):
        add(n)
    many, page = queries()
    assert page.count("Work ") == 8 and page.count("Waiting for") == 4  # states of my own items only
    assert many == few


@pytest.mark.parametrize("path", ["/portfolio", "/portfolio/queue", "/dashboard"])
def test_list_pages_never_load_notebooks(app, client, make_user, make_item, login_as, opt_in, path):
    """Notebooks weigh up to MBs: the list, the queue and the dashboard's queue count leave them out."""

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.portfolio import feedback

    owner = make_user()
    item_id = make_item(owner, notebook=make_notebook(*GOOD_NOTEBOOK_CELLS), title="Churn with notebook")
    with app.app_context():
        feedback.request_feedback(db.session.get(User, owner.id), item_id, "community")
    reviewer = opt_in(make_user())
    login_as(reviewer)
    with QueryLog(app) as log:
        body = client.get(path).get_data(as_text=True)
    statements = log.statements
    assert ("Churn with notebook" in body) if path != "/dashboard" else ("1 item waiting" in body)
    # (a count over the list's subquery names the column but reads no rows of it)
    assert [s for s in statements if "notebook_json" in s and not s.startswith("SELECT count(")] == []


@pytest.mark.postgres
@pytest.mark.parametrize("value", [PG_HUGE, HUGE])
def test_item_ids_past_the_database_integer_are_refused_on_both_engines(any_app, password_hash, value):
    from sqlalchemy import func, select

    from conftest import user_factory
    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.portfolio import items

    owner = user_factory(any_app, password_hash)()
    with any_app.app_context():
        actor = db.session.get(User, owner.id)
        for kw, field in (({"skill_ids": [int(value)]}, "skills"), ({"domain_ids": [int(value)]}, "domains"),
                          ({"project_id": int(value)}, "project_id")):
            with pytest.raises(ValidationError) as err:
                items.create_item(actor, {"title": "Churn", **kw})
            assert err.value.field == field
            db.session.rollback()
        assert db.session.scalar(select(func.count(PortfolioItem.id))) == 0
