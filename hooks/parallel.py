"""Speed: `mkdocs build` hands half of the pages to a second process, twice.

MkDocs works page after page on one core: first it converts every page's Markdown, then it renders
every page's template; each is about a third of a build (BENCHMARKS.md, *Where the time and memory
go*). This hook forks the build at the start of each stage, and the child does the second half of
the pages while the parent does the first. docs/DESIGN.md (*Speed*) has the measurements.

1. Markdown (from `on_nav`, when every page exists). The child reads and converts its pages as
   MkDocs would (the `pre_page` and `page_markdown` events, then MkDocs' own `Page.render`) and
   writes what `render` leaves on each page into an unnamed temporary file. The parent still runs
   every event for every page itself; only `Page.render` takes the child's result, and only when
   the Markdown it would convert is exactly the Markdown the child converted.
2. Pages (from `on_env`, when every page is converted). The child renders its pages' templates
   and writes their files as MkDocs would (`_build_page`, the `page_context` and `post_page`
   events included); the parent leaves those pages out, renders the rest and, in `on_post_build`
   before any other hook reads the site, waits for the child. Generated pages (the booklets, the
   review report) stay in the parent, whose later hooks read what their events left.

Whatever the child does not finish (a page it failed on, a child that died) the parent does itself,
so the site is the same either way, and an error is reported by the parent as MkDocs reports it.
The child prints nothing; its log lines for the pages it did are logged by the parent, where
`--strict` counts them. `tests/test_build.py` checks every page is byte for byte the same with and
without this hook, and that warnings still count.

Not in `serve` (a fork beside its server threads is unsafe, and a rebuild renders only a few pages,
hooks/preview.py), not on one core, not beside another thread, and not with a plugin or hook it
does not know (`KNOWN_PLUGINS`). `GUIDE_PARALLEL=0` turns it off (to compare, or to rule it out
when something looks wrong).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import mkdocs.commands.build
import mkdocs.structure.pages
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation

import guide.apart
from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")

# Plugins known to keep nothing from a page's events for later, and to do nothing outside the build
# in them: the events of the pages a child renders happen in the child only, and those of the pages
# it converts happen twice. With any other plugin or hook in mkdocs.yml (MkDocs' search plugin, say,
# gathers every page in `post_page` for its index), every page is done here, as MkDocs does it.
KNOWN_PLUGINS = frozenset({"material/tags", "tags"})
HOOKS = Path(__file__).resolve().parent

# MkDocs' own, put back after every build.
_render = mkdocs.structure.pages.Page.render
_build_page = mkdocs.commands.build._build_page
_markdown: _Fork | None = None
_pages: _Fork | None = None
_nav: Navigation | None = None


def on_config(config: MkDocsConfig) -> None:
    _stop()  # a build that failed before it read a child's results


def _known(config: MkDocsConfig, name: str) -> bool:
    return name in KNOWN_PLUGINS or (Path(config.config_file_path).parent / name).resolve().parent == HOOKS


def _wanted(config: MkDocsConfig) -> bool:
    # Linux only, and never beside another thread (guide.apart.possible: a lock it holds would stay
    # locked in the child); numpy's OpenBLAS is kept to none (guide/related.py).
    return (os.environ.get("GUIDE_PARALLEL") != "0" and not config[KEY].serving and guide.apart.possible()
            and len(os.sched_getaffinity(0)) >= 2 and all(_known(config, name) for name in config.plugins))


@event_priority(-200)  # after every other `nav` hook: the child starts from the site as the build has it
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    global _markdown, _nav
    _nav = nav
    if _wanted(config):
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        mine = pages[len(pages) // 2:]
        _markdown = _start(mine, lambda out: _convert(mine, config, files, out))
        if _markdown is not None:
            mkdocs.structure.pages.Page.render = _render_or_take
    return nav


@event_priority(-200)  # after every other `env` hook (the tags plugin lists its pages in its own)
def on_env(env, *, config: MkDocsConfig, files: Files):
    global _pages
    _take_render_back()
    if _wanted(config) and _nav is not None:
        docs = files.documentation_pages(inclusion=InclusionLevel.is_included)  # what MkDocs' build loop renders
        # Pages MkDocs converted (`--dirty` skips some), and not generated: the booklets and the
        # review report keep their events in the parent, where later hooks read them. Nor a page
        # whose file another file also writes: MkDocs writes pages last, after static files and
        # theme templates, and in order, so the right one wins; two processes would race.
        written = Counter(f.dest_uri for f in files)
        written.update([*config.theme.static_templates, *config.extra_templates])
        pages = [f.page for f in docs if f.page is not None and f.page.content is not None and f.generated_by is None
                 and written[f.dest_uri] == 1]
        mine = pages[len(pages) // 2:]
        _pages = _start(mine, lambda out: _build(mine, config, docs, _nav, env, out), context=(docs, _nav, env))
        if _pages is not None:
            mkdocs.commands.build._build_page = _build_or_skip
    return env


@event_priority(200)  # before every other `post_build` hook: the booklets and the search index read the pages
def on_post_build(*, config: MkDocsConfig) -> None:
    mkdocs.commands.build._build_page = _build_page
    if _pages is not None:
        done = _pages.collect()
        docs, nav, env = _pages.context
        for page in _pages.pages:
            records = done.get(page.file.src_uri)
            if records is None:  # the child did not write it: the parent does, as MkDocs would have
                _build_page(page, config, docs, nav, env, excluded=page.file.inclusion.is_excluded())
            else:
                _log(records)
        log.debug(f"Parallel: {len(done)} of {len(_pages.pages)} pages written by the second process"
                  f" (waited for it {_pages.waited:.2f} s)")
    _stop()


def on_build_error(*, error: Exception) -> None:
    _stop()


def _take_render_back() -> None:
    global _markdown
    mkdocs.structure.pages.Page.render = _render
    if _markdown is not None:
        log.debug(f"Parallel: {_markdown.taken} of {len(_markdown.pages)} pages converted by the second process"
                  f" (waited for it {_markdown.waited:.2f} s)")
        _markdown.stop()
        _markdown = None


def _stop() -> None:
    global _pages, _nav
    _take_render_back()
    mkdocs.commands.build._build_page = _build_page
    if _pages is not None:
        _pages.stop()
        _pages = None
    _nav = None


def _render_or_take(page: mkdocs.structure.pages.Page, config: MkDocsConfig, files: Files) -> None:
    mine = _markdown is not None and page.file.src_uri in _markdown.uris
    done = _markdown.collect().pop(page.file.src_uri, None) if mine else None
    if done is None or done[0] != _digest(page.markdown):
        return _render(page, config, files)
    _markdown.taken += 1
    page.content, page.toc, page._title_from_render, page.present_anchor_ids, links, records = done[1:]
    if links is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): v for uri, v in links.items()}
    _log(records)


def _build_or_skip(page, config, doc_files, nav, env, dirty=False, excluded=False) -> None:
    if _pages is not None and page.file.src_uri in _pages.uris:
        return  # the child writes it; on_post_build checks that it did
    _build_page(page, config, doc_files, nav, env, dirty, excluded)


def _start(pages: list, work: Callable, context: tuple = ()) -> _Fork | None:
    try:
        return _Fork(pages, work, context)
    except OSError as e:  # no temporary file or no process to be had: this process does it all
        log.debug(f"Parallel: no second process ({e})")
        return None


def _log(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Capture(logging.Handler):
    """The child's log: kept while it works on a page (for the parent to log), dropped otherwise."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.records is not None:
            if record.exc_info:  # the traceback as text: the exception itself may not pickle
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.msg, record.args, record.exc_info = record.getMessage(), None, None
            self.records.append(record)

    def install(self) -> _Capture:
        for name in list(logging.root.manager.loggerDict):
            # Nothing printed twice (the parent prints every line of its own run), and every line
            # reaches the capture: MkDocs' own logger does not pass its lines on by default.
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate = [], True
        logging.root.handlers = [self]
        return self


