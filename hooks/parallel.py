"""Speed: `mkdocs build` converts the second half of the pages' Markdown in a second process.

Converting Markdown to HTML is a third of a build (BENCHMARKS.md, *Where the time and memory go*),
and MkDocs does it one page after another on one core. After `on_nav`, when every page exists,
this hook forks the build: the child reads and converts the second half of the pages, exactly as
MkDocs would (the `pre_page` and `page_markdown` events, then `Page.render`), and writes what
`render` leaves on each page into a temporary file. Meanwhile the parent converts the first half.
When the parent reaches a page of the second half, it still runs every event itself; only
`Page.render` takes the child's result instead, and only when the Markdown it would convert is
exactly the Markdown the child converted. Anything else (a page the child failed on, a child that
died, different Markdown) is converted here as usual, so the site is the same either way; the
child's log lines from `render` (e.g. a link MkDocs cannot resolve) are logged here, in the
parent, so `--strict` counts them. `tests/test_build.py` checks every page is byte for byte the
same with and without this hook.

Not in `serve` (a fork beside its server threads is unsafe, and a rebuild renders only a few pages,
hooks/preview.py), and not on one core. `GUIDE_PARALLEL=0` turns it off (to compare, or to rule it
out when something looks wrong).
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile

import mkdocs.structure.pages
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")

_render = mkdocs.structure.pages.Page.render  # MkDocs' own
_job: _Child | None = None


def on_config(config: MkDocsConfig) -> None:
    _stop()  # a build that failed before reading the child's results


@event_priority(-200)  # after every other `nav` hook: the child starts from the site as the build has it
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    global _job
    # Linux only: macOS's system libraries are not safe to use in a forked child, Windows cannot fork.
    if (os.environ.get("GUIDE_PARALLEL") == "0" or config[KEY].serving or not sys.platform.startswith("linux")
            or len(os.sched_getaffinity(0)) < 2):
        return nav
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    _job = _Child(pages[len(pages) // 2:], config, files)
    mkdocs.structure.pages.Page.render = _render_or_take
    return nav


def on_post_build(*, config: MkDocsConfig) -> None:
    _stop()


def on_build_error(*, error: Exception) -> None:
    _stop()


def _stop() -> None:
    global _job
    mkdocs.structure.pages.Page.render = _render
    if _job is not None:
        log.debug(f"Parallel: {_job.taken} of {len(_job.uris)} pages converted by the second process")
        _job.stop()
        _job = None


def _render_or_take(page: mkdocs.structure.pages.Page, config: MkDocsConfig, files: Files) -> None:
    done = _job.result(page) if _job is not None else None
    if done is None:
        return _render(page, config, files)
    page.content, page.toc, page._title_from_render, page.present_anchor_ids, links, records = done
    if links is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): v for uri, v in links.items()}
    for record in records:
        logging.getLogger(record.name).handle(record)


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Capture(logging.Handler):
    """The child's log: kept while a page renders (to be logged by the parent), dropped otherwise
    (the parent logs its own events' lines itself)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.records is not None:
            record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
            self.records.append(record)


class _Child:
    def __init__(self, pages: list, config: MkDocsConfig, files: Files) -> None:
        self.uris = {p.file.src_uri for p in pages}
        self.results: dict | None = None
        self.taken = 0
        self.out = tempfile.TemporaryFile()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into MkDocs
            code = 1
            try:
                _convert(pages, config, files, self.out)
                code = 0
            finally:
                os._exit(code)

    def result(self, page) -> tuple | None:
        if page.file.src_uri not in self.uris:
            return None
        if self.results is None:
            self.results = self._collect()
        done = self.results.pop(page.file.src_uri, None)
        if done is None or done[0] != _digest(page.markdown):
            return None
        self.taken += 1
        return done[1:]

    def _collect(self) -> dict:
        os.waitpid(self.pid, 0)
        self.pid = 0
        results: dict = {}
        self.out.seek(0)
        try:
            while True:
                uri, *done = pickle.load(self.out)
                results[uri] = done
        except Exception:  # the end, or a child that died mid-write: the pages it left are converted here
            pass
        self.out.close()
        return results

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
    capture = _Capture()
    for name in list(logging.root.manager.loggerDict):
        # Nothing printed twice (the parent prints every line of its own run), and every line of a
        # render reaches the capture: MkDocs' own logger does not pass its lines on by default.
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = [], True
    logging.root.handlers = [capture]
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
            done = (page.file.src_uri, _digest(page.markdown), page.content, page.toc, page._title_from_render,
                    page.present_anchor_ids, links, capture.records)
            pickle.dump(done, out, pickle.HIGHEST_PROTOCOL)
        except Exception:  # the parent converts this page itself, and reports what is wrong with it
            pass
        finally:
            capture.records = None
    out.flush()
