"""Publishing: `make build` output served by a real nginx with the project's own generated snippet.

The site is built with the command publishers run (`python -m guide build`, what `make build` runs),
served by nginx from Debian's packages (scripts/serve_nginx.py, installed by
scripts/ensure-system-deps.sh) and read by headless Chromium under the generated
Content-Security-Policy. Units of hooks/guide/deploy.py come first.
"""
from __future__ import annotations

import gzip
import io
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import brotli
import pytest
from pypdf import PdfReader

from guide import deploy
from scripts import serve_nginx
from sitebuild import ROOT, copy_project, env, search

ADDRESS = "https://guide.closer-again.org/"
PAGES = {"home": "", "section": "consent/", "article": "consent/agreed-signals/", "worksheet": "worksheets/weekly-check-in/"}


# ---- units ----------------------------------------------------------------------------------------

def test_csp_hash_is_the_one_browsers_compute():
    # The example from the CSP specification and MDN.
    assert deploy.csp_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"


def test_inline_code_finds_scripts_to_hash_and_what_no_hash_can_allow():
    html = """<html><head><script>var a = 1 < 2 && "</p>";</script>
    <script src="/assets/x.js"></script><script id="__config" type="application/json">{"a": 1}</script>
    <style>.x { color: red }</style></head><body>
    <p style="color: red">styled</p><button onclick="go()">Go</button>
    <a href="javascript:alert(1)">bad</a><a href="javascript:void(0)" data-md-component="search-share">share</a>
    </body></html>"""
    scripts, styles, problems = deploy.inline_code(html)
    assert scripts == ['var a = 1 < 2 && "</p>";']  # not the external script, not the JSON data block
    assert styles == [".x { color: red }"]
    assert len(problems) == 3, problems
    assert "style=\"color: red\"" in problems[0] and "guide.css" in problems[0]
    assert "onclick" in problems[1]
    assert "javascript:" in problems[2]


def test_fingerprinted_files_match_in_python_and_in_the_nginx_snippet():
    cases = {
        "assets/javascripts/bundle.a5f9d56c.min.js": True,
        "assets/stylesheets/main.57a0d79d.min.css": True,
        "assets/javascripts/workers/search.a7633da7.min.js": True,
        "assets/guide.css": False,
        "assets/javascripts/lunr/min/lunr.stemmer.support.min.js": False,
        "assets/javascripts/bundle.a5f9d56c.min.js.map": False,
        "consent/index.html": False,
        "pagefind/fragment/en_151c9d1.pf_fragment": True,
        "pagefind/index/en_3f1c414.pf_index": True,
        "pagefind/pagefind.en_e7a68b42fb.pf_meta": True,
        "pagefind/pagefind-entry.json": False,  # names the current chunks: revalidated
        "pagefind/pagefind.js": False,
        "pagefind/wasm.en.pagefind": False,
    }
    nginx = re.compile(deploy.NGINX_FINGERPRINTED)
    for path, expected in cases.items():
        assert deploy.is_fingerprinted(path) is expected, path
        assert bool(nginx.match("/" + path)) is expected, path


@pytest.mark.parametrize("url, placeholder", [
    ("https://closer-again.example.org/", True), ("http://localhost:8000/", True), ("", True),
    ("https://guide.invalid/", True), ("https://www.closer-again.org/", False), ("https://me.github.io/guide/", False),
])
def test_placeholder_addresses(url, placeholder):
    assert deploy.is_placeholder(url) is placeholder


def test_headers_file_sets_cache_control_only_on_fingerprinted_files():
    # Netlify and Cloudflare Pages join a header's values when two rules match, so a Cache-Control
    # on /* would be glued to the year-long one.
    files = ["index.html", "assets/a.12345678.min.js", "assets/guide.css", "pagefind/pagefind.js",
             "pagefind/fragment/en_1111111.pf_fragment", "pagefind/fragment/en_2222222.pf_fragment",
             "pagefind/index/en_3333333.pf_index", "pagefind/pagefind.en_4444444444.pf_meta"]
    text = deploy.netlify_headers(deploy.security_headers("default-src 'self'"),
                                  [f for f in files if deploy.is_fingerprinted(f)], files)
    rules = re.split(r"\n(?=/)", text.split("\n", 1)[1])
    assert rules[0].startswith("/*\n") and "Cache-Control" not in rules[0]
    # Folders holding only fingerprinted files are one rule each (Cloudflare reads at most 100).
    assert [r.split("\n")[0] for r in rules[1:]] == [
        "/assets/a.12345678.min.js", "/pagefind/fragment/*", "/pagefind/index/*", "/pagefind/pagefind.en_4444444444.pf_meta"]
    assert all(r.endswith(f"Cache-Control: {deploy.CACHE_FOREVER}\n") or r.endswith(deploy.CACHE_FOREVER) for r in rules[1:])


