from typing import Literal

from pydantic import Field

from .base import PeopleField

MAX_ROWS = 12  # guide.css sizes writing areas for 1 to MAX_ROWS lines (a test checks it)


class LinesField(PeopleField):
    meaning = "several lines to write on (more lines are added in print when an answer needs them)"
    example = {"type": "lines", "label": "Something that went well", "rows": 3}
    order = 20
    type: Literal["lines"]
    rows: int = Field(3, ge=1, le=MAX_ROWS, description=f"Number of writing lines (1 to {MAX_ROWS}).")
