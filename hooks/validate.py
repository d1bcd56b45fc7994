"""Read and check every page's front matter once; stop the build with every problem at once."""
from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

import guide.state
import guide.views

_command = "build"


def on_startup(*, command: str, dirty: bool) -> None:
    global _command
    _command = command


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    guide.state.start(config, serving=_command == "serve")
    return config


@event_priority(100)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    site = guide.state.read_site(config, files)
    for file in files.documentation_pages():
        if file.src_uri in site.drafts:
            file.inclusion = InclusionLevel.DRAFT  # MkDocs' own meaning: in `serve`, not in `build`
    return files


@event_priority(100)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    guide.views.safe_meta(page.meta)
    return markdown
