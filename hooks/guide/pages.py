"""Reading pages: front matter parsed once, checked against the schema, kept as plain data."""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml
from pydantic import ValidationError

from . import fields as field_types, schema
from .problems import Problem

# The folders and files with a meaning of their own, named once. The docs folder (content/) and the
# tag list (tags.yml) are settings: mkdocs.yml's docs_dir and extra.guide.tags_file.
INDEX = "index.md"  # a folder's landing page; the top one is the home page
ABOUT = "about"  # about pages: editorial policy, sources, disclaimer
WORKSHEETS = "worksheets"  # one file per worksheet; its index lists them all
NOT_SECTIONS = (ABOUT, WORKSHEETS)  # folders with an index.md that are not article sections
BOOKLET = "booklet"  # generated: <section>/booklet.md for each section, booklet.md for the whole guide
SPECIAL_TOP = {INDEX: "home"}
SOURCES_HEADING = re.compile(r"^##\s+Sources\s*$", re.M)
# Every piece of example text `make new` writes for the publisher to replace (scaffold.py fills its
# templates from here); a published page still holding any one of them is not finished.
SCAFFOLD_TEXT = {
    "article_description": "One sentence, up to 160 characters, saying what the reader gets from this page.",
    "worksheet_description": "One sentence, up to 160 characters, saying what the worksheet helps with.",
    "first_point": "The first thing a reader should take away.",
    "second_point": "The second thing a reader should take away.",
    "third_point": "The third thing a reader should take away.",
    "who_for": "Who this page is for, and what it covers.",
    "heading": "A plain heading",
    "style": "Short paragraphs, short sentences, everyday words.",
    "care_team": "Talk to your doctor, nurse or care team about (replace this sentence).",
    "worksheet_guidance": "Two or three plain sentences on how to use this worksheet, alone or with a partner.",
    "worksheet_intro": "When and how to fill this in, in one sentence.",
    "field_scale": "How is your energy today? (example field)",
    "field_lines": "Something that helped (example field)",
}
PLACEHOLDERS = tuple(SCAFFOLD_TEXT.values())


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text, so a bad date is reported against its field, by the schema."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicate_keys(loader, node, deep=False):
    """A mapping, as SafeLoader builds it, that refuses a key given twice (each key is built once)."""
    loader.flatten_mapping(node)
    out = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice (keep one)", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


# MkDocs' own rule for where front matter ends (mkdocs/utils/meta.py, YAML_RE): a first line `---`,
# the YAML, then a line `---` or `...`. The same rule here, so that the YAML checked is exactly what
# MkDocs would read and the body exactly what it converts (see `without_front_matter`).
FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


def split(text: str) -> tuple[str, str] | None:
    """(front-matter YAML, Markdown body) as MkDocs splits a page's text; None if it has no front matter.
    A file may end right after its closing `---`: the rule needs a line end there, so one is added."""
    text = text if text.endswith("\n") else text + "\n"
    m = FRONT_MATTER.match(text)
    return (m.group(1), text[m.end():].lstrip("\n")) if m else None


def without_front_matter(text: str) -> str | None:
    """A page's text for MkDocs to read instead of the file, its front matter (checked already) taken
    off: MkDocs would parse it again, 0.3 s at 1,000 articles and 1-2 s at 5,000 (BENCHMARKS.md).
    The blank first line tells MkDocs' own reader there is no front matter of either kind (YAML, or
    MultiMarkdown `key: value` lines), so it returns the same body it would have. None: none to take."""
    parts = split(text)
    return "\n" + parts[1] if parts else None


def kind_of(src_uri: str) -> str:
    """The kind of page a file is, from where it sits under content/."""
    parts = PurePosixPath(src_uri).parts
    if src_uri in SPECIAL_TOP:
        return SPECIAL_TOP[src_uri]
    if len(parts) == 1:
        return "page"
    if parts[-1] == INDEX:
        return "section"
    if parts[0] == ABOUT:
        return "about"
    if parts[0] == WORKSHEETS:
        return "worksheet"
    return "article"


def section_of(src_uri: str) -> str | None:
    parts = PurePosixPath(src_uri).parts
    return parts[0] if len(parts) > 1 else None


