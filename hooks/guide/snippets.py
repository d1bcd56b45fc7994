"""Shared text kept in one file and shown on many pages (the urgent-help box): one edit updates all."""
from __future__ import annotations

from pathlib import Path

import markdown
from markupsafe import Markup

from .problems import Problem


def render(path: Path, shown: str, extensions: list, configs: dict) -> tuple[Markup, list[Problem]]:
    """The file's Markdown as HTML, with the site's own Markdown extensions; or the problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Markup(""), [Problem(shown, "-", "is missing (it holds the urgent-help text every article shows; restore it from git)")]
    except UnicodeDecodeError:
        return Markup(""), [Problem(shown, "-", "is not UTF-8 text (save the file as UTF-8 in your editor)")]
    if not text.strip():
        return Markup(""), [Problem(shown, "-", "is empty (write the urgent-help text every article shows)")]
    return Markup(markdown.markdown(text, extensions=extensions, extension_configs=configs)), []
