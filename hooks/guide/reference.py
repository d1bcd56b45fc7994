"""The README's front-matter reference, generated from the schema so that the two cannot drift."""
from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path

from . import fields, schema

START, END = "<!-- front-matter reference: start (generated: python -m guide reference --write) -->", "<!-- front-matter reference: end -->"


def _friendly(ann) -> str:
    """A publisher's word for a schema type: text, date, list of text, mapping..."""
    origin, args = typing.get_origin(ann), [a for a in typing.get_args(ann) if a is not type(None)]
    if origin is typing.Annotated:
        return _friendly(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_friendly(a) for a in args)
    if origin is list:
        return f"list of {_friendly(args[0])}" if args else "list"
    if origin is typing.Literal:
        return "`" + "`, `".join(str(a).lower() for a in args) + "`"
    if isinstance(ann, type) and issubclass(ann, schema.BaseModel):
        return "mapping"
    return {str: "text", bool: "true/false", int: "whole number", float: "number", dt.date: "date"}.get(ann, str(ann))


def _required_for(name: str) -> str:
    kinds = [k for k, keys in schema.REQUIRED.items() if name in keys]
    return ", ".join(kinds) if kinds else "–"


def markdown() -> str:
    lines = [START, "", "Keys for every page (`content/**/*.md`). The kind of page comes from where the file is:",
             "`index.md` is the home page, `<folder>/index.md` a section page, `about/*` an about page,",
             "`worksheets/*` a worksheet, any other `<section>/*.md` an article.", "",
             "| key | type | required for | meaning |", "|---|---|---|---|"]
    for name, info in schema.PageMeta.model_fields.items():
        lines.append(f"| `{name}` | {_friendly(info.annotation)} | {_required_for(name)} | {info.description} |")
    lines += ["", "The `worksheet` mapping:", "", "| key | type | meaning |", "|---|---|---|"]
    for name, info in schema.WorksheetSpec.model_fields.items():
        lines.append(f"| `{name}` | {_friendly(info.annotation) if name != 'fields' else 'list of fields'} | {info.description} |")
    lines += ["", "Worksheet fields (`worksheet.fields`, each with `type` and `label`, optional `hint`):", "",
              "| type | keys | meaning |", "|---|---|---|"]
    for type_name, cls in fields.REGISTRY.items():
        keys = [k for k in cls.model_fields if k not in ("type", "label", "hint")]
        keys.sort(key=lambda k: k in fields.PeopleField.model_fields)  # the type's own keys first, shared ones after
        extra = [f"`{k}`: {cls.model_fields[k].description}" for k in keys]
        lines.append(f"| `{type_name}` | {'<br>'.join(extra) or '–'} | {cls.meaning} |")
    lines += ["", END]
    return "\n".join(lines)


def replace_in(readme: Path) -> bool:
    """Write the generated reference into the README; True when it changed."""
    text = readme.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    new = pattern.sub(lambda _: markdown(), text) if pattern.search(text) else text.rstrip() + "\n\n" + markdown() + "\n"
    if new != text:
        readme.write_text(new)
    return new != text