@dataclass
class PageInfo:
    """What the hooks know about one page, independent of MkDocs objects."""

    src_uri: str  # path under content/, POSIX
    kind: str
    meta: schema.PageMeta
    body: str | None  # Markdown after the front matter; None once the build no longer needs it (Site.forget_bodies)
    url: str  # the page's URL relative to the site root, as MkDocs made it (its File.url)

    # Cached: templates ask for these thousands of times in a large build.
    @functools.cached_property
    def section(self) -> str | None:
        return self.meta.section if self.kind == "worksheet" else section_of(self.src_uri)

    @functools.cached_property
    def slug(self) -> str:
        return PurePosixPath(self.src_uri).stem

    @functools.cached_property
    def words(self) -> int:
        return len(self.body.split())

    @property
    def date(self) -> dt.date | None:
        return self.meta.reviewed or self.meta.published


@dataclass(frozen=True)
class Refs:
    """What a page that has problems of its own still names, so that `site.cross_checks` checks its
    tags, pins, worksheets and links in the same run instead of after the page's own fixes."""

    tags: list = field(default_factory=list)  # as written: items that are not text are skipped
    related: list = field(default_factory=list)
    worksheets: list = field(default_factory=list)
    body: str = ""
    draft: bool = False  # `draft: true` is readable although the page is not: the build leaves it out


@dataclass
class Loaded:
    page: PageInfo | None
    problems: list[Problem] = field(default_factory=list)
    refs: Refs | None = None  # a page with problems: what it names (see Refs)


def _refs(raw: dict, body: str, problems: list[Problem]) -> Refs:
    reported = {p.field.split("[")[0] for p in problems}  # "tags[2]" -> "tags": already named once

    def listed(key: str) -> list:
        value = raw.get(key)
        return value if isinstance(value, list) and key not in reported else []

    return Refs(listed("tags"), listed("related"), listed("worksheets"), body, raw.get("draft") is True)


def slugify(title: str) -> str:
    """A file name from a title: "Sjögren's syndrome & you" -> "sjogrens-syndrome-you"."""
    # ö -> o, é -> e; an apostrophe goes ("partner's" -> "partners", not "partner-s"; ’ is not ASCII).
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60].strip("-")


def file_name_problem(src_uri: str, shown_path: str) -> Problem | None:
    """A file name becomes the page's address: spaces, capitals and accents make addresses that are
    hard to type, share or read aloud (`My New Page.md` -> `/pacing/My%20New%20Page/`)."""
    name = PurePosixPath(src_uri).name
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*\.md", name):
        return None
    better = slugify(PurePosixPath(name).stem) or "my-page"
    return Problem(shown_path, "file name", f"{name!r} becomes part of the page's address (rename it {better}.md: "
                   "lower-case letters, digits and hyphens)")


BOM = "\ufeff"


