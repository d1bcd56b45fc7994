"""Publishers extend the guide safely: every problem at once, nothing lost, safe text, drafts, reviews."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from guide import pages, reference
from guide import site as site_mod
from sitebuild import ROOT, SOURCE, article, copy_project, env, mkdocs, pagefind_records, search, serve_directory

GOOD = "Rest, pacing, energy and fatigue. " * 30


def test_every_problem_is_reported_in_one_run_without_a_traceback(tmp_path):
    cfg = copy_project(tmp_path, {
        "content/pacing/yaml.md": "---\ntitle: Broken\ndescription: [unclosed\n---\nText.\n",
        "content/pacing/no-title.md": "---\ndescription: Has no title.\ntags: [pacing]\npublished: 2026-10-01\nreviewed: 2026-11-01\n---\nText.\n",
        "content/pacing/no-description.md": article("No description here").replace("description: A test article.\n", ""),
        "content/pacing/typo.md": article("Typo key", taggs=["pacing"]),
        "content/pacing/bad-date.md": article("Bad date").replace("reviewed: '2026-11-01'", "reviewed: 2026-13-45"),
        "content/pacing/bad-tag.md": article("Bad tag", tags=["pacing", "fatige"]),
        "content/pacing/bad-link.md": article("Bad link", body="See [this](../consent/nowhere.md) and [that](../consent/agreed-signal.md)."),
        "content/pacing/bad-pin.md": article("Bad pin", related=["consent/agreed-signal.md"]),
        "content/pacing/duplicate.md": article("Agreeing signals you both understand"),
        "content/pacing/long.md": article("Long description", description="word " * 40),
        # A page with a problem of its own still has its tags, pins and links checked in the same run.
        "content/pacing/several.md": article("Several at once", tags=["pacing", "fatige"], related=["consent/agreed-signal.md"],
                                             body="See [this](../consent/nowhere.md).").replace("reviewed: '2026-11-01'", "reviewed: 2026-13-45"),
    })
    build = mkdocs(cfg, tmp_path / "site")
    out = build.output
    assert build.returncode != 0 and "Traceback" not in out
    expected = [
        "content/pacing/yaml.md: front matter: is not valid YAML at line 4",
        "content/pacing/no-title.md: title: is required",
        "content/pacing/no-title.md: sources: is required for every article",
        "content/pacing/no-description.md: description: is required",
        "content/pacing/typo.md: taggs: unknown key (did you mean `tags`?)",
        "content/pacing/bad-date.md: reviewed: '2026-13-45' is not a date (write it as YYYY-MM-DD",
        "content/pacing/bad-tag.md: tags[1]: 'fatige' is not in the tag list (did you mean 'fatigue'?",
        "content/pacing/bad-link.md: body: links to '../consent/nowhere.md', which does not exist",
        "content/pacing/bad-link.md: body: links to '../consent/agreed-signal.md', which does not exist "
        "(did you mean '../consent/agreed-signals.md'? fix the path",
        "content/pacing/bad-pin.md: related[0]: 'consent/agreed-signal.md' is not a page (did you mean 'consent/agreed-signals.md'?",
        "content/pacing/duplicate.md: title: 'Agreeing signals you both understand' is also the title of content/consent/agreed-signals.md",
        "content/pacing/long.md: description: is 199 characters, more than 160",
        "content/pacing/several.md: reviewed: '2026-13-45' is not a date",
        "content/pacing/several.md: tags[1]: 'fatige' is not in the tag list (did you mean 'fatigue'?",
        "content/pacing/several.md: related[0]: 'consent/agreed-signal.md' is not a page",
        "content/pacing/several.md: body: links to '../consent/nowhere.md', which does not exist",
    ]
    for line in expected:
        assert line in out, line
    assert "The guide has 16 content problems" in out


HOSTILE_TITLE = """Care <b onclick="alert(1)">now</b> & 'more' "quotes\""""
HOSTILE_DESC = """Desc <img src=x onerror="alert(2)"> & "quoted" 'single' </title><script>alert(3)</script>"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    body = "Agreed signals for pause, slow down and stop, a safe word and consent. " * 20
    sheet = (ROOT / "content/worksheets/consent-signals.md").read_text().replace(
        "title: ", f"title: {json.dumps(HOSTILE_TITLE + ' sheet')}\nx-old-title: ", 1)
    sheet = "\n".join(line for line in sheet.splitlines() if not line.startswith("x-old-title")) + "\n"
    cfg = copy_project(tmp, {
        "content/consent/hostile.md": article(HOSTILE_TITLE, HOSTILE_DESC, tags=["consent", "signals", "safety"], body=body,
                                              worksheets=["consent-signals"]),
        "content/worksheets/consent-signals.md": sheet,
    })
    build = mkdocs(cfg, tmp / "site")
    assert build.returncode == 0, build.output
    return build.site


def test_hostile_title_and_description_are_plain_text_on_every_page(hostile_site):
    pages = list(hostile_site.rglob("*.html"))
    shown = 0
    for path in pages:
        html = path.read_text()
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.select("[onclick], [onerror]"), path
        assert "alert(3)" not in "".join(s.get_text() for s in soup.find_all("script")), path
        shown += HOSTILE_TITLE in soup.get_text()
    assert shown >= 5  # its own page, its section's cards, related lists, the tags page, the worksheet's read-more
    own = BeautifulSoup((hostile_site / "consent/hostile/index.html").read_text(), "html.parser")
    assert own.title.get_text().startswith(HOSTILE_TITLE)
    assert own.find("meta", attrs={"name": "description"})["content"] == HOSTILE_DESC
    assert own.h1.get_text() == HOSTILE_TITLE
    box = own.select_one(".guide-worksheet-box")
    assert HOSTILE_TITLE + " sheet" in box.get_text()
    neighbour = BeautifulSoup((hostile_site / "consent/agreed-signals/index.html").read_text(), "html.parser")
    assert HOSTILE_TITLE in neighbour.select_one(".guide-related").get_text()


@pytest.mark.browser
def test_hostile_title_is_plain_text_in_search_results(hostile_site, browser):
    context = browser.new_context()
    try:
        with serve_directory(hostile_site) as url:
            page = context.new_page()
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url + "consent/hostile/", wait_until="networkidle")
            assert search(page, "onclick")
            results = page.locator("#guide-search")
            assert results.locator("b[onclick], img, script").count() == 0
            assert HOSTILE_TITLE in results.locator(".guide-search__link").all_inner_texts()
            assert HOSTILE_DESC in results.locator(".guide-search__description").all_inner_texts()
            assert dialogs == []
    finally:
        context.close()


def make_build(cfg, site):
    return subprocess.run(["make", "-s", "-C", str(ROOT), "build", f"CONFIG={cfg}", f"SITE={site}"],
                          capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""})


def test_failed_make_build_leaves_the_last_good_site_untouched(tmp_path):
    cfg = copy_project(tmp_path)
    site = tmp_path / "site"
    first = make_build(cfg, site)
    assert first.returncode == 0, first.stdout + first.stderr
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    (tmp_path / "content/pacing/broken.md").write_text("---\ntitle: [oops\n---\n")
    second = make_build(cfg, site)
    assert second.returncode != 0
    assert "content/pacing/broken.md: front matter: is not valid YAML" in second.stdout + second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("site.")], "temporary build folders were left behind"


def test_make_new_scaffolds_a_page_that_builds(tmp_path):
    cfg = copy_project(tmp_path)
    for kind in ("article", "worksheet"):
        done = subprocess.run([sys.executable, "-m", "guide", "new", kind, "--section", "pacing", "--title", f"Brand new {kind}"],
                              cwd=tmp_path, env=env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    new = tmp_path / "content/pacing/brand-new-article.md"
    sheet = tmp_path / "content/worksheets/brand-new-worksheet.md"
    assert "draft: true" in new.read_text() and "published: 20" in new.read_text() and sheet.exists()
    # As drafts they build (and are left out of the site).
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert not (build.site / "pacing/brand-new-article").exists()
    # Published with the scaffold's example text still in place: refused, naming what to replace.
    for path in (new, sheet):
        path.write_text("\n".join(l for l in path.read_text().splitlines() if not l.startswith("draft:")) + "\n")
    new.write_text(new.read_text().replace("sources: []", "sources:\n  - " + json.dumps(SOURCE)))
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0 and "Traceback" not in build.output
    assert "content/pacing/brand-new-article.md: front matter: still has the scaffold's example text" in build.output
    assert "content/pacing/brand-new-article.md: body: still has the scaffold's example text" in build.output
    assert "content/worksheets/brand-new-worksheet.md: body: still has the scaffold's example text" in build.output
    # Every piece of example text counts: replacing all but one still refuses the page.
    for path in (new, sheet):
        text = path.read_text()
        for i, example in enumerate(pages.SCAFFOLD_TEXT.values()):
            text = text.replace(example, f"Own words number {i}.")
        path.write_text(text.replace("Own words number 7.", pages.SCAFFOLD_TEXT["style"]) if path == new else text)
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode != 0 and repr(pages.SCAFFOLD_TEXT["style"]) in build.output
    new.write_text(new.read_text().replace(pages.SCAFFOLD_TEXT["style"], "Own words."))
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert (build.site / "pacing/brand-new-article/index.html").exists()
    bad = subprocess.run([sys.executable, "-m", "guide", "new", "article", "--section", "nope", "--title", "X"],
                         cwd=tmp_path, env=env(), capture_output=True, text=True)
    assert bad.returncode != 0 and "no section 'nope'" in bad.stderr and "Traceback" not in bad.stderr
    none = subprocess.run([sys.executable, "-m", "guide", "new", "article", "--section", "", "--title", "X"],
                          cwd=tmp_path, env=env(), capture_output=True, text=True)
    assert none.returncode != 0 and "SECTION is missing (use one of: body-and-health, communication" in none.stderr
    assert not (tmp_path / "content/x.md").exists()
    # A title the build would refuse is refused here, before any file is written.
    for title, says in [("", "TITLE is missing"), ("x" * 91, "a title has at most 90"),
                        ("agreeing SIGNALS you both understand", "content/consent/agreed-signals.md already has the title 'Agreeing signals you both understand'")]:
        refused = subprocess.run([sys.executable, "-m", "guide", "new", "article", "--section", "pacing", "--title", title],
                                 cwd=tmp_path, env=env(), capture_output=True, text=True)
        assert refused.returncode != 0 and says in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    assert sorted(p.name for p in (tmp_path / "content/pacing").iterdir()) == sorted([p.name for p in (ROOT / "content/pacing").iterdir()] + ["brand-new-article.md"])


def test_drafts_are_left_out_of_build_search_related_and_cards(tmp_path):
    body = "Agreed signals, pause, slow down, stop and a safe word. " * 20
    cfg = copy_project(tmp_path, {"content/consent/secret-draft.md": article("Secret draft page", tags=["consent", "signals"], body=body, draft=True)})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    assert not (build.site / "consent/secret-draft").exists()
    everything = "".join(p.read_text() for p in build.site.rglob("*.html")) + json.dumps(pagefind_records(build.site))
    assert "Secret draft page" not in everything and "secret-draft" not in everything


def test_new_article_appears_in_section_search_tags_and_related_lists(tmp_path):
    body = "Agreed signals for pause, slow down and stop. A safe word helps when words are hard. " * 15
    cfg = copy_project(tmp_path, {"content/consent/zebra-signals.md": article(
        "Zebra signals for tired evenings", tags=["consent", "signals", "safety"], body=body)})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    site = build.site
    section = BeautifulSoup((site / "consent/index.html").read_text(), "html.parser")
    assert "Zebra signals for tired evenings" in section.select_one(".guide-cards").get_text()
    page = BeautifulSoup((site / "consent/zebra-signals/index.html").read_text(), "html.parser")
    assert [a.get_text(strip=True) for a in page.select(".md-path__link")][-1] == "Consent"  # breadcrumb
    assert "/consent/zebra-signals/" in {r["url"] for r in pagefind_records(site)}
    tags = BeautifulSoup((site / "tags/index.html").read_text(), "html.parser")
    assert "Zebra signals for tired evenings" in tags.get_text()
    related_hits = sum("Zebra signals for tired evenings" in (p.read_text()) for p in site.glob("consent/*/index.html")
                       if p.parent.name not in ("zebra-signals", "booklet"))  # the booklet has every article of the section
    booklet = BeautifulSoup((site / "consent/booklet/index.html").read_text(), "html.parser")
    assert "Zebra signals for tired evenings" in [h.get_text(" ", strip=True).split(". ", 1)[1] for h in booklet.select(".guide-booklet__article > h2")]
    assert related_hits >= 1


def test_review_dates_show_and_report_lists_overdue(tmp_path):
    cfg = copy_project(tmp_path, {"content/pacing/old.md": article("An old article", body=GOOD).replace("published: '2026-10-01'", "published: '2020-01-01'").replace("reviewed: '2026-11-01'", "reviewed: '2021-06-01'")})
    build = mkdocs(cfg, tmp_path / "site", extra_env={"GUIDE_TODAY": "2026-12-01"})
    assert build.returncode == 0, build.output
    assert "Review: 1 page overdue, 0 due soon; the list is on /review-report/" in build.output  # not silent, not a stop
    meta = BeautifulSoup((build.site / "pacing/old/index.html").read_text(), "html.parser").select_one(".guide-review").get_text(" ", strip=True)
    assert "Last reviewed 1 June 2021" in meta and "Next review due 1 June 2024" in meta
    report = (build.site / "review-report/index.html").read_text()
    assert "An old article" in report and "Overdue" in report
    assert "content/pacing/old.md,An old article,2021-06-01,2024-06-01,overdue" in (build.site / "review-report.csv").read_text()
    assert "review-report" not in json.dumps(pagefind_records(build.site))
    home = BeautifulSoup((build.site / "index.html").read_text(), "html.parser")
    assert not home.select('.md-nav a[href*="review-report"]')
    strict = mkdocs(cfg, tmp_path / "site2", extra_env={"GUIDE_TODAY": "2026-12-01", "STRICT_REVIEW": "1"})
    assert strict.returncode != 0 and "Traceback" not in strict.output
    assert "content/pacing/old.md: reviewed: review overdue since 2024-06-01" in strict.output


def test_readme_front_matter_reference_matches_the_schema():
    readme = (ROOT / "README.md").read_text()
    assert reference.markdown() in readme, "run `python -m guide reference --write` (PYTHONPATH=hooks)"


def test_make_new_keeps_the_title_exactly_as_typed(tmp_path):
    """Through `make new` itself, as a publisher types it: neither make nor the shell may eat quotes,
    `$` or backticks, and letters stay letters, in the title and (plainly) in the file name."""
    copy_project(tmp_path)
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy2(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    for shared in ("hooks", ".venv"):  # the same code and packages; `-o` below: never reinstall
        (tmp_path / shared).symlink_to(ROOT / shared)
    titles = {
        'Sex: what "normal" means & why': "pacing/sex-what-normal-means-why.md",
        "Sjögren's syndrome costs $5, $(echo more) and `id` 100%": "pacing/sjogrens-syndrome-costs-5-echo-more-and-id-100.md",
        "Écoute & café": "conditions/ecoute-cafe.md",
    }
    for title, rel in titles.items():
        section = rel.split("/")[0]
        done = subprocess.run(["make", "-s", "-o", ".venv/.site", "new", f"SECTION={section}", f"TITLE={title}"],
                              cwd=tmp_path, env=env(), capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        text = (tmp_path / "content" / rel).read_text(encoding="utf-8")
        assert pages.load(rel, text, rel).page.meta.title == title
        assert title.split()[0] in text  # as typed, not "\\xF6" escapes
    # A section whose cards sit under headings: the new article says which ones.
    assert "# group: the heading your card sits under on the section page, one of: Heart and circulation" in text


def test_duplicate_keys_and_tabs_are_named():
    """Validation messages need no build: the same `pages.load` the build calls, in-process."""
    dupe = pages.load("pacing/dupe.md", article("Dupe").replace("tags:", "worksheets: []\nworksheets: []\ntags:"), "content/pacing/dupe.md")
    tabs = pages.load("pacing/tabs.md", "---\ntitle: Tabs\ndescription: x\ntags:\n\t- pacing\n---\nText.\n", "content/pacing/tabs.md")
    assert [str(p) for p in dupe.problems] == [
        "content/pacing/dupe.md: front matter: is not valid YAML at line 5, column 1: the key 'worksheets' appears twice (keep one) "
        "(check quotes, colons and indentation; quote text that contains ': ')"]
    assert str(tabs.problems[0]).startswith("content/pacing/tabs.md: front matter: is not valid YAML at line 5") and "indent with spaces" in str(tabs.problems[0])


def test_a_wrong_path_gets_the_page_it_most_likely_meant_on_a_large_site_too():
    """A broken link's or pin's hint, without comparing the path with every file of a large site
    (each broken link is checked again on every `make serve` rebuild)."""
    small = {"consent/agreed-signals.md", "consent/index.md", "pacing/index.md", "pacing/rest-days.md"}
    large = small | {f"{s}/article-{i}-about-{w}.md" for i in range(1200) for s, w in [("pacing", "rest"), ("rituals", "touch")]}
    guess = site_mod._did_you_mean_page
    for pages_ in (small, large):
        assert guess("pacing/agreed-signals.md", pages_) == "did you mean 'consent/agreed-signals.md'? "  # another folder
        assert guess("consent/agreed-signal.md", pages_) == "did you mean 'consent/agreed-signals.md'? "  # a typo
        assert guess("consnt/agreed-signal.md", pages_) == "did you mean 'consent/agreed-signals.md'? "  # both misspelt
        assert guess("pacng/index.md", pages_) == "did you mean 'pacing/index.md'? "  # the same name in many folders
        assert guess("rituals/zzz.md", pages_) == ""
        shown = guess("pacing/agreed-signals.md", pages_, shown=lambda p: "../" + p)
        assert shown == "did you mean '../consent/agreed-signals.md'? "
    # Another folder and a typo: found on a small site only (2,404 files would take ~0.5 s a link).
    assert guess("pacing/agreed-signal.md", small) == "did you mean 'consent/agreed-signals.md'? "
    assert guess("pacing/agreed-signal.md", large) == ""


def test_mkdocs_gets_the_checked_front_matter_and_the_body_it_would_have_read():
    """MkDocs does not parse front matter a second time (hooks/validate.py): it reads the body alone
    and gets the checked front matter. Both must be what its own reader gives: for every page of the
    guide, and for bodies its reader could mistake for front matter."""
    from mkdocs.utils.meta import get_data

    from guide import views

    awkward = {
        "pacing/colon.md": article("Colon first", body="Note: this line looks like MultiMarkdown metadata.\n\nMore.\n"),
        "pacing/rule.md": article("Rule first", body="---\n\nA page that starts with a rule.\n\n---\n\nEnd.\n"),
        "pacing/crlf.md": article("Windows line ends", body="One.\n\nTwo.\n").replace("\n", "\r\n"),
        "pacing/bom.md": "\ufeff" + article("Byte order mark"),
        "pacing/dots.md": article("Dots close it").replace("\n---\n", "\n...\n", 1),
        "pacing/no-end.md": article("No newline at the end", body="Last line.").rstrip("\n"),
    }
    real = {str(p.relative_to(ROOT / "content")): p.read_text(encoding="utf-8") for p in (ROOT / "content").rglob("*.md")}
    for uri, raw in {**real, **awkward}.items():
        info = pages.load(uri, raw.encode(), "content/" + uri).page
        assert info is not None, uri
        text = raw.removeprefix("\ufeff").replace("\r\n", "\n")  # as MkDocs reads a file
        body, meta = get_data(text)
        new_body, new_meta = get_data(pages.without_front_matter(text))
        assert (new_body.rstrip("\n"), new_meta) == (body.rstrip("\n"), {}), uri
        if uri in real:  # the fixture articles quote their dates: text to MkDocs' reader, dates here
            assert views.page_meta(info, {}) == meta, uri
        assert {k: views.page_meta(info, {})[k] for k in ("title", "description")} == {"title": meta.get("title", info.meta.title),
                                                                                   "description": meta.get("description", info.meta.description)}, uri
    assert pages.without_front_matter("No front matter at all.\n") is None


def test_review_report_is_hidden_from_search_engines_and_csv_is_safe(tmp_path):
    cfg = copy_project(tmp_path, {"content/pacing/formula.md": article("=HYPERLINK(1) title", body=GOOD)})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    report = BeautifulSoup((build.site / "review-report/index.html").read_text(), "html.parser")
    assert report.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "review-report" not in (build.site / "sitemap.xml").read_text()
    assert "consent/agreed-signals/" in (build.site / "sitemap.xml").read_text()
    assert ",'=HYPERLINK(1) title," in (build.site / "review-report.csv").read_text()


def test_tag_list_problems_are_clear(tmp_path):
    how = "(one `tag: meaning` per line, or `tag: {label: Shown name, meaning: ...}`)"
    bad = tmp_path / "tags.yml"
    bad.write_text("- pacing\n- rest\n")
    assert [str(p) for p in site_mod.load_tags(bad, "tags.yml")[1]] == [
        f"tags.yml: -: must map each tag to a one-line meaning {how}"]
    # Each tag at fault is named, and the others stay usable.
    bad.write_text("pacing: [not, a, string]\nrest:\nSleep Well: Sleep\nmood: Feelings\n")
    tags, problems = site_mod.load_tags(bad, "tags.yml")
    assert [str(p) for p in problems] == [
        f"tags.yml: pacing: needs a one-line meaning after the colon, as plain text {how}",
        f"tags.yml: rest: needs a one-line meaning after the colon, as plain text {how}",
        "tags.yml: Sleep Well: is not a tag pages can use: lower-case letters, digits and hyphens (e.g. `sleep-and-rest`)"]
    assert tags["mood"] == ("Mood", "Feelings") and "pacing" in tags


    # A tag listed twice would silently lose one meaning: refused, with the line.
    bad.write_text("# Tags\npacing: Pacing\nrest: Rest\npacing: Energy\n")
    assert [str(p) for p in site_mod.load_tags(bad, "tags.yml")[1]] == [
        "tags.yml: -: is not valid YAML at line 4, column 1: the key 'pacing' appears twice (keep one) "
        "(check quotes, colons and indentation; quote text that contains ': ')"]
    bad.write_text("pacing: Pacing\nrest: [oops\n")
    assert "is not valid YAML at line 3" in str(site_mod.load_tags(bad, "tags.yml")[1][0])
    assert "the tag list is missing" in str(site_mod.load_tags(tmp_path / "nope.yml", "tags.yml")[1][0])
    bad.write_bytes(b"pacing: caf\xe9\n")
    assert "is not UTF-8 text" in str(site_mod.load_tags(bad, "tags.yml")[1][0])


def test_tag_labels_readers_see(tmp_path):
    """A tag is shown by its label: its name with spaces and a capital, or the label tags.yml gives."""
    tags_file = tmp_path / "tags.yml"
    tags_file.write_text("care-team: Doctors and nurses\nms: {label: MS, meaning: Multiple sclerosis}\n")
    tags, problems = site_mod.load_tags(tags_file, "tags.yml")
    assert problems == [] and tags == {"care-team": ("Care team", "Doctors and nurses"), "ms": ("MS", "Multiple sclerosis")}
    # A label that is markup, too long or another tag's (whatever its case and punctuation), an unknown
    # key, a meaning split by an unquoted comma, a missing or multi-line meaning: each named.
    tags_file.write_text("a: {label: <b>A</b>, meaning: x}\nb: {label: B & C, meaning: x}\nc: {label: '" + "x" * 41 + "', meaning: x}\n"
                         "d: {label: Check-ins, meaning: x}\ncheck-ins: Feelings\ne: {label: E, meaning: x, icon: star}\nf: {label: F}\n"
                         "g: {label: G, meaning: Doctors, nurses}\nh: |\n  One line\n  and another\n")
    tags, problems = site_mod.load_tags(tags_file, "tags.yml")
    plain = "must be plain text of 1 to 40 characters, without <, > or & (write 'and')"
    meaning = "needs a one-line meaning after the colon, as plain text (one `tag: meaning` per line, or `tag: {label: Shown name, meaning: ...}`)"
    assert [str(p) for p in problems] == [
        f"tags.yml: a.label: {plain}", f"tags.yml: b.label: {plain}", f"tags.yml: c.label: {plain}; this one has 41",
        "tags.yml: check-ins.label: 'Check ins' is also the label of 'd' (give each tag its own label)",
        "tags.yml: e: has icon: a tag takes only `label` and `meaning`",
        f"tags.yml: f: {meaning}",
        "tags.yml: g: has nurses: a tag takes only `label` and `meaning` (put quotes around a meaning that has a comma)",
        f"tags.yml: h: {meaning}"]
    assert tags["a"].label == "A" and set(tags) == {"a", "b", "c", "d", "check-ins", "e", "f", "g", "h"}  # still tags pages may use


def test_the_topic_index_links_the_topics_the_page_lists():
    from guide import views
    tags = {"b-two": site_mod.Tag("beta <2>", "x"), "a-one": site_mod.Tag("Alpha", "x"), "unused": site_mod.Tag("Unused", "x")}
    html = '<p>Intro</p>\n<h2 id="tag:b-two">beta</h2><ul></ul><h2 id="tag:a-one">Alpha</h2><ul></ul>'
    out = views.with_topic_index(html, tags)
    assert out.startswith("<p>Intro</p>\n<nav class=\"guide-topics\"")
    assert '<a class="md-tag" href="#tag:a-one">Alpha</a></li><li><a class="md-tag" href="#tag:b-two">beta &lt;2&gt;</a>' in out
    assert "Unused" not in out and out.endswith(html[len("<p>Intro</p>\n"):])
    assert views.with_topic_index("<p>An article</p>", tags) == "<p>An article</p>"


@pytest.mark.parametrize("meta, shown", [
    ({"title": "Mine", "tags": "pacing", "hide": "toc", "template": "nowhere.html"}, {"title": "Mine"}),
    ({"title": ["not", "text"], "tags": [["nested"]]}, {}),
    ({"title": "  "}, {}),
    ({}, {}),
])
def test_a_page_with_a_problem_shows_material_only_its_title(meta, shown):
    """`serve` renders a page whose front matter has a problem: a wrong type must not reach Material."""
    from guide import views
    assert views.problem_meta(meta) == shown


@pytest.mark.parametrize("line, says", [
    ("related: true", "related: must be a list, e.g. [first, second] or false (got true)"),
    ("related:", "related: is empty (fill it in after `related:`, or remove the line)"),
    ("keywords:", "keywords: is empty (fill it in after `keywords:`, or remove the line)"),
    ("search: exclude", "search: must be keys written on their own lines under it, indented (got 'exclude')"),
    ("search: {boost: 20}", "search.boost: must be at most 10.0 (got 20)"),
    ("draft: maybe", "draft: must be true or false (got 'maybe')"),
])
def test_a_value_of_the_wrong_kind_is_one_line_in_words_with_the_fix(line, says):
    """Not pydantic's words ("input should be a valid list", "literal[False]"), and once per key."""
    text = article("Wrong kind").replace("\n---\n", f"\n{line}\n---\n", 1)
    problems = [str(p) for p in pages.load("pacing/x.md", text.encode(), "content/pacing/x.md").problems]
    assert problems == [f"content/pacing/x.md: {says}"]


