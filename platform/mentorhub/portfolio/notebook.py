"""Jupyter notebooks: validation without execution, safe rendering, static hints.

Nothing from a notebook runs in the browser: markdown cells go through the project's
markdown pipeline (markdown-it, then nh3), code and text outputs are escaped, and the only
rich outputs shown are PNG and JPEG images as data: URIs (whose bytes are checked). HTML,
SVG, JavaScript and widget outputs are dropped with a note.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import time
from dataclasses import asdict, dataclass, field

from markupsafe import Markup

from ..errors import ValidationError
from ..lazyimport import lazy_module
from ..markdown import render_markdown

# nbformat (with jsonschema) is only needed to check an uploaded notebook.
nbformat = lazy_module("nbformat")

IMAGE_TYPES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def _output_size(output: dict) -> int:
    return len(json.dumps(output, ensure_ascii=False))


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


# ---- the work budget of one upload ---------------------------------------------------------

TOO_MUCH_WORK = ("This notebook takes too much work to check and show. Split it into smaller notebooks, "
                 "or clear long outputs and very long cells, then upload it again.")


@dataclass
class Budget:
    """The work an upload may cost: ``steps`` counts the characters handed to each linear pass
    (parsing, schema check, each pattern, rendering), and ``seconds`` is a wall-clock backstop.
    Every pass is linear in its input, so the steps bound the time; running out is a 400."""

    max_steps: int
    seconds: float
    steps: int = 0
    deadline: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def spend(self, steps: int) -> None:
        self.steps += steps
        if self.steps > self.max_steps or time.monotonic() >= self.deadline:
            raise ValidationError(TOO_MUCH_WORK, field="notebook")


def _unlimited() -> Budget:
    return Budget(max_steps=2**62, seconds=float("inf"))


@dataclass(frozen=True)
class Limits:
    """The caps of one upload (the PORTFOLIO_NOTEBOOK_* settings)."""

    max_bytes: int
    max_output_bytes: int
    max_cells: int
    cell_source: int  # characters of one code or raw cell
    source: int  # characters of code and raw cells together
    cell_markdown: int  # characters of one markdown cell
    markdown: int  # characters of markdown cells together
    work_steps: int
    work_seconds: float


@dataclass(frozen=True)
class PreparedNotebook:
    """What is stored for an accepted upload: its text, the sanitised HTML and the hints."""

    text: str
    html: str
    hints: list[dict]
    steps: int


def prepare_notebook(raw: bytes, limits: Limits) -> PreparedNotebook:
    """Validate, render and hint an upload within one work budget. Pure CPU, no database: call it
    before the write transaction begins. Raises ValidationError with a message for people."""
    budget = Budget(limits.work_steps, limits.work_seconds)
    text = validate_notebook(raw, max_bytes=limits.max_bytes, max_output_bytes=limits.max_output_bytes,
                             max_cells=limits.max_cells, budget=budget)
    _check_sizes(json.loads(text), limits)
    budget.spend(len(text))
    html = str(render_notebook(text, budget))
    hints = [h.to_dict() for h in notebook_hints(text, budget)]
    return PreparedNotebook(text=text, html=html, hints=hints, steps=budget.steps)


def _check_sizes(data: dict, limits: Limits) -> None:
    markdown = source = 0
    for index, cell in enumerate(data["cells"], start=1):
        size = len(_text(cell.get("source")))
        if cell.get("cell_type") == "markdown":
            markdown += size
            if size > limits.cell_markdown:
                raise ValidationError(
                    f"Markdown cell {index} has {size} characters; a markdown cell may have at most "
                    f"{limits.cell_markdown}. Split it or shorten it.", field="notebook")
        else:
            source += size
            if size > limits.cell_source:
                raise ValidationError(
                    f"Cell {index} has {size} characters of code; a cell may have at most "
                    f"{limits.cell_source}. Split it or move data out of the notebook.", field="notebook")
    if markdown > limits.markdown:
        raise ValidationError(
            f"The notebook's markdown cells have {markdown} characters together; the limit is "
            f"{limits.markdown}.", field="notebook")
    if source > limits.source:
        raise ValidationError(
            f"The notebook's code cells have {source} characters together; the limit is {limits.source}.",
            field="notebook")


def validate_notebook(raw: bytes, *, max_bytes: int, max_output_bytes: int, max_cells: int,
                      budget: Budget | None = None) -> str:
    """Check an upload and return its text. Raises ValidationError with a message for people."""
    budget = budget or _unlimited()
    if not raw:
        raise ValidationError("The notebook file is empty.", field="notebook")
    if len(raw) > max_bytes:
        raise ValidationError(
            f"The notebook is too large ({len(raw) // 1024} KB); the limit is {max_bytes // 1024} KB. "
            "Clear the outputs or save a smaller version.", field="notebook")
    budget.spend(len(raw))
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark some editors add is dropped
        data = json.loads(text, parse_constant=_no_constant)  # NaN / Infinity are not JSON
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("That file is not a Jupyter notebook: it is not valid JSON.",
                              field="notebook") from None
    except RecursionError:
        raise ValidationError("That file is not a Jupyter notebook: its JSON is nested far too deeply.",
                              field="notebook") from None
    try:  # an escaped lone surrogate (\ud800) decodes but could never be shown as UTF-8
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("The notebook contains text that is not valid Unicode. Save it again in Jupyter.",
                              field="notebook") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValidationError("That file is not a Jupyter notebook: it has no list of cells.",
                              field="notebook")
    if data.get("nbformat") != 4:
        raise ValidationError(
            f"Only notebooks in format 4 can be uploaded (this one says {data.get('nbformat')!r}). "
            "Open and save it in a current Jupyter to convert it.", field="notebook")
    budget.spend(2 * len(text))  # the Unicode check above and nbformat's parse below
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
    except Exception as exc:
        # The schema's own words say what is wrong; but nbformat also trips over shapes its schema
        # never expected (a cell that is a number…) and then reports Python internals instead.
        detail = (getattr(exc, "message", None) or str(exc) or "").strip().splitlines()
        if isinstance(exc, nbformat.ValidationError) and detail and "expected key" not in detail[0]:
            raise ValidationError(f"The notebook's structure is not valid nbformat 4: {detail[0][:200]}",
                                  field="notebook") from None
        raise ValidationError("The notebook's structure is not valid nbformat 4: a cell, an output or the "
                              "metadata has an unexpected shape. Open and save it in Jupyter, then upload "
                              "it again.", field="notebook") from None
    if len(data["cells"]) > max_cells:
        raise ValidationError(f"The notebook has {len(data['cells'])} cells; the limit is {max_cells}.",
                              field="notebook")
    budget.spend(len(text))  # the schema check
    for index, cell in enumerate(data["cells"], start=1):
        for output in cell.get("outputs") or []:
            size = _output_size(output)
            budget.spend(size)
            if size > max_output_bytes:
                raise ValidationError(
                    f"Cell {index} has an output larger than {max_output_bytes // 1024} KB. "
                    "Clear that output (or all outputs) and upload again.", field="notebook")
    return text


# ---- rendering --------------------------------------------------------------------------


def _image(mime: str, payload) -> Markup | None:
    data = _text(payload).strip().replace("\n", "")
    try:
        decoded = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not decoded.startswith(IMAGE_TYPES[mime]):
        return None
    # ``data`` passed base64 validation, so it holds only [A-Za-z0-9+/=].
    return Markup('<img class="nb-image" alt="Output image" src="data:{};base64,{}">').format(mime, data)


def _render_output(output: dict) -> Markup:
    kind = output.get("output_type")
    if kind == "stream":
        css = "nb-stderr" if output.get("name") == "stderr" else "nb-stdout"
        return Markup('<pre class="nb-output {}">{}</pre>').format(css, _text(output.get("text")))
    if kind == "error":
        trace = ANSI.sub("", "\n".join(_text(line) for line in output.get("traceback") or []))
        head = f"{_text(output.get('ename'))}: {_text(output.get('evalue'))}"
        return Markup('<pre class="nb-output nb-error">{}</pre>').format(trace or head)
    if kind in ("execute_result", "display_data"):
        data = output.get("data") or {}
        for mime in IMAGE_TYPES:
            if mime in data:
                img = _image(mime, data[mime])
                if img is not None:
                    return Markup('<div class="nb-output">{}</div>').format(img)
        if "text/plain" in data:
            return Markup('<pre class="nb-output">{}</pre>').format(_text(data["text/plain"]))
        if data:
            return Markup('<p class="nb-output nb-omitted">An output of type {} is not shown.</p>').format(
                ", ".join(sorted(data)))
    return Markup("")


def render_notebook(text: str, budget: Budget | None = None) -> Markup:
    """The notebook as inert HTML."""
    budget = budget or _unlimited()
    data = json.loads(text)
    budget.spend(len(text))
    language = ((data.get("metadata") or {}).get("language_info") or {}).get("name") or "python"
    parts: list[Markup] = []
    for index, cell in enumerate(data.get("cells") or [], start=1):
        kind = cell.get("cell_type")
        source = _text(cell.get("source"))
        # markdown-it and nh3 each pass over the text once; outputs are escaped once
        budget.spend(2 * len(source) + sum(_output_size(o) for o in cell.get("outputs") or []))
        if kind == "markdown":
            parts.append(Markup('<div class="nb-cell nb-markdown">{}</div>').format(render_markdown(source)))
        elif kind == "code":
            count = cell.get("execution_count")
            label = f"In [{count if count is not None else ' '}]"
            outputs = Markup("").join(_render_output(o) for o in cell.get("outputs") or [])
            parts.append(Markup(
                '<div class="nb-cell nb-code" id="nb-cell-{}"><span class="nb-prompt">{}</span>'
                '<pre class="nb-source"><code data-language="{}">{}</code></pre>{}</div>'
            ).format(index, label, language, source, outputs))
        else:
            parts.append(Markup('<div class="nb-cell nb-raw"><pre>{}</pre></div>').format(source))
    return Markup('<div class="notebook">{}</div>').format(Markup("").join(parts))


# ---- hints ---------------------------------------------------------------------------------


@dataclass
class Hint:
    check: str
    ok: bool
    title: str
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


def _strip_comment(line: str) -> str:
    """Drop a trailing # comment, leaving # inside quotes alone."""
    if "#" not in line:
        return line
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def code_of(data: dict) -> str:
    lines = []
    for cell in data.get("cells") or []:
        if cell.get("cell_type") == "code":
            for line in _text(cell.get("source")).splitlines():
                lines.append(_strip_comment(line))
    return "\n".join(lines)


