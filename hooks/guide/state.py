"""One build's shared data, kept on the MkDocs config so that every build starts from nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from . import settings as settings_mod
from .problems import raise_if
from .site import Site, collect, load_tags

KEY = "guide_state"


@dataclass
class State:
    settings: settings_mod.GuideSettings
    serving: bool
    site: Site | None = None
    content_prefix: str = "content/"  # how problems name files: the docs folder, from the project
    extras: dict = field(default_factory=dict)  # per-feature results, e.g. related lists


def start(config: MkDocsConfig, serving: bool) -> State:
    state = State(settings_mod.read(config.extra, config.config_file_path), serving)
    config[KEY] = state
    return state


def get(config: MkDocsConfig) -> State:
    return config[KEY]


def project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path or ".").resolve().parent


def read_site(config: MkDocsConfig, files) -> Site:
    """Read, check and keep every page; stop the build with every problem at once."""
    state = get(config)
    root = project_root(config)
    tags, problems = load_tags(root / state.settings.tags_file)
    docs = Path(config.docs_dir).resolve()
    prefix = (docs.relative_to(root).as_posix() if docs.is_relative_to(root) else str(docs)) + "/"
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    state.content_prefix = prefix
    site, more = collect(sources, tags, prefix, state.serving)
    raise_if(problems + more)
    state.site = site
    return site
