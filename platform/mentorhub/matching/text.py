"""The text model of matching: TF-IDF, reduced by a truncated SVD when the corpus is large,
fitted once per build over every learner and mentor text. A published build stores it, so
the text of a changed person is mapped into the same space without refitting; words the fit
never saw are ignored until the next build. Kept apart from features.py so that processes
which only query a published index never import scikit-learn.
"""
from __future__ import annotations

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .features import TextProjection

TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9+#.-]*[a-zA-Z0-9+#]\b|\b[a-zA-Z]\b"


class TextModel:
    """TF-IDF (+ SVD when the corpus is large) fitted once per build; ``transform`` maps a new
    document into the same space. Words unseen at fit time are ignored until the next build.

    The fit is exact TF-IDF cosine when the corpus has at most ``dims`` distinct terms or
    documents; otherwise a truncated SVD (LSA) with a fixed seed, so the result is deterministic.
    """

    def __init__(self, dims: int, max_features: int):
        self.dims = dims
        self.max_features = max_features
        self.vectorizer: TfidfVectorizer | None = None  # None: empty corpus, every vector is zero
        self.basis: np.ndarray | None = None  # (k, terms) exact row-space basis, small corpora
        self.svd: TruncatedSVD | None = None

    def fit_transform(self, docs: list[str]) -> np.ndarray:
        docs = [d or "" for d in docs]
        out = np.zeros((len(docs), self.dims), dtype=np.float32)
        if not any(d.strip() for d in docs):
            return out
        vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_features=self.max_features,
                              dtype=np.float32, token_pattern=TOKEN_PATTERN)
        try:
            x = vec.fit_transform(docs)
        except ValueError:  # only stop words
            return out
        self.vectorizer = vec
        n_docs, n_terms = x.shape
        if n_terms <= self.dims:
            out[:, :n_terms] = x.toarray()
        elif n_docs <= self.dims:
            # exact: coordinates in the row space preserve every inner product
            _, s, vt = np.linalg.svd(x.toarray(), full_matrices=False)
            self.basis = vt
            out[:, : len(s)] = x @ vt.T
        else:
            self.svd = TruncatedSVD(n_components=self.dims, random_state=0, algorithm="randomized", n_iter=4)
            out[:] = self.svd.fit_transform(x)
        return normalize(out).astype(np.float32)

    def transform(self, docs: list[str]) -> np.ndarray:
        out = np.zeros((len(docs), self.dims), dtype=np.float32)
        if self.vectorizer is None or not docs:
            return out
        x = self.vectorizer.transform([d or "" for d in docs])
        if self.svd is not None:
            out[:] = self.svd.transform(x)
        elif self.basis is not None:
            out[:, : self.basis.shape[0]] = x @ self.basis.T
        else:
            out[:, : x.shape[1]] = x.toarray()
        return normalize(out).astype(np.float32)

    def projection(self) -> TextProjection:
        """The fit as plain arrays (what a published build stores)."""
        if self.vectorizer is None:
            return TextProjection(self.dims, TOKEN_PATTERN, {}, [], np.zeros(0), None)
        vec = self.vectorizer
        basis = self.svd.components_ if self.svd is not None else self.basis
        return TextProjection(self.dims, TOKEN_PATTERN, {k: int(v) for k, v in vec.vocabulary_.items()},
                              sorted(vec.get_stop_words() or ()), vec.idf_,
                              None if basis is None else np.asarray(basis, dtype=np.float64))


def text_vectors(docs_a: list[str], docs_b: list[str], dims: int, max_features: int,
                 ) -> tuple[np.ndarray, np.ndarray, TextModel]:
    """L2-normalised dense text vectors (dims wide) for two corpora sharing one fit, and the fit."""
    model = TextModel(dims, max_features)
    out = model.fit_transform(list(docs_a) + list(docs_b))
    return out[: len(docs_a)], out[len(docs_a):], model
