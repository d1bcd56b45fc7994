"""Related articles: pins first, then pages ranked by shared tags, section and text similarity.

Cost grows linearly with the number of pages, and the whole step uses numpy only (scikit-learn and
SciPy cost more to import than this step costs to run; docs/DESIGN.md has the measurements):

1. TF-IDF of each page's opening text; each page keeps its TERMS_PER_DOC most distinctive words.
2. A capped inverted index: every word, tag and section keeps only its PAGES_PER_TERM strongest
   pages, so one common word cannot link every page to every other.
3. Each page meets candidates through its QUERY_TERMS strongest words, its tags and its section;
   the CANDIDATES_PER_DOC best by that rough score get an exact score.
4. One sort: best score, then newer, then path.

Pages are handled CHUNK at a time, so memory stays small at any size.
"""
from __future__ import annotations

import gc
import os
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import NamedTuple

# numpy's OpenBLAS would start a thread at import, and the ranking does no matrix work that needs
# one; a process with a second thread is not safe to fork (hooks/parallel.py forks the build).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# numpy, imported by `rank` when first needed: `mkdocs build` ranks in a child process
# (guide.apart), so the build's own process never holds numpy's 16 MB (its peak is the build's).
# `rank` is this module's only way in: every helper below that uses `np` is reached through it.
np = None

TERMS_PER_DOC = 40  # the distinctive words each page is scored on
QUERY_TERMS = 15  # of those, the words a page looks for candidates through
PAGES_PER_TERM = 30  # the pages a shared word or tag can link, so one common word cannot link everyone
CANDIDATES_PER_DOC = 20  # candidates per page that get an exact score
CHAR_BUDGET = 5_000_000  # body text read in all (~800,000 words): a large site reads each page's opening
MIN_BODY_CHARS = 1_000  # the Key points and opening carry a page's topic
CHUNK = 128  # pages whose candidate pairs are summed at once
_Q = 1 << 24  # rough scores are summed as 24-bit integers, packed under their pair in one int64 sort

# scikit-learn's English stop words (BSD licence, from the Glasgow IR group), and single letters.
STOP_WORDS = frozenset("""
a about above across after afterwards again against all almost alone along already also although always
am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as
at back be became because become becomes becoming been before beforehand behind being below beside
besides between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe
detail do done down due during each eg eight either eleven else elsewhere empty enough etc even ever
every everyone everything everywhere except few fifteen fifty fill find fire first five for former
formerly forty found four from front full further get give go had has hasnt have he hence her here
hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed
interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile
might mill mine more moreover most mostly move much must my myself name namely neither never
nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only
onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re
same see seem seemed seeming seems serious several she should show side since sincere six sixty so some
somehow someone something sometime sometimes somewhere still such system take ten than that the their
them themselves then thence there thereafter thereby therefore therein thereupon these they thick thin
third this those though three through throughout thru thus to together too top toward towards twelve
twenty two un under until up upon us very via was we well were what whatever when whence whenever where
whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom
whose why will with within without would yet you your yours yourself yourselves
""".split()) | set("abcdefghijklmnopqrstuvwxyz")
# ASCII digits and punctuation split words; letters outside ASCII stay part of them ("café").
_SPLIT = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalpha()})


# Doc and Suggestion are named tuples, not frozen dataclasses: a frozen dataclass sets each field
# through object.__setattr__; at 5,000 pages (5,000 Docs, 25,000 Suggestions) the step's best CPU
# time went from 0.85-0.90 s to 0.81-0.84 s with named tuples.
class Doc(NamedTuple):
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


class Suggestion(NamedTuple):
    key: str
    score: float
    pinned: bool = False
    shared_tags: tuple[str, ...] = ()
    same_section: bool = False


@dataclass
class Ranking:
    lists: dict[str, list[Suggestion]] = field(default_factory=dict)


def _text(doc: Doc, chars: int) -> str:
    end = doc.body.find("\n## Sources")  # a list of charities' names would make every page alike
    body = doc.body[: min(end if end >= 0 else len(doc.body), chars)]
    # Title and summary say what a page is about more surely than any one body paragraph.
    return f"{doc.title} {doc.title} {doc.title} {doc.description} {doc.description} {body}"


def _topic_tags(d: Doc) -> tuple[str, ...]:
    # The section's own tag repeats the section signal; it is counted once, as the section.
    return tuple(t for t in d.tags if t != d.section)


def _ids() -> defaultdict:
    """A vocabulary: a new key gets the next number, without a Python call per word."""
    ids: defaultdict = defaultdict()
    ids.default_factory = ids.__len__
    return ids


