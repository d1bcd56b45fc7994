"""Read and check every page once. `build` stops with every problem at once; `serve` keeps going and
shows the problems in the browser, so the preview never hangs on a publisher's mistake."""
from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

import guide.dates
import guide.pages
import guide.serving
import guide.settings
import guide.site
import guide.snippets
import guide.state
import guide.views
from guide.problems import Problem, raise_if
from guide.state import KEY

if TYPE_CHECKING:  # `mkdocs build` never loads the live-reload server (and its file watcher)
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.hooks.guide")
_command = "build"


def on_startup(*, command: str, dirty: bool) -> None:
    global _command
    _command = command


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if gc.get_freeze_count():  # another build in this process froze its data: let it be collected
        gc.unfreeze()
        gc.collect()
    serving = _command == "serve"
    root = _root(config)
    docs = Path(config.docs_dir).resolve()
    settings, setting_problems = guide.settings.check(config.extra, config.config_file_path)
    state = guide.state.State(
        settings=settings,
        serving=serving,
        today=guide.dates.today(),
        locale=settings.date_locale or config.theme.get("language") or "en",
        shown_prefix=(docs.relative_to(root).as_posix() if docs.is_relative_to(root) else str(docs)) + "/",
        site_name=config.site_name,
        site_url=config.site_url or "",
        setting_problems=setting_problems,
    )
    bad_locale = guide.dates.locale_problem(state.locale)
    if bad_locale:
        state.setting_problems.append(Problem("mkdocs.yml", "extra.guide.date_locale (or theme.language)", bad_locale))
        state.locale = "en"
    # A build stops; `serve` keeps going on the defaults and shows the problems on every page (a
    # stopped build would leave the preview's browser waiting with no answer).
    if state.setting_problems and not serving:
        raise PluginError("\n".join(map(str, state.setting_problems)))
    if serving:
        # Problems are shown on the pages instead: a strict abort would leave the preview hanging.
        # MkDocs decided on strict before this event and counts warnings with a handler: drop it.
        config.strict = False
        mkdocs_log = logging.getLogger("mkdocs")
        for handler in [h for h in mkdocs_log.handlers if isinstance(h, CountHandler)]:
            mkdocs_log.removeHandler(handler)
    config[KEY] = state
    return config


@event_priority(100)
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    state: guide.state.State = config[KEY]
    root = _root(config)
    tags_path = root / state.settings.tags_file
    sources = [guide.site.Source(f.src_uri, lambda f=f: f.content_bytes, f.url) for f in files.documentation_pages()]
    site, problems = guide.site.read(sources, tags_path, state.shown_prefix, _shown(tags_path, root), state.serving,
                                     guide.site.section_order(config.nav or []))
    state.urgent_help, more = guide.snippets.render(root / state.settings.urgent_help, _shown(root / state.settings.urgent_help, root),
                                                   config.markdown_extensions, config.mdx_configs)
    problems += more + state.setting_problems
    if not state.serving:
        problems, in_drafts = guide.site.in_drafts(problems, site, state.shown_prefix)
        for problem in in_drafts:  # INFO: a warning would stop the strict build after all
            log.info(f"{problem} [a draft, left out of this build: fix it before you publish it]")
        raise_if(problems)
    state.site, state.problems = site, sorted(set(problems))
    # Ranked now, before MkDocs reads the pages (it would be on first use anyway): `build` ranks in
    # a child process forked from this one while it is still small (guide.apart), so numpy and the
    # ranking's working memory never add to the build's peak; the pages' text is let go after.
    state.related  # noqa: B018
    site.forget_bodies()
    # What is alive now (MkDocs' files and theme, every page's checked data) lives to the end of the
    # build: kept out of the cycle collector's full passes, which walked all of it again and again
    # as MkDocs rendered (2.1 s of collecting at 5,000 articles, 1.1 s with this). Not in `serve`,
    # whose process outlives each build and whose rebuilds render only a few pages.
    if not state.serving:
        gc.freeze()
    for problem in state.problems:
        log.error(str(problem))
    for file in files.documentation_pages():
        if file.src_uri in site.drafts:
            file.inclusion = InclusionLevel.DRAFT  # MkDocs' own meaning: in `serve`, not in `build`
    return files


def on_page_read_source(*, page: Page, config: MkDocsConfig) -> str | None:
    """A checked page reaches MkDocs without its front matter, which MkDocs would parse a second time;
    `on_page_markdown` gives it the checked one. A file that is not a page at all (`serve` only: not
    UTF-8, empty, front matter never closed) is an empty page that shows the problem list, not a 404
    where the publisher is looking. Any other page (generated, or with a problem) MkDocs reads itself."""
    if _checked(page, config) is not None:
        return guide.pages.without_front_matter(page.file.content_string)
    site = config[KEY].site
    return "" if site is not None and page.file.src_uri in site.unreadable else None


@event_priority(100)  # first: Material's tags plugin reads page.meta in its own on_page_markdown
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if (info := _checked(page, config)) is not None:
        page.meta = guide.views.page_meta(info, config[KEY].site.tags)
    elif page.file.generated_by is None:
        # A page with a problem (`serve` lists it on every page): its front matter is as typed, and
        # a wrong type would stop Material (`tags: pacing` stops its tags plugin, and the preview hangs).
        page.meta = guide.views.problem_meta(page.meta)
    guide.views.safe_meta(page.meta)
    return markdown


def _checked(page: Page, config: MkDocsConfig) -> guide.pages.PageInfo | None:
    site = config[KEY].site
    return site.pages.get(page.file.src_uri) if site is not None else None


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
    """Watch everything the build reads. MkDocs caches hook code, so a change under hooks/ restarts
    the server process instead of rebuilding with the old code."""
    root, state = _root(config), config[KEY]
    hooks = Path(__file__).resolve().parent
    for path in (root / state.settings.tags_file, root / state.settings.urgent_help, getattr(config.theme, "custom_dir", None), hooks):
        if path and Path(path).exists():
            server.watch(str(path))
    server.builder = guide.serving.restart_when_code_changes(server.builder, hooks, Path(config.site_dir))
    return server


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path or ".").resolve().parent


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
