"""The real guide builds strictly, and every built page carries its basic metadata."""
from __future__ import annotations

import functools
import json
import importlib.util
import os
import re

from bs4 import BeautifulSoup

from sitebuild import ROOT, Build, article, copy_project, mkdocs


def built_pages(site):
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_strict_build_has_no_warnings(built):
    assert built.returncode == 0
    assert built.warnings == []


def test_every_page_has_title_description_and_language(site):
    pages = built_pages(site)
    assert len(pages) > 40
    for path in pages:
        soup = BeautifulSoup(path.read_text(), "html.parser")
        rel = path.relative_to(site)
        assert soup.html.get("lang") == "en", rel
        assert soup.title and soup.title.get_text(strip=True), rel
        desc = soup.find("meta", attrs={"name": "description"})
        assert desc and desc["content"].strip(), rel


def test_no_page_loads_anything_from_another_host(site):
    """The markup itself asks for nothing remote: no fonts, scripts, styles or images from a CDN."""
    for path in built_pages(site):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for el in soup.find_all(tag):
                url = el.get(attr) or ""
                if tag == "link" and "stylesheet" not in (el.get("rel") or []) and "preconnect" not in (el.get("rel") or []):
                    continue
                assert "//" not in url, f"{path.relative_to(site)} loads {url}"


import pytest


@pytest.mark.parametrize("edit, words", [
    (lambda c: c.pop("site_name"), "site_name"),
    (lambda c: c["validation"].update(anchors="sometimes"), "anchors"),
    (lambda c: c["theme"].update(name="no-such-theme"), "no-such-theme"),
])
def test_bad_mkdocs_option_stops_with_mkdocs_message(tmp_path, edit, words):
    config = copy_project(tmp_path, config_edit=edit)
    build = mkdocs(config, tmp_path / "site")
    assert build.returncode != 0
    assert words in build.output and "Traceback" not in build.output


def test_bad_guide_setting_names_the_setting(tmp_path):
    config = copy_project(tmp_path, config_edit=lambda c: c["extra"]["guide"]["related"].update(cout=3))
    build = mkdocs(config, tmp_path / "site")
    assert build.returncode != 0
    assert "extra.guide.related" in build.output and "cout" in build.output
    assert "Traceback" not in build.output


def test_hooks_in_reverse_order_build_identical_pages(tmp_path, site):
    config = copy_project(tmp_path, config_edit=lambda c: c.update(hooks=list(reversed(c["hooks"]))))
    assert_same_pages(site, mkdocs(config, tmp_path / "site"))


def test_reusing_one_markdown_converter_changes_no_page(tmp_path, site):
    """hooks/converter.py resets one Markdown converter between pages instead of making a new one:
    every page must come out exactly as MkDocs' own new-converter-per-page makes it."""
    config = copy_project(tmp_path, config_edit=lambda c: c["hooks"].remove(next(h for h in c["hooks"] if h.endswith("converter.py"))))
    assert "converter.py" not in config.read_text()
    assert_same_pages(site, mkdocs(config, tmp_path / "site"))


def test_a_page_never_sees_the_previous_pages_link_definitions(tmp_path):
    """The reused converter is reset between pages: a reference link defined on one page is not
    defined on the next."""
    config = copy_project(tmp_path, {
        "content/pacing/aa-defines.md": article("Defines a link", body="See [this][elsewhere].\n\n[elsewhere]: https://example.org/\n"),
        "content/pacing/zz-uses.md": article("Uses a link", body="See [that][elsewhere].\n"),
    })
    build = mkdocs(config, tmp_path / "site")
    assert build.returncode == 0, build.output
    defines = (build.site / "pacing/aa-defines/index.html").read_text()
    uses = (build.site / "pacing/zz-uses/index.html").read_text()
    assert 'href="https://example.org/">this</a>' in defines
    assert "See [that][elsewhere]." in uses


