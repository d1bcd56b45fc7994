"""`make serve` rebuilds only what an edit changes (dirty mode), and nothing it shows goes stale:
which pages an edit makes stale (in-process), then a real preview process."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import guide.search
from guide import settings, site as site_mod, state as state_mod
from guide.preview import always, fingerprints, stale, stamp
from sitebuild import ROOT, article, fetch, wait_for
from test_workflow import preview  # noqa: F401  (the `make serve` fixture)

TARGET = "pacing/setbacks-and-warning-signs.md"  # names the setback-plan worksheet
PINNER = "consent/pins-the-setbacks-page.md"


def url_of(src_uri: str) -> str:
    """The page's URL as MkDocs makes it (use_directory_urls)."""
    return re.sub(r"(^|/)index\.md$", r"\1", src_uri).removesuffix(".md") + ("" if src_uri.endswith("index.md") else "/")


def guide_state(changes: dict[str, str | None]) -> state_mod.State:
    """The real guide's site data, read as `serve` reads it, with some files changed or removed."""
    docs = ROOT / "content"
    files = {p.relative_to(docs).as_posix(): p.read_text() for p in docs.rglob("*.md")}
    files.update(changes)
    sources = [site_mod.Source(uri, text, url_of(uri)) for uri, text in files.items() if text is not None]
    site, problems = site_mod.read(sources, ROOT / "tags.yml", "content/", "tags.yml", True)
    state = state_mod.State(settings=settings.read({}, None), serving=True, today=dt.date(2026, 11, 27), site=site, problems=problems)
    state.related  # noqa: B018 - ranked while the text is there, as the build does
    site.forget_bodies()
    return state


def neighbours(state: state_mod.State) -> dict:
    """Previous and next page within each section, as hooks/layout.py gives them (drafts have none)."""
    out = {}
    for members in state.site.members.values():
        chain = [p.src_uri for p in members if not p.meta.draft]
        for i, uri in enumerate(chain):
            out[uri] = (chain[i - 1] if i else None, chain[i + 1] if i + 1 < len(chain) else None)
    return out


def stale_after(changes: dict[str, str | None]) -> tuple[set[str], set[str]]:
    pinner = {PINNER: article("Pins the setbacks page", tags=["consent"], related=[TARGET])}
    before = guide_state(pinner)
    after = guide_state({**pinner, **changes})
    rebuild, gone = stale(fingerprints(before, neighbours(before)), fingerprints(after, neighbours(after)))
    return rebuild | always(after), gone  # as hooks/preview.py's on_nav


def test_a_title_edit_makes_stale_every_page_that_shows_the_title():
    text = (ROOT / "content" / TARGET).read_text()
    rebuild, gone = stale_after({TARGET: text.replace("title: Setbacks and warning signs", "title: Setbacks, warning signs and you", 1)})
    assert gone == set()
    assert {TARGET, "pacing/index.md", PINNER, "worksheets/setback-plan.md", "tags.md"} <= rebuild  # card, pinned list, read-more, topics
    assert {uri for uri in neighbours(guide_state({}))[TARGET] if uri} <= rebuild  # their footers link to it by title
    assert "consent/agreed-signals.md" not in rebuild and "rituals/index.md" not in rebuild
    assert len(rebuild) < 40  # of 77 pages: not everything


def test_the_pages_in_a_footer_are_part_of_the_fingerprint():
    state = guide_state({})
    before = fingerprints(state, {TARGET: ("pacing/energy-and-recovery.md", None)})
    after = fingerprints(state, {TARGET: ("pacing/pacing-ladder.md", None)})
    assert stale(before, after) == ({TARGET}, set())


def test_a_body_edit_leaves_other_pages_alone_unless_it_changes_what_they_show():
    text = (ROOT / "content" / TARGET).read_text()
    rebuild, _ = stale_after({TARGET: text + "\nOne more plain sentence about resting.\n"})
    # The page itself is stale through its file (next test); the topics page is rendered every time.
    assert rebuild == {"tags.md"}
    rebuild, _ = stale_after({TARGET: text + "\nRest, then try again. " * 300})
    assert "pacing/index.md" in rebuild  # its card's reading time


def test_a_tag_label_change_makes_stale_the_pages_that_show_its_chip():
    state = guide_state({})
    before = fingerprints(state, {})
    state.site.tags["check-ins"] = state.site.tags["check-ins"]._replace(label="Regular check-ins")  # tags.yml edited
    rebuild, gone = stale(before, fingerprints(state, {}))
    chips = {uri for uri, page in state.site.pages.items() if "check-ins" in page.meta.tags}
    assert chips and rebuild == chips and gone == set()


