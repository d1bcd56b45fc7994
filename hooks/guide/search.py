"""Site search with Pagefind: which pages can be found, what a result shows, and building the index.

Pagefind reads the built HTML after MkDocs has written it (hooks/search.py, `on_post_build`, so
`mkdocs build` and `mkdocs serve` both get it; `serve` on a thread of its own, `Background`) and
writes `pagefind/` into the site: an index in small fragments that the browser fetches only when a
reader searches (overrides/assets/search.js).

Pages opt in: overrides/partials/content.html puts `data-pagefind-body` only on pages `entry()`
returns data for, and Pagefind then leaves every other page out. Drafts, pages with
`search: exclude: true`, the review report, the 404 page and any new kind of editor page are never
found unless a template opts them in.
"""
from __future__ import annotations

import collections
import functools
import gzip
import json
import math
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from . import search_parts
from .pages import PageInfo, section_of
from .site import Site
from .views import section_name

# Words on more than COMMON_SHARE of the pages and on at least COMMON_PAGES pages: fetching their
# part of the index costs a reader 50 to 170 KB on a 5,000-article guide (BENCHMARKS.md), and
# they tell pages apart no better than "the". assets/search.js leaves them out of a query that has
# other words. A small guide has none, so its ranking is exact.
COMMON_SHARE = 0.5
COMMON_PAGES = 500
COMMON_SAMPLE = 300  # pages read to estimate how common a word is (±3% at 50%): bounded build cost
COMMON_FILE = "guide-common-words.json"  # in the bundle folder, fetched with pagefind.js
# Pagefind always writes its own search interfaces (and a script that highlights words on the page
# opened). The guide has its own (overrides/assets/search.js, which marks the words itself): these
# are never loaded, and would only be deployed: 420 KB, 600 KB with their compressed copies.
# One Pagefind run holds every word of the pages it reads: about 20 MB + 0.16 MB a page, 868 MB at
# 5,000 articles. A site of more than SINGLE_RUN_PAGES pages (one run: 220 MB) is indexed in parts
# of at most PART_PAGES (a run near 150 MB, under the build's own peak), merged after. Not every
# site: parts cost 0.3-0.6 s more at 1,000 articles (+10% of that build, BENCHMARKS.md), for
# memory that only grows large on larger guides.
SINGLE_RUN_PAGES = 1200
PART_PAGES = 800
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")

# Front-matter keywords are readers' own words for what a page is about: they count for a lot.
# Pagefind weighs text on a quadratic scale (1 = body text, 7 = the h1, 10 at most); 5 is ~25x body text.
KEYWORD_WEIGHT = 5
TITLE_WEIGHT = 7  # Pagefind's own for an h1
MAX_WEIGHT = 10


def searchable(page: PageInfo) -> bool:
    """Drafts (shown by `mkdocs serve`) and `search: exclude: true` pages are never found."""
    return not page.meta.draft and not (page.meta.search and page.meta.search.exclude)


def section_label(site: Site, page: PageInfo) -> str | None:
    """Where a result lives, as readers know it: the title of its folder's landing page (a worksheet
    is under "Worksheets", whatever section it serves); None for the home page and other top pages."""
    folder = section_of(page.src_uri)
    return section_name(site, folder) if folder else None


def entry(page: PageInfo, section: str | None) -> dict | None:
    """What the page template marks up for the indexer, escaped; None keeps the page out of search."""
    if not searchable(page):
        return None
    boost = page.meta.search.boost if page.meta.search else 1.0
    return {
        "section": escape(section) if section else None,
        "keywords": escape(", ".join(page.meta.keywords)),
        # `search: boost:` weighs the title and keywords more or less, in the index itself, so it
        # moves the page among all results at no cost to the reader.
        "keyword_weight": _weight(KEYWORD_WEIGHT * boost),
        "title_weight": _weight(TITLE_WEIGHT * boost) if boost != 1.0 else None,
    }


