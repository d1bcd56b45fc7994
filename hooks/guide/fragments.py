"""Template fragments that come out the same on many pages, rendered once per build.

Material renders the whole sidebar nav on every page. On an article it depends only on which
section is open and on the page's depth (MkDocs writes relative links), so every article of a
section gets the same HTML: the first one renders it, the others reuse it.
"""
from __future__ import annotations

from typing import Hashable


class Fragment:
    """One cached piece of HTML: `html` when an earlier page rendered it; else the template renders
    it and passes it through `keep`."""

    def __init__(self, store: dict, key: Hashable):
        self._store, self._key = store, key

    @property
    def html(self) -> str | None:
        return self._store.get(self._key)

    def keep(self, html: str) -> str:
        self._store[self._key] = html
        return html