def test_a_page_whose_file_changed_on_disk_is_stale_even_when_older():
    """Dirty mode alone rebuilds a page only when its file is newer than its HTML: an older copy put
    back with its old time (`cp -p`, unzip) would be missed."""
    state = guide_state({})
    now = fingerprints(state, {}, {TARGET: (2_000, 900)})
    assert stale(now, fingerprints(state, {}, {TARGET: (1_000, 900)})) == ({TARGET}, set())  # older
    assert stale(now, fingerprints(state, {}, {TARGET: (2_000, 901)})) == ({TARGET}, set())  # same time, other size
    assert stale(now, fingerprints(state, {}, {TARGET: (2_000, 900)})) == (set(), set())


def test_the_topics_page_is_rendered_on_every_preview_build():
    """It lists every page but drafts, and Material links a page's tag chips to it only when it is
    rendered in the same build: rendering it every time keeps both right."""
    assert always(guide_state({})) == {"tags.md"}
    text = (ROOT / "content" / TARGET).read_text()
    rebuild, _ = stale_after({TARGET: text.replace("---\n", "---\ndraft: true\n", 1)})
    assert "tags.md" in rebuild


def test_the_theme_stamp_is_the_same_however_the_overrides_folder_is_spelled(monkeypatch):
    """MkDocs gives `custom_dir` as written (relative) for the first build and absolute for the
    rebuilds: a stamp that changed with the spelling made the first edit re-render every page."""
    monkeypatch.chdir(ROOT)
    config = ROOT / "mkdocs.yml"
    assert stamp(config, Path("overrides")) == stamp(config, ROOT / "overrides") == stamp(config, ROOT / "overrides")
    assert stamp(config, ROOT / "overrides") != stamp(config, None)  # the overrides count


def test_the_theme_stamp_changes_with_any_file_in_the_overrides(tmp_path):
    (tmp_path / "main.html").write_text("a")
    before = stamp(None, tmp_path)
    (tmp_path / "main.html").write_text("ab")
    assert stamp(None, tmp_path) != before


def test_a_deleted_page_is_gone_and_the_pages_that_showed_it_are_stale():
    rebuild, gone = stale_after({TARGET: None})
    assert gone == {TARGET}
    assert {"pacing/index.md", "worksheets/setback-plan.md", "tags.md"} <= rebuild


def test_a_new_problem_makes_every_page_stale():
    text = (ROOT / "content" / TARGET).read_text()
    rebuild, _ = stale_after({TARGET: text.replace("tags: [pacing,", "tags: [pacing, no-such-tag,", 1)})
    assert len(rebuild) == len(guide_state({}).site.pages) + 1  # every page shows the problem list


# --- a real `make serve` ------------------------------------------------------------------------


def titles(html: str, selector: str) -> list[str]:
    return [a.get_text(" ", strip=True) for a in BeautifulSoup(html, "html.parser").select(selector)]


def indexed(entry: str) -> int:
    """How many pages a search index (Pagefind's, by its entry file) holds."""
    return sum(lang["page_count"] for lang in json.loads(entry)["languages"].values())


def wait_index(url: str, ready, what: str) -> str:
    """`serve` indexes on a thread of its own after each rebuild: wait until its entry file is `ready`."""
    return wait_for(url + "pagefind/pagefind-entry.json", ready, what)


