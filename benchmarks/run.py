"""Build benchmarks: what our hooks cost, how builds grow with the article count, how fast a preview
shows an edit. `make bench` runs this; BENCHMARKS.md records the numbers.

    python benchmarks/run.py                            # the real guide, 1,000 and 5,000 articles (~25 min)
    python benchmarks/run.py --sizes guide,100 --no-serve   # a quick run

For each size (`guide` is the real content; a number is a synthetic site from generate.py) every
build is `python -m mkdocs build --strict -q` in its own subprocess under /usr/bin/time (wall time,
CPU time, peak memory), with these configs taking turns:
  on           the project's config (our hooks on, the Pagefind search index included)
  off          the same with `hooks: []`: no search index, no booklets
  on-nosearch  hooks on except hooks/search.py: what our hooks cost apart from the search index
  off-lunr     hooks off with Material's own search plugin, the search the guide had before Pagefind
  stock        hooks off, every article in the sidebar (up to STOCK_MAX articles; reference only)
The machine is shared, so each configuration is built --repeats times (median reported), except at
5,000 articles and more, which are built --large-repeats times (twice). CPU time (user + sys) is reported beside wall time:
other people's work on the machine stretches wall time much more than it stretches CPU time. The
load average is recorded before and after each size. Then the hooks' own steps are timed in this
process, and `make serve` is timed from an edit to the moment it shows on every page it changes.
Writes benchmarks/results.json and benchmarks/build-time.png.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"  # generated sites and logs (git-ignored)
sys.path[:0] = [str(HERE), str(ROOT / "hooks")]  # generate.py, and the hooks' own logic (guide)

import generate  # noqa: E402
from guide import context as guide_context, dates as guide_dates, related_view  # noqa: E402
from guide import settings as guide_settings, site as guide_site, state as guide_state, worksheet_form  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}
STOCK_MAX = 100  # stock nav is quadratic: 67 s at 1,000 articles, ~20 minutes at 5,000
ONCE_FROM = 5000  # sizes this large are built --large-repeats times per config (a minute a build)
CONFIGS = ("on", "off", "on-nosearch", "off-lunr", "stock")
# Overheads, each judged on paired rounds (`paired`): (measured, baseline, what the pair says).
PAIRS = (("on", "off", "against hooks off with no search"),
         ("on", "off-lunr", "against hooks off with Material's search"),
         ("on-nosearch", "off", "our hooks without the search index, against hooks off"))


def code_fingerprint() -> str:
    """A hash of what a build runs (hooks, theme overrides, config): the tree is shared and may change
    while the benchmark runs, and numbers from two code states must not be mixed."""
    h = hashlib.sha256()
    for path in sorted([*ROOT.glob("hooks/**/*.py"), *ROOT.glob("overrides/**/*"), ROOT / "mkdocs.yml", ROOT / "tags.yml"]):
        if path.is_file():
            h.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return h.hexdigest()[:12]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    return {"nproc": run("nproc"), "lscpu": run("lscpu").splitlines()[:12], "memory": run("free", "-h").splitlines()[:2],
            "python": platform.python_version(), "platform": platform.platform()}


# --- full builds -------------------------------------------------------------------------------


def build(config: Path, site_dir: Path) -> dict:
    """One strict build in a subprocess: wall and CPU time, peak memory, search index size."""
    shutil.rmtree(site_dir, ignore_errors=True)
    log_path = site_dir.with_name(site_dir.name + ".log")
    timing = site_dir.with_name(site_dir.name + ".time")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)]
    # /usr/bin/time, not getrusage here: Linux counts a child's pre-exec copy of this process in the
    # child's own peak memory, which would overstate it.
    with open(log_path, "w") as log:
        done = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(timing), *cmd],
                              stdout=log, stderr=subprocess.STDOUT, env=ENV, cwd=ROOT)
    output = log_path.read_text()
    if done.returncode:
        sys.exit(f"build failed: {' '.join(cmd)}\n{output[-3000:]}")
    wall, user, system, kib = timing.read_text().split()[-4:]
    pagefind, lunr = site_dir / "pagefind", site_dir / "search" / "search_index.json"  # Pagefind's bundle, or Material's index
    result = {
        "wall_s": float(wall), "cpu_s": round(float(user) + float(system), 2),
        "peak_mb": round(int(kib) / 1024, 1),  # GNU time reports KiB
        "warnings": sum(line.startswith(("WARNING", "ERROR")) for line in output.splitlines()),
        "search_index_mb": round(sum(f.stat().st_size for f in pagefind.rglob("*") if f.is_file()) / 1e6, 2) if pagefind.exists()
        else round(lunr.stat().st_size / 1e6, 2) if lunr.exists() else None,
    }
    shutil.rmtree(site_dir)  # a 5,000-article site is hundreds of MB; the numbers are what we keep
    return result


def builds(configs: dict[str, Path], site_dir: Path, repeats: int) -> dict[str, dict]:
    """Every config `repeats` times, taking turns (on, off, ..., on, off, ...) so that a busy spell
    on the machine hits them alike; the median of each measure."""
    runs: dict[str, list[dict]] = {name: [] for name in configs}
    for _ in range(repeats):
        for name, config in configs.items():
            runs[name].append(build(config, site_dir / f"built-{name}"))
    out: dict = {}
    for name, rs in runs.items():
        out[name] = {key: statistics.median(r[key] for r in rs) for key in ("wall_s", "cpu_s", "peak_mb")}
        out[name].update(runs=rs, warnings=max(r["warnings"] for r in rs), search_index_mb=rs[0]["search_index_mb"])
    # The machine's speed drifts over minutes, by more than the differences measured here: builds of
    # one round ran back to back, so the median of each round's difference is steadier than the
    # difference of two medians.
    out["paired"] = {f"{a}-{b}": paired(runs[a], runs[b]) for a, b, _ in PAIRS if a in runs and b in runs}
    return out


def paired(ons: list[dict], offs: list[dict]) -> dict:
    """Median over rounds of (on - off) in seconds and of on / off - 1, wall and CPU."""
    out = {}
    for key in ("wall_s", "cpu_s"):
        out[key] = round(statistics.median(a[key] - b[key] for a, b in zip(ons, offs)), 2)
        out[key.replace("_s", "_ratio")] = round(statistics.median(a[key] / b[key] - 1 for a, b in zip(ons, offs)), 3)
    return out


def cold_build(config: Path, site_dir: Path) -> dict:
    """A build right after Jinja's compiled-template cache is emptied: the first build after a
    template changes (our hooks keep Material's compiled templates between builds)."""
    import jinja2

    jinja2.FileSystemBytecodeCache().clear()
    return build(config, site_dir)


# --- single steps, in this process -------------------------------------------------------------


def timed(fn, repeats: int = 3) -> tuple[dict, object]:
    """Best of `repeats`: wall and CPU seconds."""
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best_wall, best_cpu = min(best_wall, time.perf_counter() - wall), min(best_cpu, time.process_time() - cpu)
    return {"wall_s": round(best_wall, 3), "cpu_s": round(best_cpu, 3)}, result


def steps(config: Path, repeats: int) -> dict:
    """The hooks' own steps, called directly (no MkDocs build): what validate.py's on_files, the
    related lists and layout.py's on_page_context do."""
    import logging

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mk = load_config(str(config))
    settings = guide_settings.read(mk.extra, mk.config_file_path)
    sources = [guide_site.Source(f.src_uri, f.content_bytes, f.url) for f in get_files(mk).documentation_pages()]
    tags_path = Path(mk.config_file_path).parent / settings.tags_file
    order = guide_site.section_order(mk.nav or [])

    t_read, (site, problems) = timed(lambda: guide_site.read(sources, tags_path, "content/", "tags.yml", False, order), repeats)
    assert not problems, problems[:3]
    t_rank, ranking = timed(lambda: related_view.compute(site, settings.related), max(5, repeats))  # a second a try at most

    def contexts():
        # A fresh state, its related lists already ranked: this times the per-page work alone.
        state = guide_state.State(settings=settings, serving=False, today=guide_dates.today(), site=site)
        state.__dict__["related"] = ranking
        return [guide_context.page_context(state, uri, "https://example.org/" + p.url) for uri, p in site.pages.items()]

    t_contexts, _ = timed(contexts, repeats)
    sheets = site.of_kind("worksheet")
    t_forms, _ = timed(lambda: [worksheet_form.render(w.slug, w.meta.worksheet, w.meta.title) for w in sheets], repeats)
    return {"read": t_read, "related": t_rank, "page_contexts": t_contexts, "worksheet_forms": t_forms,
            "pages": len(site.pages), "articles": len(site.of_kind("article"))}


# --- make serve ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until(check, timeout: float, what: str, proc: subprocess.Popen) -> float:
    """Poll check() every 0.1 s; seconds until it held. Fails after `timeout`, or at once when the
    server has exited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what}: mkdocs serve exited with {proc.returncode} (see {OUT}/serve*.log)")
        if check():
            return time.perf_counter() - start
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not done after {timeout:.0f} s")


def serve_edits(config: Path, dirty: bool, edits: int) -> dict:
    """`mkdocs serve` (with --dirty as `make serve` runs it, or without): edit one article's title and
    time until the new title shows on the article, its section page's card, a related list that pins
    it, its worksheet's read-more box and the topics page."""
    docs = Path(yaml.safe_load(config.read_text())["docs_dir"])
    target = next(p for p in sorted((docs / "pacing").glob("*.md")) if re.search(r"^worksheets:", p.read_text(), re.M))
    original = target.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", original, re.M).group(1)
    sheet = re.search(r"^worksheets:\n- (\S+)", original, re.M).group(1)
    # A copy of the article beside it (so that its relative links still resolve), pinning it.
    pinner = target.parent / "pins-for-the-benchmark.md"
    pinned = re.sub(r"^worksheets:\n- \S+\n", "", original, flags=re.M).replace(f"title: {title}", "title: Pins for the benchmark", 1)
    pinner.write_text(pinned.replace("---\n", f"---\nrelated: [{target.relative_to(docs).as_posix()}]\n", 1), encoding="utf-8")
    page = lambda p: p.relative_to(docs).with_suffix("").as_posix() + "/"  # noqa: E731
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    shows = {"article": base + page(target), "section card": base + "pacing/", "related list": base + page(pinner),
             "worksheet read-more": base + f"worksheets/{sheet}/", "topics page": base + "tags/"}
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(config), "-a", f"127.0.0.1:{port}"]
    cmd += ["--dirty"] if dirty else []
    log = open(OUT / f"serve{'-dirty' if dirty else ''}.log", "w")
    # serve builds into a mkdtemp() folder; keep it under out/ so nothing is left in /tmp if it is killed.
    tmp = OUT / "serve-tmp"
    tmp.mkdir(exist_ok=True)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**ENV, "TMPDIR": str(tmp)}, cwd=ROOT)
    try:
        startup = wait_until(lambda: title in (fetch(shows["related list"]) or "") and fetch(base + "pagefind/pagefind-entry.json"),
                             900, "mkdocs serve start, with its search index", proc)
        times, loads = [], []
        for i in range(edits):
            new = f"Benchmarkedit{i} {title}"
            time.sleep(2.0)  # let the watcher settle, so each edit is one change
            loads.append(load())
            index_before = fetch(base + "pagefind/pagefind-entry.json")
            target.write_text(original.replace(f"title: {title}", f"title: {new}", 1), encoding="utf-8")
            start, seen = time.perf_counter(), {}

            def everywhere() -> bool:
                for what, url in shows.items():
                    if what not in seen and new in (fetch(url) or ""):
                        seen[what] = time.perf_counter() - start
                # `serve` indexes on a thread of its own after the rebuild: timed apart, until the
                # index Pagefind writes last (its entry file, which names the new index) has changed.
                if "search index" not in seen and fetch(base + "pagefind/pagefind-entry.json") not in (None, index_before):
                    seen["search index"] = time.perf_counter() - start
                return len(seen) == len(shows) + 1

            wait_until(everywhere, 900, "the edit on every page", proc)
            times.append({k: round(v, 2) for k, v in seen.items()})
    finally:
        proc.send_signal(signal.SIGINT)  # like Ctrl-C: serve removes its temporary site folder
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        # Restored only now, with the server stopped: restoring earlier starts a rebuild.
        target.write_text(original, encoding="utf-8")
        pinner.unlink()
        shutil.rmtree(tmp, ignore_errors=True)
    everywhere = [max(v for k, v in t.items() if k != "search index") for t in times]
    search = [t["search index"] for t in times]
    return {"dirty": dirty, "startup_s": round(startup, 2), "edits": times, "everywhere_s": everywhere,
            "median_s": round(statistics.median(everywhere), 2), "search_s": search,
            "search_median_s": round(statistics.median(search), 2), "load": loads}


