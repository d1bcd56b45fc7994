"""Search benchmarks: what a reader downloads and waits for, and what search costs the build.

    python benchmarks/search.py                          # the real guide, 1,000 and 5,000 articles
    python benchmarks/search.py --sizes guide,1000       # quicker
    python benchmarks/search.py --sizes none --build 1000   # build time only (see below)

Reader side, per site: the site is built with the project's config, served from 127.0.0.1 with
gzip on text files (as static hosts do; Pagefind's index files are compressed already and are sent
as they are), and opened in headless Chromium (the system `chromium`):
  first view  an article opened in a fresh browser: bytes on the wire (headers + bodies, workers'
              requests included), requests, and how many of them belong to search (must be 0)
  search      the reader clicks Search and types a query like a person (90 ms a key): bytes fetched
              for that search and the time from the last keystroke to the results on screen. Each
              query is measured as a reader's first search (a fresh browser: Pagefind's script and
              WebAssembly included), and one as a further search in the same browser.
Build side (--build N): the N-article site built with Pagefind (the project), with Material's
`search` plugin instead (what we had), and with neither; best of --repeats, configs taking turns.

Writes benchmarks/out/search-results.json. Every number is wall time or bytes on a shared machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT / "tests"))
from sitebuild import GzipHandler  # noqa: E402  (the tests' static server, gzip like a host)

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-quic"]
# A question and a short query for the real guide; the generated sites use their own topic words.
QUERIES = {
    "guide": ["how do I tell my partner I am too tired for sex", "it hurts during sex", "lube", "talking to the doctor about sex is embarrassing"],
    "generated": ["how do we agree a codeword when talking is hard", "pillow", "fear of rejection", "tired after chemotherapy",
                  "what can I say when my partner is sad", "breathing exercises to calm down"],
}


def build(config: Path, site_dir: Path) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system, Pagefind's process included): on a shared
    machine wall time mostly measures the neighbours, CPU time what the build itself does."""
    shutil.rmtree(site_dir, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)],
                          cwd=ROOT, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"build failed: {config}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def site_config(size: str) -> tuple[Path, int]:
    """The config to build for a size ("guide" = the real content), and its article count."""
    if size == "guide":  # built from the project's own files, so edits to them are measured
        config = OUT / "search-guide" / "mkdocs.yml"
        data = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
        data["docs_dir"] = str(ROOT / "content")
        data["theme"]["custom_dir"] = str(ROOT / data["theme"]["custom_dir"])
        data["hooks"] = [str(ROOT / h) for h in data["hooks"]]
        for key in ("tags_file", "urgent_help"):  # files the settings name, relative to the project
            if key in data["extra"]["guide"]:
                data["extra"]["guide"][key] = str(ROOT / data["extra"]["guide"][key])
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(yaml.safe_dump(data, sort_keys=False))
        articles = sum(1 for p in (ROOT / "content").glob("*/*.md") if p.name != "index.md" and p.parts[-2] not in ("worksheets", "about"))
        return config, articles
    dest = OUT / f"search-{size}"
    subprocess.run([sys.executable, str(HERE / "generate.py"), size, str(dest)], check=True, env=ENV, stdout=subprocess.DEVNULL)
    return dest / "mkdocs.yml", int(size)


def reader(site: Path, queries: list[str], browser) -> dict:
    """First view of an article; then each query as a reader's first search (a fresh browser, the
    article open, the query typed): the worst case, Pagefind's script and WebAssembly included.
    Then the last query again after the first one in the same browser: what a further search costs."""
    # The first consent article (the section's booklet, a page of its own since issue 21, is not one).
    article = sorted(p.parent for p in (site / "consent").glob("*/index.html") if p.parent.name != "booklet")[0]
    article = article.relative_to(site).as_posix() + "/"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    result = {"article": article, "searches": []}
    try:
        for i, query in enumerate(queries):
            context = browser.new_context()
            finished = []
            context.on("requestfinished", lambda r: finished.append(r))
            try:
                page = context.new_page()
                page.goto(base + article, wait_until="networkidle")
                if i == 0:
                    result["first_view"] = measure(finished)
                    result["first_view"]["search_requests"] = sum("/pagefind/" in u for u in result["first_view"]["urls"])
                page.get_by_role("button", name="Search").click()
                result["searches"].append(type_and_measure(page, query, finished))
                if i == 0 and len(queries) > 1:
                    result["next_search"] = type_and_measure(page, queries[-1], finished)
            finally:
                context.close()
    finally:
        httpd.shutdown()
    return result


