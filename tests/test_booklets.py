"""Booklets: the assembly in units, the built pages, and the printed PDFs in Chromium."""
from __future__ import annotations

import functools
import io
import json
import pathlib
import re
import urllib.parse

import pytest
import yaml
from bs4 import BeautifulSoup
from pypdf import PdfReader

from guide import booklet, site as guide_site
from sitebuild import ROOT, article, copy_project, mkdocs, mkdocs_serve, rules, wait_for

SECTIONS = ["communication", "consent", "pacing", "rituals", "body-and-health", "conditions"]


# ---- units: reading an article's HTML, joining it into a booklet, writing it in ------------------

ARTICLE = """<p class="guide-standfirst">What this is &amp; why.</p>
<div class="admonition abstract"><p class="admonition-title">Key points</p><ul><li>One</li></ul></div>
<h2 id="how-it-works">How <em>it</em> works</h2>
<p>See <a href="../agreed-signals/#pause-words">signals</a>, <a href="#how-it-works">above</a>,
<a href="../../rituals/evening-routine/">a routine</a>, <a href="https://example.org/a?b=1&amp;c=2" title="x > y">a source</a>,
<a href="../../">home</a>, <a href="mailto:team@example.org">mail</a>.</p>
<h3 id="deeper">Deeper</h3><h6 id="deepest">Deepest</h6>
<p><img alt="" src="../../assets/picture.png"><label for="f">F</label><input id="f" aria-describedby="h1 h2"></p>
<!-- <h2 id="in-a-comment"> --><script>var s = "<h2 id='in-a-script'>";</script>"""


def test_headings_move_down_one_level_and_ids_get_the_article_prefix():
    out = booklet.render(booklet.prepare(ARTICLE, "consent/pauses/", "consent--pauses"), "consent/booklet/", {}, "")
    assert '<h3 id="consent--pauses--how-it-works">How <em>it</em> works</h3>' in out
    assert '<h4 id="consent--pauses--deeper">Deeper</h4>' in out
    assert '<h6 id="consent--pauses--deepest">Deepest</h6>' in out  # there is no h7: the deepest level stays
    assert "<h2" not in out.replace("<h2 id='in-a-script'>", "").replace('<h2 id="in-a-comment">', "")
    assert 'for="consent--pauses--f"' in out and 'id="consent--pauses--f"' in out
    assert 'aria-describedby="consent--pauses--h1 consent--pauses--h2"' in out
    assert "<!-- <h2 id=\"in-a-comment\"> -->" in out and "<h2 id='in-a-script'>" in out  # not tags: untouched
    assert "What this is &amp; why." in out and 'title="x > y"' in out


def test_links_to_pages_in_the_booklet_become_anchors_and_the_rest_keep_an_address_to_print():
    parts = booklet.prepare(ARTICLE, "consent/pauses/", "consent--pauses")
    anchors = {"consent/agreed-signals/": "consent--agreed-signals", "consent/pauses/": "consent--pauses"}
    out = booklet.render(parts, "consent/booklet/", anchors, "https://guide.example.org/")
    assert 'href="#consent--agreed-signals--pause-words"' in out  # another article in this booklet, at its heading
    assert 'href="#consent--pauses--how-it-works"' in out  # the article's own heading
    assert 'href="../../rituals/evening-routine/" data-print-url="https://guide.example.org/rituals/evening-routine/"' in out
    assert 'href="../../" data-print-url="https://guide.example.org/"' in out  # the home page
    assert 'href="https://example.org/a?b=1&amp;c=2" data-print-url="https://example.org/a?b=1&amp;c=2" title="x > y"' in out
    assert 'href="mailto:team@example.org">' in out  # not a page: left alone
    assert 'src="../../assets/picture.png"' in out
    assert booklet.links(ARTICLE, "consent/pauses/") == ["consent/agreed-signals/", "consent/pauses/", "rituals/evening-routine/", "./"]


