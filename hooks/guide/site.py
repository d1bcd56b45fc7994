"""The whole article set as plain data, read and checked once per build."""
from __future__ import annotations

import difflib
import functools
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, NamedTuple

import yaml

from .pages import BOOKLET, INDEX, NOT_SECTIONS, WORKSHEETS, Loaded, PageInfo, Refs, file_name_problem, load, parse_yaml, yaml_message
from .problems import Problem
from .schema import SLUG

LINK = re.compile(r"\]\(\s*<?([^)\s>#]+\.md)(?:#[^)\s]*)?>?(?:\s+\"[^\"]*\")?\s*\)"  # [text](page.md)
                  r"|^ {0,3}\[[^\]]+\]:\s*<?([^\s>#]+\.md)(?:#\S*)?>?", re.M)  # [text][ref] ... [ref]: page.md


@dataclass(frozen=True)
class Source:
    """One file as the build sees it: its place under the docs folder, its bytes, its URL.

    `raw` may be a function that reads the bytes: then each file is read when it is checked, and a
    large site's files are never all in memory at once."""

    src_uri: str
    raw: bytes | str | Callable[[], bytes | str]
    url: str


@dataclass
class Site:
    pages: dict[str, PageInfo]  # by src_uri; drafts only when serving
    tags: dict[str, Tag]  # the allowed tags, each with its label and meaning
    drafts: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)  # files that are not pages at all (not UTF-8...)
    section_order: tuple[str, ...] = ()  # section folders in nav order

    def of_kind(self, *kinds: str) -> list[PageInfo]:
        return [p for p in self.pages.values() if p.kind in kinds]

    @functools.cached_property
    def sections(self) -> dict[str, PageInfo]:
        """Folder landing pages by folder name (asked for on every page: computed once)."""
        return {p.src_uri.split("/")[0]: p for p in self.of_kind("section")}

    @functools.cached_property
    def members(self) -> dict[str, list[PageInfo]]:
        """Each folder's pages in reading order: those with an `order` first, by it, then the rest by
        title; worksheets are members of their folder, not of the section they belong to, so a
        section page lists articles only."""
        out: dict[str, list[PageInfo]] = {}
        ordered = sorted(self.of_kind("article", "about", "worksheet"),
                         key=lambda p: (p.meta.order is None, p.meta.order or 0, p.meta.title.casefold(), p.src_uri))
        for p in ordered:
            out.setdefault(p.src_uri.split("/")[0], []).append(p)
        return out

    def grouped(self, folder: str) -> list[tuple[str | None, list[PageInfo]]]:
        """A section's articles as its page shows them: by `groups` (the landing page's order first,
        then any other group names; a group may be empty), then the articles without a group (None). The
        booklet keeps this order."""
        members = [p for p in self.members.get(folder, []) if p.kind == "article"]
        landing = self.sections.get(folder)
        named = list(dict.fromkeys([*(landing.meta.groups if landing else []), *sorted({p.meta.group for p in members if p.meta.group})]))
        return [(g, [p for p in members if p.meta.group == g]) for g in named] + [(None, [p for p in members if not p.meta.group])]

    @functools.cached_property
    def article_sections(self) -> list[str]:
        """Article sections in nav order (folders with a landing page, less about/ and worksheets/)."""
        order = {name: i for i, name in enumerate(self.section_order)}
        return sorted((f for f in self.sections if f not in NOT_SECTIONS), key=lambda f: (order.get(f, len(order)), f))

    @functools.cached_property
    def worksheet_users(self) -> dict[str, list[PageInfo]]:
        """Articles by the worksheet slugs they name, each list by title."""
        users: dict[str, list[PageInfo]] = {}
        for p in sorted(self.of_kind("article"), key=lambda p: (p.meta.title.casefold(), p.src_uri)):
            for slug in p.meta.worksheets:
                users.setdefault(slug, []).append(p)
        return users

    def worksheet(self, slug: str) -> PageInfo | None:
        return self.pages.get(f"{WORKSHEETS}/{slug}.md")

    def forget_bodies(self) -> None:
        """Drop every page's text once the build has ranked the related lists: nothing after that
        reads it (word counts are kept), and at 5,000 articles it is the largest part of this data.
        A later read fails loudly on None instead of seeing an empty page."""
        for page in self.pages.values():
            page.words  # noqa: B018 - counted while the text is here
            page.body = None


