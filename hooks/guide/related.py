"""Related articles: pins first, then pages ranked by shared tags, section and text similarity.

Cost stays close to linear in the number of pages. Text is weighed with scikit-learn's TF-IDF; each
page keeps only its most distinctive terms, and each term keeps only its strongest pages, so every
page meets a bounded number of candidates (an inverted index, not all pairs). Exact scores are then
computed for those candidate pairs only, all in sparse-matrix operations.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

TERMS_PER_DOC = 40  # the distinctive words each page is matched on
PAGES_PER_TERM = 30  # the pages a shared word or tag can link, so one common word cannot link everyone
CANDIDATES_PER_DOC = 40  # candidates per page that get an exact score
WORD_BUDGET = 1_000_000  # body words read in all; a large site reads each page's opening only
MIN_BODY_WORDS = 150  # the Key points and opening carry a page's topic


@dataclass(frozen=True)
class Doc:
    key: str  # src_uri
    title: str
    description: str
    body: str
    tags: tuple[str, ...]
    section: str | None
    date_ordinal: int  # newer first when scores tie
    candidate: bool  # may be suggested without a pin
    pins: tuple[str, ...] = ()
    wants_list: bool = True


@dataclass(frozen=True)
class Weights:
    tags: float = 3.0
    section: float = 1.0
    text: float = 6.0


@dataclass(frozen=True)
class Suggestion:
    key: str
    score: float
    pinned: bool = False
    shared_tags: tuple[str, ...] = ()
    same_section: bool = False


@dataclass
class Ranking:
    lists: dict[str, list[Suggestion]] = field(default_factory=dict)


def _text(doc: Doc, words: int) -> str:
    end = doc.body.find("\n## Sources")  # a list of charities' names would make every page alike
    body = " ".join(doc.body[: min(end if end >= 0 else len(doc.body), words * 12)].split()[:words])
    # Title and summary say what a page is about more surely than any one body paragraph.
    return f"{doc.title} {doc.title} {doc.title} {doc.description} {doc.description} {body}"


def _prune_rows(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Keep each row's k largest entries (only rows longer than k need any work)."""
    m = m.tocsr()
    long_rows = np.flatnonzero(np.diff(m.indptr) > k)
    if not len(long_rows):
        return m
    keep = np.ones(m.nnz, dtype=bool)
    for r in long_rows:
        start, end = m.indptr[r], m.indptr[r + 1]
        keep[start + np.argpartition(-m.data[start:end], k)[k:]] = False
    indptr = np.concatenate([[0], np.cumsum(keep)])[m.indptr]  # kept entries before each row start
    return sparse.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)


def _normalise(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ m


def _cap_columns(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Keep each column's k largest entries: a posting list of at most k pages per term."""
    return _prune_rows(m.T.tocsr(), k).T.tocsr()


def _tag_matrix(docs: list[Doc]) -> sparse.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, d in enumerate(docs):
        for t in _topic_tags(d):
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), max(1, len(vocab))))
    df = np.asarray(m.sum(axis=0)).ravel()
    idf = np.log((1 + len(docs)) / (1 + df)) + 1.0  # a rare shared tag says more than a common one
    return _normalise(m @ sparse.diags(idf))


def _topic_tags(d: Doc) -> tuple[str, ...]:
    # The section's own tag repeats the section signal; it is counted once, as the section.
    return tuple(t for t in d.tags if t != d.section)


def _section_matrix(docs: list[Doc]) -> sparse.csr_matrix:
    names = {s: i for i, s in enumerate(sorted({d.section for d in docs if d.section}))}
    rows = [i for i, d in enumerate(docs) if d.section]
    cols = [names[docs[i].section] for i in rows]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), max(1, len(names))))


def _pair_dot(m: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.asarray(m[rows].multiply(m[cols]).sum(axis=1)).ravel()


def rank(docs: list[Doc], weights: Weights, count: int = 5, min_score: float = 0.0) -> Ranking:
    """Every page's related list: its pins in order, then the best-scoring candidates."""
    n = len(docs)
    out = Ranking()
    if n == 0:
        return out
    index = {d.key: i for i, d in enumerate(docs)}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    try:
        text = _normalise(_prune_rows(vectorizer.fit_transform([_text(d, max(MIN_BODY_WORDS, WORD_BUDGET // n)) for d in docs]), TERMS_PER_DOC))
    except ValueError:  # no words at all, e.g. pages with only front matter
        text = sparse.csr_matrix((n, 1))
    tags, section = _tag_matrix(docs), _section_matrix(docs)

    # Candidates through a capped inverted index: words, tags and section, each posting list bounded.
    features = sparse.hstack([weights.text * text, weights.tags * tags, weights.section * section]).tocsr()
    capped = _cap_columns(features, PAGES_PER_TERM)
    eligible = sparse.diags(np.array([1.0 if d.candidate else 0.0 for d in docs]))
    approx = (features @ (eligible @ capped).T).tocsr()
    approx.setdiag(0)
    approx.eliminate_zeros()
    approx = _prune_rows(approx, CANDIDATES_PER_DOC).tocoo()

    # Exact scores for the candidate pairs only, then one sort: best score, newer, path.
    rows, cols = approx.row, approx.col
    section_ids = {name: i for i, name in enumerate(sorted({d.section for d in docs if d.section}))}
    sections = np.array([section_ids.get(d.section, -1) for d in docs])
    same = (sections[rows] == sections[cols]) & (sections[rows] >= 0)
    scores = np.round(weights.text * _pair_dot(text, rows, cols) + weights.tags * _pair_dot(tags, rows, cols)
                      + weights.section * same, 6)
    dates = np.array([d.date_ordinal for d in docs])
    path_rank = np.empty(n, dtype=int)
    path_rank[sorted(range(n), key=lambda i: docs[i].key)] = np.arange(n)
    order = np.lexsort((path_rank[cols], -dates[cols], -scores, rows))
    order = order[scores[order] >= min_score]

    topic_lists = [_topic_tags(d) for d in docs]
    topics = [set(t) for t in topic_lists]
    starts = np.searchsorted(rows[order], np.arange(n + 1)).tolist()
    # Plain Python lists: the loop below reads them item by item, where numpy scalars are slow.
    order, cols, scores, same = order.tolist(), cols.tolist(), scores.tolist(), same.tolist()
    for i, d in enumerate(docs):
        if not d.wants_list:
            continue
        pinned = [Suggestion(k, float("inf"), pinned=True) for k in d.pins if k in index and k != d.key]
        chosen = {s.key for s in pinned} | {d.key}
        ranked = []
        for p in order[starts[i]:starts[i + 1]]:
            if len(pinned) + len(ranked) >= count:
                break
            j = cols[p]
            if docs[j].key in chosen:
                continue
            shared = tuple(t for t in topic_lists[i] if t in topics[j])
            ranked.append(Suggestion(docs[j].key, scores[p], shared_tags=shared, same_section=same[p]))
        out.lists[d.key] = pinned + ranked
    return out