@functools.cache
def converter_hook():
    """hooks/converter.py as a module (hook files are not a package)."""
    spec = importlib.util.spec_from_file_location("converter_hook", ROOT / "hooks/converter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Pages that leave state behind in a converter if reset() misses any: reference links, footnotes,
# abbreviations, repeated heading ids, stashed HTML and code blocks, tabs.
PAGES = ["""# One {#top}

A footnote[^1], an HTML abbreviation, [a link][r], ==marked==, ^^inserted^^, ~~deleted~~, ++ctrl+alt++,
a :smile:, {++added++}, https://example.org/bare and (c).

*[HTML]: Hyper Text Markup Language
[r]: https://example.org/one
[^1]: The note.

## Same heading

- [x] done
- [ ] to do

!!! note "Box"
    Inside.

??? tip "More"
    Hidden.

=== "A"
    Tab A

Term
:   Definition

| a | b |
|---|---|
| 1 | 2 |

```python
print("hi")
```

`#!python x = 1`

<div markdown>
**Markdown in HTML**
</div>
""", """# Two

Uses [a link][r], HTML and a note[^1] and [^2].

[^2]: Other.

## Same heading

## Same heading

=== "C"
    Tab C

```js
let a = 1;
```
"""]


@pytest.mark.parametrize("extension, configs", [(e, {}) for e in sorted(converter_hook().CHECKED)] + [
    ("footnotes", {"footnotes": {"UNIQUE_IDS": True}}),  # its reset() numbers pages: not reused
    ("toc", {"toc": {"permalink": True, "toc_depth": 2}}),
    ("pymdownx.highlight", {"pymdownx.highlight": {"linenums": True, "anchor_linenums": True}}),
])
def test_one_reset_converter_makes_what_a_new_converter_per_page_makes(extension, configs):
    """hooks/converter.py reuses one converter only with these extensions: each must leave nothing
    behind for the next page (a converter without reset() fails this for every one of them)."""
    import markdown
    extensions = list(dict.fromkeys(["toc", "tables", "fenced_code", "pymdownx.superfences", extension]))
    stand_in = converter_hook().ReusedMarkdown()
    for pages in (PAGES, PAGES[::-1]):
        new_each = [markdown.Markdown(extensions=extensions, extension_configs=configs).convert(page) for page in pages]
        one = [stand_in.Markdown(extensions=extensions, extension_configs=configs).convert(page) for page in pages]
        assert one == new_each


def test_an_unchecked_extension_gets_a_new_converter_per_page():
    stand_in = converter_hook().ReusedMarkdown()
    first = stand_in.Markdown(extensions=["toc", "pymdownx.arithmatex"], extension_configs={})
    assert stand_in.Markdown(extensions=["toc", "pymdownx.arithmatex"], extension_configs={}) is not first
    reused = stand_in.Markdown(extensions=["toc"], extension_configs={})
    assert stand_in.Markdown(extensions=["toc"], extension_configs={}) is reused


def assert_same_pages(site, build):
    assert build.returncode == 0, build.output
    ours = {p.relative_to(site): p.read_bytes() for p in site.rglob("*.html")}
    theirs = {p.relative_to(build.site): p.read_bytes() for p in build.site.rglob("*.html")}
    assert ours.keys() == theirs.keys()
    assert [str(p) for p in ours if ours[p] != theirs[p]] == []


def test_plain_file_urls_resolve_everywhere(tmp_path):
    """use_directory_urls: false (as Material's offline plugin sets it): every internal link lands on a file."""
    config = copy_project(tmp_path, config_edit=lambda c: c.update(use_directory_urls=False))
    build = mkdocs(config, tmp_path / "site")
    assert build.returncode == 0, build.output
    broken, checked = [], 0
    for path in build.site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        for a in soup.select("a[href]"):
            href = a["href"].split("#")[0].split("?")[0]
            if not href or ":" in href or href.startswith("//"):
                continue
            # The 404 page links from the site root: it is served at any missing address.
            target = (build.site / href.lstrip("/") if href.startswith("/") else path.parent / href).resolve()
            checked += 1
            if not (target.is_file() or (target / "index.html").is_file()):
                broken.append(f"{path.relative_to(build.site)} -> {a['href']}")
    assert checked > 500 and broken == []
    cards = BeautifulSoup((build.site / "pacing/index.html").read_text(), "html.parser").select(".guide-card__link")
    assert cards and all(c["href"].endswith(".html") for c in cards)


def test_each_article_sidebar_opens_its_own_section_and_links_resolve(site):
    """The sidebar is rendered once per section and depth, then reused (overrides/main.html,
    guide/fragments.py): each article must still get its own section open, as on the section's own
    page (which is rendered afresh), and links that work from where the page is."""
    def opened(path):
        sidebar = BeautifulSoup(path.read_text(), "html.parser").select_one(".md-sidebar--primary")
        return sidebar, [box["id"] for box in sidebar.select("li.md-nav__item--active > input.md-nav__toggle")]

    # Booklets sit in a section's folder but outside the nav: they have no section to open.
    articles = [p for p in site.glob("*/*/index.html") if p.parent.parent.name not in ("tags", "search", "assets") and p.parent.name != "booklet"]
    assert len(articles) > 40 and len({p.parent.parent for p in articles}) >= 6
    for path in articles:
        sidebar, ids = opened(path)
        assert ids and ids == opened(path.parent.parent / "index.html")[1], path
        for a in sidebar.select("a[href]"):
            assert ((path.parent / a["href"]).resolve() / "index.html").is_file(), (path, a["href"])


def test_each_page_header_shows_its_own_title_and_links_resolve(site):
    """The header, the styles and the scripts are rendered once per depth, the header with a slot for
    the title (overrides/main.html, guide/fragments.py): every page must still show its own title
    there, as its <title> does, and the logo's link, stylesheets and scripts must work from where
    the page is."""
    pages = [p for p in site.rglob("index.html") if "pagefind" not in p.parts]
    assert len(pages) > 60 and len({len(p.relative_to(site).parts) for p in pages}) >= 3  # several depths
    titles = set()
    for path in pages:
        html = path.read_text()
        assert "\x00" not in html, path
        soup = BeautifulSoup(html, "html.parser")
        topic = soup.select_one('[data-md-component="header-topic"] .md-ellipsis').get_text(strip=True)
        assert soup.title.get_text().startswith(topic), (path, topic)
        home = soup.select_one("a.md-logo")["href"]
        assert ((path.parent / home).resolve() / "index.html") == (site / "index.html").resolve(), (path, home)
        assets = [t["href"] for t in soup.select('link[rel="stylesheet"]')] + [t["src"] for t in soup.select("script[src]")]
        assert len(assets) >= 5 and all((path.parent / a.split("?")[0]).is_file() for a in assets), (path, assets)
        titles.add(topic)
    assert len(titles) > 60


# ---- hooks/parallel.py: the second half of the pages converted in a second process ---------------

two_cores = len(os.sched_getaffinity(0)) >= 2 if hasattr(os, "sched_getaffinity") else False


def test_converting_half_the_pages_in_a_second_process_changes_no_page(tmp_path, site):
    """The session's site is built as `make build` builds it; here every page is converted in one process."""
    assert_same_pages(site, mkdocs(copy_project(tmp_path), tmp_path / "site", extra_env={"GUIDE_PARALLEL": "0"}))
    if two_cores:  # the session's site did use the second process, for half of the pages, twice
        verbose = mkdocs(copy_project(tmp_path / "v"), tmp_path / "v/site", "-v")
        for done in ("converted", "written"):
            taken = re.search(rf"Parallel: (\d+) of (\d+) pages {done} by the second process", verbose.output)
            assert taken and int(taken[1]) == int(taken[2]) >= 35, verbose.output[-2000:]


def test_what_mkdocs_says_while_converting_in_the_second_process_still_counts(tmp_path):
    """A link MkDocs warns about, on a page of either half, still stops a strict build; a link to a
    heading that is there, on a page of the other half, does not."""
    pages = {
        "content/body-and-health/aa-links.md": article("Links in the first half", body=(
            "See [home](/consent/), [a heading](../rituals/breathing-together.md#why-breathing-helps) and "
            "[no heading](../rituals/breathing-together.md#no-such-heading).\n")),
        "content/rituals/zz-links.md": article("Links in the second half", body=(
            "See [home](/pacing/), [a heading](../body-and-health/body-image.md#changes-you-can-see) and "
            "[no heading](../body-and-health/body-image.md#no-such-heading).\n")),
    }
    said = {}
    for parallel in "01":
        build = mkdocs(copy_project(tmp_path / parallel, pages), tmp_path / parallel / "site", extra_env={"GUIDE_PARALLEL": parallel})
        assert build.returncode != 0 and "Traceback" not in build.output
        said[parallel] = sorted(line for line in build.output.splitlines() if line.startswith("WARNING"))
    assert said["1"] == said["0"]
    warned = "\n".join(said["1"])
    for page, link in [("body-and-health/aa-links.md", "/consent/"), ("rituals/zz-links.md", "/pacing/")]:
        assert f"'{page}' contains an absolute link '{link}'" in warned
    assert warned.count("does not contain an anchor '#no-such-heading'") == 2
    assert "#why-breathing-helps" not in warned and "#changes-you-can-see" not in warned


@pytest.mark.skipif(not two_cores, reason="one core: pages are never handed to a second process")
@pytest.mark.parametrize("dies", [("_convert",), ("_build",), ("_convert", "_build")])
def test_a_second_process_that_dies_leaves_its_pages_to_the_first(tmp_path, site, dies):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(copy_project(tmp_path)), site_dir=str(tmp_path / "site"))
    hook = next(module for name, module in config.plugins.items() if name.endswith("parallel.py"))
    for work in dies:  # the child dies before it converts or writes a page
        setattr(hook, work, lambda *args: os._exit(1))
    build(config)
    assert_same_pages(site, Build(0, "", tmp_path / "site"))


