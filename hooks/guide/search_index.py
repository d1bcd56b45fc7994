"""Front-matter `keywords` in Material's search index, as a field of their own.

Material's search plugin indexes title, body text and tags only. Its `fields` setting (mkdocs.yml)
declares a boosted `keywords` field; this fills that field on each page's entry after the plugin
has written the index. Readers never see keywords, but their own words (synonyms, misspellings)
now find the page.

The index grows with the guide (about 20 MB at 5,000 articles), so the keywords go in with one
pass over its text, a megabyte at a time, instead of loading it all as Python objects.
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


def update_file(path: Path, keywords: dict[str, list[str]], chunk: int = 1 << 20) -> None:
    if not path.exists():
        return  # search is turned off
    done = path.with_name(path.name + ".new")
    with path.open(encoding="utf-8") as src, done.open("w", encoding="utf-8") as out:
        carry = ""
        while text := src.read(chunk):
            text = carry + text
            # The last entry may go on in the next chunk: it waits, whole entries are written.
            cut = text.rfind('{"location":')
            cut = cut if cut > 0 else 0
            out.write(add_keywords(text[:cut], keywords))
            carry = text[cut:]
        out.write(add_keywords(carry, keywords))
    done.replace(path)
