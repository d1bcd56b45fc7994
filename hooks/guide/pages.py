"""Reading pages: front matter parsed once, checked against the schema, kept as plain data."""
from __future__ import annotations

import datetime as dt
import difflib
import functools
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import frontmatter
import yaml
from pydantic import ValidationError

from . import fields as field_types, schema
from .problems import Problem

SPECIAL_TOP = {"index.md": "home"}
# Sentences `make new` writes for the publisher to replace (scaffold.py fills its templates from
# here); a published page still holding one is not finished.
SCAFFOLD_TEXT = {
    "article_description": "One sentence, up to 160 characters, saying what the reader gets from this page.",
    "worksheet_description": "One sentence, up to 160 characters, saying what the worksheet helps with.",
    "first_point": "The first thing a reader should take away.",
    "worksheet_guidance": "Two or three plain sentences on how to use this worksheet, alone or with a partner.",
}
PLACEHOLDERS = tuple(SCAFFOLD_TEXT.values())


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML that leaves dates as text, so a bad date is reported against its field, by the schema."""


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicate_keys(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice (keep one)", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


class _Handler(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs):
        return yaml.load(fm, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def kind_of(src_uri: str) -> str:
    """The kind of page a file is, from where it sits under content/."""
    parts = PurePosixPath(src_uri).parts
    if src_uri in SPECIAL_TOP:
        return SPECIAL_TOP[src_uri]
    if len(parts) == 1:
        return "page"
    if parts[-1] == "index.md":
        return "section"
    if parts[0] == "about":
        return "about"
    if parts[0] == "worksheets":
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
    body: str  # Markdown after the front matter

    # Cached: templates ask for these thousands of times in a large build.
    @functools.cached_property
    def section(self) -> str | None:
        return self.meta.section if self.kind == "worksheet" else section_of(self.src_uri)

    @functools.cached_property
    def slug(self) -> str:
        return PurePosixPath(self.src_uri).stem

    @functools.cached_property
    def url(self) -> str:
        """The page's URL relative to the site root, as MkDocs makes it with directory URLs."""
        p = PurePosixPath(self.src_uri)
        return (str(p.parent) + "/" if p.name == "index.md" else str(p.with_suffix("")) + "/").lstrip("./")

    @functools.cached_property
    def words(self) -> int:
        return len(self.body.split())

    @property
    def date(self) -> dt.date | None:
        return self.meta.reviewed or self.meta.published


@dataclass
class Loaded:
    page: PageInfo | None
    problems: list[Problem] = field(default_factory=list)


def load(src_uri: str, text: str, shown_path: str) -> Loaded:
    """Parse and check one page's front matter; every problem is returned, none raised."""
    try:
        post = frontmatter.loads(text, handler=_Handler())
    except yaml.YAMLError as e:
        return Loaded(None, [Problem(shown_path, "front matter", _yaml_message(e))])
    raw = dict(post.metadata)
    kind = kind_of(src_uri)
    problems = [Problem(shown_path, k, f"is required for {_kind_name(kind)} (add `{k}:` to the front matter)")
                for k in schema.REQUIRED[kind] if raw.get(k) in (None, "", [])]
    if kind != "worksheet":
        for k in ("worksheet", "section"):
            if k in raw:
                problems.append(Problem(shown_path, k, "is only for worksheets in content/worksheets/ (remove it)"))
    try:
        meta = schema.PageMeta.model_validate(raw)
    except ValidationError as e:
        missing_done = {p.field for p in problems}
        problems += [p for p in (_from_pydantic(shown_path, err) for err in e.errors()) if p.field not in missing_done]
        return Loaded(None, problems)
    for field_name, text in (("description", meta.description), ("body", post.content)):
        if not meta.draft and any(p in text for p in PLACEHOLDERS):  # a draft may still hold them
            problems.append(Problem(shown_path, field_name, "still has the scaffold's example text (replace it with your own)"))
    if meta.published and meta.reviewed and meta.reviewed < meta.published:
        problems.append(Problem(shown_path, "reviewed", f"{meta.reviewed} is before published {meta.published} (a review comes after publication)"))
    return Loaded(None if problems else PageInfo(src_uri, kind, meta, post.content), problems)


def _kind_name(kind: str) -> str:
    return {"home": "the home page", "section": "a section page", "about": "an about page"}.get(kind, f"every {kind}")


def _yaml_message(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    # The front-matter text starts with the newline that ends the opening '---' (the file's line 1),
    # so YAML's 0-based line n is the file's line n + 1.
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = getattr(e, "problem", None) or str(e).splitlines()[0]
    if "\t" in what or "cannot start any token" in what:
        what += " (a tab? indent with spaces)"
    context, cmark = getattr(e, "context", None), getattr(e, "context_mark", None)
    if context and cmark:
        what += f", {context} at line {cmark.line + 1}"
    return f"is not valid YAML{where}: {what} (check quotes, colons and indentation; quote text that contains ': ')"


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in schema.FIELD_TYPES or part.startswith("function-"):
            continue  # pydantic's union branch names are noise to a publisher
        else:
            out += ("." if out else "") + str(part)
    return out or "-"


def _allowed_keys(loc: tuple) -> list[str]:
    """The keys allowed where an unknown key sits, for a 'did you mean' hint."""
    field_type = next((p for p in loc if p in schema.FIELD_TYPES), None)
    if field_type:
        return _type_keys(field_type)
    models = {(): schema.PageMeta, ("worksheet",): schema.WorksheetSpec, ("search",): schema.SearchSettings}
    model = models.get(tuple(p for p in loc[:-1] if isinstance(p, str)))
    return list(model.model_fields) if model else []


def _type_keys(type_name: str) -> list[str]:
    return list(field_types.REGISTRY[type_name].model_fields)


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
    if kind == "literal_error" and "expected" in ctx:
        return Problem(path, where, f"{given!r} is not allowed (use {ctx['expected']})")
    return Problem(path, where, f"{err['msg'].lower()} (got {given!r})")
