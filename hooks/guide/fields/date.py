from typing import Literal

from .base import FieldBase


class DateField(FieldBase):
    meaning = "a date"
    example = {"type": "date", "label": "Date"}
    order = 60
    type: Literal["date"]
