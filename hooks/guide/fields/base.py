"""What every worksheet field type shares: its pydantic base, the optional `people`, its rendering.

A field type is one module in this package (its model, its meaning, an example) plus a template of
the same name (`<type>.html`). `guide.fields` finds the modules and derives everything else.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, ClassVar

import jinja2
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Autoescape on: every text from a spec is escaped; StrictUndefined: a typo in a template fails
# loudly in the tests instead of printing nothing.
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates are code: like the hooks, read once per process
    # Compiled once per machine, not once per build (as MkDocs' own templates, hooks/layout.py):
    # Jinja checks each cached entry against its template's source before use.
    bytecode_cache=jinja2.FileSystemBytecodeCache(),
)


def slug_key(label: str, taken: set[str]) -> str:
    """A stable storage key from a label, unique within `taken` (which it extends)."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "field"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


class FieldBase(BaseModel):
    """One question on a worksheet. Subclasses add `type: Literal["<name>"]` and their own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meaning: ClassVar[str]  # one line for the README reference
    example: ClassVar[dict]  # a valid spec of this type: the tests render, fill and print it
    order: ClassVar[int]  # where the type is listed in the reference and in error messages

    label: Text = Field(description="What the reader is asked; shown as the field's label.")
    hint: str | None = Field(None, description="Optional help text shown under the label.")

    @classmethod
    def type_name(cls) -> str:
        return cls.model_fields["type"].annotation.__args__[0]

    @classmethod
    def template(cls) -> str:
        return f"{cls.type_name()}.html"

    def render(self, fid: str, key: str) -> Markup:
        """The field's HTML: ids start with `fid`, answer names with `key`."""
        return Markup(TEMPLATES.get_template(self.template()).render(field=self, fid=fid, key=key, people=self.people_keys()))

    def people_keys(self) -> list[tuple[str, str]]:
        return []

    @classmethod
    def examples(cls) -> list[dict]:
        """Valid specs of this type for the tests: the example, and with two people where allowed."""
        if "people" not in cls.model_fields:
            return [cls.example]
        return [cls.example, {**cls.example, "label": cls.example["label"] + " (each of you)", "people": ["You", "Your partner"]}]


class PeopleField(FieldBase):
    """A field that can ask the same question of two or three people, side by side."""

    people: Annotated[list[Text], Field(min_length=2, max_length=3)] | None = Field(
        None,
        description="Optional: ask each person separately, side by side, e.g. `[You, Your partner]` (2 or 3 names).",
    )

    @model_validator(mode="after")
    def _distinct_people(self):
        if self.people and len({p.lower() for p in self.people}) != len(self.people):
            raise ValueError(f"people {self.people} has the same name twice (give each person a different name)")
        return self

    def people_keys(self) -> list[tuple[str, str]]:
        """(name, key) per person: keys come from the names, so answers follow the person if reordered."""
        taken: set[str] = set()
        return [(name, slug_key(name, taken)) for name in self.people or ()]