# --- report ------------------------------------------------------------------------------------


def targets(sizes: dict, serve: dict | None) -> list[dict]:
    """Overheads are judged on paired rounds (`PAIRS`), against two baselines: hooks off without
    any search, and hooks off with Material's search plugin, the build the issue measured."""
    out = []

    def add(name, value, ok):
        out.append({"target": name, "value": value, "met": bool(ok)})

    for n, r in sizes.items():
        for a, b, label in PAIRS:
            d = r.get("paired", {}).get(f"{a}-{b}")
            if d is None:
                continue
            if n == "guide":
                add(f"hook overhead <= 0.3 s on the real guide, {label}",
                    f"{d['wall_s']:+.2f} s wall, {d['cpu_s']:+.2f} s CPU (median of {len(r['on']['runs'])} paired rounds)", d["wall_s"] <= 0.3)
            elif n >= 1000:
                add(f"hook overhead <= 10% at {n:,} articles, {label}",
                    f"{d['wall_ratio']:+.1%} wall, {d['cpu_ratio']:+.1%} CPU (median of {len(r['on']['runs'])} paired rounds)",
                    d["wall_ratio"] <= 0.10)
    if 5000 in sizes:
        r = sizes[5000]
        add("5,000 articles build in under 45 s (hooks on)", f"{r['on']['wall_s']:.1f} s wall ({r['on']['cpu_s']:.1f} s CPU)", r["on"]["wall_s"] < 45)
        for base, label in (("off", "no search"), ("off-lunr", "Material's search")):
            if base in r:
                ratio = r["on"]["peak_mb"] / r[base]["peak_mb"]
                add(f"peak memory at 5,000 within 1.3x of hooks off with {label}",
                    f"{r['on']['peak_mb']:.0f} / {r[base]['peak_mb']:.0f} MB = {ratio:.2f}x (the largest process of the build)", ratio <= 1.3)
        related = r["steps"]["related"]
        add("related step under 1 s at 5,000", f"{related['wall_s']:.2f} s wall, {related['cpu_s']:.2f} s CPU", related["wall_s"] < 1)
        if 1000 in sizes:
            growth = related["cpu_s"] / sizes[1000]["steps"]["related"]["cpu_s"]
            add("related step linear (5x the articles, at most ~5x the time)", f"{growth:.1f}x", growth <= 6)
    if serve:
        add(f"make serve shows an edit everywhere within 5 s at {serve['articles']:,} articles",
            f"{serve['dirty']['median_s']} s (median of {serve['dirty']['everywhere_s']})", serve["dirty"]["median_s"] <= 5)
        add(f"... and in its search index within 5 s at {serve['articles']:,} articles",
            f"{serve['dirty']['search_median_s']} s (median of {serve['dirty']['search_s']})", serve["dirty"]["search_median_s"] <= 5)
    return out


