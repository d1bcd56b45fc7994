"""`python -m guide new article|worksheet --section S --title T`: a page that already builds."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

from .pages import SCAFFOLD_TEXT
from .views import today

ARTICLE = """---
title: {title}
description: {article_description}
tags: [{tags}]
keywords: []
published: {today}
reviewed: {today}
draft: true  # shown by `make serve` only; delete this line to publish
---

!!! abstract "Key points"
    - {first_point}
    - The second.
    - The third.

Who this page is for, and what it covers.

## A plain heading

Short paragraphs, short sentences, everyday words.

## When to get help

Talk to your doctor, nurse or care team about ... In an emergency, call your emergency number,
such as 999 in the UK or 911 in the US.

## Sources

- [NHS](https://www.nhs.uk/)
"""

WORKSHEET = """---
title: {title}
description: {worksheet_description}
section: {section}
tags: [{tags}]
published: {today}
reviewed: {today}
draft: true  # shown by `make serve` only; delete this line to publish
worksheet:
  intro: When and how to fill this in, in one sentence.
  fields:
    - {{type: scale, label: "How is your energy today?", min: 1, max: 5, low: "Very low", high: "Very good"}}
    - {{type: lines, label: "Something that helped", rows: 3}}
    - {{type: date, label: "Date"}}
---

{worksheet_guidance}
"""


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")


def create(kind: str, section: str, title: str, content: Path = Path("content"), tags_file: Path = Path("tags.yml")) -> Path:
    if not (content / section / "index.md").exists() or section in ("about", "worksheets"):
        sections = sorted(p.parent.name for p in content.glob("*/index.md") if p.parent.name not in ("about", "worksheets"))
        raise ValueError(f"no section {section!r} (use one of: {', '.join(sections)}; a new section needs {content}/<name>/index.md and a nav line)")
    slug = slugify(title)
    if not slug:
        raise ValueError("the title needs at least one letter or number")
    folder = content / ("worksheets" if kind == "worksheet" else section)
    target = folder / f"{slug}.md"
    if target.exists():
        raise ValueError(f"{target} already exists (choose another title)")
    tags = yaml.safe_load(tags_file.read_text()) or {}
    tag = section if section in tags else next(iter(tags), section)
    template = WORKSHEET if kind == "worksheet" else ARTICLE
    quoted_title = yaml.safe_dump(title, default_style='"').strip()
    target.write_text(template.format(title=quoted_title, tags=tag, today=today(), section=section, **SCAFFOLD_TEXT))
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m guide new", description="Scaffold a page with valid front matter.")
    parser.add_argument("kind", choices=["article", "worksheet"])
    parser.add_argument("--section", required=True, help="section folder, e.g. pacing")
    parser.add_argument("--title", required=True)
    args = parser.parse_args(argv)
    try:
        path = create(args.kind, args.section, args.title)
    except ValueError as e:
        print(f"make new: {e}", file=sys.stderr)
        return 1
    print(f"Created {path} as a draft: `make serve` shows it; delete `draft: true` to publish.")
    return 0