def decode(raw: bytes | str, shown_path: str) -> tuple[tuple[str, str] | None, list[Problem]]:
    """A file's front matter and body (`split`), or the one problem that keeps it from being a page at all.

    A UTF-8 byte-order mark is accepted everywhere (MkDocs reads files as utf-8-sig too).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, [Problem(shown_path, "-", f"is not UTF-8 text (byte {e.start}; save the file as UTF-8 in your editor)")]
    # Line ends as MkDocs reads files (universal newlines): "\r\n" and "\r" become "\n".
    text = raw.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, [Problem(shown_path, "-", "is empty (start it with front matter between two `---` lines; `make new` writes one)")]
    if text.split("\n", 1)[0].rstrip() != "---":
        return None, [Problem(shown_path, "-", "has no front matter (the first line must be `---`, then the keys, then `---`)")]
    parts = split(text)
    if parts is None:
        return None, [Problem(shown_path, "-", "front matter is not closed (add a line `---` after the last key)")]
    return parts, []


def load(src_uri: str, raw: bytes | str, shown_path: str, url: str = "") -> Loaded:
    """Parse and check one page's front matter; every problem is returned, none raised."""
    parts, problems = decode(raw, shown_path)
    if parts is None:
        return Loaded(None, problems)
    front, body = parts
    try:
        raw = parse_yaml(front)
    except yaml.YAMLError as e:
        return Loaded(None, [Problem(shown_path, "front matter", yaml_message(e))])
    if not isinstance(raw, dict):
        return Loaded(None, [Problem(shown_path, "front matter", "must be `key: value` lines (see the README's front-matter reference)")])
    kind = kind_of(src_uri)
    required = [k for k in schema.REQUIRED[kind] if not (raw.get("draft") is True and k in schema.DRAFT_MAY_LACK)]
    problems = [Problem(shown_path, k, f"is empty, and {_kind_name(kind)} needs it (fill it in after `{k}:`; the README's "
                        f"front-matter reference shows how)" if k in raw else
                        f"is required for {_kind_name(kind)} (add `{k}:` to the front matter)")
                for k in required if raw.get(k) in (None, "", [])]
    for k, kinds in schema.ONLY_FOR.items():
        if k in raw and kind not in kinds:
            where = {"worksheet": "worksheets in content/worksheets/", "article": "articles", "section": "section pages (<folder>/index.md)"}
            problems.append(Problem(shown_path, k, f"is only for {' and '.join(where[x] for x in kinds)} (remove it)"))
    try:
        meta = schema.PageMeta.model_validate(raw)
    except ValidationError as e:
        missing_done = {p.field for p in problems}
        problems += [p for p in _from_pydantic_all(shown_path, e.errors()) if p.field not in missing_done]
        return Loaded(None, problems, _refs(raw, body, problems))
    if not meta.draft:  # a draft may still hold the scaffold's examples
        for field_name, where in (("front matter", front), ("body", body)):
            left = [p for p in PLACEHOLDERS if p in where]
            if left:  # every piece at once: a publisher fixes them in one go, not one build each
                pieces = ", ".join(map(repr, left))
                problems.append(Problem(shown_path, field_name, f"still has the scaffold's example text {pieces} "
                                        f"(replace {'it' if len(left) == 1 else 'each'} with your own)"))
    if kind == "article" and SOURCES_HEADING.search(body):
        problems.append(Problem(shown_path, "body", "has a `## Sources` list (move each source into the `sources:` front matter; the build shows the list)"))
    if meta.published and meta.reviewed and meta.reviewed < meta.published:
        problems.append(Problem(shown_path, "reviewed", f"{meta.reviewed} is before published {meta.published} (a review comes after publication)"))
    if problems:
        return Loaded(None, problems, _refs(raw, body, problems))
    return Loaded(PageInfo(src_uri, kind, meta, body, url), problems)


def _kind_name(kind: str) -> str:
    return {"home": "the home page", "section": "a section page", "about": "an about page"}.get(kind, f"every {kind}")


def parse_yaml(text: str):
    """YAML as the guide reads it: a key given twice is refused, and dates stay text."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def yaml_message(e: yaml.YAMLError, first_line: int = 2) -> str:
    """Why YAML did not parse, with the file's line: front matter starts on the file's line 2 (after
    the opening '---'), a whole YAML file such as tags.yml on line 1."""
    mark = getattr(e, "problem_mark", None)
    where = f" at line {mark.line + first_line}, column {mark.column + 1}" if mark else ""
    what = getattr(e, "problem", None) or str(e).splitlines()[0]
    if "\t" in what or "cannot start any token" in what:
        what += " (a tab? indent with spaces)"
    context, cmark = getattr(e, "context", None), getattr(e, "context_mark", None)
    if context and cmark:
        what += f", {context} at line {cmark.line + first_line}"
    return f"is not valid YAML{where}: {what} (check quotes, colons and indentation; quote text that contains ': ')"


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in schema.FIELD_TYPES or part.startswith("function-") or "[" in part:
            continue  # pydantic's union branch names ("list[constrained-str]", "literal[False]") are noise to a publisher
        else:
            out += ("." if out else "") + str(part)
    return out or "-"


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys allowed where an unknown key sits, for a 'did you mean' hint."""
    field_type = next((p for p in loc if p in schema.FIELD_TYPES), None)
    if field_type:
        return _type_keys(field_type)
    models = {(): schema.PageMeta, ("worksheet",): schema.WorksheetSpec, ("search",): schema.SearchSettings, ("sources",): schema.Source}
    model = models.get(tuple(p for p in loc[:-1] if isinstance(p, str)))
    return list(model.model_fields) if model else []


def _type_keys(type_name: str) -> list[str]:
    return list(field_types.REGISTRY[type_name].model_fields)