def test_the_whole_guide_booklet_sits_higher_so_relative_links_change():
    parts = booklet.prepare(ARTICLE, "consent/pauses/", "consent--pauses")
    out = booklet.render(parts, "booklet/", {"consent/pauses/": "consent--pauses"}, "")
    assert 'href="../consent/agreed-signals/#pause-words" data-print-url="/consent/agreed-signals/#pause-words"' in out
    assert 'src="../assets/picture.png"' in out and 'href="../" data-print-url="/"' in out


def test_plain_file_urls_resolve_too():
    html = '<a href="../consent/agreed-signals.html#pause">s</a> <a href="../index.html">home</a>'
    parts = booklet.prepare(html, "pacing/pacing-ladder.html", "pacing--pacing-ladder")
    assert booklet.render(parts, "pacing/booklet.html", {"consent/agreed-signals.html": "consent--agreed-signals"}, "") == (
        '<a href="#consent--agreed-signals--pause">s</a> <a href="../index.html" data-print-url="/index.html">home</a>')
    assert booklet.render(parts, "booklet.html", {}, "https://x.org/guide/").startswith(
        '<a href="consent/agreed-signals.html#pause" data-print-url="https://x.org/guide/consent/agreed-signals.html#pause">')


def test_a_worksheet_goes_in_blank_without_its_buttons_or_its_script_hook():
    form = ('<form class="guide-ws" data-guide-worksheet="plan" aria-label="Plan"><div class="guide-ws__toolbar">'
            '<button type="button">Print</button><div><p>nested</p></div></div>'
            '<label for="ws-plan-a">A</label><input id="ws-plan-a" name="a"></form>')
    page = guide_site.PageInfo("worksheets/plan.md", "worksheet", None, "", "worksheets/plan/")
    out = booklet.render(booklet.sheet(form, page), "pacing/booklet/", {}, "")
    assert out == ('<form class="guide-ws" aria-label="Plan"><label for="worksheets--plan--ws-plan-a">A</label>'
                   '<input id="worksheets--plan--ws-plan-a" name="a"></form>')
    assert booklet.without("<div class=\"guide-ws__toolbar\"><p>never closed", "guide-ws__toolbar").startswith("<div")


def test_anchors_are_unique_across_sections_and_safe_in_a_url():
    assert booklet.anchor("pacing/pacing-ladder.md") == "pacing--pacing-ladder"
    assert booklet.anchor("worksheets/pacing-ladder.md") == "worksheets--pacing-ladder"
    assert booklet.anchor("my section/Über uns.md") == "my-section---ber-uns"


def small_site(pages: dict[str, str], nav=("b", "a")) -> tuple[guide_site.Site, list]:
    sources = [guide_site.Source(uri, text, uri.removesuffix("index.md").removesuffix(".md") + ("" if uri.endswith("index.md") else "/"))
               for uri, text in pages.items()]
    site, problems = guide_site.read(sources, ROOT / "tags.yml", "content/", "tags.yml", False, tuple(nav))
    return site, problems


def section(title: str, **extra) -> str:
    meta = "".join(f"{k}: {json.dumps(v)}\n" for k, v in extra.items())
    return f"---\ntitle: {title}\ndescription: The {title} section.\n{meta}---\nIntro.\n"


def test_booklet_order_is_the_section_pages_order_and_sections_follow_the_nav():
    site, problems = small_site({
        "index.md": section("Home"),
        "a/index.md": section("Alpha", groups=["Later", "First"]),
        "a/zz.md": article("Zz first group", group="First"),
        "a/aa.md": article("Aa no group"),
        "a/mm.md": article("Mm later group", group="Later"),
        "b/index.md": section("Bravo"),
        "b/one.md": article("One in bravo", reviewed="2026-11-20"),
        "about/index.md": section("About"),
    })
    assert problems == []
    assert [p.meta.title for p in booklet.articles(site, "a")] == ["Mm later group", "Zz first group", "Aa no group"]
    assert booklet.keys(site) == ["b", "a", booklet.GUIDE]  # nav order; about/ is not a section
    assert [p.meta.title for p in booklet.articles(site, booklet.GUIDE)] == ["One in bravo", "Mm later group", "Zz first group", "Aa no group"]
    assert booklet.review_span(booklet.articles(site, booklet.GUIDE)) == (site.pages["a/aa.md"].date, site.pages["b/one.md"].date)
    assert booklet.src_uri("a") == "a/booklet.md" and booklet.src_uri(booklet.GUIDE) == "booklet.md"


