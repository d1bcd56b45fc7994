"""Pagefind's index built in parts and merged (guide.search_parts): the merged index holds exactly
what one run of Pagefind writes, and a reader's search answers the same."""
from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import cbor2
import pytest

import guide.search
from guide import search_parts
from guide.search import WORK

from sitebuild import pagefind_records, serve_directory
from test_reader import top_pages
from test_search import QUESTIONS, search_page  # noqa: F401 - a fixture


def index_contents(bundle: Path) -> dict:
    """What an index says, with pages named by their URL (page numbers and file names differ
    between a merged index and one run's, and mean nothing to a reader)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text())["languages"]["en"]
    meta = search_parts.load(bundle / f"pagefind.{entry['hash']}.pf_meta")
    urls = [fragment(bundle, h)["url"] for h, _ in meta[1]]

    def located(pages):
        at, out = 0, {}
        for n, locs, meta_locs in pages:
            at += n
            out[urls[at]] = (locs, meta_locs)
        assert len(out) == len(pages), "a page listed twice for one word"
        return out

    words = {}
    for _from, _to, chunk in meta[2]:
        for word, pages, variants in search_parts.load(bundle / "index" / f"{chunk}.pf_index")[0]:
            words[word] = (located(pages), {form: located(p) for form, p in variants})
    return {"count": entry["page_count"], "pages": sorted(zip(urls, (n for _, n in meta[1]))),
            "fields": meta[5], "chunks": [c[:2] for c in meta[2]], "words": words}


def fragment(bundle: Path, name: str) -> dict:
    data = gzip.decompress((bundle / "fragment" / f"{name}.pf_fragment").read_bytes())
    return json.loads(data[len(search_parts.SIGNATURE):])


def unpacked(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): gzip.decompress(p.read_bytes()) for p in bundle.rglob("*.pf_*")}


def marked(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if b"data-pagefind-body" in p.read_bytes())


def pagefind_part(site: Path, files: list[str], out: Path) -> Path:
    assert guide.search._finish(guide.search._start(site, "en", out, files), site) == len(files)
    return out


def rewrite_meta(bundle: Path, change) -> None:
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    path = bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    meta = search_parts.load(path)
    change(meta)
    path.write_bytes(gzip.compress(search_parts.SIGNATURE + cbor2.dumps(meta)))


@pytest.fixture(scope="module")
def site_copy(site, tmp_path_factory):
    """The built guide, to be indexed again: the session's site stays as one run of Pagefind left it."""
    return lambda: Path(shutil.copytree(site, tmp_path_factory.mktemp("copy") / "site"))


@pytest.fixture(scope="module")
def merged_site(site_copy):
    copy = site_copy()
    stats = guide.search.index_site(copy, part_pages=20, single_run_pages=20)  # 74 pages: four parts
    assert stats.pages == len(marked(copy))
    return copy


def test_merging_one_part_writes_pagefinds_own_index_byte_for_byte(site, tmp_path):
    # The encoder, the chunking, the chunk bounds and the file names all match Pagefind's own.
    bundle = Path(shutil.copytree(site / "pagefind", tmp_path / "part"))
    own = unpacked(bundle)
    pages = search_parts.merge([search_parts.read_part(bundle)], tmp_path / "merged")
    assert pages == len(pagefind_records(site))
    assert unpacked(tmp_path / "merged") == own
    assert json.loads((tmp_path / "merged/pagefind-entry.json").read_text()) == json.loads((site / "pagefind/pagefind-entry.json").read_text())


def test_an_index_built_in_parts_holds_what_one_run_writes(site, merged_site):
    assert index_contents(merged_site / "pagefind") == index_contents(site / "pagefind")
    assert not (merged_site / WORK).exists()
    bundle = {p.name for p in (merged_site / "pagefind").iterdir()}
    assert bundle == {p.name for p in (site / "pagefind").iterdir() if not p.name.endswith(".pf_meta")} | {p.name for p in (merged_site / "pagefind").glob("*.pf_meta")}
    assert bundle.isdisjoint(guide.search.UNUSED) and guide.search.COMMON_FILE in bundle