def _top(groups: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Mask keeping each group's k largest values (non-negative); among equals, the earlier entry."""
    if not len(values):
        return np.zeros(0, bool)
    order = np.argsort(groups + (1.0 - values / (values.max() * 1.000001 or 1.0)), kind="stable")
    ranks = _ranks(groups[order])
    keep = np.zeros(len(values), bool)
    keep[order[ranks < k]] = True
    return keep


def _ranks(sorted_groups: np.ndarray) -> np.ndarray:
    """Each entry's place within its run of equal groups: 0, 1, 2, ..."""
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    return np.arange(len(sorted_groups)) - np.repeat(starts, np.diff(np.r_[starts, len(sorted_groups)]))


def _unit(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    norms = np.sqrt(np.bincount(rows, values * values, minlength=n))
    norms[norms == 0] = 1.0
    return values / norms[rows]


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices starts[0] .. +lengths[0], starts[1] .. +lengths[1], ... as one array."""
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())


def _words(docs: list[Doc]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """TF-IDF (sublinear tf, smoothed idf) of every page's text, each page's best TERMS_PER_DOC
    words at unit length: (rows, word ids, weights, vocabulary size)."""
    n = len(docs)
    chars = max(MIN_BODY_CHARS, CHAR_BUDGET // n)
    vocab = _ids()
    ids, counts, lengths = array("i"), array("i"), array("q")  # 32-bit: the largest arrays here
    for d in docs:  # counting and numbering happen in C; only this loop is Python
        c = Counter(_text(d, chars).lower().translate(_SPLIT).split())
        ids.extend(map(vocab.__getitem__, c))
        counts.extend(c.values())
        lengths.append(len(c))
    cols = np.frombuffer(ids, np.int32) if ids else np.zeros(0, np.int32)
    tf = np.frombuffer(counts, np.int32).astype(np.float32) if counts else np.zeros(0, np.float32)
    rows = np.repeat(np.arange(n, dtype=np.int32), np.frombuffer(lengths, np.int64))
    stop = np.zeros(len(vocab) + 1, bool)
    stop[[vocab[w] for w in STOP_WORDS if w in vocab]] = True
    keep = ~stop[cols]
    rows, cols, tf = rows[keep], cols[keep], tf[keep]
    idf = np.log((1 + n) / (1 + np.bincount(cols, minlength=len(vocab)))) + 1.0  # a rare word says more
    weight = (1.0 + np.log(tf)) * idf[cols]
    del tf
    keep = _top(rows, weight, TERMS_PER_DOC)
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64), _unit(rows[keep], weight[keep], n), len(vocab)


def _tags(docs: list[Doc], topics: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Topic tags, idf-weighted (a rare shared tag says more than a common one), at unit length."""
    n = len(docs)
    ids = _ids()
    rows = np.repeat(np.arange(n), [len(t) for t in topics])
    cols = np.fromiter(map(ids.__getitem__, chain.from_iterable(topics)), np.int64, len(rows))
    count = max(1, len(ids))
    idf = np.log((1 + n) / (1 + np.bincount(cols, minlength=count))) + 1.0
    return rows, cols, _unit(rows, idf[cols], n), count


def rank(docs: list[Doc], weights: Weights, count: int = 5, min_score: float = 0.0) -> Ranking:
    """Every page's related list: its pins in order, then the best-scoring candidates."""
    # Ranking makes hundreds of thousands of small objects (word counts, the lists), none of them in
    # a reference cycle; each burst of them made Python's cycle collector walk every object the
    # build holds (every page's checked front matter): a fifth of this step at 5,000 pages.
    global np
    if np is None:
        import numpy
        np = numpy
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rank(docs, weights, count, min_score)
    finally:
        if collecting:
            gc.enable()


def _rank(docs: list[Doc], weights: Weights, count: int, min_score: float) -> Ranking:
    n = len(docs)
    out = Ranking()
    if n == 0:
        return out
    index = {d.key: i for i, d in enumerate(docs)}
    rows, cols, text, vocabulary = _words(docs)
    topics = [_topic_tags(d) for d in docs]
    t_rows, t_cols, t_vals, tag_count = _tags(docs, topics)
    tags = np.zeros((n, tag_count))
    tags[t_rows, t_cols] = t_vals
    names = {s: i for i, s in enumerate(sorted({d.section for d in docs if d.section}))}
    section = np.array([names.get(d.section, -1) for d in docs])
    s_rows = np.flatnonzero(section >= 0)

    # Every feature of every page, words first: (page, feature, weighted value).
    f_rows = np.concatenate([rows, t_rows, s_rows])
    f_cols = np.concatenate([cols, vocabulary + t_cols, vocabulary + tag_count + section[s_rows]])
    f_vals = np.concatenate([weights.text * text, weights.tags * t_vals, np.full(len(s_rows), float(weights.section))])
    # The order among equals everywhere: newer first, then path.
    order = np.empty(n, np.int64)
    order[sorted(range(n), key=lambda i: (-docs[i].date_ordinal, docs[i].key))] = np.arange(n)

    # Posting lists: each feature keeps its PAGES_PER_TERM strongest pages among those that may be suggested.
    candidate = np.array([d.candidate for d in docs])
    p = np.flatnonzero(candidate[f_rows])
    p = p[np.argsort(order[f_rows[p]], kind="stable")]
    p = p[_top(f_cols[p], f_vals[p], PAGES_PER_TERM)]
    p = p[np.argsort(f_cols[p], kind="stable")]
    p_rows, p_vals = f_rows[p], f_vals[p]
    p_len = np.bincount(f_cols[p], minlength=vocabulary + tag_count + len(names))
    p_start = np.cumsum(p_len) - p_len

    # What each page searches with: its QUERY_TERMS strongest words, its tags and its section.
    asks = np.r_[_top(rows, text, QUERY_TERMS), np.ones(len(t_rows) + len(s_rows), bool)]
    q = np.flatnonzero(asks & np.array([d.wants_list for d in docs])[f_rows])
    q = q[np.argsort(f_rows[q], kind="stable")]
    q_rows, q_cols, q_vals = f_rows[q], f_cols[q], f_vals[q]
    q_start = np.searchsorted(q_rows, np.arange(n + 1))
    # Words by page (CSR), for the exact scores.
    by_row = np.argsort(rows, kind="stable")
    rows, cols, text = rows[by_row], cols[by_row], text[by_row]
    indptr = np.searchsorted(rows, np.arange(n + 1))

    slot = np.full(vocabulary, -1)  # scratch: word id -> column of a chunk's dense vectors

    def chunk(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pages lo..hi-1: their best candidates through the posting lists, then exact scores."""
        s = slice(q_start[lo], q_start[hi])
        reps = p_len[q_cols[s]]
        at = _spans(p_start[q_cols[s]], reps)
        ii, jj = np.repeat(q_rows[s] - lo, reps), p_rows[at]
        values = np.repeat(q_vals[s], reps) * p_vals[at]
        if not len(values):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        # Rough score per (page, candidate): one sort of packed integers (pair, then the value as a
        # 24-bit integer; much faster than sorting indices), then add up each pair's run.
        scale = (_Q - 1) / values.max() if values.max() > 0 else 0.0
        key = np.sort(((ii * n + jj) << 24) | np.round(values * scale).astype(np.int64))
        pair = key >> 24
        first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        rough, pair = np.add.reduceat(key & (_Q - 1), first), pair[first]
        ii, jj = pair // n, pair % n
        other = ii + lo != jj
        ii, jj, rough = ii[other], jj[other], rough[other]
        # The CANDIDATES_PER_DOC best per page: one more packed sort, by page (7 bits), best rough
        # score (30 bits) and candidate (23 bits: up to 8 million pages).
        worse = np.round((1.0 - rough / max(1, rough.max(initial=0))) * ((1 << 30) - 1)).astype(np.int64)
        key = np.sort((ii << 53) | (worse << 23) | jj)
        ii, jj = key >> 53, key & ((1 << 23) - 1)
        keep = _ranks(ii) < CANDIDATES_PER_DOC
        ii, jj = ii[keep], jj[keep]

        # Exact text scores: the chunk's pages as small dense vectors over the words they use.
        mine = slice(indptr[lo], indptr[hi])
        # Sorted and deduplicated by hand: np.unique imports numpy.ma on first use, 13 ms a build.
        words = np.sort(cols[mine])
        new = np.ones(len(words), bool)
        new[1:] = words[1:] != words[:-1]
        words = words[new]
        slot[words] = np.arange(len(words))
        dense = np.zeros((hi - lo, len(words) + 1))  # the last column stays 0: words the chunk lacks
        dense[rows[mine] - lo, slot[cols[mine]]] = text[mine]
        lengths = indptr[jj + 1] - indptr[jj]
        at = _spans(indptr[jj], lengths)
        products = dense[np.repeat(ii, lengths), slot[cols[at]]] * text[at]
        slot[words] = -1
        sums = np.r_[0.0, np.cumsum(products)]
        ends = np.cumsum(lengths)
        ii = ii + lo
        same = (section[ii] == section[jj]) & (section[ii] >= 0)
        score = (weights.text * (sums[ends] - sums[ends - lengths]) + weights.tags * np.einsum("ij,ij->i", tags[ii], tags[jj])
                 + weights.section * same)
        return ii, jj, np.round(score, 6)

    ii, jj, scores = (np.concatenate(parts) for parts in zip(*(chunk(lo, min(n, lo + CHUNK)) for lo in range(0, n, CHUNK))))
    best = np.lexsort((order[jj], -scores, ii))
    best = best[scores[best] >= min_score]
    ii, jj, scores = ii[best], jj[best], scores[best]
    same = ((section[ii] == section[jj]) & (section[ii] >= 0)).tolist()
    starts = np.searchsorted(ii, np.arange(n + 1)).tolist()
    # Plain Python lists: the loop below reads them item by item, where numpy scalars are slow.
    jj, scores = jj.tolist(), scores.tolist()
    topic_sets = [set(t) for t in topics]
    for i, d in enumerate(docs):
        if not d.wants_list:
            continue
        pinned = [Suggestion(k, float("inf"), pinned=True) for k in d.pins if k in index and k != d.key]
        chosen = {s.key for s in pinned} | {d.key}
        ranked = []
        for at in range(starts[i], starts[i + 1]):
            if len(pinned) + len(ranked) >= count:
                break
            j = jj[at]
            if docs[j].key in chosen:
                continue
            shared = tuple(filter(topic_sets[j].__contains__, topics[i]))
            ranked.append(Suggestion(docs[j].key, scores[at], False, shared, same[at]))
        out.lists[d.key] = pinned + ranked
    return out