def test_a_page_at_a_booklets_address_is_named_with_the_fix():
    _, problems = small_site({"index.md": section("Home"), "a/index.md": section("Alpha"), "a/booklet.md": article("Mine"),
                              "booklet/index.md": section("Booklet")})
    assert [str(p) for p in problems if "booklet" in p.message] == [
        "content/a/booklet.md: -: /a/booklet/ is the address of the booklet the build makes (rename the file)",
        "content/booklet/index.md: -: /booklet/ is the address of the booklet the build makes (rename the file)",
    ]


def test_an_article_the_build_did_not_render_is_named_not_silently_left_out(tmp_path):
    """`mkdocs serve --dirty` renders only changed pages: the booklet says which articles it lacks."""
    from guide import settings, state as guide_state
    import datetime as dt
    site, _ = small_site({"index.md": section("Home"), "a/index.md": section("Alpha & <Co>"), "b/index.md": section("Bravo"),
                          "a/one.md": article("One"), "a/two.md": article("Two <b>")})
    st = guide_state.State(settings=settings.read({}, None), serving=True, today=dt.date(2026, 11, 27), site=site,
                           site_name="Guide", site_url="https://guide.example.org/")
    st.booklets = {"a/booklet.md": "a/booklet/"}
    st.rendered = {"a/one.md": "<h2 id='x'>X</h2>"}
    view = st.booklet("a/booklet.md")
    assert [a["title"] for a in view["articles"]] == ["One"] and view["missing"] == ["Two &lt;b&gt;"]
    # The page is written with a placeholder, then filled in the file; a look-alike comment that is
    # not this view's own stays as it is.
    page = tmp_path / "index.html"
    page.write_text(f"<main>{view['body']}<!--guide-booklet 0123abcd--></main>", encoding="utf-8")
    booklet.fill([(page, view)], lambda name, context: f"[{name}] {context['a']['html']}", functools.partial(booklet.read, st))
    assert page.read_text(encoding="utf-8") == ('<main>\n[partials/booklet-article.html] <h3 id="a--one--x">X</h3>\n\n'
                                                 "<!--guide-booklet 0123abcd--></main>")
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert view["online"] == "https://guide.example.org/a/booklet/"
    assert view["summary"] == "1 article from the Alpha &amp; &lt;Co&gt; section of Guide."  # escaped once


def _views(orders: list[list[str]], sheets: list[list[str]] | None = None) -> list[dict]:
    """Booklet views as `fill` reads them: each with its articles (and worksheets) in order."""
    return [{"body": f"<!--guide-booklet t{i}-->", "articles": [{"src_uri": u} for u in order],
             "worksheets": [{"src_uri": u} for u in (sheets[i] if sheets else [])],
             "article": lambda item, p: {"html": p}, "sheet": lambda item, p: {"html": p}} for i, order in enumerate(orders)]


def _text(name: str, context: dict) -> str:
    return (context.get("a") or context["w"])["html"]


def _fill(written: list, render=_text, made: list | None = None) -> None:
    def read(uri):  # an article's parts, here its name in capitals
        if made is not None:
            made.append(uri)
        return uri.upper()
    booklet.fill(written, render, read)