def test_parts_with_different_meta_fields_and_a_part_with_no_marked_page_merge_the_same(site, site_copy):
    # The home page has no section: alone, its part names two meta fields where the others name
    # three, and its meta locs are renumbered. 404.html is not marked: Pagefind would index it whole.
    copy = site_copy()
    pages = [f for f in marked(copy) if f != "index.html"]
    assert guide.search._index_in_parts(copy, "en", [["index.html"], ["404.html"], pages[::2], pages[1::2]]) == len(pages) + 1
    assert index_contents(copy / "pagefind") == index_contents(site / "pagefind")


def test_two_pages_whose_names_start_alike_both_stay_findable(site, tmp_path):
    # About one build in twenty at 5,000 pages: two parts name different pages with the same short
    # hash. Made here by renaming the second part's first page to the first part's.
    pages = marked(site)
    a = pagefind_part(site, pages[:30], tmp_path / "a")
    b = pagefind_part(site, pages[30:], tmp_path / "b")
    taken = search_parts.read_part(a).pages[0][0]
    mine = search_parts.read_part(b).pages[0][0]
    (b / "fragment" / f"{mine}.pf_fragment").rename(b / "fragment" / f"{taken}.pf_fragment")
    rewrite_meta(b, lambda meta: meta[1][0].__setitem__(0, taken))
    search_parts.merge([search_parts.read_part(a), search_parts.read_part(b)], tmp_path / "merged")
    assert index_contents(tmp_path / "merged") == index_contents(site / "pagefind")
    assert fragment(tmp_path / "merged", taken) != fragment(tmp_path / "merged", mine)  # named by its own hash


def no_pagefind_running_on(site: Path) -> bool:
    return subprocess.run(["pgrep", "-f", str(site)], capture_output=True).stdout == b""


def test_a_part_pagefind_cannot_index_keeps_the_previous_index_and_leaves_nothing_behind(site_copy):
    copy = site_copy()
    before = unpacked(copy / "pagefind")
    with pytest.raises(guide.search.SearchIndexError, match=r"Pagefind failed on .* \(exit 1\): Error: Pagefind was not able to build an index"):
        guide.search._index_in_parts(copy, "en", [marked(copy)[:10], ["no-such-page/index.html"], marked(copy)[10:]])
    assert unpacked(copy / "pagefind") == before
    assert not (copy / WORK).exists()


def test_a_failure_while_the_next_part_is_indexed_stops_it(site_copy, monkeypatch):
    copy = site_copy()
    before = unpacked(copy / "pagefind")

    def broken(bundle, fields=None):
        raise search_parts.PartsError("made to fail")
    monkeypatch.setattr(search_parts, "read_part", broken)  # reading part 0, while part 1 runs
    with pytest.raises(guide.search.SearchIndexError, match="merging the parts of the index: made to fail"):
        guide.search._index_in_parts(copy, "en", [marked(copy)[:20], marked(copy)[20:]])
    assert no_pagefind_running_on(copy) and not (copy / WORK).exists()
    assert unpacked(copy / "pagefind") == before


def test_serve_stopping_ends_an_index_in_parts_before_its_next_part(site_copy):
    copy = site_copy()
    before = unpacked(copy / "pagefind")
    with pytest.raises(guide.search.IndexStopped):
        guide.search._index_in_parts(copy, "en", [marked(copy)[:20], marked(copy)[20:]], stopping=lambda: True)
    assert no_pagefind_running_on(copy) and not (copy / WORK).exists()
    assert unpacked(copy / "pagefind") == before


def test_a_page_pagefind_does_not_find_is_an_error_not_a_page_missing_from_search(site, tmp_path):
    files = marked(site)[:3] + ["no-such-page/index.html"]
    with pytest.raises(guide.search.SearchIndexError, match=r"Pagefind found 3 of the 4 pages named for one part of the index"):
        guide.search._finish(guide.search._start(site, "en", tmp_path / "part", files), site, expected=len(files))


