"""`make serve` rebuilds only what an edit changes (MkDocs' dirty mode), and nothing goes stale.

Dirty mode rebuilds a page whose file is newer than its output. Before pages are read, this hook
removes the output of every page the edit shows on (guide/preview.py works out which), so dirty
mode rebuilds those too; pages it does not rebuild still get their front matter, so titles in
neighbours' links and the topics page stay whole. Every build still reads and checks every page.
Without `--dirty` (plain `mkdocs serve`, `mkdocs build`) this hook does nothing.
"""
from __future__ import annotations

import hashlib
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

KEY = "guide_state"  # set by validate.py's on_config (priority 100)
log = logging.getLogger("mkdocs.hooks.guide")


@dataclass
class Build:
    """One preview build: a stamp of what every page depends on (config, theme overrides), and by
    page (src_uri) its fingerprint, output file and URL; then the URLs it rendered or removed."""

    stamp: str
    prints: dict[str, int]
    outputs: dict[str, str]
    urls: dict[str, str]
    rendered: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


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
    build = Build(_stamp(config), guide.preview.fingerprints(config[KEY], neighbours),
                  {f.src_uri: f.abs_dest_path for f in pages}, {f.src_uri: f.url for f in pages})
    before = _last.pop(key, None)  # a build that fails leaves none: the next one rebuilds everything
    _current[key] = build
    if before is not None and before.stamp == build.stamp:
        stale, gone = guide.preview.stale(before.prints, build.prints)
    else:  # the first build, or the config or theme changed: everything
        stale, gone = set(build.outputs), (set(before.outputs) - set(build.outputs) if before else set())
    for uri in stale:
        _remove(build.outputs[uri])
    for uri in gone:
        _remove(before.outputs[uri], prune=config.site_dir)
        build.removed.add(before.urls[uri])
    if before is not None:
        log.info(f"Preview: rebuilding {len(stale)} of {len(build.outputs)} pages that show what changed")
    return nav


@event_priority(110)  # before Material's tags plugin lists the pages (100)
def on_env(env, *, config: MkDocsConfig, files: Files):
    """Dirty mode does not read the pages it does not rebuild, so their titles would be empty in
    other pages' links, and the tags plugin would list only the rebuilt pages: they get their
    front matter (already read and checked) and are shown to the tags plugin."""
    if not _dirty:
        return env
    site = config[KEY].site
    tags = config.plugins.get("material/tags")
    for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
        page, info = file.page, site.pages.get(file.src_uri)
        if page is None or page.markdown is not None:
            continue
        if info is None:
            page.read_source(config)
        else:
            page.markdown, page.meta = "", info.meta.model_dump(exclude_unset=True)
        guide.views.safe_meta(page.meta)
        if tags is not None:
            tags.on_page_markdown(page.markdown, page=page, config=config, files=files)
    return env


def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    if _dirty and (build := _current.get(_key(config))):
        build.rendered.add(page.url)
    return context


@event_priority(10)  # before Material's search plugin writes its index (0)
def on_post_build(*, config: MkDocsConfig) -> None:
    key = _key(config)
    build = _current.pop(key, None)
    if build is None:
        return
    _merge_search_index(config, build)
    _last[key] = build


def _merge_search_index(config: MkDocsConfig, build: Build) -> None:
    """Material's search plugin, in dirty mode, keeps the last index and swaps in the entries of the
    one page it expects was rebuilt. Here many are: keep every other page's entries, and the new ones."""
    search = config.plugins.get("material/search")
    previous = getattr(search, "search_index_prev", None)
    if previous is None:
        return
    fresh = build.rendered | build.removed
    kept = [e for e in previous.entries if e["location"].split("#")[0] not in fresh]
    search.search_index.entries = kept + search.search_index.entries
    search.search_index_prev = None  # merged here; the plugin keeps this index for next time


def _key(config: MkDocsConfig) -> str:
    # `serve` loads the config again for each rebuild, not always by the same spelling of its path.
    return os.path.realpath(config.config_file_path or "mkdocs.yml")


def _uri(page) -> str | None:
    return page.file.src_uri if page is not None and getattr(page, "file", None) else None


def _stamp(config: MkDocsConfig) -> str:
    """What every page depends on besides the site data: the config file and the theme overrides."""
    h = hashlib.sha256(Path(config.config_file_path).read_bytes() if config.config_file_path else b"")
    custom = getattr(config.theme, "custom_dir", None)
    for path in sorted(Path(custom).rglob("*")) if custom else ():
        if path.is_file():
            st = path.stat()
            h.update(f"{path}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()


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