def test_each_article_is_read_once_for_every_booklet_it_is_in(tmp_path):
    """Articles are in their section's booklet and the whole guide's: one pass in the whole guide's
    order writes each into both, so only one article's parts are held at a time."""
    made: list[str] = []
    views = _views([["a1", "a2"], ["b1"], ["a1", "a2", "b1"]], [["w"], [], ["w"]])
    pages = []
    for i, view in enumerate(views):
        pages.append(tmp_path / f"{i}.html")
        pages[-1].write_text(f"<main>{view['body']}</main>", encoding="utf-8")
    _fill(list(zip(pages, views)), made=made)
    assert [p.read_text(encoding="utf-8") for p in pages] == [
        "<main>\nA1\n\nA2\n\nW\n</main>", "<main>\nB1\n\n</main>", "<main>\nA1\n\nA2\n\nB1\n\nW\n</main>"]
    assert made == ["a1", "a2", "b1", "w"]  # the worksheet once, kept for the second booklet
    # A booklet whose order the pass cannot follow still gets every article, in its own order.
    made.clear()
    views = _views([["b", "a"], ["a", "b", "c"]])
    for page, view in zip(pages, views):
        page.write_text(f"<main>{view['body']}</main>", encoding="utf-8")
    _fill(list(zip(pages, views)), made=made)
    assert [p.read_text(encoding="utf-8") for p in pages[:2]] == ["<main>\nB\n\nA\n\n</main>", "<main>\nA\n\nB\n\nC\n\n</main>"]
    assert sorted(made) == ["a", "a", "b", "c"]


def test_a_booklet_page_missing_its_placeholder_is_an_error_and_nothing_is_written(tmp_path):
    """A plugin that strips HTML comments would leave a booklet without its articles: say so."""
    first, second = _views([["one"], ["two"]])
    page, other = tmp_path / "index.html", tmp_path / "other.html"
    other.write_text(f"<main>{second['body']}</main>", encoding="utf-8")
    page.write_text("<main></main>\r\n", encoding="utf-8", newline="")
    with pytest.raises(booklet.BookletError, match=r"index\.html: the page as written has its articles' placeholder 0 times"):
        _fill([(other, second), (page, first)])
    assert page.read_bytes() == b"<main></main>\r\n" and other.read_text(encoding="utf-8") == f"<main>{second['body']}</main>"
    page.write_text(f"<main>\r\n{first['body']}\r\n</main>", encoding="utf-8", newline="")
    _fill([(page, first)])
    assert page.read_bytes() == b"<main>\r\n\nONE\n\n\r\n</main>"  # line endings as MkDocs wrote them

    def fails(name, context):  # the other booklet is complete by then
        if context["a"]["html"] == "ONE":
            raise OSError("No space left on device")
        return _text(name, context)
    page.write_text(f"<main>{first['body']}</main>", encoding="utf-8")
    with pytest.raises(OSError):
        _fill([(other, second), (page, first)], fails)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "other.html"]  # no half-written copy left
    assert page.read_text(encoding="utf-8") == f"<main>{first['body']}</main>"
    assert other.read_text(encoding="utf-8") == f"<main>{second['body']}</main>"  # nor one booklet done and one not


def test_a_full_disk_names_the_booklet_and_leaves_no_copy_beside_any_page(tmp_path, monkeypatch):
    first, second = _views([["one"], ["two"]])
    page, other = tmp_path / "index.html", tmp_path / "other.html"
    for path, view in ((page, first), (other, second)):
        path.write_text(f"<main>{view['body']}</main>", encoding="utf-8")
    opened = pathlib.Path.open

    def full(self, *args, **kwargs):  # the copy is written in a buffer; it fails on close, and again
        f = opened(self, *args, **kwargs)
        if self.name == ".other.html.part":
            class Full(io.TextIOWrapper):
                def close(self):
                    super().close()
                    raise OSError(28, "No space left on device")
            f = Full(f.detach(), encoding="utf-8", newline="")
        return f
    monkeypatch.setattr(pathlib.Path, "open", full)
    with pytest.raises(booklet.BookletError, match=r"other\.html: could not write it \(No space left on device\)"):
        _fill([(page, first), (other, second)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "other.html"]
    assert page.read_text(encoding="utf-8") == f"<main>{first['body']}</main>"  # the other one, complete, is not swapped in
    other.unlink()  # a page gone before it is filled in (a second build cleaning the folder, say)
    with pytest.raises(booklet.BookletError, match=r"other\.html: could not read it \(No such file or directory\)"):
        _fill([(page, first), (other, second)])


def test_an_articles_links_are_read_without_making_its_parts():
    assert booklet.links('<h2 id="a" href="../b/">B</h2><a class="c" href="../c/">C</a><a href="https://x.org/">x</a>'
                         '<!-- <a href="../d/"> --><img src="../e.png">', "x/y/") == ["x/b/", "x/c/"]
    # Without directory URLs a page's links resolve from its folder: "../" is already the site's root.
    assert booklet.links(ARTICLE, "consent/pauses.html") == ["agreed-signals/", "consent/pauses.html", "rituals/evening-routine/", "./"]


# ---- the built guide ----------------------------------------------------------------------------

def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text(), "html.parser")