def test_pagefind_missing_is_a_clear_error_and_leaves_nothing_behind(site_copy, monkeypatch):
    copy = site_copy()
    monkeypatch.setattr(guide.search, "executable", lambda: copy / "no-pagefind-here")
    with pytest.raises(guide.search.SearchIndexError, match="Pagefind did not run: "):
        guide.search.index_site(copy, part_pages=20, single_run_pages=20)
    assert not (copy / WORK).exists()


def test_a_stale_work_folder_from_a_killed_build_is_removed(site_copy):
    copy = site_copy()
    (copy / WORK / "0").mkdir(parents=True)
    guide.search.index_site(copy)  # one run: the guide is under SINGLE_RUN_PAGES
    assert not (copy / WORK).exists()


@pytest.mark.parametrize("at", range(0, 40, 3))
def test_the_search_mark_is_found_across_the_blocks_a_page_is_read_in(tmp_path, at):
    page = tmp_path / "p.html"
    page.write_bytes(b"x" * at + guide.search.MARK + b"z" * 20)
    assert guide.search._marked(page, block=8)
    page.write_bytes(b"x" * at + guide.search.MARK[:-1] + b"z" * 20)
    assert not guide.search._marked(page, block=8)


@pytest.mark.parametrize("change, message", [
    (lambda b: (b / "pagefind-entry.json").write_text((b / "pagefind-entry.json").read_text().replace(search_parts.VERSION, "9.9.9")),
     r"Pagefind 9\.9\.9 wrote .*, and merging its parts knows the files of Pagefind 1\.5\.2: install requirements\.txt"),
    (lambda b: rewrite_meta(b, lambda meta: meta[3].append(["tag", "en_1234567"])),
     r"pages use Pagefind filters or sorts \(data-pagefind-filter, data-pagefind-sort\)"),
    (lambda b: sorted((b / "index").iterdir())[0].write_bytes(b"not gzip"),
     r"index/en_\w+\.pf_index: Not a gzipped file"),
    (lambda b: sorted((b / "index").iterdir())[0].write_bytes(gzip.compress(search_parts.SIGNATURE + b"\x81\x82\x83\x61")),
     r"Pagefind's index is not in the form merging expects \(CBORDecodeEOF"),
    (lambda b: rewrite_meta(b, lambda meta: meta.pop()),
     r"Pagefind's index is not in the form merging expects \(ValueError: its list of pages and chunks has changed shape\); update hooks/guide/search_parts\.py"),
])
def test_an_index_merging_does_not_know_is_refused_with_what_to_do(site, tmp_path, change, message):
    bundle = Path(shutil.copytree(site / "pagefind", tmp_path / "part"))
    change(bundle)
    with pytest.raises(search_parts.PartsError, match=message):
        search_parts.read_part(bundle)


@pytest.mark.browser
def test_readers_questions_get_the_same_answers_from_an_index_built_in_parts(browser, merged_site, search_page):
    with serve_directory(merged_site) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        questions = list(QUESTIONS)[:12]
        merged = {q: top_pages(page, q) for q in questions}
        context.close()
    assert merged == {q: top_pages(search_page, q) for q in questions}


@pytest.mark.parametrize("count, length, parts", [(801, 40, 2), (1600, 40, 2), (1601, 40, 3), (800, 150, 3)])
def test_parts_hold_at_most_part_pages_and_a_glob_pagefind_can_take(count, length, parts):
    files = [f"{i:0{length - 11}d}/index.html" for i in range(count)]
    groups = guide.search._groups(files, 800)
    assert len(groups) == parts
    assert sorted(f for g in groups for f in g) == files
    assert max(len(g) for g in groups) <= 800 and max(sum(len(f) + 2 for f in g) for g in groups) <= guide.search.GLOB_CHARS