def type_and_measure(page, query: str, finished: list) -> dict:
    box = page.locator("#guide-search-input")
    box.fill("")
    page.wait_for_timeout(400)
    page.wait_for_load_state("networkidle")
    finished.clear()
    page.evaluate("""q => {
        const box = document.getElementById('guide-search-input');
        const status = document.getElementById('guide-search-status');
        window.__shown = 0;
        box.addEventListener('keydown', () => { window.__last = performance.now(); });
        new MutationObserver((_, obs) => {
            if (status.textContent.includes('\u201c' + q + '\u201d') && !document.querySelector('#guide-search [aria-busy]')) {
                window.__shown = performance.now(); obs.disconnect();
            }
        }).observe(document.getElementById('guide-search'), {subtree: true, childList: true, characterData: true, attributes: true});
    }""", query)
    box.type(query, delay=90)
    page.wait_for_function("window.__shown > 0", timeout=30_000)
    page.wait_for_load_state("networkidle")
    one = measure(finished)
    one.update(query=query, ms_after_last_key=round(page.evaluate("window.__shown - window.__last")),
               results=page.locator(".guide-search__result").count(),
               status=page.locator("#guide-search-status").inner_text())
    return one


def measure(finished) -> dict:
    total = 0
    for r in finished:
        sizes = r.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return {"bytes": total, "kb": round(total / 1024, 1), "requests": len(finished), "urls": [r.url for r in finished]}


def build_compare(n: int, repeats: int) -> dict:
    """The same N-article site built three ways, taking turns: Pagefind, Material's search plugin, neither."""
    config, _ = site_config(str(n))
    data = yaml.safe_load(config.read_text())
    hooks_without = [h for h in data["hooks"] if not h.endswith("/search.py")]
    variants = {
        "pagefind": config,
        "material search plugin": {**data, "hooks": hooks_without, "plugins": ["search", *data["plugins"]]},
        "no search": {**data, "hooks": hooks_without},
    }
    paths = {}
    for name, v in variants.items():
        if isinstance(v, Path):
            paths[name] = v
        else:
            paths[name] = config.with_name(f"mkdocs-{name.replace(' ', '-')}.yml")
            paths[name].write_text(yaml.safe_dump(v, sort_keys=False))
    times: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    sizes = {}
    for _ in range(repeats):
        for name, path in paths.items():
            site = OUT / f"built-compare-{n}"
            wall, used = build(path, site)
            times[name].append(round(wall, 2))
            cpu[name].append(round(used, 2))
            index = site / "search" / "search_index.json"
            bundle = site / "pagefind"
            sizes[name] = {
                "lunr_index_raw_kb": round(index.stat().st_size / 1024) if index.exists() else None,
                "lunr_index_gzip_kb": round(len(gzip.compress(index.read_bytes(), 6)) / 1024) if index.exists() else None,
                "pagefind_bundle_kb": round(sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()) / 1024) if bundle.exists() else None,
            }
            shutil.rmtree(site)
    return {name: {"best_s": min(t), "all_s": t, "best_cpu_s": min(cpu[name]), "all_cpu_s": cpu[name], **sizes[name]}
            for name, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="guide,1000,5000", help="comma-separated: guide (the real content) and/or article counts; 'none' to skip")
    ap.add_argument("--build", type=int, default=0, help="also compare build times at this many articles")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep built sites and reuse them (build time then shows 0)")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    results = {"date": dt.date.today().isoformat(), "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.platform()}",
               "python": platform.python_version(), "sites": {}, "build": None}
    sizes = [] if args.sizes == "none" else args.sizes.split(",")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
        for size in sizes:
            config, articles = site_config(size)
            site = OUT / f"built-search-{size}"
            seconds = 0.0 if args.keep and site.exists() else build(config, site)[0]
            pages = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())["languages"]["en"]["page_count"]
            r = reader(site, QUERIES["guide" if size == "guide" else "generated"], browser)
            r.update(articles=articles, indexed_pages=pages, build_s=round(seconds, 1))
            results["sites"][size] = r
            f = r["first_view"]
            print(f"{size:>6}: {articles} articles, {pages} pages indexed, built in {seconds:.1f} s; first view "
                  f"{f['kb']} KB / {f['requests']} requests ({f['search_requests']} for search)", flush=True)
            for x in r["searches"] + [r["next_search"]]:
                print(f"        search {x['query']!r}: {x['kb']} KB / {x['requests']} requests, {x['ms_after_last_key']} ms, {x['results']} shown", flush=True)
            if not args.keep:
                shutil.rmtree(site)  # a 5,000-article site is hundreds of MB
        browser.close()
    if args.build:
        results["build"] = {"articles": args.build, **build_compare(args.build, args.repeats)}
        for name, b in results["build"].items():
            if name != "articles":
                print(f"build {args.build}: {name}: wall best {b['best_s']} s {b['all_s']}, CPU best {b['best_cpu_s']} s {b['all_cpu_s']}", flush=True)
    out = OUT / "search-results.json"
    if out.exists():  # runs of other sizes stay: a 5,000-article run is done once
        before = json.loads(out.read_text())
        results["sites"] = {**before.get("sites", {}), **results["sites"]}
        results["build"] = results["build"] or before.get("build")
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
