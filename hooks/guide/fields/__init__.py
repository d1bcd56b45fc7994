"""The worksheet field types: one module per type in this package, with a template of the same name.

Everything else is derived here, once: the pydantic union that validates `worksheet.fields`, the
list of type names used in error messages, the README reference rows and the render dispatch. To
add a type, add `<type>.py` (its model, `meaning`, `example`, `order`) and `<type>.html`, plus CSS
in `overrides/assets/guide.css` if it needs any.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field

from .base import FieldBase, PeopleField, slug_key


def _discover() -> dict[str, type[FieldBase]]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base" and not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    found, todo = [], list(FieldBase.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if "type" in cls.model_fields:
            found.append(cls)
    found.sort(key=lambda c: (c.order, c.type_name()))
    registry = {cls.type_name(): cls for cls in found}
    assert len(registry) == len(found), "two field types share a name"
    return registry


REGISTRY: dict[str, type[FieldBase]] = _discover()
FIELD_TYPES: tuple[str, ...] = tuple(REGISTRY)
WorksheetField = Annotated[Union[tuple(REGISTRY.values())], Field(discriminator="type")]

__all__ = ["FIELD_TYPES", "REGISTRY", "FieldBase", "PeopleField", "WorksheetField", "slug_key"]
