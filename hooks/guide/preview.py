"""`make serve`: which built pages an edit makes stale.

MkDocs' dirty mode rebuilds a page only when its own file is newer than its output, but an edit
shows on other pages too: a title is on its section page's cards, in other pages' related lists,
in worksheets' read-more boxes, on the topics page and in its neighbours' previous/next links.
So every build gives each page a fingerprint of everything it shows from the site data; a page
whose fingerprint changed since the last build is stale (hooks/preview.py removes its output, and
dirty mode rebuilds it).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import context
from .site import labels
from .state import State

# The one top-level page that is not the home page is the topics page: Material's tags plugin
# lists every page on it (title, tags, drafts left out), and links every page's tag chips to it only
# when it is rendered in the same build. So it is rendered on every preview build.
LISTS_EVERY_PAGE = "page"


def fingerprints(state: State, neighbours: dict[str, tuple[str | None, str | None]],
                 files: dict[str, object] | None = None) -> dict[str, int]:
    """Each page's fingerprint. `neighbours`: each page's previous and next page (src_uri), as the
    navigation gives them; their titles show in the page's footer. `files`: each page's own file as
    the disk has it (size and modification time): dirty mode alone rebuilds a page only when its
    file is newer than its output, so an older copy put back (`cp -p`, unzip) would stay unseen."""
    site = state.site
    pages = site.pages
    files = files or {}

    def shown(uri: str | None) -> tuple | None:
        page = pages.get(uri) if uri else None
        return (page.meta.title, page.url) if page else None

    out = {}
    for uri in pages:
        before, after = neighbours.get(uri, (None, None))
        chips = tuple(labels(site.tags, pages[uri].meta.tags))
        parts = (repr(context.page_context(state, uri, "")), shown(before), shown(after), files.get(uri), chips)
        out[uri] = hash(parts)
    return out


def always(state: State) -> set[str]:
    """Pages rendered on every preview build, whatever changed (see LISTS_EVERY_PAGE)."""
    return {uri for uri, page in state.site.pages.items() if page.kind == LISTS_EVERY_PAGE}


def stale(before: dict[str, int], after: dict[str, int]) -> tuple[set[str], set[str]]:
    """(pages to rebuild: new or changed fingerprint, pages gone since the last build)."""
    changed = {uri for uri, print_ in after.items() if before.get(uri) != print_}
    return changed, set(before) - set(after)


def stamp(config_file: Path | None, overrides: Path | None) -> str:
    """What every page depends on besides the site data: the config file's bytes, and the name, size
    and time of each file in the theme overrides. Names are taken relative to the overrides folder:
    MkDocs gives it as written in mkdocs.yml for the first build and as an absolute path for the
    rebuilds, and the first edit must not look like a theme change."""
    h = hashlib.sha256(config_file.read_bytes() if config_file else b"")
    for path in sorted(overrides.rglob("*")) if overrides else ():
        if path.is_file():
            st = path.stat()
            h.update(f"{path.relative_to(overrides).as_posix()}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()