def _weight(value: float) -> Markup:
    return Markup(f"{min(MAX_WEIGHT, value):g}")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why and what to do."""


class IndexStopped(SearchIndexError):
    """Pagefind was stopped by a signal: Ctrl+C reaches it along with `mkdocs serve`."""


@dataclass(frozen=True)
class IndexStats:
    pages: int
    seconds: float
    common_words: int = 0


def executable() -> Path:
    try:
        import pagefind_bin  # the binary ships inside this PyPI package (requirements.txt)
    except ImportError:
        raise SearchIndexError("Pagefind is not installed (run `make build`, or `pip install -r requirements.txt`)") from None
    try:
        return pagefind_bin.get_executable()
    except FileNotFoundError as e:
        raise SearchIndexError(f"the Pagefind binary is missing ({e}); reinstall it: pip install --force-reinstall -r requirements.txt") from None


def index_site(site_dir: Path, language: str = "en", part_pages: int = PART_PAGES, single_run_pages: int = SINGLE_RUN_PAGES,
               stopping: Callable[[], bool] = lambda: False) -> IndexStats:
    """Index a built site in place: writes `site_dir/pagefind/`. Raises SearchIndexError with the reason.
    A site of more than `single_run_pages` HTML files is indexed at most `part_pages` at a time and
    the parts merged (guide.search_parts): one run's memory grows with the pages it holds.
    `stopping()` true ends a run in parts before its next part (`serve` stopped with Ctrl+C)."""
    start = time.perf_counter()
    shutil.rmtree(site_dir / WORK, ignore_errors=True)  # left by a build that was killed: never deploy it
    files = sorted(_html_files(site_dir))
    if len(files) <= single_run_pages or any("\\" in f for f in files):  # a backslash cannot be named in Pagefind's glob
        pages = _finish(_start(site_dir, language), site_dir)
    else:
        # Only the pages marked for search: Pagefind reads every file it is given, and a booklet of
        # thousands of articles alone takes it longer than a part's pages together.
        try:
            files = [f for f in files if _marked(site_dir / f)]
        except OSError as e:
            raise SearchIndexError(f"reading the built pages: {e}") from None
        pages = _index_in_parts(site_dir, language, _groups(files, part_pages), stopping) if files else None
    if pages is None:
        raise SearchIndexError("no page is marked for search (data-pagefind-body): is overrides/partials/content.html in use?")
    for name in UNUSED:
        (site_dir / "pagefind" / name).unlink(missing_ok=True)
    texts = [r["content"] for r in records(site_dir / "pagefind", COMMON_SAMPLE)]
    common = common_words(texts, pages)
    (site_dir / "pagefind" / COMMON_FILE).write_text(json.dumps({"words": common}), encoding="utf-8")
    return IndexStats(pages, time.perf_counter() - start, len(common))


MARK = b"data-pagefind-body"
WORK = ".pagefind-parts"  # in the site folder while parts are indexed (the same disk: moving files is a rename)
GLOB_CHARS = 60_000  # the glob naming a part's files: one argument (Linux allows 128 KiB), echoed in Pagefind's output


def _groups(files: list[str], part_pages: int) -> list[list[str]]:
    """Every k-th file to each of k parts: sections and long paths spread evenly over the runs."""
    count = max(math.ceil(len(files) / part_pages), math.ceil(sum(len(f) + 2 for f in files) / GLOB_CHARS))
    return [files[i::count] for i in range(count)]


def _marked(path: Path, block: int = 1 << 18) -> bool:
    """Whether the page is marked for search, read a block at a time: a booklet of 5,000 articles
    is 29 MB, which read whole would be the build's peak memory."""
    with path.open("rb") as f:
        seen = b""
        while data := f.read(block):
            seen = seen[-(len(MARK) - 1):] + data  # a mark cut in two by the blocks is whole here
            if MARK in seen:
                return True
    return False


def _html_files(site_dir: Path):
    for folder, dirs, names in os.walk(site_dir):
        if folder == str(site_dir):
            dirs[:] = [d for d in dirs if d != WORK]
        rel = os.path.relpath(folder, site_dir).replace(os.sep, "/")
        for name in names:
            if name.endswith(".html"):
                yield name if rel == "." else f"{rel}/{name}"


def _index_in_parts(site_dir: Path, language: str, groups: list[list[str]],
                    stopping: Callable[[], bool] = lambda: False) -> int | None:
    """One Pagefind run per group of files, one after another, each part read while the next is
    indexed; then one index of them all replaces `site_dir/pagefind`, which stays as it was if
    anything fails. None if no page was marked for search."""
    work = site_dir / WORK
    running = None
    try:
        work.mkdir()
        running = _start(site_dir, language, work / "0", groups[0])
        parts = []
        for i, group in enumerate(groups):
            found = _finish(running, site_dir, expected=len(group))
            running = None
            if i + 1 < len(groups):
                if stopping():
                    raise IndexStopped("stopped between two parts of the index")
                running = _start(site_dir, language, work / str(i + 1), groups[i + 1])
            if found is not None:  # else Pagefind found no marked page, and indexed them all whole
                parts.append(search_parts.read_part(work / str(i)))
        if not parts:
            return None
        pages = search_parts.merge(parts, work / "merged")
        target = site_dir / "pagefind"
        if target.exists():  # `serve`: the previous index, put back if the new one cannot take its place
            target.rename(work / "old")
            try:
                (work / "merged").rename(target)
            except OSError:
                (work / "old").rename(target)
                raise
        else:
            (work / "merged").rename(target)
        return pages
    except search_parts.PartsError as e:
        raise SearchIndexError(f"merging the parts of the index: {e}") from None
    except OSError as e:
        raise SearchIndexError(f"writing the index in parts: {e}") from None
    finally:
        if running is not None:
            running.kill()
            running.communicate()
        shutil.rmtree(work, ignore_errors=True)


def _start(site_dir: Path, language: str, out: Path | None = None, files: list[str] | None = None) -> subprocess.Popen:
    """Pagefind on the whole site into `site_dir/pagefind`, or on `files` only into `out`."""
    cmd = [str(executable()), "--site", str(site_dir), "--force-language", language]
    if files is not None:
        cmd += ["--output-path", str(out), "--glob", "{" + ",".join(re.sub(r"([{}\[\]()*?,:<>$])", r"\\\1", f) for f in files) + "}"]
    try:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        raise SearchIndexError(f"Pagefind did not run: {e}") from None


