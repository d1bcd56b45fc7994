"""Publisher-facing problems: collected, then reported together as one clear error."""
from __future__ import annotations

from dataclasses import dataclass

from mkdocs.exceptions import PluginError


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project, e.g. content/consent/agreed-signals.md
    field: str  # e.g. "title" or "worksheet.fields[2].type"; "-" when the whole file is at fault
    message: str  # what is wrong, then the fix in brackets

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class GuideError(PluginError):
    """Raised with every problem of a build; MkDocs prints it as one error, without a traceback."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        n = len(self.problems)
        lines = [str(p) for p in self.problems]
        head = f"The guide has {n} content problem{'s' if n != 1 else ''}; the build stopped:"
        super().__init__("\n  ".join([head, *lines]))


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise GuideError(problems)
