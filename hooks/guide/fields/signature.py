from typing import Literal

from pydantic import Field

from .base import FieldBase


class SignatureField(FieldBase):
    meaning = "'agreed by' name and date lines"
    example = {"type": "signature", "label": "Agreed by", "signers": 2}
    order = 70
    type: Literal["signature"]
    signers: int = Field(2, ge=1, le=4, description="How many 'agreed by / date' lines.")
