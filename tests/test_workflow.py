"""The publisher's commands as publishers run them: drafts and problems in a real preview, `check`
agreeing with the build, file-level faults named, and the commands working without test packages."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guide import pages
from sitebuild import ROOT, article, copy_project, env, fetch, free_port, mkdocs, stop, wait_for

PROBLEM_LINE = re.compile(r"(content/[^:\n]+\.md|tags\.yml): ([^:\n]+): (.+)")


def problem_lines(text: str) -> set[str]:
    return {m.group(0).strip() for m in PROBLEM_LINE.finditer(text)}


# --- file-level faults, in-process: no build needed -------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    (b"---\ntitle: Caf\xe9\n---\n", "is not UTF-8 text"),
    (b"", "is empty"),
    (b"  \n\n", "is empty"),
    (b"# Just a heading\n\nText.\n", "has no front matter"),
    (b"---\ntitle: Open\ndescription: never closed\n", "front matter is not closed"),
])
def test_file_level_faults_get_one_line_naming_the_fix(raw, expected):
    loaded = pages.load("pacing/x.md", raw, "content/pacing/x.md")
    assert loaded.page is None
    assert len(loaded.problems) == 1 and expected in str(loaded.problems[0]), loaded.problems
    assert str(loaded.problems[0]).startswith("content/pacing/x.md: -: ")


def test_a_byte_order_mark_is_accepted_like_mkdocs_does():
    text = article("With a BOM").encode("utf-8")
    plain, bom = pages.load("pacing/x.md", text, "x"), pages.load("pacing/x.md", b"\xef\xbb\xbf" + text, "x")
    assert plain.problems == bom.problems == []
    assert bom.page.meta.title == "With a BOM"


# --- the build, `check` and the preview agree -------------------------------------------------

BAD = {
    "content/pacing/latin1.md": b"---\ntitle: Caf\xe9\n---\n",
    "content/pacing/empty.md": "",
    "content/pacing/no-front.md": "# A heading\n\nWords.\n",
    "content/pacing/unclosed.md": "---\ntitle: Unclosed\n",
    "content/pacing/bad-tag.md": article("A bad tag", tags=["pacing", "fatige"]),
    "content/pacing/bad-link.md": article("A bad link", body="See [this](../consent/nowhere.md)."),
    "content/pacing/bad-ref-link.md": article("A bad reference link", body="See [this][x].\n\n[x]: ../consent/nowhere.md\n"),
    "content/pacing/links-a-draft.md": article("Links a draft", body="See [the plan][plan].\n\n[plan]: <draft-target.md#top>\n"),
    "content/pacing/duplicate.md": article("Agreeing signals you both understand"),
    "content/pacing/My New Page.md": article("A file name with spaces"),
    "content/pacing/home-source.md": article("A home page source", sources=[{
        "publisher": "NHS", "title": "Home", "url": "https://www.nhs.uk/", "checked": "2026-01-01"}]),
}


@pytest.fixture(scope="module")
def bad_project(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    # A draft is fine in itself; a published page that links to it is not (its link would be dead).
    cfg = copy_project(tmp, {k: v for k, v in BAD.items() if isinstance(v, str)}
                       | {"content/pacing/draft-target.md": article("A draft target", draft=True)})
    for rel, raw in BAD.items():
        if isinstance(raw, bytes):
            (tmp / rel).write_bytes(raw)
    return tmp, cfg


def test_build_stops_with_one_line_per_fault_and_no_traceback(bad_project):
    tmp, cfg = bad_project
    build = mkdocs(cfg, tmp / "site")
    assert build.returncode != 0 and "Traceback" not in build.output
    assert not (tmp / "site" / "index.html").exists(), "a failed build must not leave a half-written site"
    lines = problem_lines(build.output)
    assert len(lines) == len(BAD), lines
    for rel in BAD:
        assert sum(line.startswith(rel) for line in lines) == 1, rel


def test_check_reports_exactly_what_the_build_reports(bad_project):
    tmp, cfg = bad_project
    build = mkdocs(cfg, tmp / "site2")
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp, env=env(), capture_output=True, text=True)
    assert check.returncode == 1 and "Traceback" not in check.stdout + check.stderr
    assert problem_lines(check.stderr) == problem_lines(build.output)


def test_check_names_a_wrong_setting_in_words_like_the_build(tmp_path):
    cfg = copy_project(tmp_path, config_edit=lambda c: c["extra"]["guide"].update(review_years="three"))
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp_path, env=env(), capture_output=True, text=True)
    build = mkdocs(cfg, tmp_path / "site")
    assert check.returncode == 1 and build.returncode != 0
    for out in (check.stdout + check.stderr, build.output):
        assert "Traceback" not in out
        assert "mkdocs.yml: extra.guide.review_years: Expected type: a whole number but received: text (fix it in mkdocs.yml" in out


@pytest.mark.parametrize("change, says", [
    ({"content/pacing/picture.md": article("A missing picture", body="![A ladder](ladder.png)")}, "ladder.png"),
    ({"content/pacing/styled.md": article("Inline style", body="A red word.\n{ style=\"color: red\" }")}, "Content-Security-Policy"),
])
def test_what_only_the_build_finds_fails_the_check_too(tmp_path, change, says):
    """MkDocs' own checks (a missing image) and the policy scan of the built pages (an inline style):
    `check` builds into a folder it throws away, so the build's refusal is the check's too."""
    cfg = copy_project(tmp_path, change)
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp_path, env=env(), capture_output=True, text=True)
    out = check.stdout + check.stderr
    assert check.returncode == 1 and says in out and "the build stopped on the problem(s) above" in out and "Traceback" not in out
    assert not list(tmp_path.glob("site*")) and not (tmp_path / "deploy").exists()  # nothing left behind


def test_check_passes_the_real_guide_and_only_warns_on_plain_language(tmp_path):
    long_words = "Notwithstanding considerable physiological heterogeneity, rehabilitation ameliorates sequelae. " * 10
    cfg = copy_project(tmp_path, {"content/pacing/hard.md": article("Hard words", body=long_words)})
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp_path, env=env(), capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "content/pacing/hard.md: warning: " in check.stdout and "reading grade" in check.stdout
    assert "0 problem(s) that stop the build" in check.stdout


# --- a real preview process ------------------------------------------------------------------


@pytest.fixture
def preview(tmp_path):
    """`make serve` on a copy of the guide, the way a publisher starts it; yields (project, base URL)."""
    body = "Rest and pacing, a draft in progress about energy and evenings. " * 20
    cfg = copy_project(tmp_path, {
        "content/pacing/my-draft.md": article("My draft about evenings", body=body, draft=True),
        "content/worksheets/my-draft-sheet.md": (ROOT / "content/worksheets/setback-plan.md").read_text()
        .replace("title: ", "draft: true\ntitle: Draft sheet x", 1),
    })
    port = free_port()
    proc = subprocess.Popen(["make", "-s", "-C", str(ROOT), "serve", f"CONFIG={cfg}", f"ADDR=127.0.0.1:{port}"],
                            env={**env(), "MAKEFLAGS": ""}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        yield tmp_path, f"http://127.0.0.1:{port}/"
    finally:
        out = stop(proc, group=True)
        assert "Traceback" not in out and "Search index:" not in out, out  # nor an index stopped by Ctrl+C


def test_preview_shows_drafts_with_a_marker_and_problems_in_the_browser(preview):
    project, url = preview
    page = wait_for(url + "pacing/my-draft/", lambda t: "My draft about evenings" in t, "the draft article")
    assert BeautifulSoup(page, "html.parser").select_one(".guide-draft").get_text(" ", strip=True).startswith("Draft")
    sheet = wait_for(url + "worksheets/my-draft-sheet/", lambda t: "Draft sheet x" in t, "the draft worksheet")
    assert "guide-draft" in sheet and "<form" in sheet
    assert "My draft about evenings" in fetch(url + "pacing/")

    # A mistake: the preview keeps serving (CSS too) and every page says what to fix.
    target = project / "content/pacing/my-draft.md"
    target.write_text(target.read_text().replace("tags:\n- pacing", "tags:\n- pacing\n- evenings"))
    shown = wait_for(url, lambda t: "guide-problems" in t, "the problem list on the home page")
    panel = BeautifulSoup(shown, "html.parser").select_one(".guide-problems").get_text(" ", strip=True)
    assert "content/pacing/my-draft.md" in panel and "tags[1]" in panel and "add it to tags.yml" in panel
    assert "guide-problems" in fetch(url + "pacing/my-draft/")
    assert fetch(url + "assets/guide.css")

    # Fixing tags.yml (not a page) is seen too, and the real page comes back.
    tags = project / "tags.yml"
    tags.write_text(tags.read_text() + "evenings: Evening time together\n")
    wait_for(url + "pacing/my-draft/", lambda t: "guide-problems" not in t and "My draft about evenings" in t, "the fixed page")

    # A mistake in mkdocs.yml's settings: the preview still answers (on the defaults) and says what to fix.
    config = project / "mkdocs.yml"
    good = config.read_text()
    assert good.count("count: 5\n") == 1
    config.write_text(good.replace("count: 5\n", "count: five\n"))
    shown = wait_for(url + "pacing/my-draft/", lambda t: "guide-problems" in t, "the settings problem on the page")
    panel = BeautifulSoup(shown, "html.parser").select_one(".guide-problems").get_text(" ", strip=True)
    assert "mkdocs.yml" in panel and "extra.guide.related" in panel and "count" in panel and "hooks/guide/settings.py" in panel
    config.write_text(good)
    wait_for(url + "pacing/my-draft/", lambda t: "guide-problems" not in t, "the page once mkdocs.yml is fixed")

    # Front matter of the wrong type (Material's tags plugin would stop on it, and the preview hang),
    # then front matter never closed: the page being edited lists the problem itself, never a 404.
    draft = target.read_text()
    target.write_text(draft.replace("tags:\n- pacing\n- evenings", "tags: pacing"))
    shown = wait_for(url + "pacing/my-draft/", lambda t: "guide-problems" in t, "the tags problem on the page")
    assert "content/pacing/my-draft.md" in shown and "tags" in BeautifulSoup(shown, "html.parser").select_one(".guide-problems").get_text()
    assert "guide-problems" in fetch(url) and fetch(url + "assets/guide.css")
    target.write_text(draft.replace("\n---\n", "\n\n", 1))
    shown = wait_for(url + "pacing/my-draft/", lambda t: "front matter is not closed" in t, "the unclosed front matter on its own page")
    assert "content/pacing/my-draft.md" in BeautifulSoup(shown, "html.parser").select_one(".guide-problems").get_text()
    target.write_text(draft)
    wait_for(url + "pacing/my-draft/", lambda t: "guide-problems" not in t and "My draft about evenings" in t, "the page once fixed")


def test_make_build_leaves_drafts_out_and_a_problem_in_a_draft_does_not_hold_back_the_rest(tmp_path):
    cfg = copy_project(tmp_path, {
        "content/pacing/my-draft.md": article("My draft about evenings", draft=True),
        # Half-written: a date the checks refuse (the page cannot be read) and an unknown tag.
        "content/pacing/half-written.md": article("Half written", draft=True, tags=["pacing", "evenings"]).replace("reviewed: '2026-11-01'", "reviewed: 2026-11-31"),
    })
    done = subprocess.run(["make", "-s", "-C", str(ROOT), "build", f"CONFIG={cfg}", f"SITE={tmp_path / 'site'}"],
                          env={**os.environ, "MAKEFLAGS": ""}, capture_output=True, text=True)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert not (tmp_path / "site/pacing/my-draft").exists() and not (tmp_path / "site/pacing/half-written").exists()
    assert "content/pacing/half-written.md: reviewed: " in out and "a draft, left out of this build" in out
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp_path, env=env(), capture_output=True, text=True)
    assert check.returncode == 0 and "content/pacing/half-written.md: reviewed: " in check.stdout and "2 in drafts" in check.stdout, check.stdout + check.stderr
    # The same mistakes in a published page stop both.
    page = tmp_path / "content/pacing/half-written.md"
    page.write_text(page.read_text().replace("draft: true\n", ""))
    assert subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=tmp_path, env=env(), capture_output=True).returncode == 1
    assert mkdocs(cfg, tmp_path / "site2").returncode != 0


# --- the commands need only requirements.txt --------------------------------------------------

BLOCKER = textwrap.dedent('''
    """Test-only packages are unavailable in this process, as on a machine with only requirements.txt."""
    import importlib.abc, sys
    BLOCKED = set({blocked!r})
    class _Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}} (test-only package)", name=name)
            return None
    sys.meta_path.insert(0, _Block())
''')


def blocked_modules() -> set[str]:
    """Top-level modules of the packages requirements-test.txt adds to requirements.txt."""
    from importlib.metadata import packages_distributions

    def names(path: Path) -> set[str]:
        return {re.split(r"[=<>\[ ]", line.strip())[0].lower().replace("_", "-") for line in path.read_text().splitlines()
                if line.strip() and not line.startswith(("#", "-r"))}

    extra = names(ROOT / "requirements-test.txt") - names(ROOT / "requirements.txt")
    return {mod for mod, dists in packages_distributions().items()
            if any(d.lower().replace("_", "-") in extra for d in dists) and not mod.startswith("_")}


def test_site_commands_work_without_test_packages(tmp_path):
    blocked = blocked_modules()
    assert {"bs4", "playwright", "pytest", "pypdf"} <= blocked
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(BLOCKER.format(blocked=sorted(blocked)))
    project = tmp_path / "project"
    cfg = copy_project(project)
    run_env = {**env(), "PYTHONPATH": f"{shim}{os.pathsep}{ROOT / 'hooks'}"}
    probe = subprocess.run([sys.executable, "-c", "import bs4"], env=run_env, capture_output=True, text=True)
    assert probe.returncode != 0 and "test-only package" in probe.stderr  # the blocker itself works

    new = subprocess.run([sys.executable, "-m", "guide", "new", "article", "--section", "pacing", "--title", "Fresh page"],
                         cwd=project, env=run_env, capture_output=True, text=True)
    assert new.returncode == 0, new.stderr
    check = subprocess.run([sys.executable, "-m", "guide", "check", "-f", str(cfg)], cwd=project, env=run_env, capture_output=True, text=True)
    assert check.returncode == 0 and "words, grade" in check.stdout, check.stdout + check.stderr
    build = subprocess.run([sys.executable, "-m", "guide", "build", "-f", str(cfg), "--site", str(project / "site")],
                           cwd=project, env=run_env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    port = free_port()
    serve = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(cfg), "-a", f"127.0.0.1:{port}"],
                             cwd=project, env=run_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = wait_for(f"http://127.0.0.1:{port}/pacing/fresh-page/", lambda t: "Fresh page" in t, "the new draft in the preview")
        assert "guide-draft" in page
    finally:
        out = stop(serve)
    assert "Traceback" not in out and "test-only package" not in out, out
