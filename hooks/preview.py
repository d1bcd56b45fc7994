"""`make serve` rebuilds only what an edit changes (MkDocs' dirty mode), and nothing goes stale.

Dirty mode rebuilds a page whose file is newer than its output. Before pages are read, this hook
removes the output of every page the edit shows on (guide/preview.py works out which), so dirty
mode rebuilds those too. Pages it does not rebuild still get their front matter, so titles in
neighbours' links and the topics page stay whole, and their HTML from the last build, so booklets
(generated, rebuilt every time) stay whole too. Every build still reads and checks every page, and
the search index is made from the whole site folder. Without `--dirty` (plain `mkdocs serve`,
`mkdocs build`) this hook does nothing.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

import guide.preview
import guide.views
from guide.state import KEY

log = logging.getLogger("mkdocs.hooks.guide")


@dataclass
class Build:
    """One preview build: a stamp of what every page depends on (config, theme overrides), and by
    page (src_uri) its fingerprint and output file; the articles' HTML, last rendered or kept."""

    stamp: str
    prints: dict[str, int]
    outputs: dict[str, str]
    html: dict[str, str] = field(default_factory=dict)


_dirty = False
_last: dict[str, Build] = {}  # by config file: the last build that finished
_current: dict[str, Build] = {}


class _NotThatWarning(logging.Filter):
    """MkDocs warns on every dirty build that navigation may be inaccurate; here it is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = command == "serve" and dirty
    if _dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_NotThatWarning())


@event_priority(-100)  # after layout.py has given articles their neighbours
def on_nav(nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
    if not _dirty:
        return nav
    key = _key(config)
    pages = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    neighbours = {f.src_uri: (_uri(f.page.previous_page), _uri(f.page.next_page)) for f in pages if f.page}
    on_disk = {f.src_uri: _file_key(f.abs_src_path) for f in pages if f.abs_src_path}
    state = config[KEY]
    build = Build(_stamp(config), guide.preview.fingerprints(state, neighbours, on_disk), {f.src_uri: f.abs_dest_path for f in pages})
    before = _last.pop(key, None)  # a build that fails leaves none: the next one rebuilds everything
    _current[key] = build
    if before is not None and before.stamp == build.stamp:
        stale, gone = guide.preview.stale(before.prints, build.prints)
        stale |= guide.preview.always(state) & set(build.outputs)
        build.html = {uri: html for uri, html in before.html.items() if uri in build.prints and uri not in stale}
    else:  # the first build, or the config or theme changed: everything
        stale, gone = set(build.outputs), (set(before.outputs) - set(build.outputs) if before else set())
    for uri in stale:
        _remove(build.outputs[uri])
    for uri in gone:
        _remove(before.outputs[uri], prune=config.site_dir)
    if before is not None:
        log.info(f"Preview: rebuilding {len(stale)} of {len(build.outputs)} pages that show what changed")
    return nav


@event_priority(-110)  # after booklets.py keeps the article's HTML (-100)
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if _dirty and (build := _current.get(_key(config))) and page.file.src_uri in config[KEY].rendered:
        build.html[page.file.src_uri] = html
    return html


@event_priority(110)  # before Material's tags plugin lists the pages (100)
def on_env(env, *, config: MkDocsConfig, files: Files):
    """Dirty mode does not read the pages it does not rebuild: they get their front matter (read
    and checked already) so that titles in other pages' links and the tags plugin's lists stay
    whole, and articles their last HTML, for the booklets."""
    if not _dirty:
        return env
    state = config[KEY]
    build = _current[_key(config)]
    tags = config.plugins.get("material/tags")
    for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
        page, info = file.page, state.site.pages.get(file.src_uri)
        if page is None or page.markdown is not None:
            continue
        if info is None:
            page.read_source(config)
        else:
            page.markdown, page.meta = "", guide.views.page_meta(info, state.site.tags)
            if info.kind == "article" and file.src_uri in build.html:
                state.rendered[file.src_uri] = build.html[file.src_uri]
        guide.views.safe_meta(page.meta)
        if tags is not None:
            tags.on_page_markdown(page.markdown, page=page, config=config, files=files)
    return env


@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    key = _key(config)
    if (build := _current.pop(key, None)) is not None:
        _last[key] = build


def _key(config: MkDocsConfig) -> str:
    # `serve` loads the config again for each rebuild, not always by the same spelling of its path.
    return os.path.realpath(config.config_file_path or "mkdocs.yml")


def _file_key(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _uri(page) -> str | None:
    return page.file.src_uri if page is not None and getattr(page, "file", None) else None


def _stamp(config: MkDocsConfig) -> str:
    custom = getattr(config.theme, "custom_dir", None)
    return guide.preview.stamp(Path(config.config_file_path) if config.config_file_path else None, Path(custom) if custom else None)


def _remove(output: str, prune: str | None = None) -> None:
    """Remove a built page, so that dirty mode builds it again (or, gone, it is not served)."""
    try:
        os.remove(output)
    except FileNotFoundError:
        return
    if prune:  # a deleted page's folder, when nothing else is in it
        folder = Path(output).parent
        while folder != Path(prune) and folder.is_relative_to(prune):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent
