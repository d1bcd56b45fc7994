"""Every article meets the editorial bar: front matter, Key points, plain language, sources, originality."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guide import pages, readability
from sitebuild import ROOT

CONTENT = ROOT / "content"
SECTIONS = {"communication": 6, "consent": 5, "pacing": 6, "rituals": 5, "body-and-health": 5}
ARTICLES = sorted(p for p in CONTENT.glob("*/*.md") if pages.kind_of(p.relative_to(CONTENT).as_posix()) == "article")


def load(path: Path) -> pages.PageInfo:
    loaded = pages.load(path.relative_to(CONTENT).as_posix(), path.read_text(), str(path))
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


def test_home_page_has_start_paths_urgent_help_and_links_to_every_section():
    home = (CONTENT / "index.md").read_text()
    assert '!!! warning "Need help now?"' in home and "about/getting-help.md" in home
    for section in [*SECTIONS, "worksheets"]:
        assert f"{section}/index.md" in home, section
    start = home.split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert start.count("\n### ") >= 3


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