def table(sizes: dict) -> str:
    head = ["size", "config", "wall s", "CPU s", "peak MB", "runs (wall s)", "search idx MB"]
    rows = []
    for n, r in sizes.items():
        for name in CONFIGS + ("on-cold",):
            if name in r:
                c = r[name]
                runs = ", ".join(f"{x['wall_s']:.1f}" for x in c.get("runs", [c]))
                rows.append([f"{n:,}" if n != "guide" else "guide", name, f"{c['wall_s']:.1f}", f"{c['cpu_s']:.1f}", f"{c['peak_mb']:.0f}",
                             runs, f"{c['search_index_mb'] or '-'}"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def plot(sizes: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")  # no display here
    import matplotlib.pyplot as plt

    ns = [n for n in sizes if n != "guide"]
    if len(ns) < 2:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, style in (("on", "o-"), ("off", "s--"), ("on-nosearch", "o:"), ("off-lunr", "s:")):
        ax.plot(ns, [sizes[n][name]["wall_s"] for n in ns], style, label=f"{name} (median wall time)")
    ax.axhline(45, color="grey", lw=0.8)
    ax.set_xlabel("articles")
    ax.set_ylabel("full build, wall time (s)")
    ax.set_title("mkdocs build --strict: build time vs article count")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="guide,1000,5000", help="`guide` and/or article counts, comma-separated")
    ap.add_argument("--repeats", type=int, default=3, help=f"builds per config below {ONCE_FROM:,} articles (median kept)")
    ap.add_argument("--large-repeats", type=int, default=2, help=f"builds per config from {ONCE_FROM:,} articles (a minute each)")
    ap.add_argument("--guide-repeats", type=int, default=11, help="builds per config of the real guide (2 s each; its noise is as large as its target)")
    ap.add_argument("--no-serve", action="store_true", help="skip the `make serve` timing")
    args = ap.parse_args()
    wanted = [s if s == "guide" else int(s) for s in args.sizes.split(",")]
    OUT.mkdir(exist_ok=True)
    code_before, started = code_fingerprint(), dt.datetime.now().isoformat(timespec="seconds")

    sizes: dict = {}
    for n in sorted(wanted, key=lambda s: -1 if s == "guide" else s):
        print(f"== {n if n == 'guide' else f'{n:,} articles'}: generating configs", flush=True)
        dest = OUT / f"site-{n}"
        if n == "guide":
            dest.mkdir(parents=True, exist_ok=True)
            configs = generate.write_configs(dest, ROOT / "content")
        else:
            configs = generate.generate(n, dest)
        use = {k: v for k, v in configs.items() if k != "stock" or (n != "guide" and n <= STOCK_MAX)}
        repeats = args.guide_repeats if n == "guide" else args.large_repeats if n >= ONCE_FROM else args.repeats
        r: dict = {"load_before": load()}
        r.update(builds(use, dest, repeats))
        if n == "guide" or n < ONCE_FROM:
            r["on-cold"] = cold_build(configs["on"], dest / "built-cold")
        r["load_after"] = load()
        for name in [*use, *(["on-cold"] if "on-cold" in r else [])]:
            c = r[name]
            print(f"   {name:12}: {c['wall_s']:.1f} s wall, {c['cpu_s']:.1f} s CPU, peak {c['peak_mb']:.0f} MB, "
                  f"warnings {c['warnings']}" + (f" (runs: {[x['wall_s'] for x in c['runs']]})" if "runs" in c else ""), flush=True)
        r["steps"] = steps(configs["on"], max(3, repeats))  # in-process and short: best of 3 at every size
        print(f"   steps: {json.dumps(r['steps'])}; load {r['load_before']} -> {r['load_after']}", flush=True)
        sizes[n] = r

    serve = None
    if not args.no_serve:
        n = 1000 if 1000 in sizes else next((s for s in sizes if s != "guide"), "guide")
        print(f"== make serve on {n:,} articles: edit one article's title, time until it shows everywhere" if n != "guide"
              else "== make serve on the guide", flush=True)
        config = OUT / f"site-{n}" / "mkdocs.yml"
        serve = {"articles": n if n != "guide" else sizes["guide"]["steps"]["articles"],
                 "dirty": serve_edits(config, dirty=True, edits=3), "full": serve_edits(config, dirty=False, edits=1)}
        for mode, label in (("dirty", "make serve (--dirty)"), ("full", "mkdocs serve (full rebuild)")):
            s = serve[mode]
            print(f"   {label}: edit on every page after {s['everywhere_s']} s, in the search index after {s['search_s']} s"
                  f" (startup {s['startup_s']} s, load {s['load']})", flush=True)

    code_after = code_fingerprint()
    results = {
        "date": started, "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "code": {"before": code_before, "after": code_after}, "machine": machine(),
        "versions": {p: version(p) for p in ("mkdocs", "mkdocs-material", "numpy", "Jinja2", "Markdown")},
        "sizes": {str(n): r for n, r in sizes.items()}, "serve": serve, "targets": targets(sizes, serve),
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    plot(sizes, HERE / "build-time.png")

    print()
    print(table(sizes))
    for n, r in sizes.items():
        s = r["steps"]
        print(f"steps at {n}: read {s['read']['cpu_s']:.2f} s, related {s['related']['cpu_s']:.2f} s (best of 5), "
              f"page contexts {s['page_contexts']['cpu_s']:.2f} s (CPU, best of 3)")
    for t in results["targets"]:
        print(f"[{'met   ' if t['met'] else 'MISSED'}] {t['target']}: {t['value']}")
    print(f"code fingerprint (hooks/, overrides/, mkdocs.yml, tags.yml): {code_before}")
    if code_after != code_before:
        print(f"WARNING: the code changed during the run ({code_before} -> {code_after}): numbers mix two versions, run again")
    print(f"wrote {HERE / 'results.json'} and {HERE / 'build-time.png'}")


if __name__ == "__main__":
    main()