# What a value of the wrong type should be, in a publisher's words (pydantic's error types).
_EXPECTED = {
    "list_type": "a list, e.g. [first, second]", "bool_type": "true or false", "bool_parsing": "true or false",
    "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "string_type": "text",
    "dict_type": "keys written on their own lines under it, indented", "model_type": "keys written on their own lines under it, indented",
    "model_attributes_type": "keys written on their own lines under it, indented",
}


def _yaml_words(text: str) -> str:
    """Python's True, False and None as a publisher writes them in front matter."""
    return re.sub(r"\b(True|False|None)\b", lambda m: {"True": "true", "False": "false", "None": "null"}[m.group(1)], text)


def _from_pydantic_all(path: str, errors: list[dict]) -> list[Problem]:
    """One problem per place: a value that may be of several kinds (`related:` a list or false) fails
    once for each, and is said once, with every kind it may be."""
    out: dict[str, Problem] = {}
    wanted: dict[str, list[str]] = {}
    for err in errors:
        where = _loc(err["loc"])
        expected = _EXPECTED.get(err["type"]) or (_yaml_words(err["ctx"]["expected"]) if err["type"] == "literal_error" and err.get("ctx") else None)
        if expected and where in wanted:
            wanted[where].append(expected)
            out[where] = _from_pydantic(path, err) if err.get("input") is None else \
                Problem(path, where, f"must be {' or '.join(wanted[where])} (got {_yaml_words(repr(err.get('input')))})")
        elif where not in out:
            if expected:
                wanted[where] = [expected]
            out[where] = _from_pydantic(path, err)
    return list(out.values())


def _from_pydantic(path: str, err: dict) -> Problem:
    loc, kind, given = err["loc"], err["type"], err.get("input")
    where = _loc(loc)
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc)
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "allowed: " + ", ".join(sorted(allowed))
        return Problem(path, where, f"unknown key ({hint})")
    if kind == "union_tag_invalid":
        return Problem(path, where + ".type", f"unknown field type {ctx.get('tag')!r} (use one of: {', '.join(schema.FIELD_TYPES)})")
    if kind == "union_tag_not_found":
        return Problem(path, where + ".type", f"is required (add `type:` with one of: {', '.join(schema.FIELD_TYPES)})")
    if kind == "missing":
        return Problem(path, where, f"is required (add `{loc[-1]}:`)")
    if kind.startswith("date"):
        return Problem(path, where, f"{given!r} is not a date (write it as YYYY-MM-DD, e.g. {dt.date.today()})")
    if kind == "string_too_long":
        return Problem(path, where, f"is {len(str(given).strip())} characters, more than {ctx['max_length']} (shorten it so it is not cut off)")
    if kind == "too_short":
        return Problem(path, where, f"needs at least {ctx['min_length']} item(s) (add some)")
    if kind == "too_long":
        return Problem(path, where, f"has more than {ctx['max_length']} items (remove some)")
    if kind == "string_pattern_mismatch":
        return Problem(path, where, f"{given!r} is not a slug (use lower-case words joined by hyphens, e.g. weekly-check-in)")
    if kind == "value_error":
        return Problem(path, where, str(ctx.get("error", err["msg"])))
    if given is None and (kind in _EXPECTED or kind == "literal_error"):  # `keywords:` left with nothing after it
        return Problem(path, where, f"is empty (fill it in after `{where.rsplit('.', 1)[-1]}:`, or remove the line)")
    if kind == "literal_error" and "expected" in ctx:
        return Problem(path, where, _yaml_words(f"{given!r} is not allowed (use {ctx['expected']})"))
    if kind in _EXPECTED:
        return Problem(path, where, f"must be {_EXPECTED[kind]} (got {_yaml_words(repr(given))})")
    if kind == "string_too_short":
        return Problem(path, where, "is empty (write it, or remove the line)")
    if kind in ("less_than_equal", "less_than", "greater_than", "greater_than_equal"):
        bound = {"less_than_equal": f"at most {ctx.get('le')}", "less_than": f"less than {ctx.get('lt')}",
                 "greater_than": f"more than {ctx.get('gt')}", "greater_than_equal": f"at least {ctx.get('ge')}"}[kind]
        return Problem(path, where, f"must be {bound} (got {given!r})")
    return Problem(path, where, f"{err['msg'].lower()} (got {given!r})")
