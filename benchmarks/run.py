"""Build benchmarks: how build time grows with the number of articles, and what our hooks cost.

    python benchmarks/run.py                      # 100, 1,000 and 5,000 articles (~15 minutes)
    python benchmarks/run.py --sizes 100          # a quick run
    python benchmarks/run.py --sizes 100,1000 --no-serve

For each size a synthetic site is generated (benchmarks/generate.py) and built, each build in its own
`python -m mkdocs build --strict -q` subprocess, with:
  on     the project's config (our hooks on)
  off    the same config with `hooks: []`: the difference is what our hooks cost
  stock  hooks off and every article in the sidebar (no `nav:`): stock MkDocs, for reference only
Then the related and worksheet steps are timed alone, in this process, and `mkdocs serve` rebuild
time after an edit is measured on one site. Writes benchmarks/results.json and build-time.png.
Numbers are wall times on a shared machine: every build runs twice (--repeats), the configs taking
turns, and the best time is kept; up to 1,000 articles a third round runs when two builds of one
config disagree by more than 15%. A full run takes about 15 minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import socket
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
STOCK_MAX = 1000  # stock nav is quadratic: 5,000 articles would take ~20 minutes
NOISY = 0.15  # two timings further apart than this: the machine was busy, time once more


def code_fingerprint() -> str:
    """A hash of what a build runs (hooks, theme overrides, config): the tree is shared and may change
    while the benchmark runs, and numbers from two code states must not be mixed."""
    h = hashlib.sha256()
    for path in sorted([*ROOT.glob("hooks/**/*.py"), *ROOT.glob("overrides/**/*"), ROOT / "mkdocs.yml", ROOT / "tags.yml"]):
        if path.is_file():
            h.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return h.hexdigest()[:12]


# --- full builds -------------------------------------------------------------------------------


def build(config: Path, site_dir: Path) -> dict:
    """One strict build in a subprocess: wall time, peak memory, search index size."""
    shutil.rmtree(site_dir, ignore_errors=True)
    log_path = site_dir.with_name(site_dir.name + ".log")
    rss_path = site_dir.with_name(site_dir.name + ".rss")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)]
    # Peak memory through /usr/bin/time: Linux counts a child's pre-exec copy of this (large,
    # scikit-learn-importing) process in the child's own max RSS, so getrusage/wait4 here overstate it.
    timed = ["/usr/bin/time", "-f", "%M", "-o", str(rss_path), *cmd]
    with open(log_path, "w") as log:
        start = time.perf_counter()
        done = subprocess.run(timed, stdout=log, stderr=subprocess.STDOUT, env=ENV, cwd=ROOT)
        seconds = time.perf_counter() - start
    output = log_path.read_text()
    if done.returncode:
        sys.exit(f"build failed: {' '.join(cmd)}\n{output[-3000:]}")
    index = site_dir / "pagefind"  # the search bundle (absent when hooks are off)
    result = {
        "seconds": round(seconds, 3),
        "max_rss_mb": round(int(rss_path.read_text().split()[-1]) / 1024, 1),  # GNU time reports KiB
        "warnings": sum(line.startswith(("WARNING", "ERROR")) for line in output.splitlines()),
        "search_index_bytes": sum(f.stat().st_size for f in index.rglob("*") if f.is_file()),
    }
    shutil.rmtree(site_dir)  # a 5,000-article site is hundreds of MB; the numbers are what we keep
    return result


def best_builds(configs: dict[str, Path], site_dir: Path, repeats: int, retry: bool) -> dict[str, dict]:
    """Best of `repeats` builds per config. The configs take turns (on, off, stock, on, ...) so a
    busy spell on the shared machine hits them alike; one more round (if `retry`) when the
    timings of a config disagree by more than NOISY."""
    runs: dict[str, list[dict]] = {name: [] for name in configs}
    for _ in range(repeats):
        for name, config in configs.items():
            runs[name].append(build(config, site_dir / f"built-{name}"))
    noisy = any(max(t) > min(t) * (1 + NOISY) for t in ([r["seconds"] for r in rs] for rs in runs.values()))
    if retry and repeats > 1 and noisy:
        for name, config in configs.items():
            runs[name].append(build(config, site_dir / f"built-{name}"))
    return {name: {**min(rs, key=lambda r: r["seconds"]), "all_seconds": [r["seconds"] for r in rs]}
            for name, rs in runs.items()}


# --- single steps, in this process -------------------------------------------------------------


def best_time(fn, repeats: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def steps(config: Path) -> dict:
    """The hooks' own steps on the generated site, called directly (no MkDocs build): what
    validate.py's on_files, the related lists and layout.py's on_page_context do."""
    import logging

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    mk = load_config(str(config))
    settings = guide_settings.read(mk.extra, mk.config_file_path)
    sources = [guide_site.Source(f.src_uri, f.content_bytes, f.url) for f in get_files(mk).documentation_pages()]
    tags_path = Path(settings.tags_file)
    order = guide_site.section_order(mk.nav or [])

    t_read, (site, problems) = best_time(lambda: guide_site.read(sources, tags_path, "content/", "tags.yml", False, order), 2)
    assert not problems, problems[:3]
    t_rank, ranking = best_time(lambda: related_view.compute(site, settings.related), 2)

    def contexts():
        # A fresh state, its related lists already ranked: this times the per-page work alone.
        st = guide_state.State(settings=settings, serving=False, today=guide_dates.today(), site=site)
        st.__dict__["related"] = ranking
        return [guide_context.page_context(st, uri, "https://example.org/" + p.url) for uri, p in site.pages.items()]

    t_contexts, _ = best_time(contexts, 2)
    # Worksheet forms depend on the worksheets (the real ones), not on the article count: time
    # rendering every form, averaged over many rounds.
    sheets = site.of_kind("worksheet")
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        for w in sheets:
            worksheet_form.render(w.slug, w.meta.worksheet, w.meta.title)
    t_forms = (time.perf_counter() - start) / rounds

    sample = site.of_kind("article")[0]
    return {
        "validate_read_s": round(t_read, 3),
        "related_rank_s": round(t_rank, 3),
        "page_contexts_s": round(t_contexts, 3),
        "worksheet_forms_ms": round(t_forms * 1000, 2),
        "worksheet_count": len(sheets),
        "related_sample": {"page": sample.src_uri, "title": sample.meta.title,
                           "related": [(s.key, s.score, list(s.shared_tags)) for s in ranking.lists.get(sample.src_uri, [])]},
    }


# --- mkdocs serve ------------------------------------------------------------------------------


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
    """Poll check() every 0.1 s; seconds until it held. A bounded loop: fail after `timeout`, or
    at once when the server has exited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{what}: mkdocs serve exited with {proc.returncode} (see {OUT}/serve*.log)")
        if check():
            return time.perf_counter() - start
        time.sleep(0.1)
    raise TimeoutError(f"{what}: not done after {timeout:.0f} s")