def test_with_a_plugin_that_gathers_pages_every_page_is_rendered_in_one_process(tmp_path):
    """MkDocs' search plugin gathers every page in `post_page`: it must see them all. A plugin not
    known to keep nothing from page events turns both stages off."""
    config = copy_project(tmp_path, config_edit=lambda c: c["plugins"].append("search"))
    build = mkdocs(config, tmp_path / "site", "-v")
    assert build.returncode == 0, build.output[-2000:]
    assert "by the second process" not in build.output
    serial = mkdocs(copy_project(tmp_path / "serial", config_edit=lambda c: c["plugins"].append("search")),
                    tmp_path / "serial/site", extra_env={"GUIDE_PARALLEL": "0"})
    index = [json.loads((b.site / "search/search_index.json").read_text())["docs"] for b in (build, serial)]
    assert len(index[0]) > 300 and index[0] == index[1]


def test_tags_show_their_labels_and_the_topics_page_their_meanings(site):
    """Readers see "Starting out", not `starting-out`: on every page's tag chips and on the topics
    page, whose headings keep their anchors and carry each topic's meaning from tags.yml."""
    from guide.site import load_tags
    tags, problems = load_tags(ROOT / "tags.yml", "tags.yml")
    assert problems == [] and tags["check-ins"].label == "Check-ins"
    topics = BeautifulSoup((site / "tags/index.html").read_text(), "html.parser")
    headings = {h["id"].removeprefix("tag:"): h for h in topics.select("h2[id^='tag:']")}
    used = {tag for tag in headings}
    assert used and used <= set(tags)
    for tag in used:
        heading = headings[tag]
        assert heading.get_text(strip=True) == tags[tag].label and not heading.select(".md-tag"), tag  # text, not a chip
        meaning = heading.find_next_sibling()
        assert "guide-topic__meaning" in meaning["class"] and meaning.get_text(strip=True) == tags[tag].meaning, tag
    # A row of links above the first topic, one per heading, in the headings' order.
    index = topics.select_one("nav.guide-topics[aria-label='Topics on this page']")
    assert [a["href"] for a in index.select("a")] == ["#" + h["id"] for h in topics.select("h2[id^='tag:']")]
    assert index.find_next("h2")["id"].startswith("tag:")
    toc = [a.get_text(strip=True) for a in topics.select(".md-nav--secondary a[href^='#tag:']")]
    assert "Check-ins" in toc and "check-ins" not in toc
    labels = {t.label for t in tags.values()}
    chips = 0
    for path in built_pages(site):
        for chip in BeautifulSoup(path.read_text(), "html.parser").select(".md-tags .md-tag"):
            chips += 1
            assert chip.get_text(strip=True) in labels, (path, chip)
            assert chip["href"].split("#")[1].removeprefix("tag:") in headings, (path, chip)
    assert chips > 40
    assert not (site / "tags.json").exists()  # Material's export for other tools: not published