def small_site(tmp_path: Path, body: str, canonical: str = ADDRESS) -> Path:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(f'<html><head><link rel="canonical" href="{canonical}">'
                                     f'<script>go()</script></head><body>{"words " * 200}</body></html>')
    (site / "a" / "index.html").write_text(body)
    (site / "tiny.txt").write_text("x")
    return site


def test_prepare_writes_headers_robots_and_compressed_copies(tmp_path):
    site = small_site(tmp_path, "<p>plain</p>")
    ready = deploy.prepare(site)
    assert ready.warnings == []
    assert deploy.csp_hash("go()") in (site / "_headers").read_text()
    assert deploy.csp_hash("go()") in ready.nginx
    assert (site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {ADDRESS}sitemap.xml\n"
    home = (site / "index.html").read_bytes()
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == home
    assert brotli.decompress((site / "index.html.br").read_bytes()) == home
    assert not (site / "tiny.txt.gz").exists()  # a compressed copy that saves nothing is not kept


def test_prepare_stops_on_inline_styles_naming_every_page(tmp_path):
    site = small_site(tmp_path, '<p style="--rows: 3">x</p><div onclick="x()"></div>')
    with pytest.raises(deploy.PublishError) as e:
        deploy.prepare(site)
    message = str(e.value)
    assert message.count("a/index.html:") == 2 and 'style="--rows: 3"' in message and "onclick" in message
    assert not (site / "_headers").exists()


def test_a_problem_shared_by_many_pages_is_one_line_naming_the_first_pages(tmp_path):
    site = small_site(tmp_path, "<p>x</p>")
    for n in range(5):
        (site / f"p{n}.html").write_text('<p style="color: red">from a shared snippet</p>' * 2)
    found = deploy.scan(site)
    assert found.report() == ["p0.html, p1.html, p2.html and 2 more pages: <p> has an inline style attribute "
                              "style=\"color: red\", which style-src 'self' blocks (give the element a class "
                              "and put the rule in overrides/assets/guide.css)"]


def test_prepare_warns_about_the_placeholder_address(tmp_path):
    ready = deploy.prepare(small_site(tmp_path, "<p>x</p>", canonical="https://closer-again.example.org/"), compress=False)
    assert len(ready.warnings) == 1 and "SITE_URL=https://" in ready.warnings[0]
    assert not (tmp_path / "site" / "index.html.gz").exists()


def test_prepare_warns_about_an_address_without_https(tmp_path):
    ready = deploy.prepare(small_site(tmp_path, "<p>x</p>", canonical="http://www.closer-again.org/"), compress=False)
    assert len(ready.warnings) == 1 and "without https" in ready.warnings[0] and "SITE_URL=https://" in ready.warnings[0]


# ---- the build command ------------------------------------------------------------------------------

def guide_build(site: Path, *args: str, cwd: Path = ROOT, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guide", "build", "--site", str(site), *args], cwd=cwd,
                          env={**env(), **extra_env}, capture_output=True, text=True)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """`SITE_URL=... make build` into a temporary folder: the site and the nginx snippet beside it."""
    site = tmp_path_factory.mktemp("publish") / "site"
    done = guide_build(site, SITE_URL=ADDRESS)
    assert done.returncode == 0, done.stdout + done.stderr
    return site, done


def test_build_uses_the_address_given_at_build_time(published):
    site, done = published
    assert "WARNING" not in done.stderr, done.stderr
    assert (site / "robots.txt").read_text().endswith(f"Sitemap: {ADDRESS}sitemap.xml\n")
    assert f"<loc>{ADDRESS}consent/</loc>" in (site / "sitemap.xml").read_text()
    assert f'<link rel="canonical" href="{ADDRESS}consent/agreed-signals/">' in (site / "consent/agreed-signals/index.html").read_text()
    assert (site.parent / "deploy" / "nginx-guide.conf").read_text().startswith("# Closer Again")


def test_every_text_file_has_its_compressed_copies(published):
    site, _ = published
    for page in ["index.html", "consent/agreed-signals/index.html", "sitemap.xml", "pagefind/pagefind.js"]:
        assert (site / (page + ".gz")).exists() and (site / (page + ".br")).exists(), page


def test_build_with_the_placeholder_address_warns_and_still_builds(tmp_path):
    config = copy_project(tmp_path)
    done = guide_build(tmp_path / "site", "-f", str(config), PRECOMPRESS="0")
    assert done.returncode == 0, done.stderr
    assert "WARNING -  site_url is 'https://closer-again.example.org/', a placeholder" in done.stderr
    assert "SITE_URL=https://your.address/ make build" in done.stderr
    assert not (tmp_path / "site" / "index.html.gz").exists()  # PRECOMPRESS=0


def test_an_inline_style_stops_the_build_naming_the_page_and_keeps_the_last_site(tmp_path):
    article = ROOT / "content" / "consent" / "agreed-signals.md"
    styled = article.read_text() + '\n\nA highlighted reminder.\n{ style="color: red" }\n'
    config = copy_project(tmp_path, {"content/consent/agreed-signals.md": styled})
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site")
    done = guide_build(site, "-f", str(config), SITE_URL=ADDRESS)
    assert done.returncode != 0
    # One line for the problem, naming the article (and the booklets that include it).
    line = next(line for line in done.stderr.splitlines() if 'style="color: red"' in line)
    assert "consent/agreed-signals/index.html" in line and '<p> has an inline style attribute' in line, done.stderr
    assert "Build failed: " in done.stderr and "Traceback" not in done.stderr
    assert (site / "index.html").read_text() == "the last good site"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("site.")] == []


