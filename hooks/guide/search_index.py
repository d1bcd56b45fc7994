"""Front-matter `keywords` in Material's search index, as a field of their own.

Material's search plugin indexes title, body text and tags only. Its `fields` setting (mkdocs.yml)
declares a boosted `keywords` field; this fills that field on each page's entry after the plugin
has written the index. Readers never see keywords, but their own words (synonyms, misspellings)
now find the page.
"""
from __future__ import annotations

import json
from pathlib import Path


def add_keywords(index: dict, keywords: dict[str, list[str]]) -> int:
    """Put each page's keywords on its top entry (location == page URL); returns how many got some."""
    done = 0
    for doc in index.get("docs", []):
        words = keywords.get(doc.get("location"))
        if words:
            doc["keywords"] = " ".join(words)
            done += 1
    return done


def update_file(path: Path, keywords: dict[str, list[str]]) -> None:
    if not path.exists():
        return  # search is turned off
    index = json.loads(path.read_text(encoding="utf-8"))
    add_keywords(index, keywords)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