def section_order(nav: list) -> tuple[str, ...]:
    """Section folders in the order mkdocs.yml's nav lists their landing pages (plain config data)."""
    found: list[str] = []

    def walk(item) -> None:
        if isinstance(item, str) and item.count("/") == 1 and item.endswith(f"/{INDEX}"):
            found.append(item.split("/")[0])
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav)
    return tuple(dict.fromkeys(found))


class Tag(NamedTuple):
    label: str  # what readers see: tag chips, the topics page's headings and contents
    meaning: str  # one line under the heading on the topics page


LABEL_MAX = 40


def tag_label(tag: str) -> str:
    """A tag's label when tags.yml gives none: `care-team` is shown as "Care team"."""
    words = tag.replace("-", " ")
    return words[:1].upper() + words[1:]


def labels(tags: dict[str, Tag], names: list[str] | tuple[str, ...]) -> list[str]:
    """What readers see for these tag names (a name not in the list, which the checks report, as it is)."""
    return [tags[t].label if t in tags else t for t in names]


def load_tags(path: Path, shown: str) -> tuple[dict[str, Tag], list[Problem]]:
    how = "one `tag: meaning` per line, or `tag: {label: Shown name, meaning: ...}`"
    try:
        data = parse_yaml(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return {}, [Problem(shown, "-", f"the tag list is missing (create it with {how})")]
    except UnicodeDecodeError:
        return {}, [Problem(shown, "-", "is not UTF-8 text (save the file as UTF-8 in your editor)")]
    except yaml.YAMLError as e:  # a tag listed twice too: one of its two meanings would be lost
        return {}, [Problem(shown, "-", yaml_message(e, first_line=1))]
    if not isinstance(data, dict):
        return {}, [Problem(shown, "-", f"must map each tag to a one-line meaning ({how})")]
    tags, problems, by_label = {}, [], {}
    for key, value in data.items():
        tag = str(key)
        entry = value if isinstance(value, dict) else {"meaning": value}
        meaning, label = entry.get("meaning"), entry.get("label", tag_label(tag))
        if not re.match(SLUG, tag):
            problems.append(Problem(shown, tag, "is not a tag pages can use: lower-case letters, digits and hyphens "
                                                "(e.g. `sleep-and-rest`)"))
        if extra := {k: v for k, v in entry.items() if k not in ("label", "meaning")}:
            # `{label: GP, meaning: Doctors, nurses}` reads as a key `nurses` with no value.
            split = " (put quotes around a meaning that has a comma)" if all(v is None for v in extra.values()) else ""
            problems.append(Problem(shown, tag, f"has {', '.join(sorted(map(str, extra)))}: a tag takes only `label` "
                                                f"and `meaning`{split}"))
        if not isinstance(meaning, str) or not meaning.strip() or "\n" in meaning.strip():
            problems.append(Problem(shown, tag, f"needs a one-line meaning after the colon, as plain text ({how})"))
            meaning = ""
        text = label.strip() if isinstance(label, str) else ""
        if not text or len(text) > LABEL_MAX or re.search(r"[<>&\n]", label):
            # Material writes a tag's name into pages as it is: no markup, and `&` would show as code in its list.
            size = f"; this one has {len(text)}" if len(text) > LABEL_MAX else ""
            problems.append(Problem(shown, f"{tag}.label", f"must be plain text of 1 to {LABEL_MAX} characters, "
                                                          f"without <, > or & (write 'and'){size}"))
            text = tag_label(tag)
        label = text
        # Two labels readers could not tell apart ("Check-ins", "check ins") would be two look-alike topics.
        same = re.sub(r"[\W_]+", "", label.casefold())
        if same in by_label:
            problems.append(Problem(shown, f"{tag}.label", f"{label!r} is also the label of {by_label[same]!r} "
                                                          "(give each tag its own label)"))
        by_label.setdefault(same, tag)
        # Every tag stays listed, so pages using one with a problem are not also told it is missing.
        tags[tag] = Tag(label, meaning.strip())
    return tags, problems


# `serve` only: each file's last parse, so that a rebuild parses only the files that changed.
_parsed: dict[tuple[str, str, str], tuple[bytes | str, Loaded]] = {}


def _load(src: Source, shown: str, remember: dict | None) -> Loaded:
    raw = src.raw() if callable(src.raw) else src.raw
    if remember is None:
        return load(src.src_uri, raw, shown, src.url)
    key = (src.src_uri, shown, src.url)
    kept = _parsed.get(key)
    if kept is None or kept[0] != raw:
        kept = (raw, load(src.src_uri, raw, shown, src.url))
    remember[key] = kept
    page = kept[1].page
    # A fresh PageInfo every build: the build drops its text once the related lists are ranked.
    return Loaded(replace(page) if page else None, list(kept[1].problems), kept[1].refs)


def read(sources: list[Source], tags_path: Path, shown_prefix: str, shown_tags: str, serving: bool,
         section_order: tuple[str, ...] = ()) -> tuple[Site, list[Problem]]:
    """Every check the build makes, in one place: `mkdocs build`, `make serve` and `make check` call this.

    Returns the site (drafts kept only when serving) and every problem found, none raised.
    """
    global _parsed
    tags, problems = load_tags(tags_path, shown_tags)
    pages: dict[str, PageInfo] = {}
    with_problems: dict[str, Refs] = {}
    drafts, unreadable = set(), set()
    remember: dict | None = {} if serving else None
    for src in sorted(sources, key=lambda s: s.src_uri):
        loaded = _load(src, f"{shown_prefix}{src.src_uri}", remember)
        problems += loaded.problems
        if (named := file_name_problem(src.src_uri, f"{shown_prefix}{src.src_uri}")) is not None:
            problems.append(named)
        if any(p.field == "-" for p in loaded.problems):
            unreadable.add(src.src_uri)
        if loaded.refs:
            with_problems[src.src_uri] = loaded.refs
            if loaded.refs.draft:
                drafts.add(src.src_uri)
        if loaded.page:
            if loaded.page.meta.draft:
                drafts.add(src.src_uri)
                if not serving:
                    continue
            pages[src.src_uri] = loaded.page
    if remember is not None:
        _parsed = remember  # files gone since the last build are forgotten
    site = Site(pages, tags, drafts, unreadable, section_order)
    problems += cross_checks(site, {s.src_uri for s in sources}, shown_prefix, with_problems)
    return site, problems


DRAFT_FIX = " (a draft: the published site leaves it out; publish it first, or remove this)"


def in_drafts(problems: list[Problem], site: Site, shown_prefix: str) -> tuple[list[Problem], list[Problem]]:
    """The problems that stop `make build`, and those in drafts, which it leaves out: a half-written
    draft does not hold back publishing the rest (`serve` and `check` still show them)."""
    drafts = {f"{shown_prefix}{uri}" for uri in site.drafts}
    return [p for p in problems if p.path not in drafts], [p for p in problems if p.path in drafts]


def cross_checks(site: Site, all_sources: set[str], shown_prefix: str, with_problems: dict[str, Refs] | None = None) -> list[Problem]:
    """Checks that need every page: tags, pins, worksheet slugs, links, sections, groups and titles.

    Targets are checked against every source file, so a page with its own front-matter problem does
    not also make every pin and link to it look broken. Such a page's own tags, pins, worksheets and
    links (`with_problems`) are checked too, so that every problem shows in one run.
    """
    out: list[Problem] = []

    def bad(uri: str, fieldname: str, message: str) -> None:
        out.append(Problem(f"{shown_prefix}{uri}", fieldname, message))

    sections = {uri.split("/")[0] for uri in all_sources if uri.count("/") == 1 and uri.endswith(f"/{INDEX}")} - set(NOT_SECTIONS)
    sheets = sorted(uri[len(WORKSHEETS) + 1:-3] for uri in all_sources if uri.startswith(f"{WORKSHEETS}/") and uri != f"{WORKSHEETS}/{INDEX}")
    titles: dict[str, str] = {}
    # Booklets are generated at these addresses: a file of the same name would be hidden by one.
    reserved = {f"{BOOKLET}.md", f"{BOOKLET}/{INDEX}"} | {f"{s}/{BOOKLET}{end}" for s in sections for end in (".md", f"/{INDEX}")}
    for uri in sorted(all_sources & reserved):
        where = f"/{posixpath.dirname(uri.removesuffix('/' + INDEX))}/{BOOKLET}/".replace("//", "/")
        bad(uri, "-", f"{where} is the address of the booklet the build makes (rename the file)")

    def references(uri: str, refs: Refs, published: bool = False) -> None:
        """`published`: a page the published site will have, which must not point at a draft (left out of it)."""
        def draft(target: str) -> bool:
            return published and target in site.drafts

        for i, tag in enumerate(refs.tags if site.tags else ()):  # no tag list: reported once, above
            if isinstance(tag, str) and tag not in site.tags:
                bad(uri, f"tags[{i}]", f"{tag!r} is not in the tag list ({_did_you_mean(tag, site.tags)}or add it to tags.yml)")
        for i, pin in enumerate(refs.related):
            if not isinstance(pin, str):
                continue
            if pin not in all_sources:
                bad(uri, f"related[{i}]", f"{pin!r} is not a page ({_did_you_mean_page(pin, all_sources)}write the path from the docs folder, e.g. consent/agreed-signals.md)")
            elif pin == uri:
                bad(uri, f"related[{i}]", "a page cannot be related to itself (remove it)")
            elif draft(pin):
                bad(uri, f"related[{i}]", f"{pin!r} is not published{DRAFT_FIX}")
        for i, slug in enumerate(refs.worksheets):
            if isinstance(slug, str) and slug not in sheets:
                bad(uri, f"worksheets[{i}]", f"no worksheet {slug!r} ({_did_you_mean(slug, sheets)}use a file name from {WORKSHEETS}/ without .md)")
            elif isinstance(slug, str) and draft(f"{WORKSHEETS}/{slug}.md"):
                bad(uri, f"worksheets[{i}]", f"worksheet {slug!r} is not published{DRAFT_FIX}")
        here = posixpath.dirname(uri)
        for m in LINK.finditer(refs.body):
            target = m.group(1) or m.group(2)
            if "://" in target:
                continue
            resolved = posixpath.normpath(posixpath.join(here, target))
            if resolved not in all_sources:
                hint = _did_you_mean_page(resolved, all_sources, shown=lambda path: posixpath.relpath(path, here or "."))
                bad(uri, "body", f"links to {target!r}, which does not exist ({hint}fix the path; links are relative to this file)")
            elif draft(resolved):
                bad(uri, "body", f"links to {target!r}, which is not published{DRAFT_FIX}")

    for uri, refs in sorted((with_problems or {}).items()):
        references(uri, refs)
    for uri, page in sorted(site.pages.items()):
        meta = page.meta
        references(uri, Refs(meta.tags, meta.related or [], meta.worksheets, page.body), published=not meta.draft)
        if page.kind == "worksheet" and meta.section not in sections:
            bad(uri, "section", f"{meta.section!r} is not a section ({_did_you_mean(meta.section, sections)}use one of: {', '.join(sorted(sections))})")
        if page.kind == "article" and meta.group:
            landing = site.sections.get(page.section or "")
            allowed = landing.meta.groups if landing else []
            if meta.group not in allowed:
                fix = f"use one of: {', '.join(allowed)}" if allowed else f"add `groups: [{meta.group}]` to {page.section}/{INDEX}"
                bad(uri, "group", f"{meta.group!r} is not one of the section's groups ({_did_you_mean(meta.group, allowed)}{fix})")
        key = meta.title.casefold()
        if key in titles:
            bad(uri, "title", f"{meta.title!r} is also the title of {shown_prefix}{titles[key]} (give each page its own title)")
        else:
            titles[key] = uri
    return out


def _did_you_mean(word: str, choices, shown: Callable[[str], str] = str) -> str:
    """The closest choice, as `shown` writes it (a link: relative to its page), or nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {shown(close[0])!r}? " if close else ""


ANY_PATH_UP_TO = 500  # files: comparing a path with every file costs ~0.2 ms a file, on every preview rebuild


def _did_you_mean_page(path: str, pages, shown: Callable[[str], str] = str) -> str:
    """The page a wrong path (a link, a pin) most likely meant: the same file name in another folder
    (the nearest such path), else a near name in its folder (or in the nearest folder, if the folder
    is misspelt), else, on a site of up to ANY_PATH_UP_TO files, the nearest path of all.

    Not simply the nearest path of all: difflib compares a path with each file in turn, 0.28 s for
    one broken link at 1,000 files and 1.05 s at 5,000, and `make serve` checks every link again on
    every rebuild. This way one broken link costs a few ms, plus its folder's files (0.14 s for a
    folder of 834)."""
    folder, name = posixpath.split(path)
    folders: dict[str, list[str]] = {}
    for page in sorted(pages):
        folders.setdefault(posixpath.dirname(page), []).append(posixpath.basename(page))
    same_name = [posixpath.join(f, name) for f, names in folders.items() if name in names]
    if same_name:
        close = difflib.get_close_matches(path, same_name, n=1, cutoff=0.0)
        return f"did you mean {shown(close[0])!r}? "
    if folder not in folders:
        folder = next(iter(difflib.get_close_matches(folder, list(folders), n=1, cutoff=0.6)), folder)
    near = difflib.get_close_matches(name, folders.get(folder, []), n=1, cutoff=0.6)
    if near:
        return f"did you mean {shown(posixpath.join(folder, near[0]))!r}? "
    return _did_you_mean(path, pages, shown) if len(pages) <= ANY_PATH_UP_TO else ""