def serve_rebuild(config: Path, dirty: bool, edits: int = 2) -> dict:
    """Start `mkdocs serve`, edit one article, time until the served page shows the edit."""
    cfg = yaml.safe_load(config.read_text())
    docs = Path(cfg["docs_dir"])
    article = sorted((docs / "pacing").glob("*.md"))[1]  # any article; not the section index
    url_path = article.relative_to(docs).with_suffix("").as_posix() + "/"
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"]
    # MkDocs warns on every dirty build ("likely inaccurate navigation"), which strict mode turns
    # into an abort: --dirty only runs without strict.
    cmd += ["--dirty", "--no-strict"] if dirty else []
    log = open(OUT / f"serve{'-dirty' if dirty else ''}.log", "w")
    # serve builds into a mkdtemp() folder; keep it under out/ so nothing is left in /tmp if it is killed.
    tmp = OUT / "serve-tmp"
    tmp.mkdir(exist_ok=True)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env={**ENV, "TMPDIR": str(tmp)}, cwd=ROOT)
    original = article.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/{url_path}"
    try:
        startup = wait_until(lambda: fetch(url) is not None, 900, "mkdocs serve start", proc)
        times = []
        for i in range(edits):
            marker = f"benchmarkedit{i}x{'dirty' if dirty else 'full'}"
            time.sleep(1.0)  # let the watcher settle, so each edit is one change
            article.write_text(original + f"\nEdited for the benchmark: {marker}.\n", encoding="utf-8")
            times.append(round(wait_until(lambda: marker in (fetch(url) or ""), 900, "rebuild after edit", proc), 2))
    finally:
        proc.send_signal(signal.SIGINT)  # like Ctrl-C: serve removes its temporary site folder
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        # Restored only now, with the server stopped: restoring earlier starts a rebuild, and a
        # Ctrl-C in the middle of a build does not stop serve.
        article.write_text(original, encoding="utf-8")
        shutil.rmtree(tmp, ignore_errors=True)
    return {"dirty": dirty, "startup_s": round(startup, 2), "edit_to_page_s": times, "best_s": min(times)}


