"""Plain-language checks of an article's body, shared by the tests and `python -m guide check`.

Needs only the site's own requirements (Markdown, textstat): `make check` runs on a fresh clone.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

GRADE_MAX = 8.0
EASE_MIN = 60.0
WORDS_MIN, WORDS_MAX = 600, 1500
KEY_POINTS = re.compile(r'^!!! \w+ "Key points"\s*$', re.M)
_BLOCKS = {"p", "li", "h2", "h3", "h4", "td", "th", "dt", "dd"}


class _Blocks(HTMLParser):
    """Text of each innermost block: a list item that holds paragraphs counts as its paragraphs."""

    def __init__(self):
        super().__init__()
        self.stack: list[list] = []  # [text parts, has a block inside]
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            if self.stack:
                self.stack[-1][1] = True
            self.stack.append([[], False])
        elif self.stack:
            self.stack[-1][0].append(" ")  # bs4's get_text(" ") did the same at inline tags

    def handle_endtag(self, tag):
        if tag in _BLOCKS and self.stack:
            parts, nested = self.stack.pop()
            text = " ".join("".join(parts).split())
            if text and not nested:
                self.out.append(text)
        elif self.stack:
            self.stack[-1][0].append(" ")

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][0].append(data)


def body_text(body: str) -> str:
    """The words a reader reads: Markdown rendered, one sentence per block, without the sources list."""
    body = re.split(r"^## Sources\s*$", body, maxsplit=1, flags=re.M)[0]
    body = KEY_POINTS.sub("", body)
    html = markdown.markdown(body, extensions=["admonition", "attr_list", "md_in_html", "tables", "def_list"])
    parser = _Blocks()
    parser.feed(html)
    # A heading or bullet without a full stop is still its own sentence to a reader.
    return "\n".join(t if t[-1] in ".!?:" else t + "." for t in parser.out)


def scores(body: str) -> dict:
    import textstat  # only the checks need it; the site build does not pay for its import

    text = body_text(body)
    return {
        "words": textstat.lexicon_count(text),
        "grade": textstat.flesch_kincaid_grade(text),
        "ease": textstat.flesch_reading_ease(text),
    }


def has_key_points(body: str) -> int:
    """Number of bullets in the Key points box near the top, or 0 when there is none."""
    m = KEY_POINTS.search(body)
    if not m or "\n## " in body[: m.start()]:
        return 0
    bullets = 0
    for line in body[m.end():].lstrip("\n").splitlines():
        if line.startswith("    - ") or line.startswith("    * "):
            bullets += 1
        elif line.strip() and not line.startswith("    "):
            break
    return bullets


def article_problems(body: str) -> list[str]:
    """What keeps an article from the plain-language bar; empty when it meets it."""
    s = scores(body)
    out = []
    if not WORDS_MIN <= s["words"] <= WORDS_MAX:
        out.append(f"{s['words']} words (write {WORDS_MIN} to {WORDS_MAX})")
    if s["grade"] > GRADE_MAX:
        out.append(f"reading grade {s['grade']:.1f} (aim for {GRADE_MAX:g} or lower: shorter sentences, plainer words)")
    if s["ease"] < EASE_MIN:
        out.append(f"reading ease {s['ease']:.1f} (aim for {EASE_MIN:g} or higher)")
    n = has_key_points(body)
    if not 3 <= n <= 5:
        out.append(f'Key points box has {n} bullets (put `!!! abstract "Key points"` with 3 to 5 bullets before the first ## heading)')
    return out