def test_github_pages_workflow_builds_with_make_and_uploads_site():
    import yaml

    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    steps = flow["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("run") == "make build")
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


# ---- nginx, the project's snippet, and Chromium -------------------------------------------------------

@pytest.fixture(scope="module")
def nginx(published):
    site, _ = published
    with serve_nginx.serve(site, site.parent / "deploy" / "nginx-guide.conf") as url:
        yield url


def fetch(url: str, encoding: str = "identity"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": encoding}), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.mark.parametrize("kind", PAGES)
def test_pages_come_with_the_security_headers_and_revalidate(nginx, published, kind):
    status, headers, _ = fetch(nginx + PAGES[kind])
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    for directive in ["default-src 'self'", "style-src 'self';", "img-src 'self' data:", "connect-src 'self'",
                      "frame-ancestors 'none'", "object-src 'none'", "'wasm-unsafe-eval'"]:
        assert directive in csp
    assert len(re.findall(r"'sha256-[A-Za-z0-9+/]{43}='", csp)) >= 3  # Material's inline scripts
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]:
        assert f"{feature}=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-cache"


def test_fingerprinted_assets_are_cached_for_a_year_and_others_revalidate(nginx, published):
    site, _ = published
    bundle = next(site.glob("assets/javascripts/bundle.*.min.js")).relative_to(site).as_posix()
    status, headers, _ = fetch(nginx + bundle)
    assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "nosniff" == headers["X-Content-Type-Options"] and "Content-Security-Policy" in headers
    assert fetch(nginx + "assets/guide.css")[1]["Cache-Control"] == "no-cache"
    # Pagefind's chunks are named by their content; the entry file that names them is revalidated.
    chunk = next(site.glob("pagefind/fragment/*.pf_fragment")).relative_to(site).as_posix()
    assert fetch(nginx + chunk)[1]["Cache-Control"] == "public, max-age=31536000, immutable"
    assert fetch(nginx + "pagefind/pagefind-entry.json")[1]["Cache-Control"] == "no-cache"
    assert f"/pagefind/fragment/*\n  Cache-Control: {deploy.CACHE_FOREVER}" in (site / "_headers").read_text()


@pytest.mark.parametrize("encoding, suffix", [("br", ".br"), ("gzip", ".gz"), ("gzip, deflate, br, zstd", ".br")])
def test_responses_are_the_precompressed_copies(nginx, published, encoding, suffix):
    site, _ = published
    for rel, file in [("consent/agreed-signals/", "consent/agreed-signals/index.html"), ("pagefind/pagefind.js", None)]:
        status, headers, body = fetch(nginx + rel, encoding)
        assert status == 200
        assert headers["Content-Encoding"] == suffix.strip(".").replace("gz", "gzip")
        assert "Accept-Encoding" in headers["Vary"]
        assert body == (site / ((file or rel) + suffix)).read_bytes()


def test_headers_file_is_not_served(nginx):
    assert fetch(nginx + "_headers")[0] == 404


CSP_WATCH = """
document.addEventListener('securitypolicyviolation', e => window.__cspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`), true);
"""


class Watched:
    """A page that records every CSP violation event and every console warning or error, across loads."""

    def __init__(self, browser, url, **context_args):
        self.context = browser.new_context(**context_args)
        self.page = self.context.new_page()
        self.url = url
        self.violations: list[str] = []
        self.console: list[str] = []
        self.page.expose_function("__cspViolation", lambda v: self.violations.append(v))
        self.page.add_init_script(CSP_WATCH)
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.console.append(m.text))
        self.page.on("pageerror", lambda e: self.console.append(str(e)))

    def open(self, path: str):
        response = self.page.goto(self.url + path, wait_until="networkidle")
        return response

    def problems(self) -> list[str]:
        return self.violations + self.console