def test_an_unknown_key_in_a_source_lists_the_keys_a_source_may_have():
    text = article("Unknown source key", sources=[{"publisher": "NHS", "title": "A page", "url": "https://www.nhs.uk/a/b/",
                                                   "checked": "2026-11-01", "note": "mine"}])
    problems = [str(p) for p in pages.load("pacing/x.md", text.encode(), "content/pacing/x.md").problems]
    assert problems == ["content/pacing/x.md: sources[0].note: unknown key (allowed: checked, publisher, title, url)"]


def test_order_puts_an_article_first_on_its_section_page_in_its_booklet_and_in_previous_next(tmp_path):
    cfg = copy_project(tmp_path, {"content/consent/zz-start-here.md": article("Zz start here", tags=["consent"], order=1)})
    build = mkdocs(cfg, tmp_path / "site")
    assert build.returncode == 0, build.output
    cards = [a["href"] for a in BeautifulSoup((build.site / "consent/index.html").read_text(), "html.parser").select(".guide-card__link")]
    assert cards[0] == "zz-start-here/"  # by title it would be last
    booklet = BeautifulSoup((build.site / "consent/booklet/index.html").read_text(), "html.parser")
    assert booklet.select(".guide-booklet__article > h2")[0]["id"] == "consent--zz-start-here"
    first = BeautifulSoup((build.site / "consent/zz-start-here/index.html").read_text(), "html.parser")
    assert not first.select(".md-footer__link--prev") and first.select_one(".md-footer__link--next")["href"] == "../" + cards[1]
    # Only articles have a reading order; it is a whole number from 1.
    for meta, says in [({"order": 0}, "order: must be at least 1"), ({"order": "first"}, "order: must be a whole number"),
                        ({"order": True}, "order: must be a whole number")]:
        text = article("Bad order", **meta)
        assert any(says in str(p) for p in pages.load("pacing/x.md", text.encode(), "content/pacing/x.md").problems), says
