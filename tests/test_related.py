"""Related lists: ranking on small hand-made corpora, the real guide's lists, and live rebuilds."""
from __future__ import annotations

import urllib.parse

import pytest
from bs4 import BeautifulSoup

from guide import related
from guide.related import Doc, Weights
from sitebuild import ROOT, article, copy_project, mkdocs, mkdocs_serve, wait_for

W = Weights()


def doc(key, title="", tags=(), section="s", body="", date=0, candidate=True, pins=(), wants=True, description=""):
    return Doc(key, title, description or title, body, tuple(tags), section, date, candidate, tuple(pins), wants)


def keys(ranking, key):
    return [s.key for s in ranking.lists[key]]


def test_pins_come_first_in_their_order_then_ranked():
    docs = [
        doc("a.md", "Breathing together slowly", tags=["calm"], pins=["z.md", "home.md"]),
        doc("b.md", "Breathing exercises for calm", tags=["calm"]),
        doc("z.md", "Unrelated gardening notes"),
        doc("home.md", "Home", candidate=False, wants=False),
    ]
    r = related.rank(docs, W, count=3)
    assert keys(r, "a.md") == ["z.md", "home.md", "b.md"]
    assert r.lists["a.md"][0].pinned and not r.lists["a.md"][2].pinned


def test_non_candidates_never_appear_unless_pinned():
    docs = [
        doc("a.md", "Signals for pause and stop", body="signals pause stop"),
        doc("index.md", "Signals pause stop home", body="signals pause stop", candidate=False, wants=False),
        doc("about/x.md", "Signals pause stop policy", body="signals pause stop", candidate=False, wants=False),
        doc("b.md", "Signals that help", body="signals pause"),
    ]
    assert keys(related.rank(docs, W), "a.md") == ["b.md"]


def test_shared_tags_outrank_section_alone_and_explain_themselves():
    docs = [
        doc("a.md", "Alpha", tags=["s", "fatigue", "pain"], section="s"),
        doc("b.md", "Bravo", tags=["x", "fatigue", "pain"], section="x"),
        doc("c.md", "Charlie", tags=["s"], section="s"),
    ]
    r = related.rank(docs, W)
    assert keys(r, "a.md") == ["b.md", "c.md"]
    first, second = r.lists["a.md"]
    assert first.shared_tags == ("fatigue", "pain") and not first.same_section
    assert second.same_section and second.shared_tags == ()


def test_ties_break_newer_first_then_path():
    docs = [doc("a.md", "Same", tags=["t"])] + [doc(k, "Same", tags=["t"], date=d) for k, d in
                                                   [("c.md", 5), ("b.md", 5), ("d.md", 9)]]
    assert keys(related.rank(docs, W), "a.md") == ["d.md", "b.md", "c.md"]


def test_count_min_score_and_opt_out():
    docs = [doc("a.md", "Calm breathing", tags=["t"])] + [doc(f"p{i}.md", f"Calm breathing {i}", tags=["t"]) for i in range(8)]
    docs.append(doc("off.md", "Calm breathing", tags=["t"], wants=False))
    r = related.rank(docs, W, count=5)
    assert len(r.lists["a.md"]) == 5 and "off.md" not in r.lists
    assert related.rank(docs, W, count=5, min_score=100).lists["a.md"] == []


def test_text_similarity_finds_the_page_about_the_same_thing():
    docs = [
        doc("signals.md", "Agreed signals", body="A safe word and a hand signal let you pause or stop. Practise your signals.", section="c"),
        doc("worksheet-article.md", "Practising signals", body="Practise the safe word and hand signal for pause and stop.", section="d"),
        doc("garden.md", "Gardening", body="Plant tomatoes in spring and water them well.", section="c"),
    ]
    r = related.rank(docs, Weights(tags=0, section=0, text=1), min_score=0.01)
    assert keys(r, "signals.md") == ["worksheet-article.md"]


def test_same_input_gives_same_lists():
    docs = [doc(f"p{i}.md", f"Topic {i % 3}", tags=[f"t{i % 4}"], body=f"words about topic {i % 3} and {i % 5}") for i in range(40)]
    assert related.rank(docs, W).lists == related.rank(list(docs), W).lists


def built_related(site, path):
    soup = BeautifulSoup((site / path / "index.html").read_text(), "html.parser")
    return [a["href"] for a in soup.select(".guide-related__link")]


