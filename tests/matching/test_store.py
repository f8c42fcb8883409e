"""The published build's files: how they are written (page cache) and stored (sparse m_rows,
l_text and m_text)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from mentorhub.matching import explain, model, store
from mentorhub.matching.features import Weights, dense_row
from mentorhub.matching.reader import index_root
from mentorhub.matching.scoring import Scorer
from mentorhub.matching.synthetic import community
from mentorhub.matching.text import text_vectors
from support import cached_pages


def _filesystem(path: Path) -> str:
    """The type of the filesystem holding ``path`` (the longest mount point above it)."""
    mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    path = str(path.resolve())
    return max(((m, t) for m, t in mounts if path == m or path.startswith(m.rstrip("/") + "/")),
               key=lambda mt: len(mt[0]))[1]


def test_a_published_build_leaves_none_of_its_arrays_in_the_page_cache(app, taxonomy, make_learner, make_mentor,
                                                                       publish_index, tmp_path):
    """Readers fault in only the rows they read; pages the writer left behind would be mapped
    whole (large folios) by every reader."""
    make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)],
                 goals="fine-tune transformers")
    make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)], bio="transformers at work")
    meta = publish_index()
    with app.app_context():
        folder = index_root() / meta["build_id"]
    if _filesystem(folder) in {"tmpfs", "ramfs"}:
        pytest.skip("on a tmpfs the page cache is the file's only copy: there is nothing to drop")
    files = sorted(folder.glob("*.npy"))
    assert len(files) > 40 and "m_rows.data.npy" in {f.name for f in files}
    control = tmp_path / "control.npy"  # the check itself sees pages a plain write leaves
    np.save(control, np.zeros(4096, np.float64))
    assert cached_pages(control)[0] > 0
    cached = {f.name: cached_pages(f) for f in files}
    assert sum(total for _, total in cached.values()) >= len(files)
    assert {name: c for name, c in cached.items() if c[0]} == {}


@pytest.fixture(scope="module")
def svd_text():
    """(community, scorer): many distinct words, so the text vectors are SVD-reduced (dense)."""
    c = community(60, 25, 10, seed=5)
    return c, Scorer(c.learners, c.mentors, c.projects)


@pytest.fixture(scope="module")
def scorer(svd_text):
    return svd_text[1]


@pytest.fixture(scope="module")
def sparse_text():
    """(community, scorer): few distinct words (no SVD), so text vectors are mostly zeros, as at 100k."""
    c = community(60, 25, 10, seed=5)
    words = ["pytorch", "nlp", "vision", "robotics", "finance", "audio"]
    c.learners.text = [" ".join(words[k % 6] for k in range(i % 3 + 1)) for i in range(60)]
    c.mentors.text = [words[j % 6] + " " + words[(j + 2) % 6] for j in range(25)]
    return c, Scorer(c.learners, c.mentors, c.projects)


def test_m_rows_is_stored_as_csr_and_mapped_back_as_csr(scorer, tmp_path):
    folder = store.write_build(tmp_path, "b1", scorer, {}, {"seq": 0}, scorer.text_model.projection())
    build = store.Build(folder)
    assert build.meta["arrays"]["m_rows"] == ["csr", [25, scorer.mTf.shape[0]]]
    assert not (folder / "m_rows.npy").exists() and build.meta["format"] == store.FORMAT
    mapped = build.model.m_rows
    assert sp.issparse(mapped) and not mapped.data.flags.owndata  # a view of the mapped file
    assert np.array_equal(mapped.toarray(), scorer.m_rows.toarray())
    # mTf is still the dense transposed copy, times the activity factor
    assert np.array_equal(build.model.mTf, scorer.m_rows.toarray().T * scorer.m_factor[None, :])


@pytest.mark.parametrize("dims", [64, 3])
def test_text_vectors_are_stored_in_their_smaller_form(sparse_text, tmp_path, dims):
    """l_text and m_text (one text vector per learner / mentor) hold exactly the dense vectors of
    the text fit: as canonical CSR when mostly zeros (few words, 64 dims), as the dense array when
    every vector is dense (3 dims: SVD), where CSR would double them."""
    c, _ = sparse_text
    w = Weights(text_dims=dims)
    scorer = Scorer(c.learners, c.mentors, c.projects, weights=w)
    l_dense, m_dense, _ = text_vectors(c.learners.text, c.mentors.text, dims, w.text_max_features)
    folder = store.write_build(tmp_path, "b1", scorer, {}, {"seq": 0}, scorer.text_model.projection())
    build = store.Build(folder)
    for name, dense in (("l_text", l_dense), ("m_text", m_dense)):
        built, mapped = getattr(scorer, name), getattr(build.model, name)
        if dims == 64:
            assert build.meta["arrays"][name] == ["csr", [len(dense), dims]]
            assert not (folder / f"{name}.npy").exists()
            assert built.has_canonical_format and 0 not in built.data
            assert sp.issparse(mapped) and not mapped.data.flags.owndata  # a view of the mapped file
            assert mapped.dtype == np.float32 and np.array_equal(mapped.toarray(), dense)
        else:
            assert build.meta["arrays"][name] == ["dense"]
            assert not sp.issparse(built) and not sp.issparse(mapped)
            assert isinstance(mapped, np.memmap) and np.array_equal(mapped, dense)
        assert all(np.array_equal(dense_row(mapped, i), dense[i]) for i in range(len(dense)))
    if dims == 64:  # few words: mostly zeros, and CSR keeps only the values
        assert scorer.l_text.nnz <= 3 * 60 and scorer.m_text.nnz <= 2 * 25
    else:
        assert np.count_nonzero(scorer.l_text) > 0.9 * 60 * 3


@pytest.mark.parametrize("fitted", ["svd_text", "sparse_text"])
def test_one_mentor_row_gives_the_same_numbers_as_the_dense_matrix(request, tmp_path, monkeypatch, fitted):
    """Explanations and learner_scores_against read a mentor's row (m_rows, CSR) and a learner's
    text vector (l_text: CSR with few words, dense after an SVD) through dense_row: bit for bit
    what the dense matrices they used to read give."""
    c, scorer = request.getfixturevalue(fitted)
    folder = store.write_build(tmp_path, "b1", scorer, {}, {"seq": 0}, scorer.text_model.projection())
    mapped = store.Build(folder).model
    pairs = [(i, j) for i in range(0, 60, 7) for j in range(25)]
    sparse = {}
    for L, M in ((scorer, scorer), (scorer, mapped), (mapped, mapped)):
        sparse[L, M] = ({(i, j): explain.mentor_components(L, i, M, j) for i, j in pairs},
                        {(i, j): explain.explain_mentor(L, i, M, j).total for i, j in pairs},
                        [scorer.learner_scores_against(M, j) for j in range(25)])
    # the dense computation: row i of the dense (m, F) mentor rows and of the dense (n, dims)
    # text vectors straight from the text fit, as the build stored them before
    l_dense = text_vectors(c.learners.text, c.mentors.text, scorer.w.text_dims, scorer.w.text_max_features)[0]
    dense = {id(scorer.m_rows): scorer.m_rows.toarray(), id(scorer.l_text): l_dense}
    for module in (explain, model):
        monkeypatch.setattr(module, "dense_row", lambda m, j: dense[id(m)][j])
    reference = ({(i, j): explain.mentor_components(scorer, i, scorer, j) for i, j in pairs},
                 {(i, j): explain.explain_mentor(scorer, i, scorer, j).total for i, j in pairs},
                 [scorer.learner_scores_against(scorer, j) for j in range(25)])
    assert any(r["skills"] > 0 for r in reference[0].values()) and any(r["text"] > 0 for r in reference[0].values())
    for got_all in sparse.values():
        assert got_all[0] == reference[0] and got_all[1] == reference[1]
        for got, want in zip(got_all[2], reference[2]):
            assert got.dtype == want.dtype and np.array_equal(got, want)