def test_an_edit_shows_on_every_page_that_shows_it_and_a_deletion_leaves_none(preview):  # noqa: F811
    project, url = preview
    new, old = "Setbacks, warning signs and you", "Setbacks and warning signs"
    pinner = article("Pins the setbacks page", tags=["consent"], related=[TARGET])
    (project / "content" / PINNER).write_text(pinner)
    wait_for(url + "consent/pins-the-setbacks-page/", lambda t: old in t, "the pinned related list")
    pages = sum(guide.search.searchable(p) for p in guide_state({PINNER: pinner}).site.pages.values())
    assert pages > 60
    entry = wait_index(url, lambda t: indexed(t) == pages, "the index with every page")

    path = project / "content" / TARGET
    path.write_text(path.read_text().replace(f"title: {old}", f"title: {new}", 1))
    wait_for(url + "pacing/setbacks-and-warning-signs/", lambda t: new in t, "the edited article")
    shown = {
        "section card": (url + "pacing/", ".guide-card__link"),
        "related list": (url + "consent/pins-the-setbacks-page/", ".guide-related__link"),
        "worksheet read-more": (url + "worksheets/setback-plan/", ".guide-read-more .guide-related__link"),
    }
    for what, (page, selector) in shown.items():
        html = wait_for(page, lambda t: new in t, what)
        assert new in titles(html, selector) and old not in titles(html, selector), what
    wait_for(url + "tags/", lambda t: new in t and f">{old}<" not in t, "the topics page")
    booklet = wait_for(url + "booklet/", lambda t: new in t, "the whole guide's booklet")
    assert "This preview left out" not in booklet  # with the articles that were not rebuilt
    # A new index (the edited title), which still has every page, not only the rebuilt ones.
    wait_index(url, lambda t: t != entry and indexed(t) == pages, "the index after the edit")

    path.unlink()
    for what, (page, selector) in shown.items():
        if what != "related list":  # the pin to a deleted page is now a problem, shown on every page
            wait_for(page, lambda t: new not in t, what)
    wait_for(url + "consent/pins-the-setbacks-page/", lambda t: "guide-problems" in t and new not in titles(t, ".guide-related__link"), "the pin")
    wait_for(url + "tags/", lambda t: new not in t, "the topics page")
    wait_for(url + "booklet/", lambda t: new not in t and "This preview left out" not in t, "the whole guide's booklet")
    wait_index(url, lambda t: indexed(t) == pages - 1, "the index without the deleted page")
    try:
        fetch(url + "pacing/setbacks-and-warning-signs/")
        raise AssertionError("the deleted article is still served")
    except OSError:
        pass  # 404


def test_tag_chips_stay_links_and_an_older_copy_put_back_shows(preview):  # noqa: F811
    """Two ways a dirty preview went stale: a page rendered without the topics page lost the links of
    its tag chips; a file put back with its older modification time (`cp -p`) was not rendered."""
    project, url = preview
    page = url + "pacing/setbacks-and-warning-signs/"
    path = project / "content" / TARGET
    original, stat = path.read_text(), path.stat()
    wait_for(page, lambda t: "Setbacks and warning signs" in t, "the article")

    path.write_text(original + "\nA sentence with zqxmarker in it.\n")
    html = wait_for(page, lambda t: "zqxmarker" in t, "the body edit")
    chips = BeautifulSoup(html, "html.parser").select(".md-tag")
    assert chips and all(c.name == "a" and "tags/#tag:" in c["href"] for c in chips), chips

    path.write_text(original)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as `cp -p` of the older copy does
    wait_for(page, lambda t: "zqxmarker" not in t, "the older copy, on its page")
    wait_for(url + "pacing/booklet/", lambda t: "zqxmarker" not in t, "the older copy, in the section's booklet")

    # A new label in tags.yml shows on the chips of pages whose files did not change, and on the topics page.
    tags = project / "tags.yml"
    tags.write_text(tags.read_text().replace("setbacks: Bad days,", "setbacks: {label: Hard days, meaning: 'Bad days,", 1)
                    .replace("relapses and what to do\n", "relapses and what to do'}\n", 1))
    html = wait_for(page, lambda t: ">Hard days<" in t, "the new label on the article's chip")
    assert {c.get_text(strip=True) for c in BeautifulSoup(html, "html.parser").select(".md-tag")} == {
        "Pacing", "Hard days", "Safety", "Care team"}
    wait_for(url + "tags/", lambda t: ">Hard days<" in t and ">Setbacks<" not in t, "the new label on the topics page")


def test_a_hook_code_change_restarts_and_removes_the_old_temporary_site(tmp_path, monkeypatch):
    """MkDocs removes its temporary site folder when the preview stops; a restart for new hook code
    (os.execv) would skip that and leave one folder per restart behind."""
    import tempfile

    from guide import serving

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "a.py").write_text("x = 1\n")
    site = Path(tempfile.mkdtemp(prefix="mkdocs_"))
    built = []
    restart = serving.restart_when_code_changes(lambda: built.append(1), hooks, site)
    restart()
    assert built == [1] and site.exists()

    class Restarted(Exception):
        pass

    def execv(*args):  # the real one would replace this test process
        raise Restarted

    monkeypatch.setattr(serving.os, "execv", execv)
    (hooks / "a.py").write_text("x = 22\n")
    with pytest.raises(Restarted):
        restart()
    assert built == [1] and not site.exists()
    # Never a folder the preview did not make for itself.
    own = tmp_path / "mkdocs_site"
    own.mkdir()
    assert not serving._is_temporary(own) and not serving._is_temporary(tmp_path / "site")
