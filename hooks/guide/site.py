"""The whole article set as plain data, read and checked once per build."""
from __future__ import annotations

import difflib
import functools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .pages import PageInfo, load
from .problems import Problem

LINK = re.compile(r"\]\(\s*<?([^)\s>#]+\.md)(?:#[^)\s]*)?>?(?:\s+\"[^\"]*\")?\s*\)")


@dataclass
class Site:
    pages: dict[str, PageInfo]  # by src_uri; drafts only when serving
    tags: dict[str, str]  # the allowed tags and what each means
    drafts: set[str] = field(default_factory=set)

    def of_kind(self, *kinds: str) -> list[PageInfo]:
        return [p for p in self.pages.values() if p.kind in kinds]

    @functools.cached_property
    def sections(self) -> dict[str, PageInfo]:
        """Section landing pages by folder name (asked for on every page: computed once)."""
        return {p.src_uri.split("/")[0]: p for p in self.of_kind("section")}

    @functools.cached_property
    def worksheet_users(self) -> dict[str, list[PageInfo]]:
        """Articles by the worksheet slugs they name, each list by title."""
        users: dict[str, list[PageInfo]] = {}
        for p in sorted(self.of_kind("article"), key=lambda p: (p.meta.title.casefold(), p.src_uri)):
            for slug in p.meta.worksheets:
                users.setdefault(slug, []).append(p)
        return users

    def worksheet(self, slug: str) -> PageInfo | None:
        return self.pages.get(f"worksheets/{slug}.md")


def load_tags(path: Path) -> tuple[dict[str, str], list[Problem]]:
    shown = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, [Problem(shown, "-", "the tag list is missing (create it with one `tag: meaning` per line)")]
    except yaml.YAMLError as e:
        return {}, [Problem(shown, "-", f"is not valid YAML: {getattr(e, 'problem', e)} (one `tag: meaning` per line)")]
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return {}, [Problem(shown, "-", "must map each tag to a one-line meaning (one `tag: meaning` per line)")]
    return {str(k): v for k, v in data.items()}, []


def collect(sources: dict[str, str], tags: dict[str, str], shown_prefix: str, serving: bool) -> tuple[Site, list[Problem]]:
    """Read every page's source (src_uri -> text) into a Site, with every problem found on the way."""
    problems: list[Problem] = []
    pages: dict[str, PageInfo] = {}
    drafts = set()
    for src_uri in sorted(sources):
        loaded = load(src_uri, sources[src_uri], f"{shown_prefix}{src_uri}")
        problems += loaded.problems
        if loaded.page:
            if loaded.page.meta.draft:
                drafts.add(src_uri)
                if not serving:
                    continue
            pages[src_uri] = loaded.page
    site = Site(pages, tags, drafts)
    problems += cross_checks(site, set(sources), shown_prefix)
    return site, problems


def cross_checks(site: Site, all_sources: set[str], shown_prefix: str) -> list[Problem]:
    """Checks that need every page: tags, pins, worksheet slugs, links, sections and titles.

    Targets are checked against every source file, so a page with its own front-matter problem does
    not also make every pin and link to it look broken.
    """
    out: list[Problem] = []
    sections = {uri.split("/")[0] for uri in all_sources if uri.count("/") == 1 and uri.endswith("/index.md")} - {"about", "worksheets"}
    sheets = sorted(uri[len("worksheets/"):-3] for uri in all_sources if uri.startswith("worksheets/") and uri != "worksheets/index.md")
    titles: dict[str, str] = {}
    for uri, page in sorted(site.pages.items()):
        shown, meta = f"{shown_prefix}{uri}", page.meta

        def bad(fieldname: str, message: str) -> None:
            out.append(Problem(shown, fieldname, message))

        for i, tag in enumerate(meta.tags):
            if tag not in site.tags:
                bad(f"tags[{i}]", f"{tag!r} is not in the tag list ({_did_you_mean(tag, site.tags)}or add it to tags.yml)")
        for i, pin in enumerate(meta.related or []):
            if pin not in all_sources:
                bad(f"related[{i}]", f"{pin!r} is not a page ({_did_you_mean(pin, all_sources)}write the path from content/, e.g. consent/agreed-signals.md)")
            elif pin == uri:
                bad(f"related[{i}]", "a page cannot be related to itself (remove it)")
        for i, slug in enumerate(meta.worksheets):
            if slug not in sheets:
                bad(f"worksheets[{i}]", f"no worksheet {slug!r} ({_did_you_mean(slug, sheets)}use a file name from content/worksheets/ without .md)")
        if page.kind == "worksheet" and meta.section not in sections:
            bad("section", f"{meta.section!r} is not a section ({_did_you_mean(meta.section, sections)}use one of: {', '.join(sorted(sections))})")
        for target in LINK.findall(page.body):
            if "://" in target:
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(uri), target))
            if resolved not in all_sources:
                bad("body", f"links to {target!r}, which does not exist (fix the path; links are relative to this file)")
        key = meta.title.casefold()
        if key in titles:
            bad("title", f"{meta.title!r} is also the title of {shown_prefix}{titles[key]} (give each page its own title)")
        else:
            titles[key] = uri
    return out


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""