def card_titles(site, sec: str) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup(site, sec).select(".guide-card__link")]


def booklet_titles(page: BeautifulSoup) -> list[str]:
    return [re.sub(r"^\d+\.\s*", "", h.get_text(" ", strip=True)) for h in page.select(".guide-booklet__article > h2")]


@pytest.mark.parametrize("sec", SECTIONS)
def test_each_section_page_links_its_booklet_which_has_its_articles_in_the_same_order(site, sec):
    link = soup(site, sec).select_one(".guide-booklet-link a")
    assert link.get_text(strip=True) == "Print this section as a booklet"
    assert urllib.parse.urljoin(f"http://guide/{sec}/", link["href"]) == f"http://guide/{sec}/booklet/"
    page = soup(site, f"{sec}/booklet")
    assert len(card_titles(site, sec)) >= 5 and booklet_titles(page) == card_titles(site, sec)
    assert len(page.find_all("h1")) == 1


def test_home_links_the_whole_guide_booklet_which_has_every_article_in_section_order(site):
    link = soup(site, ".").select_one(".guide-booklet-link a")
    assert link.get_text(strip=True) == "Print the whole guide as a booklet"
    assert urllib.parse.urljoin("http://guide/", link["href"]) == "http://guide/booklet/"
    every = [t for sec in SECTIONS for t in card_titles(site, sec)]
    assert len(every) >= 40 and booklet_titles(soup(site, "booklet")) == every
    assert not soup(site, "worksheets").select(".guide-booklet-link") and not soup(site, "about").select(".guide-booklet-link")


def test_booklets_stay_out_of_search_the_sidebar_and_related_lists(site):
    # Pagefind indexes only pages marked data-pagefind-body: articles are, booklets never.
    assert "data-pagefind-body" in (site / "consent/agreed-signals/index.html").read_text()
    assert (site / "pagefind").is_dir()
    for path in ["booklet", *(f"{s}/booklet" for s in SECTIONS)]:
        page = soup(site, path)
        assert not page.select("[data-pagefind-body]")
        assert page.select_one(".guide-booklet")["data-pagefind-ignore"] == "all"
        assert not page.select(".guide-related, .guide-share, .guide-worksheet-box, .md-tags")
    for html in site.rglob("*.html"):
        page = BeautifulSoup(html.read_text(), "html.parser")
        assert not [a for a in page.select(".md-sidebar--primary a, .guide-related__link, .md-footer__link") if "booklet" in a["href"]], html


@pytest.mark.parametrize("path", ["booklet", "pacing/booklet", "conditions/booklet"])
def test_every_link_in_a_booklet_lands_somewhere(site, path):
    page = soup(site, path)
    ids = [el["id"] for el in page.select("[id]")]
    assert len(ids) == len(set(ids))
    base = site / path
    inside = outside = 0
    for a in page.select(".guide-booklet a[href]"):
        href = a["href"]
        if href.startswith("#"):
            inside += 1
            assert page.find(id=href[1:]), href
            assert not a.has_attr("data-print-url")  # its place in the booklet, not an address, is what counts
        elif not urllib.parse.urlparse(href).scheme:
            outside += 1
            target = (base / href.split("#")[0]).resolve()
            assert (target / "index.html").is_file() or target.is_file(), href
            if a.get_text(strip=True).startswith("https://") or a.find_parent(class_="guide-booklet__screen"):
                continue  # the address is the link's text, or the link is not printed
            assert a["data-print-url"].startswith("https://closer-again.example.org/"), a
        elif href.startswith("http"):
            assert a["data-print-url"] == href
    assert inside > 10 and outside > 0


