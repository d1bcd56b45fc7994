"""Speed: one Markdown converter per build, reset between pages, instead of a new one for every page.

MkDocs' `Page.render` calls `markdown.Markdown(extensions=..., extension_configs=...)` for each page.
Loading and configuring the extensions is about a quarter of converting one of our articles (1 ms
of 4), so at 5,000 articles it is seconds of every build and every preview rebuild. Python-Markdown
is made to be reused: `reset()` clears what one document left (its stash, references and every
registered extension's own state), and MkDocs registers its per-page processors under fixed names,
which replace the previous page's. `tests/test_build.py` checks that every page comes out byte for
byte the same with and without this hook.
"""
from __future__ import annotations

import markdown
import mkdocs.structure.pages
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority


# Extensions whose state `reset()` is checked to clear (tests/test_build.py converts pages with one
# converter and with a new one each): ours, MkDocs' defaults, and those publishers add most. With
# any other in mkdocs.yml, each page gets a new converter, as MkDocs makes it.
CHECKED = frozenset("""
abbr admonition attr_list def_list fenced_code footnotes md_in_html meta nl2br sane_lists smarty tables toc
pymdownx.betterem pymdownx.caret pymdownx.critic pymdownx.details pymdownx.emoji pymdownx.highlight
pymdownx.inlinehilite pymdownx.keys pymdownx.magiclink pymdownx.mark pymdownx.smartsymbols
pymdownx.superfences pymdownx.tabbed pymdownx.tasklist pymdownx.tilde
""".split())


class ReusedMarkdown:
    """Stands in for the `markdown` module inside mkdocs.structure.pages, whose only call at build
    time is `markdown.Markdown(...)`; every other name is the real module's."""

    def __init__(self) -> None:
        self._args: tuple | None = None
        self._md: markdown.Markdown | None = None

    def Markdown(self, **kwargs) -> markdown.Markdown:  # noqa: N802 (the name MkDocs calls)
        if not all(isinstance(e, str) and e in CHECKED for e in kwargs.get("extensions") or ()):
            return markdown.Markdown(**kwargs)
        args = (kwargs.get("extensions"), kwargs.get("extension_configs"))
        if self._md is None or args != self._args:  # a different configuration: a new converter
            self._args, self._md = args, markdown.Markdown(**kwargs)
        return self._md.reset()

    def __getattr__(self, name: str):
        return getattr(markdown, name)


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # A new converter for every build: `serve` rebuilds with a new config, and a changed
    # mkdocs.yml must not meet the previous build's extensions.
    mkdocs.structure.pages.markdown = ReusedMarkdown()
    return config
