"""Related articles: pins first, then pages ranked by shared tags, section and text similarity.

Cost stays close to linear in the number of pages. Text is weighed with scikit-learn's TF-IDF; each
page keeps only its most distinctive terms, and each term keeps only its strongest pages, so every
page meets a bounded number of candidates (an inverted index, not all pairs). Exact scores are then
computed for those candidate pairs only, all in sparse-matrix operations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

TERMS_PER_DOC = 40  # the distinctive words each page is matched on
PAGES_PER_TERM = 60  # the pages a shared word can link, so one common word cannot link everyone
_SOURCES = re.compile(r"^## Sources\s*$.*", re.M | re.S)
_URLS = re.compile(r"\]\([^)]*\)|https?://\S+")


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


def _text(doc: Doc) -> str:
    body = _URLS.sub(" ", _SOURCES.sub("", doc.body))
    # Title and summary say what a page is about more surely than any one body paragraph.
    return f"{doc.title} {doc.title} {doc.title} {doc.description} {doc.description} {body}"


def _prune_rows(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """Keep each row's k largest entries."""
    m = m.tocsr()
    lengths = np.diff(m.indptr)
    if lengths.max(initial=0) <= k:
        return m
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    order = np.lexsort((-m.data, rows))
    rank = np.arange(len(order)) - m.indptr[rows[order]]
    keep = np.sort(order[rank < k])
    return sparse.csr_matrix((m.data[keep], m.indices[keep], np.searchsorted(keep, m.indptr)), shape=m.shape)


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


CANDIDATES_PER_DOC = 40


def rank(docs: list[Doc], weights: Weights, count: int = 5, min_score: float = 0.0) -> Ranking:
    """Every page's related list: its pins in order, then the best-scoring candidates."""
    n = len(docs)
    out = Ranking()
    if n == 0:
        return out
    index = {d.key: i for i, d in enumerate(docs)}
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    try:
        text = _normalise(_prune_rows(vectorizer.fit_transform([_text(d) for d in docs]), TERMS_PER_DOC))
    except ValueError:  # no words at all, e.g. pages with only front matter
        text = sparse.csr_matrix((n, 1))
    tags, section = _tag_matrix(docs), _section_matrix(docs)

    # Candidates through a capped inverted index: the same signals, each posting list bounded.
    features = sparse.hstack([weights.text * text, weights.tags * tags, weights.section * section]).tocsr()
    capped = _cap_columns(features, PAGES_PER_TERM)
    eligible = sparse.diags(np.array([1.0 if d.candidate else 0.0 for d in docs]))
    approx = (features @ (eligible @ capped).T).tocsr()
    approx.setdiag(0)
    approx.eliminate_zeros()
    approx = _prune_rows(approx, CANDIDATES_PER_DOC).tocoo()

    # Exact scores for the candidate pairs only.
    rows, cols = approx.row, approx.col
    text_sim = _pair_dot(text, rows, cols)
    tag_sim = _pair_dot(tags, rows, cols)
    sections = np.array([d.section or "" for d in docs], dtype=object)
    same = (sections[rows] == sections[cols]) & (sections[rows] != "")
    scores = weights.text * text_sim + weights.tags * tag_sim + weights.section * same

    per_doc: dict[int, list[int]] = {}
    for p in np.argsort(rows, kind="stable"):
        per_doc.setdefault(int(rows[p]), []).append(int(p))
    for i, d in enumerate(docs):
        if not d.wants_list:
            continue
        pinned = [Suggestion(k, float("inf"), pinned=True) for k in d.pins if k in index and k != d.key]
        chosen = {s.key for s in pinned} | {d.key}
        ranked = []
        for p in per_doc.get(i, []):
            j = int(cols[p])
            if docs[j].key in chosen or scores[p] < min_score:
                continue
            shared = tuple(t for t in _topic_tags(d) if t in _topic_tags(docs[j]))
            ranked.append(Suggestion(docs[j].key, round(float(scores[p]), 6), shared_tags=shared, same_section=bool(same[p])))
        # Stable order: better score, then newer, then path.
        ranked.sort(key=lambda s: (-s.score, -docs[index[s.key]].date_ordinal, s.key))
        out.lists[d.key] = (pinned + ranked)[: max(count, len(pinned))]
    return out
