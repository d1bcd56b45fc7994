"""Our settings, read from `extra.guide` in mkdocs.yml with MkDocs' own config machinery."""
from __future__ import annotations

import re

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError

from .problems import Problem


class RelatedWeights(base.Config):
    tags = c.Type((int, float), default=3.0)
    section = c.Type((int, float), default=1.0)
    text = c.Type((int, float), default=6.0)


class RelatedSettings(base.Config):
    count = c.Type(int, default=5)
    include_worksheets = c.Type(bool, default=False)
    min_score = c.Type((int, float), default=0.5)
    weights = c.SubConfig(RelatedWeights)


class GuideSettings(base.Config):
    tags_file = c.Type(str, default="tags.yml")
    urgent_help = c.Type(str, default="snippets/urgent-help.md")  # shown once on every article
    # Dates for readers (Babel locale, e.g. en_GB); empty: follow theme.language. Material has one
    # English ("en", US dates); a UK guide sets en_GB here.
    date_locale = c.Type(str, default="")
    review_years = c.Type(int, default=3)
    review_soon_days = c.Type(int, default=90)
    related = c.SubConfig(RelatedSettings)


def check(extra: dict, config_file: str | None) -> tuple[GuideSettings, list[Problem]]:
    """The settings, and what is wrong with them; with any problem, the defaults instead, so that
    `make serve` can keep serving and show the problem on the pages (a build stops: see `read`)."""
    settings, found = _validated(dict(extra.get("guide") or {}), config_file)
    problems = [Problem("mkdocs.yml", f"extra.guide.{name}", f"{_plain(err)} (fix it in mkdocs.yml; hooks/guide/settings.py "
                        "lists each setting, its type and its default)") for name, err in found]
    if problems:
        settings, _ = _validated({}, config_file)
    return settings, problems


_TYPES = {"int": "a whole number", "float": "a number", "str": "text", "bool": "true or false", "list": "a list", "dict": "keys and values"}


def _plain(err: Exception) -> str:
    """MkDocs' message in words: "Expected type: <class 'int'> but received: <class 'str'>" names
    Python's types, which a publisher editing mkdocs.yml does not know."""
    return re.sub(r"<class '(\w+)'>", lambda m: _TYPES.get(m.group(1), m.group(1)), str(err))


def _validated(data: dict, config_file: str | None) -> tuple[GuideSettings, list[tuple[str, Exception]]]:
    settings = GuideSettings(config_file_path=config_file)
    settings.load_dict(data)
    errors, warnings = settings.validate()
    # An unknown key is only a warning to MkDocs; for us it is a typo that silently does nothing.
    return settings, errors + warnings


def read(extra: dict, config_file: str | None) -> GuideSettings:
    settings, problems = check(extra, config_file)
    if problems:
        raise PluginError("\n".join(map(str, problems)))
    return settings
