"""Front-matter `keywords` in Material's search index, as a field of their own.

Material's search plugin indexes title, body text and tags only. Its `fields` setting (mkdocs.yml)
declares a boosted `keywords` field; this fills that field on each page's entry after the plugin
has written the index. Readers never see keywords, but their own words (synonyms, misspellings)
now find the page.

The index grows with the guide (about 20 MB at 5,000 articles), so the keywords go in with one
pass over its text instead of loading it as Python objects and writing it again.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

# An entry's start as Material writes it. Inside a JSON string every quote is escaped, so this can
# only match a real entry.
_ENTRY = re.compile(r'\{"location":("(?:[^"\\]|\\.)*")')


def add_keywords(text: str, keywords: dict[str, list[str]]) -> str:
    """The index text with each page's keywords on its top entry (location == page URL)."""
    def put(m: re.Match) -> str:
        words = keywords.get(json.loads(m.group(1)))
        return f'{m.group(0)},"keywords":{json.dumps(" ".join(words))}' if words else m.group(0)

    return _ENTRY.sub(put, text)


def update_file(path: Path, keywords: dict[str, list[str]]) -> None:
    if not path.exists():
        return  # search is turned off
    path.write_text(add_keywords(path.read_text(encoding="utf-8"), keywords), encoding="utf-8")
