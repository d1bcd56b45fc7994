"""`python -m guide new article|worksheet --section S --title T`: a page that already builds."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .dates import today
from .pages import INDEX, NOT_SECTIONS, SCAFFOLD_TEXT, WORKSHEETS, decode, load, parse_yaml, slugify
from .schema import TITLE_MAX
from .site import load_tags

ARTICLE = """---
title: {title}
description: {article_description}
tags: [{tags}]
keywords: []
published: {today}
reviewed: {today}
draft: true  # shown by `make serve` only; delete this line to publish
{group}# Before publishing, list the pages your facts come from (the build shows them as the sources list):
# sources:
#   - publisher: NHS
#     title: The page's own title
#     url: https://www.nhs.uk/the-specific-page/
#     checked: {today}
sources: []
---

!!! abstract "Key points"
    - {first_point}
    - {second_point}
    - {third_point}

{who_for}

## {heading}

{style}

{care_team}
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
  intro: {worksheet_intro}
  fields:
    - {{type: scale, label: "{field_scale}", min: 1, max: 5, low: "Very low", high: "Very good"}}
    - {{type: lines, label: "{field_lines}", rows: 3}}
    - {{type: date, label: "Date"}}
---

{worksheet_guidance}
"""


def create(kind: str, section: str, title: str, content: Path = Path("content"), tags_file: Path = Path("tags.yml")) -> Path:
    sections = sorted(p.parent.name for p in content.glob("*/index.md") if p.parent.name not in NOT_SECTIONS)
    if section not in sections:
        what = "SECTION is missing" if not section.strip() else f"no section {section!r}"
        raise ValueError(f"{what} (use one of: {', '.join(sections)}, e.g. make new SECTION={sections[0] if sections else 'pacing'} TITLE=\"...\"; "
                         f"a new section needs {content}/<name>/index.md and a nav line)")
    if not title.strip():
        raise ValueError('TITLE is missing (e.g. make new KIND=article SECTION=pacing TITLE="Resting well after surgery")')
    if len(title.strip()) > TITLE_MAX:
        raise ValueError(f"the title has {len(title.strip())} characters; a title has at most {TITLE_MAX} (shorten it)")
    if (same := _titled(content, title)) is not None:
        raise ValueError(f"{same[0]} already has the title {same[1]!r} (give each page its own title)")
    slug = slugify(title)
    if not slug:
        raise ValueError("the title needs at least one letter or number from A to Z for the file name")
    folder = content / (WORKSHEETS if kind == "worksheet" else section)
    target = folder / f"{slug}.md"
    if target.exists():
        raise ValueError(f"{target} already exists (choose another title)")
    tags, _ = load_tags(tags_file, str(tags_file))  # a problem there is the build's to report
    tag = section if section in tags else next(iter(tags), section)
    template = WORKSHEET if kind == "worksheet" else ARTICLE
    # A section whose cards sit under headings (`groups:` on its index.md): say which ones there are,
    # or the new page's card lands under "More in this section" without a word.
    groups = _groups(folder / INDEX) if kind == "article" else []
    group = (f"# group: the heading your card sits under on the section page, one of: {', '.join(groups)}\n"
             if groups else "")
    # Double-quoted, so any text is valid YAML; letters as typed (not \xF6), on one line however long.
    quoted_title = yaml.safe_dump(title, default_style='"', allow_unicode=True, width=float("inf")).strip()
    target.write_text(template.format(title=quoted_title, tags=tag, today=today(), section=section, group=group, **SCAFFOLD_TEXT))
    return target


def _titled(content: Path, title: str) -> tuple[Path, str] | None:
    """The page that already has this title, as the build compares titles (case aside), if any.
    Only the front matter is read, as the build reads it: a page with a problem is the build's to report."""
    wanted = title.strip().casefold()
    for path in sorted(content.rglob("*.md")):
        parts, _ = decode(path.read_bytes(), str(path))
        try:
            meta = parse_yaml(parts[0]) if parts else None
        except yaml.YAMLError:
            continue
        if isinstance(meta, dict) and isinstance(meta.get("title"), str) and meta["title"].strip().casefold() == wanted:
            return path, meta["title"].strip()
    return None


def _groups(landing: Path) -> list[str]:
    """The `groups:` a section's index.md lists, read as the build reads it; none if the page has a
    problem (the build says which)."""
    page = load(f"{landing.parent.name}/{INDEX}", landing.read_bytes(), str(landing)).page
    return page.meta.groups if page else []


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
