"""Notebook validation, safe rendering and hints: pure functions, no database."""
from __future__ import annotations

import json

import pytest

from fixtures.portfolio import GOOD_NOTEBOOK_CELLS, PNG_1PX, make_notebook
from mentorhub.errors import ValidationError
from mentorhub.portfolio.notebook import notebook_hints, render_notebook, validate_notebook

LIMITS = {"max_bytes": 200_000, "max_output_bytes": 20_000, "max_cells": 50}


def hints_of(*cells) -> dict[str, bool]:
    return {h.check: h.ok for h in notebook_hints(make_notebook(*cells).decode())}


# ---- validation ----------------------------------------------------------------------------


def test_a_valid_notebook_is_accepted():
    raw = make_notebook(*GOOD_NOTEBOOK_CELLS)
    assert validate_notebook(raw, **LIMITS) == raw.decode()


@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"this is not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"[1, 2, 3]", "no list of cells"),
    (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [], "cells": [], "metadata": {}}).encode(),
     "format 4"),
    (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "bogus"}]}).encode(),
     "not valid nbformat 4"),
])
def test_bad_uploads_get_a_clear_message(raw, message):
    with pytest.raises(ValidationError) as exc:
        validate_notebook(raw, **LIMITS)
    assert message in exc.value.message
    assert exc.value.field == "notebook"


def test_too_large_and_huge_outputs_and_too_many_cells_are_refused():
    big = make_notebook(("code", "x = 1\n" * 40_000))
    with pytest.raises(ValidationError, match="too large"):
        validate_notebook(big, **LIMITS)
    huge_output = make_notebook(("code", "print('x' * 10**6)",
                                 [{"output_type": "stream", "name": "stdout", "text": "x" * 30_000}]))
    with pytest.raises(ValidationError, match="Cell 1 has an output larger"):
        validate_notebook(huge_output, **LIMITS)
    many = make_notebook(*[("code", "1")] * 51)
    with pytest.raises(ValidationError, match="51 cells"):
        validate_notebook(many, **LIMITS)


# ---- rendering -------------------------------------------------------------------------------


def test_markdown_cells_are_rendered_and_sanitised():
    html = str(render_notebook(make_notebook(
        ("md", "# Title\n<script>alert(1)</script>\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>\n"
               "<svg onload=alert(4)><circle/></svg>"),
    ).decode()))
    assert "<h2>Title</h2>" in html  # user headings sit one level below the page's h1
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, inert


def test_code_and_text_outputs_are_escaped():
    html = str(render_notebook(make_notebook(
        ("code", "print('<script>alert(1)</script>')",
         [{"output_type": "stream", "name": "stdout", "text": "<b onmouseover=alert(1)>hi</b>"},
          {"output_type": "execute_result", "execution_count": 1,
           "data": {"text/plain": "<img src=x onerror=alert(2)>"}, "metadata": {}},
          {"output_type": "error", "ename": "ValueError", "evalue": "bad",
           "traceback": ["\x1b[31mValueError\x1b[0m: <bad>"]}]),
    ).decode()))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(1)&gt;hi&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "ValueError: &lt;bad&gt;" in html and "\x1b" not in html
    assert "<script" not in html and "<b " not in html and "<img src=x" not in html


def test_only_png_and_jpeg_images_render_and_html_svg_js_outputs_are_dropped():
    svg = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"
    html = str(render_notebook(make_notebook(
        ("code", "plot()", [
            {"output_type": "display_data", "data": {"image/png": PNG_1PX, "text/plain": "<Figure>"}, "metadata": {}},
            {"output_type": "display_data", "data": {"image/svg+xml": svg}, "metadata": {}},
            {"output_type": "display_data", "data": {"text/html": "<script>alert(1)</script>"}, "metadata": {}},
            {"output_type": "display_data", "data": {"application/javascript": "alert(1)"}, "metadata": {}},
            # claims to be PNG but is an SVG: refused, the text/plain fallback shows instead
            {"output_type": "display_data",
             "data": {"image/png": "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+", "text/plain": "fake"}, "metadata": {}},
        ]),
    ).decode()))
    assert f'src="data:image/png;base64,{PNG_1PX}"' in html
    assert html.count("<img") == 1
    assert "<svg" not in html and "<script" not in html and "onload" not in html and "alert(1)" not in html
    assert "An output of type image/svg+xml is not shown." in html
    assert "An output of type text/html is not shown." in html
    assert "An output of type application/javascript is not shown." in html
    assert ">fake<" in html


# ---- hints ---------------------------------------------------------------------------------------


def test_a_careful_notebook_passes_every_check():
    assert hints_of(*GOOD_NOTEBOOK_CELLS) == {"seed": True, "split": True, "metric": True, "dependencies": True}


def test_scaler_fitted_before_the_split_is_a_leakage_smell():
    hints = notebook_hints(make_notebook(
        ("code", "X = scaler.fit_transform(X)"),
        ("code", "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=1)"),
        ("code", "model.fit(X_train, y_train)"),
    ).decode())
    split = next(h for h in hints if h.check == "split")
    assert not split.ok and "before the first split" in split.detail


def test_missing_seed_metric_and_versions_are_flagged():
    assert hints_of(("code", "import pandas as pd\ndf = pd.read_csv('data.csv')\nmodel.fit(X, y)")) == {
        "seed": False, "split": False, "metric": False, "dependencies": False}


def test_commented_out_code_does_not_count():
    got = hints_of(("code", "# np.random.seed(0)\n# accuracy_score(a, b)\nmodel.fit(X, y)  # train_test_split later"))
    assert got["seed"] is False and got["metric"] is False and got["split"] is False


def test_other_ways_of_seeding_splitting_and_recording_versions_are_recognised():
    got = hints_of(
        ("md", "Dependencies are pinned in requirements.txt."),
        ("code", "torch.manual_seed(7)\ntrain_ds, val_ds = random_split(ds, [800, 200])"),
        ("code", "trainer.fit(model, train_ds)\nprint(mean_squared_error(y, p))"),
    )
    assert got == {"seed": True, "split": True, "metric": True, "dependencies": True}


def test_a_notebook_without_fitting_has_nothing_to_split():
    assert hints_of(("code", "print('hello')"))["split"] is True
