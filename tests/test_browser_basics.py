"""The guide as a reader meets it in Chromium: private, and searchable from the header."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from sitebuild import pagefind_records, search

pytestmark = pytest.mark.browser


def test_home_article_and_search_make_no_foreign_requests(visit):
    v = visit()
    page = v.open("")
    page.locator("article h1").wait_for()
    v.open("consent/agreed-signals/")
    search(page, "signals")
    page.wait_for_load_state("networkidle")
    assert len(v.requests) > 3
    assert v.foreign_requests() == []


def unique_body_word(site) -> tuple[str, str]:
    """A long word that appears in exactly one article's indexed text (Pagefind's own records)."""
    pages: dict[str, set] = {}
    for record in pagefind_records(site):
        pages[record["url"].lstrip("/")] = set(re.findall(r"[a-z]{9,}", record["content"].lower()))
    counts = Counter(w for ws in pages.values() for w in ws)
    for location, words in sorted(pages.items()):
        if location.count("/") == 2:  # section/article/
            unique = sorted(w for w in words if counts[w] == 1)
            if unique:
                return unique[0], location
    raise AssertionError("no word is unique to one article")


def test_word_from_one_article_body_finds_that_article(visit, site):
    word, location = unique_body_word(site)
    page = visit().open("")
    hrefs = search(page, word)
    assert any(location in h for h in hrefs[:5]), (word, location, hrefs)
