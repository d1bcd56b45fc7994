"""Every article meets the editorial bar: front matter, Key points, plain language, sources, originality."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from guide import pages, readability
from sitebuild import ROOT

CONTENT = ROOT / "content"
SECTIONS = {"communication": 7, "consent": 5, "pacing": 6, "rituals": 5, "body-and-health": 5, "conditions": 13}
ARTICLES = sorted(p for p in CONTENT.glob("*/*.md") if pages.kind_of(p.relative_to(CONTENT).as_posix()) == "article")


def load(path: Path) -> pages.PageInfo:
    loaded = pages.load(path.relative_to(CONTENT).as_posix(), path.read_bytes(), str(path))
    assert not loaded.problems, loaded.problems
    return loaded.page


@pytest.mark.parametrize("section, minimum", SECTIONS.items())
def test_each_section_has_its_articles_and_a_landing_page(section, minimum):
    assert (CONTENT / section / "index.md").exists()
    assert len([p for p in ARTICLES if p.parent.name == section]) >= minimum


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_article_meets_the_editorial_bar(path):
    page = load(path)
    for key in ("title", "description", "tags", "published", "reviewed"):
        assert getattr(page.meta, key), key
    assert readability.article_problems(page.body) == []


def test_readability_is_measured_on_the_body_and_can_fail():
    hard = ("Notwithstanding considerable physiological heterogeneity, multidisciplinary rehabilitation "
            "interventions demonstrably ameliorate psychosexual sequelae. ") * 80
    body = '!!! abstract "Key points"\n    - One.\n    - Two.\n    - Three.\n\n' + hard + "\n## Sources\n\n- [NHS](https://www.nhs.uk/)\n"
    problems = readability.article_problems(body)
    assert any("reading grade" in p for p in problems) and any("reading ease" in p for p in problems)
    assert readability.has_key_points("Intro.\n\n## Heading\n\n" + body) == 0


def test_home_page_has_start_paths_and_links_to_every_section():
    home = (CONTENT / "index.md").read_text()
    assert "about/getting-help.md" in home
    for section in [*SECTIONS, "worksheets"]:
        assert f"{section}/index.md" in home, section
    start = home.split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert start.count("\n### ") >= 3 and "conditions/index.md" in start


def test_urgent_help_text_lives_in_one_file_only():
    shared = (ROOT / "snippets" / "urgent-help.md").read_text()
    assert "999" in shared and "911" in shared and "116 123" in shared and "988" in shared
    first = re.split(r"(?<=[.!?])\s", " ".join(shared.split()))[0].replace("*", "")
    for path in CONTENT.rglob("*.md"):
        assert first not in " ".join(path.read_text().split()).replace("*", ""), path


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_sources_are_specific_dated_pages(path):
    page = load(path)
    assert page.meta.sources, "every article lists its sources"
    for source in page.meta.sources:
        parts = urlsplit(source.url)
        assert parts.scheme == "https" and parts.path.strip("/"), source.url  # a page, not a home page
        assert source.checked <= dt.date.today()
    assert "## Sources" not in page.body


def test_bad_sources_are_refused_with_the_field_named():
    def problems(source: dict) -> list[str]:
        text = "---\n" + yaml.safe_dump({"title": "T", "description": "D.", "tags": ["pacing"], "published": "2026-01-01",
                                          "reviewed": "2026-01-02", "sources": [source]}) + "---\nBody.\n"
        return [f"{p.field}: {p.message}" for p in pages.load("pacing/t.md", text, "content/pacing/t.md").problems]

    good = {"publisher": "NHS", "title": "A page", "url": "https://www.nhs.uk/a/page/", "checked": "2026-01-01"}
    assert problems(good) == []
    assert "home page" in problems({**good, "url": "https://www.nhs.uk/"})[0]
    assert "not an https address" in problems({**good, "url": "http://www.nhs.uk/a/"})[0]
    assert "in the future" in problems({**good, "checked": str(dt.date.today() + dt.timedelta(days=2))})[0]
    assert problems({k: v for k, v in good.items() if k != "checked"})[0].startswith("sources[0].checked: is required")


@pytest.mark.parametrize("path", sorted((CONTENT / "conditions").glob("*.md")), ids=lambda p: p.name)
def test_condition_pages_answer_the_readers_questions(path):
    page = load(path)
    if page.kind == "section":
        assert page.meta.groups
        return
    headings = [h.lower() for h in re.findall(r"^## (.+)$", page.body, re.M)]
    assert page.meta.group and "conditions" in page.meta.tags
    for words in ("safe", "change", "help", "ask", "urgent"):
        assert any(words in h for h in headings), (words, headings)


def test_the_guide_names_its_readers():
    about = " ".join((CONTENT / "about" / "index.md").read_text().lower().split())
    for who in ("same-sex", "gay", "bisexual", "trans", "non-binary", "older", "disabled", "both", "single", "dating"):
        assert who in about, who


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.relative_to(CONTENT).as_posix())
def test_no_article_assumes_a_man_and_a_woman(path):
    text = " " + " ".join(load(path).body.lower().split()) + " "
    for words in (" husband", " wife ", " wives ", " he or she ", " his or her ", " boyfriend", " girlfriend"):
        assert words not in text, words


@pytest.mark.parametrize("name", ["index", "editorial-policy", "disclaimer", "getting-help", "sources"])
def test_about_pages_exist(name):
    page = load(CONTENT / "about" / f"{name}.md")
    assert page.meta.reviewed


def test_no_sentence_is_copied_from_the_seed_articles():
    tool = ROOT.parent / "shared" / "tools" / "seed_overlap.py"
    if not tool.exists():
        pytest.skip("shared/tools/seed_overlap.py is not beside this checkout")
    done = subprocess.run([sys.executable, str(tool), str(CONTENT)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "", done.stdout