def test_a_new_label_keeps_the_topic_anchor_and_labels_sort_whatever_their_case(tmp_path):
    tags = (ROOT / "tags.yml").read_text()
    tags = tags.replace("setbacks: Bad days,", "setbacks: {label: Hard days, meaning: 'Bad days,", 1).replace(
        "relapses and what to do\n", "relapses and what to do'}\n", 1).replace("humour: ", "humour: {label: eHumour, meaning: x}\n#", 1)
    config = copy_project(tmp_path, {"tags.yml": tags})
    build = mkdocs(config, tmp_path / "site")
    assert build.returncode == 0, build.output
    topics = BeautifulSoup((tmp_path / "site/tags/index.html").read_text(), "html.parser")
    assert topics.select_one("h2[id='tag:setbacks']").get_text(strip=True) == "Hard days"
    article_page = BeautifulSoup((tmp_path / "site/pacing/setbacks-and-warning-signs/index.html").read_text(), "html.parser")
    chip = next(a for a in article_page.select(".md-tags a") if a.get_text(strip=True) == "Hard days")
    assert chip["href"].endswith("tags/#tag:setbacks")  # links to the topics page outlive a new label
    headings = [h.get_text(strip=True) for h in topics.select("h2[id^='tag:']")]
    assert headings == sorted(headings, key=str.casefold) and "eHumour" in headings, headings
