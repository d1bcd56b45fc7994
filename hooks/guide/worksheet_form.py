"""A worksheet spec rendered as an accessible HTML form; each field type renders itself (`guide.fields`)."""
from __future__ import annotations

from markupsafe import Markup

from . import schema
from .fields import slug_key as field_key  # noqa: F401  (stable storage keys; tests and callers use this name)
from .fields.base import TEMPLATES


def render(slug: str, spec: schema.WorksheetSpec, title: str) -> Markup:
    taken: set[str] = set()
    fields = []
    for field in spec.fields:
        # Keys come from labels, so answers survive fields being reordered.
        key = field_key(field.label, taken)
        fields.append(field.render(f"ws-{slug}-{key}", key))
    return Markup(TEMPLATES.get_template("_form.html").render(slug=slug, title=title, intro=spec.intro, fields=fields))