def test_the_booklet_has_the_worksheets_its_articles_link_each_once(site):
    page = soup(site, "pacing/booklet")
    sheets = [s.select_one("h2")["id"] for s in page.select(".guide-booklet__sheet")]
    named = {f"worksheets--{slug}" for p in (ROOT / "content/pacing").glob("*.md")
             for slug in yaml.safe_load(p.read_text().split("---")[1]).get("worksheets", [])}
    assert len(sheets) == len(set(sheets)) >= 3 and set(sheets) == named
    for s in page.select(".guide-booklet__sheet"):
        assert s["data-print-mode"] == "blank" and s.select_one("form.guide-ws")
        assert not s.select(".guide-ws__toolbar, [data-guide-worksheet], button")


def test_a_plugin_that_strips_html_comments_stops_the_build_naming_the_booklet(tmp_path):
    """A minifier after our templates removes the placeholder the articles go in: the build says so,
    without a traceback, and leaves no half-written copy beside the page."""
    minifier = tmp_path / "minify.py"
    minifier.write_text("import re\n\ndef on_post_page(output, **kwargs):\n"
                        "    return re.sub(r'<!--.*?-->', '', output, flags=re.S)\n", encoding="utf-8")
    cfg = copy_project(tmp_path, config_edit=lambda c: c["hooks"].append(str(minifier)))
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0 and "Traceback" not in build.output, build.output[-2000:]
    assert re.search(r"Booklet \S*booklet/index\.html: the page as written has its articles' placeholder 0 times", build.output), build.output[-2000:]
    assert not list((tmp_path / "site").glob("**/.*.part"))


def test_a_file_at_a_booklets_address_stops_the_build_with_the_fix(tmp_path):
    cfg = copy_project(tmp_path, {"content/pacing/booklet.md": article("My own booklet")})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0 and "Traceback" not in build.output
    assert "content/pacing/booklet.md: -: /pacing/booklet/ is the address of the booklet the build makes (rename the file)" in build.output


# ---- printed, in Chromium ---------------------------------------------------------------------

CHROME = ["Skip to content", "Table of contents", "Back to top", "Share this page", "Copy link", "Related articles",
          "Print this", "Worksheet for this article", "Worksheets for this article", "Type to start searching",
          "Erase my answers", "Print blank"]
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")  # the footer; where its text comes in a page's text varies


