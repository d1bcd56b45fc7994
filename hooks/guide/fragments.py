"""Template fragments that come out the same on many pages, rendered once per build.

Material renders the whole sidebar nav on every page. On an article it depends only on which
section is open and on the page's depth (MkDocs writes relative links), so every article of a
section gets the same HTML: the first one renders it, the others reuse it. Material's header is
the same at every depth but for the page's title, and is rendered once per depth with a slot for it.
"""
from __future__ import annotations

from typing import Callable, Hashable


class AtDepth:
    """Template blocks that come out the same on every page at one depth (`base_url`): their links
    are relative. `part(name, caller)` renders a block on the first such page (`caller` is the
    block's `super`, or the body of a `{% call %}` block) and reuses it on the others; `name` may be
    any key that says what else the block depends on (the sidebar: the page's section). `titled`
    does the same for a block that differs only by the page's title, which the template writes as
    `slot` (Material's header)."""

    slot = "\x00guide-page-title\x00"  # nothing else in a header can contain a NUL character

    def __init__(self, store: dict, depth: str):
        self._store, self._depth = store, depth

    def part(self, name: Hashable, caller: Callable[[], str]) -> str:
        return self._get(name, caller, lambda html: True)

    def titled(self, name: str, render: Callable[[], str], title: object) -> str:
        # Kept only with the slot in exactly one place: an override of the header without it would
        # otherwise give every page the first page's title.
        return self._get(name, render, lambda html: html.count(self.slot) == 1).replace(self.slot, str(title))

    def _get(self, name: Hashable, render: Callable[[], str], keep: Callable[[str], bool]) -> str:
        key = (name, self._depth)
        html = self._store.get(key)
        if html is None:
            html = str(render())
            if keep(html):
                self._store[key] = html
        return html