SEED = re.compile(
    r"random_state\s*=\s*\d|\b(np\.random|numpy\.random|random|torch(\.cuda)?)\.(manual_)?seed(_all)?\s*\("
    r"|\bset_seed\s*\(|\bseed_everything\s*\(|\bset_random_seed\s*\(|\bdefault_rng\s*\(\s*\d|\bPYTHONHASHSEED"
)
SPLIT = re.compile(
    r"\btrain_test_split\s*\(|\b(Stratified|Group|Repeated)?KFold\s*\(|\bTimeSeriesSplit\s*\("
    r"|\bShuffleSplit\s*\(|\bcross_val(_score|_predict|idate)\s*\(|\bGridSearchCV\s*\(|\bRandomizedSearchCV\s*\("
    r"|\brandom_split\s*\(|\.sample\s*\(\s*frac\s*=|\bvalidation_split\s*="
)
FIT = re.compile(r"\.fit(_transform|_resample)?\s*\(")
METRIC = re.compile(
    r"\b(accuracy|f1|precision|recall|roc_auc|average_precision|balanced_accuracy|log_loss|"
    r"mean_squared|mean_absolute|mean_absolute_percentage|median_absolute|r2|explained_variance|"
    r"matthews_corrcoef|cohen_kappa|top_k_accuracy)(_score|_error)?\s*\("
    r"|\bclassification_report\s*\(|\bconfusion_matrix\s*\(|\.score\s*\(|\.evaluate\s*\("
    r"|\bmetrics\.[a-z_]+\s*\(|\bevaluate\.load\s*\("
)
DEPENDENCIES = re.compile(
    r"[%!]\s*pip\s+(install|freeze)|[%!]\s*conda\s+(install|list)|requirements\.txt|environment\.ya?ml"
    r"|pyproject\.toml|__version__|%watermark|\bwatermark\b|pip\s+freeze|importlib\.metadata|pkg_resources"
    # A pin such as name==1.2: the name starts only where a run of [\w-] starts (the lookbehind), so
    # each run is scanned once; "\b" there made "a-a-a-…" quadratic (every letter a new start).
    r"|(?<![\w\-])[a-zA-Z][\w\-]*==\d"
)


