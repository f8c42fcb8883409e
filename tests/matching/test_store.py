"""The published build's files: how they are written (page cache) and stored (sparse m_rows)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mentorhub.matching import explain, model, store
from mentorhub.matching.reader import index_root
from mentorhub.matching.scoring import Scorer
from mentorhub.matching.synthetic import community
from support import cached_pages


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
    files = sorted(folder.glob("*.npy"))
    assert len(files) > 40 and "m_rows.data.npy" in {f.name for f in files}
    control = tmp_path / "control.npy"  # the check itself sees pages a plain write leaves
    np.save(control, np.zeros(4096, np.float64))
    assert cached_pages(control)[0] > 0
    cached = {f.name: cached_pages(f) for f in files}
    assert sum(total for _, total in cached.values()) >= len(files)
    assert {name: c for name, c in cached.items() if c[0]} == {}


@pytest.fixture(scope="module")
def scorer():
    c = community(60, 25, 10, seed=5)
    return Scorer(c.learners, c.mentors, c.projects)


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


def test_one_mentor_row_gives_the_same_numbers_as_the_dense_matrix(scorer, tmp_path, monkeypatch):
    """Explanations and learner_scores_against read a mentor's row from the CSR arrays: bit for
    bit what the dense (m, F) matrix they used to read gives."""
    folder = store.write_build(tmp_path, "b1", scorer, {}, {"seq": 0}, scorer.text_model.projection())
    mapped = store.Build(folder).model
    pairs = [(i, j) for i in range(0, 60, 7) for j in range(25)]
    sparse = {}
    for M in (scorer, mapped):
        sparse[M] = ({(i, j): explain.mentor_components(scorer, i, M, j) for i, j in pairs},
                     {(i, j): explain.explain_mentor(scorer, i, M, j).total for i, j in pairs},
                     [scorer.learner_scores_against(M, j) for j in range(25)])
    dense = scorer.m_rows.toarray()
    for module in (explain, model):  # the dense computation: row j of the dense matrix
        monkeypatch.setattr(module, "dense_row", lambda m, j: dense[j])
    reference = ({(i, j): explain.mentor_components(scorer, i, scorer, j) for i, j in pairs},
                 {(i, j): explain.explain_mentor(scorer, i, scorer, j).total for i, j in pairs},
                 [scorer.learner_scores_against(scorer, j) for j in range(25)])
    assert any(c["skills"] > 0 for c in reference[0].values()) and any(c["text"] > 0 for c in reference[0].values())
    for M in (scorer, mapped):
        assert sparse[M][0] == reference[0] and sparse[M][1] == reference[1]
        for got, want in zip(sparse[M][2], reference[2]):
            assert got.dtype == want.dtype and np.array_equal(got, want)
