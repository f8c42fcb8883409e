"""Published match index files: write a build into its own folder, swap the pointer, map it.

Layout under ``<instance>/match-index/``::

    CURRENT                  the published build id (replaced atomically: temp file + os.replace)
    <build-id>/meta.json     positions, sizes, weights, the skill and domain columns
    <build-id>/<name>.npy    dense arrays; a sparse matrix ``x`` is x.data / x.indices / x.indptr
    <build-id>/text.json     the fitted text model's vocabulary and stop words (with
                             text_idf.npy and text_basis.npy): matching/features.TextProjection

Readers ``np.load(..., mmap_mode="r")`` every array, so all processes share the pages; the
writer fsyncs each array file and drops it from the page cache (see _save). A
folder is complete before CURRENT names it, and is deleted only after MATCH_INDEX_KEEP_SECONDS,
so a reader that still maps an older build keeps working. numpy and scipy only.
"""
from __future__ import annotations

import json
import mmap
import os
import shutil
import time
import uuid
from dataclasses import asdict
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .features import TextProjection, Weights
from .model import ARRAYS, MatchModel

POINTER = "CURRENT"
# The layout of a build's arrays; a build written with another one is not mapped (pages say
# matches are being prepared) and is rebuilt at the scheduler's next check.
FORMAT = 4  # 3: m_rows is CSR (was dense); 4: l_text and m_text CSR when mostly zeros (were dense)


def new_build_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def write_build(root: Path, build_id: str, model: MatchModel, ids: dict[str, np.ndarray], meta: dict,
                text: TextProjection) -> Path:
    """Write a complete build folder (not yet published)."""
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".{build_id}.tmp"
    tmp.mkdir()
    kinds = {}
    for name, value in {**model.arrays(), **ids}.items():
        if sp.issparse(value):
            m = value.tocsr()
            for part in ("data", "indices", "indptr"):
                _save(tmp / f"{name}.{part}.npy", getattr(m, part))
            kinds[name] = ["csr", list(m.shape)]
        else:
            _save(tmp / f"{name}.npy", np.ascontiguousarray(value))
            kinds[name] = ["dense"]
    (tmp / "text.json").write_text(json.dumps({"dims": text.dims, "token_pattern": text.token_pattern,
                                               "vocabulary": text.vocabulary,
                                               "stop_words": sorted(text.stop_words)}))
    _save(tmp / "text_idf.npy", text.idf)
    if text.basis is not None:
        _save(tmp / "text_basis.npy", text.basis)
    meta = {**meta, "build_id": build_id, "format": FORMAT, "arrays": kinds, "weights": asdict(model.w),
            "slot_hours": model.slot_hours}
    (tmp / "meta.json").write_text(json.dumps(meta))
    final = root / build_id
    os.replace(tmp, final)
    return final


def _save(path: Path, array: np.ndarray) -> None:
    """Write one array, make it durable, and drop its pages from the page cache.

    Readers map the files and fault in only the rows a query reads (MADV_RANDOM, see _map). Pages
    the writer leaves behind are large folios (up to MBs each), and a reader's fault maps a whole
    folio: reading one row would put most of a file in every worker's resident set. Pages read
    back from disk come in one at a time. Only clean pages can be dropped, hence the fsync first.
    """
    with open(path, "wb") as f:
        np.save(f, array)
        f.flush()
        os.fsync(f.fileno())
        if hasattr(os, "posix_fadvise"):  # not on every platform; without it the pages just stay
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def publish(root: Path, build_id: str) -> None:
    tmp = root / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(build_id)
    os.replace(tmp, root / POINTER)


def pointer_stamp(root: Path) -> tuple[int, int] | None:
    """A cheap fingerprint of the pointer file (one stat), None when nothing is published."""
    try:
        st = os.stat(_pointer(root))
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


@cache
def _pointer(root: Path) -> str:  # stat on every cached page: the path is joined once
    return str(root / POINTER)


def current_build(root: Path) -> str | None:
    try:
        return (root / POINTER).read_text().strip() or None
    except FileNotFoundError:
        return None


def published_meta(root: Path) -> dict | None:
    """The current build's metadata; None when nothing is published or it has another FORMAT."""
    build_id = current_build(root)
    if build_id is None or not (root / build_id / "meta.json").exists():
        return None
    meta = json.loads((root / build_id / "meta.json").read_text())
    return meta if meta.get("format") == FORMAT else None


def _map(path: Path) -> np.ndarray:
    """Map an array read-only, without read-ahead: a query reads a few scattered rows, and
    read-ahead would pull whole neighbourhoods of pages into every worker's resident set."""
    array = np.load(path, mmap_mode="r")
    handle = getattr(array, "_mmap", None)
    if handle is not None and hasattr(handle, "madvise"):
        handle.madvise(mmap.MADV_RANDOM)
    return array


class Build:
    """One published build, memory-mapped read-only."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.meta = json.loads((folder / "meta.json").read_text())
        arrays = {name: self._load(name, kind) for name, kind in self.meta["arrays"].items()}
        self.model = MatchModel.from_arrays({n: arrays[n] for n in ARRAYS}, Weights(**self.meta["weights"]),
                                            self.meta["slot_hours"])
        self.ids = {n: v for n, v in arrays.items() if n not in ARRAYS}
        self._text: TextProjection | None = None

    def _load(self, name: str, kind: list):
        if kind[0] == "csr":
            parts = [_map(self.folder / f"{name}.{p}.npy") for p in ("data", "indices", "indptr")]
            return sp.csr_matrix(tuple(parts), shape=tuple(kind[1]), copy=False)
        return _map(self.folder / f"{name}.npy")

    @property
    def text(self) -> TextProjection:
        """The text model, read on first use (only a changed person's text needs it)."""
        if self._text is None:
            spec = json.loads((self.folder / "text.json").read_text())
            basis = self.folder / "text_basis.npy"
            self._text = TextProjection(spec["dims"], spec["token_pattern"], spec["vocabulary"], spec["stop_words"],
                                        np.load(self.folder / "text_idf.npy"),
                                        np.load(basis) if basis.exists() else None)
        return self._text


def prune(root: Path, keep_seconds: float, now: float | None = None) -> list[str]:
    """Delete every build but the current one once the current one has been published for
    ``keep_seconds`` (readers switch on their next request); returns the ids deleted."""
    now = time.time() if now is None else now
    current = current_build(root)
    if current is None or now - os.stat(root / POINTER).st_mtime < keep_seconds:
        return []
    gone = []
    for folder in root.iterdir():
        if folder.is_dir() and folder.name != current and now - folder.stat().st_mtime >= keep_seconds:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder.name)
    return gone


def build_seqs(root: Path) -> list[int]:
    """Change-log positions of the builds still on disk (readers may still apply from them)."""
    out = []
    for folder in root.iterdir() if root.exists() else ():
        meta = folder / "meta.json"
        if folder.is_dir() and meta.exists():
            out.append(int(json.loads(meta.read_text())["seq"]))
    return out