# Cheap literal pre-checks: a regex runs only if one of its words occurs at all.
_WORDS = {
    "seed": ("seed", "random_state", "default_rng", "PYTHONHASHSEED"),
    "split": ("split", "Fold", "cross_val", "SearchCV", "sample", "validation_split"),
}


def _search(pattern: re.Pattern, text: str, words: tuple[str, ...] = ()):
    if words and not any(w in text for w in words):
        return None
    return pattern.search(text)


def notebook_hints(text: str, budget: Budget | None = None) -> list[Hint]:
    """Four static checks over the code cells. Hints for the author, never a grade.

    Every pattern is linear in the text (no nested or overlapping quantifiers), and each of the
    passes below (comments, seed, split, fit, metric, dependencies) is charged to ``budget``."""
    budget = budget or _unlimited()
    data = json.loads(text)
    budget.spend(len(text))
    code = code_of(data)
    all_text = code + "\n" + "\n".join(
        _text(c.get("source")) for c in data.get("cells") or [] if c.get("cell_type") == "markdown"
    )
    budget.spend(5 * len(code) + len(all_text))
    hints = []

    if _search(SEED, code, _WORDS["seed"]):
        hints.append(Hint("seed", True, "A random seed is set",
                          "Runs should repeat with the same numbers."))
    else:
        hints.append(Hint("seed", False, "No random seed found",
                          "Set a seed (for example random_state=42, np.random.seed, torch.manual_seed) "
                          "so that splits and training give the same results on every run."))

    split = _search(SPLIT, code, _WORDS["split"])
    fit = FIT.search(code)
    if fit is None:
        hints.append(Hint("split", True, "No fitting found",
                          "Nothing is fitted in this notebook, so there is no split to check."))
    elif split is None:
        hints.append(Hint("split", False, "No train/test split found",
                          "Something is fitted but no held-out data was found. Keep a test set (or use "
                          "cross-validation) so the score says how the model does on new data."))
    elif fit.start() < split.start():
        line = code[: fit.start()].count("\n") + 1
        hints.append(Hint("split", False, "Something is fitted before the data is split",
                          f"A .fit call (code line {line}) comes before the first split. Fitting a scaler "
                          "or model on all the data lets test information leak into training. Split "
                          "first, then fit on the training part only (a Pipeline helps)."))
    else:
        hints.append(Hint("split", True, "The data is split before fitting",
                          "The first split comes before the first fit."))

    if METRIC.search(code):
        hints.append(Hint("metric", True, "An evaluation metric is reported",
                          "Say why this metric suits the problem, and compare it with a baseline."))
    else:
        hints.append(Hint("metric", False, "No evaluation metric found",
                          "Report a metric that fits the problem (accuracy, F1, ROC AUC, RMSE, …) on "
                          "held-out data, next to a simple baseline."))

    if DEPENDENCIES.search(all_text):
        hints.append(Hint("dependencies", True, "Dependencies or versions are recorded",
                          "Others can rebuild the environment."))
    else:
        hints.append(Hint("dependencies", False, "No dependencies or versions recorded",
                          "Record the packages and versions you used (a pinned requirements.txt, "
                          "%pip install name==version, or printing __version__) so the notebook can be rerun."))
    return hints
