"""Worksheets as readers use them: fill in, keep answers on the device, erase, print on one page."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from sitebuild import ROOT

pytestmark = pytest.mark.browser
SHEETS = sorted(p.stem for p in (ROOT / "content" / "worksheets").glob("*.md") if p.stem != "index")
CHECK_IN = "worksheets/weekly-check-in/"


def pdf_pages(page, fmt: str) -> list[str]:
    reader = PdfReader(io.BytesIO(page.pdf(format=fmt, print_background=True)))
    return [p.extract_text() or "" for p in reader.pages]


def saved_keys(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.entries(localStorage).filter(([k]) => k.startsWith('closer-again:worksheet:')))")


def fill_check_in(page):
    page.get_by_label("Something that went well").fill("We laughed at dinner")
    page.locator(".guide-ws__field--scale input[type=radio]").nth(3).click()
    return page


def test_there_are_at_least_twelve_worksheets():
    assert len(SHEETS) >= 12


def test_answers_survive_reload_and_instant_navigation_and_stay_local(visit):
    v = visit()
    page = v.open(CHECK_IN)
    fill_check_in(page)
    keys = saved_keys(page)
    assert any(k.endswith("something-that-went-well") for k in keys), keys
    page.reload(wait_until="networkidle")
    assert page.get_by_label("Something that went well").input_value() == "We laughed at dinner"
    assert page.locator(".guide-ws__field--scale input[value='4']").is_checked()
    # Instant navigation: away through the sidebar, back through the worksheets index, no reload.
    page.locator(".md-sidebar--primary a.md-nav__link", has_text="Worksheets").first.click()
    page.wait_for_url("**/worksheets/")
    page.locator("a.guide-card__link", has_text="Weekly check-in").click()
    page.wait_for_url("**/" + CHECK_IN)
    page.get_by_label("Something that went well").wait_for()
    assert page.get_by_label("Something that went well").input_value() == "We laughed at dinner"
    assert v.foreign_requests() == []
    assert set(v.methods) == {"GET"}  # nothing is ever sent: no POST, no beacons


def test_erase_asks_first_then_clears_everything(visit):
    v = visit()
    page = fill_check_in(v.open(CHECK_IN))
    page.once("dialog", lambda d: d.dismiss())
    page.get_by_role("button", name="Erase my answers").click()
    assert page.get_by_label("Something that went well").input_value() == "We laughed at dinner"
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Erase my answers").click()
    assert page.get_by_label("Something that went well").input_value() == ""
    assert saved_keys(page) == {}
    page.reload(wait_until="networkidle")
    assert page.get_by_label("Something that went well").input_value() == ""
    assert "erased" not in page.locator(".guide-ws__status").inner_text()


def test_keyboard_only_fill_in(visit):
    page = visit().open("worksheets/consent-signals/")
    page.get_by_role("button", name="Erase my answers").focus()
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.id")
    assert first.startswith("ws-consent-signals-"), first
    page.keyboard.type("Amber")
    checkbox = page.locator(".guide-ws__field--checklist input[type=checkbox]").first
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    assert page.evaluate("document.activeElement.id") and page.locator(f"#{first}").input_value() == "Amber"
    # Focus is visible: the focused control draws an outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_keyboard_moves_through_a_scale(visit):
    page = visit().open(CHECK_IN)
    first = page.locator(".guide-ws__field--scale input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.locator(".guide-ws__field--scale input[type=radio]").nth(1).is_checked()


@pytest.mark.parametrize("slug", SHEETS)
def test_every_worksheet_prints_on_one_page_on_a4_and_letter(visit, slug):
    page = visit().open(f"worksheets/{slug}/")
    page.emulate_media(media="print")
    title = page.locator("h1").inner_text()
    for fmt in ("A4", "Letter"):
        text = pdf_pages(page, fmt)
        assert len(text) == 1, f"{slug} prints on {len(text)} {fmt} pages"
        assert title.split()[0] in text[0]
        assert "Search" not in text[0] and "Print blank" not in text[0]


def test_print_with_answers_or_blank(visit):
    page = fill_check_in(visit().open(CHECK_IN))
    assert "We laughed at dinner" in pdf_pages(page, "A4")[0]
    page.evaluate("document.documentElement.setAttribute('data-print-mode', 'blank')")
    blank = pdf_pages(page, "A4")
    assert len(blank) == 1 and "We laughed at dinner" not in blank[0]


def test_print_buttons_choose_the_mode(visit):
    page = visit().open(CHECK_IN)
    page.evaluate("window.print = () => { window.__mode = document.documentElement.getAttribute('data-print-mode'); }")
    page.get_by_role("button", name="Print blank").click()
    assert page.evaluate("window.__mode") == "blank"
    page.get_by_role("button", name="Print with my answers").click()
    assert page.evaluate("window.__mode") == "answers"


def test_article_prints_without_a_trailing_blank_page(visit):
    page = visit().open("consent/agreed-signals/")
    for fmt in ("A4", "Letter"):
        text = pdf_pages(page, fmt)
        assert text[-1].strip(), f"last {fmt} page is blank"
        assert "Share this page" not in "".join(text)


def test_articles_link_their_worksheets_and_worksheets_link_back(visit):
    page = visit().open("consent/agreed-signals/")
    box = page.locator(".guide-worksheet-box")
    box.get_by_role("link").first.click()
    page.wait_for_url("**/worksheets/consent-signals/")
    assert page.locator(".guide-read-more").get_by_role("link", name="Agreeing signals you both understand").count() == 1