class _Fork:
    """A forked child that runs `work(out)`, which writes a (src_uri, result) pair per page with pickle."""

    def __init__(self, pages: list, work: Callable, context: tuple = ()) -> None:
        self.pages = pages
        self.uris = {p.file.src_uri for p in pages}
        self.taken = 0
        self.context = context  # what the parent needs to do the child's pages itself
        self.results: dict | None = None
        self.waited = 0.0  # how long the parent waited for the child: the halves' balance
        self.out = tempfile.TemporaryFile()
        parent = os.getpid()
        try:
            self.pid = os.fork()
        except OSError:
            self.out.close()
            raise
        if self.pid == 0:  # the child: never returns into MkDocs
            code = 1
            try:
                if guide.apart.in_child(parent):
                    work(self.out)
                    self.out.flush()
                    code = 0
            finally:
                os._exit(code)

    def collect(self) -> dict:
        """Every result the child wrote (waiting for it once); none for a page it did not finish."""
        if self.results is None:
            start = time.perf_counter()
            os.waitpid(self.pid, 0)
            self.waited = time.perf_counter() - start
            self.pid = 0
            self.results = {}
            self.out.seek(0)
            try:
                while True:
                    uri, done = pickle.load(self.out)
                    self.results[uri] = done
            except Exception:  # the end, or a child that died mid-write: the pages it left are the parent's
                pass
            self.out.close()
        return self.results

    def stop(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = 0
        self.out.close()


def _convert(pages: list, config: MkDocsConfig, files: Files, out) -> None:
    """In the child: what MkDocs' `_populate_page` does up to `render`, page by page."""
    capture = _Capture().install()
    for page in pages:
        try:
            config._current_page = page
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
            capture.records = []
            _render(page, config, files)
            links = ({f.src_uri: v for f, v in page.links_to_anchors.items()}
                     if page.links_to_anchors is not None else None)
            done = (_digest(page.markdown), page.content, page.toc, page._title_from_render, page.present_anchor_ids,
                    links, capture.records)
            out.write(pickle.dumps((page.file.src_uri, done), pickle.HIGHEST_PROTOCOL))  # whole, or not at all
        except Exception:  # the parent converts this page itself, and reports what is wrong with it
            pass
        finally:
            capture.records = None


def _build(pages: list, config: MkDocsConfig, docs, nav: Navigation, env, out) -> None:
    """In the child: MkDocs' own `_build_page` for each page; its log lines go to the parent."""
    capture = _Capture().install()
    for page in pages:
        capture.records = []
        try:
            _build_page(page, config, docs, nav, env, excluded=page.file.inclusion.is_excluded())
            out.write(pickle.dumps((page.file.src_uri, capture.records), pickle.HIGHEST_PROTOCOL))  # whole, or not at all
        except Exception:  # the parent builds this page again, and reports what is wrong with it
            pass
        finally:
            capture.records = None