def _finish(proc: subprocess.Popen, site_dir: Path, expected: int | None = None) -> int | None:
    """How many pages the run indexed; None if no page it read is marked for search. `expected`:
    how many files its glob named, all of which it must find."""
    try:
        output, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise SearchIndexError("Pagefind did not finish in 10 minutes") from None
    except BaseException:  # Ctrl+C reaching Python only (an editor's stop button): Pagefind goes too
        proc.kill()
        proc.communicate()
        raise
    if proc.returncode < 0:
        raise IndexStopped(f"Pagefind was stopped (signal {-proc.returncode}) before it finished")
    if proc.returncode != 0:
        errors = list(dict.fromkeys(line.strip()[:300] for line in output.splitlines() if line.startswith(("Error", "Most likely"))))
        raise SearchIndexError(f"Pagefind failed on {site_dir} (exit {proc.returncode}): " + (" ".join(errors) or output.strip()[-2000:]))
    found = re.search(r"Found (\d+) files? matching", output)
    if expected is not None and (found is None or int(found.group(1)) != expected):
        raise SearchIndexError(f"Pagefind found {found.group(1) if found else 'no'} of the {expected} pages named for one part of the index "
                               f"in {site_dir}: a file name it cannot match? Rename the page, or report it")
    if "Did not find a data-pagefind-body" in output:
        # Pagefind then indexes every page whole, editor pages included: never ship that.
        return None
    indexed = re.search(r"Indexed (\d+) pages?", output)
    return int(indexed.group(1)) if indexed else 0


class Background:
    """Runs a job on a thread of its own, one run at a time, for `mkdocs serve`: a rebuild (and the
    browser's reload) then does not wait for the search index. A request while the job runs asks
    for one more run after it, with the newest job: rebuilds that come faster than the index get
    one more index of the newest site, not one each. `report(result, error)` hears how each run ended."""

    def __init__(self, report: Callable[[object, Exception | None], None]):
        self._report = report
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._job: Callable[[], object] | None = None
        self._closing = False

    def request(self, job: Callable[[], object]) -> None:
        with self._lock:
            self._job = job  # the newest build's; a run already going finds it when it ends
            if self._thread is None and not self._closing:
                self._thread = threading.Thread(target=self._run, name="guide-search-index", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                job, self._job = self._job, None
                if job is None or self._closing:
                    self._thread = None
                    return
            try:
                result, error = job(), None
            except Exception as e:  # noqa: BLE001 - told to `report`: an exception would end the thread unheard
                result, error = None, e
            with self._lock:
                # Not worth a message: a run cut short by Ctrl+C, or a failure a newer build's run will
                # redo (a full rebuild empties the site folder under a run that is still writing).
                quiet = self._closing or (error is not None and self._job is not None)
            if not quiet:
                self._report(result, error)

    def wait(self, timeout: float) -> None:
        """Let the run going (and one asked for during it) finish; later requests start runs as before."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    @property
    def closing(self) -> bool:
        """True once `close` is called: a run in parts stops before its next part."""
        return self._closing

    def close(self, timeout: float) -> None:
        """No more runs; wait for the one going, so that nothing writes into the site folder after
        `mkdocs serve` has removed it."""
        with self._lock:
            self._closing, thread = True, self._thread
        if thread is not None:
            thread.join(timeout)


def records(bundle: Path, limit: int | None = None) -> list[dict]:
    """What Pagefind stored per page (url, content, meta): its fragments are gzip-compressed JSON
    after a "pagefind_dcd" signature. Fragment names are hashes, so the first `limit` are a fair sample."""
    out = []
    for fragment in sorted((bundle / "fragment").glob("*.pf_fragment"))[:limit]:
        data = gzip.decompress(fragment.read_bytes())
        out.append(json.loads(data[data.index(b"{"):]))
    return out


@functools.lru_cache(maxsize=None)  # a guide has tens of thousands of distinct words, each stemmed once
def stem(word: str) -> str:
    """A rough English stem, the same as `stem` in overrides/assets/search.js: "talking" -> "talk".
    Pagefind matches a query word's stem as a prefix, so a word's cost is its stem's."""
    bare = re.sub(r"(ies|ing|ed|es|s|y)$", "", word)
    return bare if len(bare) >= 3 else word


def common_words(texts: list[str], pages: int) -> list[str]:
    """Stems (see `stem`) of words on more than COMMON_SHARE of a sample of the pages' texts and,
    scaled to all `pages`, on at least COMMON_PAGES of them; sorted."""
    if not texts or pages * COMMON_SHARE < COMMON_PAGES:
        return []
    seen = collections.Counter()
    for text in texts:
        seen.update({stem(w) for w in set(re.findall(r"[^\W\d_]{3,}", text.lower()))})
    return sorted(w for w, n in seen.items() if n / len(texts) > COMMON_SHARE and n / len(texts) * pages >= COMMON_PAGES)