@pytest.fixture
def watched(browser, nginx):
    pages = []

    def make(**context_args) -> Watched:
        pages.append(Watched(browser, nginx, **context_args))
        return pages[-1]

    yield make
    for w in pages:
        w.context.close()



@pytest.mark.browser
def test_the_watch_sees_a_violation(watched):
    # The listener itself works: a script the policy does not allow is reported.
    w = watched()
    w.open("")
    w.page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.append(s); }")
    w.page.wait_for_timeout(200)
    assert any("script-src" in v for v in w.violations), w.violations


@pytest.mark.browser
@pytest.mark.parametrize("kind", PAGES)
def test_pages_run_under_the_policy_with_no_violation(watched, kind):
    w = watched()
    response = w.open(PAGES[kind])
    assert response.status == 200 and response.headers["content-encoding"] in ("br", "gzip")
    w.page.locator("article h1").first.wait_for()
    # Material's inline scripts ran: they define __md_get and read the palette.
    assert w.page.evaluate("typeof __md_get") == "function"
    assert w.problems() == []


@pytest.mark.browser
def test_instant_navigation_search_and_the_palette_toggle_work_with_no_violation(watched):
    w = watched()
    page = w.page
    w.open(PAGES["section"])
    page.evaluate("window.__stayed = true")
    page.locator("a.guide-card__link").first.click()
    page.wait_for_url(re.compile(r"/consent/[^/]+/$"))
    page.locator("article h1").first.wait_for()
    if urlparse(w.url).port is None:  # Material keeps the host but drops the port (see serve_nginx.py)
        assert page.evaluate("window.__stayed") is True, "the click was a full page load, not instant navigation"
    # Search, typed as a reader would (the browser tests' own helper): Pagefind's WebAssembly runs.
    assert len(search(page, "tired")) >= 3
    page.get_by_role("button", name="Close").click()
    # Palette: the toggle switches to dark, and the inline script restores the choice on the next load.
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    w.open(PAGES["home"])
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert w.problems() == []


@pytest.mark.browser
def test_worksheet_answers_save_and_print_with_no_violation(watched):
    w = watched()
    page = w.page
    w.open(PAGES["worksheet"])
    page.get_by_label("Something that went well").fill("We laughed at dinner")
    page.reload(wait_until="networkidle")
    assert page.get_by_label("Something that went well").input_value() == "We laughed at dinner"
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert "We laughed at dinner" in pdf.pages[0].extract_text()
    # Answers moved off the page: a file download (a blob: address) and the plain-text copy.
    with page.expect_download() as saved:
        page.get_by_role("button", name="Save to a file").click()
    assert "We laughed at dinner" in Path(saved.value.path()).read_text()
    page.get_by_role("button", name="Copy as text").click()
    page.wait_for_timeout(300)
    assert w.problems() == []


@pytest.mark.browser
def test_unknown_address_deep_in_the_tree_gets_the_styled_404_page(watched):
    w = watched()
    page = w.page
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    response = w.open("no/such/page/here/")
    assert response.status == 404
    assert failed == [w.url + "no/such/page/here/"]  # every stylesheet and script of the 404 page loaded
    w.console.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")
    assert page.locator("article h1").inner_text() == "Page not found" and page.title().startswith("Page not found")
    # A way on: home, every section, help, and search, which works from here too.
    links = page.locator("article a").evaluate_all("els => els.map(e => e.pathname)")
    assert {"/", "/consent/", "/conditions/", "/about/getting-help/"} <= set(links), links
    page.get_by_role("button", name="Search the guide").click()
    assert page.locator("#guide-search").evaluate("d => d.open")
    # Styled: Material's stylesheet loaded from the absolute address and laid out the header.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    assert page.evaluate("typeof __md_get") == "function"
    assert w.problems() == []