# --- report ------------------------------------------------------------------------------------


def targets(sizes: dict) -> list[dict]:
    on = lambda n: sizes[n]["on"]["seconds"] if n in sizes else None  # noqa: E731
    out = []

    def add(name, value, ok):
        out.append({"target": name, "value": value, "met": ok})

    if 5000 in sizes:
        add("5,000 articles build in under 45 s (hooks on)", f"{on(5000):.1f} s", on(5000) < 45)
        add("related step under 1 s at 5,000", f"{sizes[5000]['steps']['related_rank_s']:.2f} s",
            sizes[5000]["steps"]["related_rank_s"] < 1)
    if 5000 in sizes and 1000 in sizes:
        ratio = sizes[5000]["ms_per_article_on"] / sizes[1000]["ms_per_article_on"]
        add("ms/article at 5,000 <= 1.2x that at 1,000", f"{ratio:.2f}x", ratio <= 1.2)
    for n, r in sizes.items():
        add(f"hook overhead <= 10% at {n:,} articles", f"+{(r['overhead_ratio'] - 1) * 100:.0f}%", r["overhead_ratio"] <= 1.10)
    return out


def table(sizes: dict) -> str:
    head = ["articles", "hooks on s", "hooks off s", "on/off", "stock nav s", "ms/art on", "ms/art off",
            "RSS on MB", "RSS off MB", "related s", "validate s", "contexts s", "ws forms ms", "search idx MB"]
    rows = []
    for n, r in sizes.items():
        s = r["steps"]
        rows.append([f"{n:,}", f"{r['on']['seconds']:.1f}", f"{r['off']['seconds']:.1f}", f"{r['overhead_ratio']:.2f}",
                     f"{r['stock']['seconds']:.1f}" if r.get("stock") else "not run",
                     f"{r['ms_per_article_on']:.1f}", f"{r['ms_per_article_off']:.1f}",
                     f"{r['on']['max_rss_mb']:.0f}", f"{r['off']['max_rss_mb']:.0f}",
                     f"{s['related_rank_s']:.2f}", f"{s['validate_read_s']:.2f}", f"{s['page_contexts_s']:.2f}",
                     f"{s['worksheet_forms_ms']:.1f}", f"{r['on']['search_index_bytes'] / 1e6:.1f}"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def plot(sizes: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")  # no display here
    import matplotlib.pyplot as plt

    ns = list(sizes)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(ns, [sizes[n]["on"]["seconds"] for n in ns], "o-", label="our hooks on (project config)")
    ax.plot(ns, [sizes[n]["off"]["seconds"] for n in ns], "s--", label="hooks off, same nav")
    stock = [n for n in ns if sizes[n].get("stock")]
    if stock:
        ax.plot(stock, [sizes[n]["stock"]["seconds"] for n in stock], "^:", color="grey",
                label="stock: every article in the sidebar (reference)")
    ax.set_xlabel("articles")
    ax.set_ylabel("full build, wall time (s)")
    ax.set_title("mkdocs build --strict: build time vs article count")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,5000", help="article counts, comma-separated")
    ap.add_argument("--repeats", type=int, default=2, help="builds per config and size (best kept)")
    ap.add_argument("--no-serve", action="store_true", help="skip the `mkdocs serve` rebuild timing")
    args = ap.parse_args()
    sizes_wanted = sorted(int(s) for s in args.sizes.split(","))
    OUT.mkdir(exist_ok=True)
    code_before = code_fingerprint()

    sizes: dict[int, dict] = {}
    for n in sizes_wanted:
        print(f"== {n:,} articles: generating", flush=True)
        configs = generate.generate(n, OUT / f"site-{n}")
        if n > STOCK_MAX:
            print(f"   stock nav: not run above {STOCK_MAX:,} articles (quadratic: 5,000 would take ~20 minutes)", flush=True)
        wanted = {name: configs[name] for name in ("on", "off", "stock") if name != "stock" or n <= STOCK_MAX}
        # A third round when builds disagree, only up to 1,000 articles: a 5,000 round takes minutes.
        r: dict = best_builds(wanted, OUT / f"site-{n}", args.repeats, retry=n <= 1000)
        for name in wanted:
            print(f"   {name:5}: {r[name]['seconds']:.1f} s (runs {r[name]['all_seconds']}), "
                  f"peak RSS {r[name]['max_rss_mb']:.0f} MB, warnings {r[name]['warnings']}", flush=True)
        r["ms_per_article_on"] = round(r["on"]["seconds"] / n * 1000, 2)
        r["ms_per_article_off"] = round(r["off"]["seconds"] / n * 1000, 2)
        r["overhead_ratio"] = round(r["on"]["seconds"] / r["off"]["seconds"], 3)
        r["steps"] = steps(configs["on"])
        print(f"   steps: {json.dumps({k: v for k, v in r['steps'].items() if k != 'related_sample'})}", flush=True)
        sizes[n] = r

    serve = None
    if not args.no_serve:
        n = 1000 if 1000 in sizes else sizes_wanted[0]
        print(f"== mkdocs serve on {n:,} articles: edit one article, time until the page shows it", flush=True)
        config = OUT / f"site-{n}" / "mkdocs.yml"
        serve = {"articles": n, "full": serve_rebuild(config, dirty=False), "dirty": serve_rebuild(config, dirty=True)}
        for mode in ("full", "dirty"):
            s = serve[mode]
            print(f"   serve{' --dirty' if mode == 'dirty' else ''}: edit -> page {s['edit_to_page_s']} s (startup {s['startup_s']} s)", flush=True)

    code_after = code_fingerprint()
    results = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "code": {"before": code_before, "after": code_after},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "versions": {p: version(p) for p in ("mkdocs", "mkdocs-material", "scikit-learn")},
        "stock_max": STOCK_MAX,
        "sizes": {str(n): r for n, r in sizes.items()},
        "serve": serve,
        "targets": targets(sizes),
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    plot(sizes, HERE / "build-time.png")

    print()
    print(table(sizes))
    print(f"(stock nav not run above {STOCK_MAX:,} articles: it grows quadratically, ~20 minutes at 5,000)")
    if serve:
        print(f"serve rebuild after one edit, {serve['articles']:,} articles: full {serve['full']['best_s']} s, "
              f"--dirty {serve['dirty']['best_s']} s")
    for t in results["targets"]:
        print(f"[{'met   ' if t['met'] else 'MISSED'}] {t['target']}: {t['value']}")
    print(f"code fingerprint (hooks/, overrides/, mkdocs.yml, tags.yml): {code_before}")
    if code_after != code_before:
        print(f"WARNING: the code changed during the run ({code_before} -> {code_after}): numbers mix two versions, run again")
    print(f"wrote {HERE / 'results.json'} and {HERE / 'build-time.png'}")


if __name__ == "__main__":
    main()
