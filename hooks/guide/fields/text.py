from typing import Literal

from .base import PeopleField


class TextField(PeopleField):
    meaning = "one line to write on (it grows in print when the answer is longer)"
    example = {"type": "text", "label": "One small thing to try", "hint": "Keep it easy"}
    order = 10
    type: Literal["text"]
