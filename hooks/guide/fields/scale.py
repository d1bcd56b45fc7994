from typing import Literal

from pydantic import Field, model_validator

from .base import PeopleField


class ScaleField(PeopleField):
    meaning = "a row of numbered circles, with words at each end"
    example = {"type": "scale", "label": "How close did you feel?", "min": 1, "max": 5, "low": "Distant", "high": "Very close"}
    order = 30
    type: Literal["scale"]
    min: int = Field(1, ge=0, le=10, description="Lowest point on the scale.")
    max: int = Field(5, ge=1, le=10, description="Highest point on the scale.")
    low: str = Field("Low", description="Words under the lowest point.")
    high: str = Field("High", description="Words under the highest point.")

    @model_validator(mode="after")
    def _range(self):
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be smaller than max ({self.max}) (swap them or widen the range)")
        return self

    def ends(self, n: int) -> str:
        """The words under point n: `low` at the bottom, `high` at the top, nothing between."""
        return self.low if n == self.min else self.high if n == self.max else ""
