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
# Settings under which an extension's reset() itself changes the next page: footnotes' UNIQUE_IDS
# numbers each reset (fn:2-1, fn:3-1...), where a new converter per page always says fn:2-1.
CHANGES_ON_RESET = {"footnotes": "UNIQUE_IDS"}


def reusable(extensions, configs) -> bool:
    """Whether one converter, reset between pages, makes what a new one per page makes."""
    for name in extensions or ():
        if not isinstance(name, str) or name not in CHECKED:
            return False
        if name in CHANGES_ON_RESET and ((configs or {}).get(name) or {}).get(CHANGES_ON_RESET[name]):
            return False
    return True


class ReusedMarkdown:
    """Stands in for the `markdown` module inside mkdocs.structure.pages, whose only call at build
    time is `markdown.Markdown(...)`; every other name is the real module's."""

    def __init__(self) -> None:
        self._args: tuple | None = None
        self._md: markdown.Markdown | None = None  # None: this configuration is not reusable

    def Markdown(self, **kwargs) -> markdown.Markdown:  # noqa: N802 (the name MkDocs calls)
        args = (kwargs.get("extensions"), kwargs.get("extension_configs"))
        if args != self._args:  # the first page, or a different configuration: decided once for it
            self._args, self._md = args, markdown.Markdown(**kwargs) if reusable(*args) else None
        return self._md.reset() if self._md is not None else markdown.Markdown(**kwargs)

    def __getattr__(self, name: str):
        return getattr(markdown, name)


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # A new converter for every build: `serve` rebuilds with a new config, and a changed
    # mkdocs.yml must not meet the previous build's extensions.
    mkdocs.structure.pages.markdown = ReusedMarkdown()
    return config


def on_post_build(*, config: MkDocsConfig) -> None:
    _restore()  # every page is rendered: MkDocs' own module again, and the last page's data let go


def on_build_error(*, error: Exception) -> None:
    _restore()


def _restore() -> None:
    mkdocs.structure.pages.markdown = markdown