def test_every_real_article_has_at_least_three_related(site):
    articles = [p for p in (ROOT / "content").glob("*/*.md")
                if p.name != "index.md" and p.parent.name not in ("about", "worksheets")]
    assert len(articles) >= 27  # the issues ask for 6 + 5 + 6 + 5 + 5 at least
    for p in articles:
        links = built_related(site, p.relative_to(ROOT / "content").with_suffix(""))
        assert len(links) >= 3, p


@pytest.mark.parametrize("page, expected", [
    ("consent/agreed-signals", "pauses-without-hurt"),
    ("pacing/setbacks-and-warning-signs", "fatigue-and-pain"),
    ("rituals/weekly-care-date", "evening-routine"),
    ("communication/regular-check-in", "listening-and-reflecting"),
    ("body-and-health/support-and-therapy", "pelvic-floor-and-specialist-help"),
])
def test_topic_pairs_an_editor_expects(site, page, expected):
    assert any(expected in h for h in built_related(site, page)), built_related(site, page)


def test_related_items_show_section_summary_date_and_hint(site):
    soup = BeautifulSoup((site / "consent/agreed-signals/index.html").read_text(), "html.parser")
    item = soup.select_one(".guide-related__item")
    for part in ("section", "summary", "hint"):
        assert item.select_one(f".guide-related__{part}").get_text(strip=True)
    assert item.select_one("time")["datetime"]


def test_the_hint_names_shared_topics_by_their_labels():
    from guide.related_view import hint
    from guide.site import Site, Tag
    site = Site({}, {"care-team": Tag("Care team", "x"), "ms": Tag("MS", "x"), "check-ins": Tag("Check-ins", "x")})
    assert hint(site, related.Suggestion("a.md", 1.0, shared_tags=("care-team", "ms"))) == "Shared topics: Care team, MS"
    assert hint(site, related.Suggestion("a.md", 1.0, shared_tags=("check-ins",))) == "Shared topics: Check-ins"


def test_hints_show_text_as_typed_escaped_once(site):
    """`Body & health` reached readers as "Body &amp; health" when a hint was escaped twice."""
    shown = [h.get_text() for path in site.glob("body-and-health/*/index.html")
             for h in BeautifulSoup(path.read_text(), "html.parser").select(".guide-related__hint, .guide-related__section")]
    assert shown and not [t for t in shown if "&amp;" in t or "&lt;" in t], shown


def test_section_pages_home_about_and_worksheets_are_never_suggested(site):
    seen = 0
    for html in site.glob("*/*/index.html"):
        base = "http://guide/" + html.parent.relative_to(site).as_posix() + "/"
        for a in BeautifulSoup(html.read_text(), "html.parser").select(".guide-related__link"):
            target = urllib.parse.urlparse(urllib.parse.urljoin(base, a["href"])).path.strip("/")
            seen += 1
            assert target.count("/") == 1, (html, target)  # section/article, never home or a section page
            assert not target.startswith(("about/", "worksheets/")), (html, target)
    assert seen > 80


def test_missing_pin_stops_the_build(tmp_path):
    page = article("Pinned test", related=["consent/no-such-page.md"])
    cfg = copy_project(tmp_path, {"content/pacing/pinned-test.md": page})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0
    assert "content/pacing/pinned-test.md: related[0]: 'consent/no-such-page.md' is not a page" in build.output
    assert "Traceback" not in build.output


def test_related_false_hides_the_list(tmp_path):
    cfg = copy_project(tmp_path, {"content/pacing/quiet.md": article("Quiet page", related=False, body="Fatigue and pain and rest.")})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert built_related(build.site, "pacing/quiet") == []


def test_serve_rebuild_shows_an_added_article_in_related_lists(tmp_path):
    with mkdocs_serve(copy_project(tmp_path), tmp_path) as base:
        url = base + "consent/agreed-signals/"
        before = wait_for(url, lambda t: True, "mkdocs serve to start")
        assert "Hand signals when words are hard" not in before
        body = "Agreed signals: a safe word, a hand signal, pause, slow down and stop. " * 20
        (tmp_path / "content/consent/hand-signals.md").write_text(
            article("Hand signals when words are hard", tags=["consent", "signals", "safety", "boundaries"], body=body))
        wait_for(url, lambda t: "Hand signals when words are hard" in t, "the rebuild adding the new article to the related list")
        (tmp_path / "content/consent/hand-signals.md").unlink()
        wait_for(url, lambda t: "Hand signals when words are hard" not in t, "the rebuild dropping a deleted article from the related list")
