"""Item 1: a notebook upload cannot stall the site. Every pattern over notebook text is linear,
each cell and the whole notebook are capped, and the checks run within a work budget counted in
characters handed to linear passes (not wall-clock): adversarial notebooks at the size limit
finish within a bounded number of steps, and running out of budget is a clear 400."""
from __future__ import annotations

import io

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.portfolio import items
from mentorhub.portfolio import notebook as nbmod
from mentorhub.portfolio.models import PortfolioItem

# Every pass is linear, so the whole upload costs a small multiple of its size.
STEPS_PER_BYTE = 16


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def adversarial(code_unit: str, md_unit: str, limits: nbmod.Limits) -> bytes:
    """A notebook just under ``limits.max_bytes`` whose code and markdown cells are full to their
    caps with ``code_unit`` / ``md_unit`` repeated (one line each, the worst case for a pattern
    that restarts at every position), padded with stream outputs."""
    nb = new_notebook()
    n_code = limits.source // limits.cell_source
    for _ in range(n_code):
        nb.cells.append(new_code_cell(_repeat(code_unit, limits.cell_source)))
    for _ in range(limits.markdown // limits.cell_markdown):
        nb.cells.append(new_markdown_cell(_repeat(md_unit, limits.cell_markdown)))
    size = len(nbformat.writes(nb).encode())
    cell = nb.cells[0]
    while size < limits.max_bytes - 2000:
        chunk = min(limits.max_output_bytes - 200, limits.max_bytes - 2000 - size)
        cell.outputs.append(new_output("stream", name="stdout", text=_repeat(code_unit, chunk)))
        size = len(nbformat.writes(nb).encode())
    raw = nbformat.writes(nb).encode()
    assert limits.max_bytes - 4000 < len(raw) <= limits.max_bytes
    return raw


UNITS = [
    ("a-", "a-"),  # the reported quadratic pin pattern (name==version)
    ("a-a=", "a_-"),
    ("random_state ", "![a]("),
    ("! pip ", "*a_"),
    ("metrics.a", "[" ),
    (".fit (", "`a"),
    ("(.fit", "> - "),
]


@pytest.mark.timeout(120)  # a hang guard only: the quadratic pattern ran for hours at this size
@pytest.mark.parametrize("code_unit, md_unit", UNITS)
def test_item01_notebook_regex_linear_at_the_size_limit(app, code_unit, md_unit):
    with app.app_context():
        limits = items.notebook_limits()
        raw = adversarial(code_unit, md_unit, limits)
        prepared = nbmod.prepare_notebook(raw, limits)
    assert prepared.steps <= STEPS_PER_BYTE * len(raw)
    assert prepared.html.startswith('<div class="notebook">') and len(prepared.hints) == 4


@pytest.mark.timeout(120)
def test_item01_adversarial_upload_is_accepted_over_http(app, client, make_user, login_as):
    login_as(make_user())
    with app.app_context():
        raw = adversarial("a-", "a-", items.notebook_limits())
    resp = client.post("/portfolio/new", content_type="multipart/form-data", data={
        "title": "Dashes", "visibility": "members", "status": "draft", "notebook": (io.BytesIO(raw), "a.ipynb")})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PortfolioItem)) == 1


@pytest.mark.parametrize("setting, value", [("PORTFOLIO_NOTEBOOK_WORK_STEPS", 10_000),
                                            ("PORTFOLIO_NOTEBOOK_WORK_SECONDS", 0)])
def test_item01_out_of_budget_is_a_clear_400(app, client, make_user, login_as, good_notebook, setting, value):
    app.config[setting] = value
    login_as(make_user())
    resp = client.post("/portfolio/new", content_type="multipart/form-data", data={
        "title": "Work", "visibility": "members", "status": "draft",
        "notebook": (io.BytesIO(good_notebook * 1), "w.ipynb")})
    assert resp.status_code == 400
    assert "takes too much work to check" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PortfolioItem)) == 0


def test_item01_pin_pattern_still_finds_pins():
    assert nbmod.DEPENDENCIES.search("%pip install scikit-learn==1.5.0")
    assert nbmod.DEPENDENCIES.search("x = 1\nnumpy==2")
    assert not nbmod.DEPENDENCIES.search("a-" * 1000 + "=")
