from typing import Literal

from pydantic import Field

from .base import FieldBase, Text


class ChecklistField(FieldBase):
    meaning = "boxes to tick"
    example = {"type": "checklist", "label": "Signals we agree on", "options": ["Pause", "Slow down", "Stop"], "other": True}
    order = 40
    type: Literal["checklist"]
    options: list[Text] = Field(min_length=1, description="The boxes to tick.")
    other: bool = Field(False, description="Add an 'Other' box with a line to write on.")