def squeeze(text: str) -> str:
    """Text without whitespace: PDF text breaks lines, and Chromium's outline drops the space at a wrap."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(browser, server):
    """PDFs of booklet pages, made once per path, format and options."""
    made = {}
    context = browser.new_context()
    page = context.new_page()

    def make(path: str, fmt: str = "A4", **options) -> PdfReader:
        key = (path, fmt, json.dumps(options, sort_keys=True))
        if key not in made:
            page.goto(server + path, wait_until="load")  # parsed to the end: "networkidle" can come first
            page.wait_for_load_state("networkidle")
            made[key] = PdfReader(io.BytesIO(page.pdf(format=fmt, **options)))
        return made[key]

    yield make
    context.close()


def texts(reader: PdfReader) -> list[str]:
    return [p.extract_text() or "" for p in reader.pages]


def starts(pages: list[str], heads: list[str], after: int = 1) -> list[int]:
    """The page each heading starts, in order: the heading is the first thing on it (after the page
    number), and on no later page. `after`: the page before the first heading (the contents start
    on page 2; their own lines look like headings)."""
    found = []
    for head in heads:
        hits = [i for i in range(after + 1, len(pages)) if squeeze(PAGE_NUMBER.sub("", pages[i], count=1)).startswith(squeeze(head))]
        assert len(hits) == 1, (head, hits, [t[:120] for t in pages[after + 1:after + 3]])
        found.append(after := hits[0])
    return found


@pytest.mark.browser
@pytest.mark.parametrize("fmt", ["A4", "Letter"])
@pytest.mark.parametrize("sec", SECTIONS)
def test_a_section_booklet_prints_as_a_booklet(printed, site, sec, fmt):
    page = soup(site, f"{sec}/booklet")
    heads = [h.get_text(" ", strip=True) for h in page.select(".guide-booklet__article > h2")]
    sheets = [h.get_text(" ", strip=True) for h in page.select(".guide-booklet__sheet > h2")]
    pages = texts(printed(f"{sec}/booklet/", fmt))
    n = len(pages)
    # Cover: title, what it covers, its newest and oldest review dates, the address; the urgent help, once.
    cover = pages[0]
    assert page.h1.get_text(strip=True) in cover and not PAGE_NUMBER.search(cover)
    for el in page.select(".guide-booklet__about, .guide-booklet__dates"):
        assert squeeze(el.get_text()) in squeeze(cover)
    assert len(page.select(".guide-booklet__dates time")) in (1, 2)
    assert f"https://closer-again.example.org/{sec}/booklet/" in squeeze(cover)
    urgent = squeeze((ROOT / "snippets/urgent-help.md").read_text().replace("**", ""))
    assert urgent in squeeze(cover) and squeeze("".join(pages)).count(urgent) == 1
    # Page numbers on every page after the cover.
    assert [PAGE_NUMBER.findall(t) for t in pages[1:]] == [[(str(i), str(n))] for i in range(2, n + 1)]
    # Contents, then each article on a new page, in order, with its key points and sources.
    assert PAGE_NUMBER.sub("", pages[1]).strip().startswith("Contents")
    contents = squeeze("".join(pages[1:starts(pages, heads[:1])[0]]))  # page 2 up to the first article
    assert all(squeeze(re.sub(r"^\d+\.\s*", "", h)) in contents for h in heads + sheets)
    first = starts(pages, heads)
    for a, b in zip(first, first[1:] + [n - len(sheets)]):
        assert "Key points" in pages[a]
        assert "Sources" in "".join(pages[a:b]) and "(checked" in "".join(pages[a:b])
    # Blank worksheets at the end, one page each.
    assert starts(pages, sheets, first[-1]) == list(range(n - len(sheets), n))
    assert sum("From Closer Again" in t for t in pages) == len(sheets)
    # ...with their writing lines, printed as borders: Chromium's default leaves background graphics out.
    lines = sum(int(t["data-rows"]) for t in page.select(".guide-booklet__sheet textarea[name]"))
    lines += len(page.select(".guide-booklet__sheet input[type=text][name], .guide-booklet__sheet input[type=date][name]")
                 ) - len(page.select(".guide-booklet__sheet td input"))
    assert lines > 0 and rules(printed(f"{sec}/booklet/", fmt), first_page=n - len(sheets)) >= lines
    # No site chrome, and links that leave the booklet print their address.
    everything = "\n".join(pages)
    assert [w for w in CHROME if w in everything] == []
    assert "(https://closer-again.example.org/" in everything and "(http://127.0.0.1" not in everything


def test_a_link_to_another_article_of_the_booklet_says_which_article_on_paper(site, printed):
    page = soup(site, "communication/booklet")
    numbers = {h["id"]: h.select_one(".guide-booklet__number").get_text(strip=True).rstrip(".")
               for h in page.select(".guide-booklet__article > h2")}
    seen = 0
    for article in page.select(".guide-booklet__article"):
        own = article.h2["id"]
        for a in article.select("a[href^='#']"):
            target = a["href"][1:].split("--")[0] if a["href"][1:].split("--")[0] in numbers else a["href"][1:]
            if target in numbers and target != own:
                assert a.get("data-print-see") == f"article {numbers[target]}", a
                seen += 1
            elif target == own:
                assert not a.get("data-print-see"), a  # a link within the article itself: no "see"
    assert seen >= 3
    printed_text = squeeze("".join(texts(printed("communication/booklet/"))))
    assert "(seearticle" in printed_text


@pytest.mark.browser
def test_the_whole_guide_booklet_holds_every_article(printed, site):
    page = soup(site, "booklet")
    heads = [h.get_text(" ", strip=True) for h in page.select(".guide-booklet__article > h2")]
    sheets = [h.get_text(" ", strip=True) for h in page.select(".guide-booklet__sheet > h2")]
    assert len(heads) == sum(len(card_titles(site, s)) for s in SECTIONS)
    pages = texts(printed("booklet/"))
    first = starts(pages, heads)
    assert starts(pages, sheets, first[-1]) == list(range(len(pages) - len(sheets), len(pages)))
    assert PAGE_NUMBER.findall(pages[-1]) == [(str(len(pages)), str(len(pages)))]


@pytest.mark.browser
def test_the_pdf_outline_follows_the_headings(printed, site):
    page = soup(site, "pacing/booklet")
    reader = printed("pacing/booklet/", outline=True, tagged=True)  # Chromium builds the outline from the tagged PDF
    assert len(reader.outline) == 2 and reader.outline[0].title == page.h1.get_text(strip=True)
    children = [e.title for e in reader.outline[1] if not isinstance(e, list)]
    expected = [page.select_one(".guide-urgent h2").get_text(strip=True), "Contents",
                *(h.get_text(" ", strip=True) for h in page.select(".guide-booklet__article > h2, .guide-booklet__sheet > h2"))]
    assert [squeeze(t) for t in children] == [squeeze(t) for t in expected]


@pytest.mark.browser
def test_with_the_browsers_headers_and_footers_on_the_page_numbers_are_still_ours(printed, site, server):
    """The print dialog's "Headers and footers" draws Chromium's default header (date, title) and
    footer (address, n/N): page.pdf's display_header_footer without templates. Where the page prints
    its own footer (numbers after the cover, an empty box on it), Chromium leaves its footer out, so
    no page carries two sets of numbers. (A custom footer_template would always be drawn as well.)"""
    pages = texts(printed("pacing/booklet/", display_header_footer=True))
    title = soup(site, "pacing/booklet").title.get_text(strip=True)
    assert all(title in t for t in pages)  # the browser's header is there: the option is on
    assert not [t for t in pages if server in t or re.search(rf"\b\d+/{len(pages)}\b", t)]
    assert all(re.search(rf"Page {i} of {len(pages)}", t) for i, t in enumerate(pages[1:], 2))


# ---- on screen ----------------------------------------------------------------------------------

@pytest.mark.browser
def test_on_screen_the_contents_jump_and_the_sheets_stay_blank(visit):
    v = visit()
    page = v.open("worksheets/pacing-ladder/")
    page.locator("textarea.guide-ws__lines").first.fill("My own answer")
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page = v.open("pacing/booklet/")
    sheet = page.locator(".guide-booklet__sheet:has(#worksheets--pacing-ladder) textarea.guide-ws__lines").first
    assert sheet.input_value() == ""  # answers stay on the worksheet's page: guide.js leaves booklet sheets alone
    # ...and nothing can be typed into a booklet's sheet, where it would be kept nowhere and print blank.
    controls = page.locator(".guide-booklet__sheet :is(textarea, input)")
    assert controls.count() > 5 and all(c.is_disabled() for c in controls.all())
    page.locator(".guide-booklet__contents a").nth(2).click()
    target = page.evaluate("location.hash")
    assert target and page.locator(target).is_visible() and page.evaluate(f"document.querySelector('{target}').getBoundingClientRect().top") < 200
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print this booklet").click()
    assert page.evaluate("window.__printed") is True
    assert v.foreign_requests() == [] and errors == []  # no script trips over a booklet's worksheets


def test_make_serve_shows_an_edit_in_the_booklet(tmp_path):
    """The preview (`make serve` runs `mkdocs serve`) builds booklets too, and rebuilds them on an edit."""
    with mkdocs_serve(copy_project(tmp_path), tmp_path) as base:
        url = base + "pacing/booklet/"
        before = wait_for(url, lambda t: True, "mkdocs serve to start")
        assert "The pacing ladder, one small step at a time" in before and "Zebra crossings" not in before
        path = tmp_path / "content/pacing/pacing-ladder.md"
        path.write_text(path.read_text() + "\n## Zebra crossings\n\nA new heading.\n")
        after = wait_for(url, lambda t: "Zebra crossings" in t, "the rebuild changing the booklet")
        assert 'id="pacing--pacing-ladder--zebra-crossings">Zebra crossings</h3>' in after
