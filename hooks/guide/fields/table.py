from typing import Literal

from pydantic import Field, model_validator

from .base import FieldBase, Text


class TableField(FieldBase):
    meaning = "a grid to fill in (cells grow in print when an answer is longer)"
    example = {"type": "table", "label": "This week", "columns": ["Day", "Energy", "A moment of closeness"], "rows": 2, "row_labels": ["Mon", "Tue"]}
    order = 50
    type: Literal["table"]
    columns: list[Text] = Field(min_length=1, max_length=6, description="Column headings (1 to 6).")
    rows: int = Field(5, ge=1, le=10, description="Number of blank rows (1 to 10).")
    row_labels: list[Text] | None = Field(
        None, description="Optional labels down the first column (e.g. the days of the week); `columns[0]` is their heading."
    )

    @model_validator(mode="after")
    def _row_labels(self):
        if self.row_labels is not None and len(self.row_labels) != self.rows:
            raise ValueError(f"row_labels has {len(self.row_labels)} items but rows is {self.rows} (make them match)")
        if self.row_labels is not None and len(self.columns) < 2:
            raise ValueError("with row_labels the first column heads the labels (add a column to write in)")
        return self

    def input_columns(self) -> list[str]:
        return self.columns[1:] if self.row_labels else self.columns

    def row_name(self, r: int) -> str:
        return self.row_labels[r] if self.row_labels else f"row {r + 1}"
