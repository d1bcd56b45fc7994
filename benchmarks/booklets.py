"""What booklets cost a build: the same synthetic site built with and without hooks/booklets.py.

    python benchmarks/booklets.py                 # 1,000 articles, 3 rounds (~5 minutes)
    python benchmarks/booklets.py --n 100 --repeats 2

Each build is `python -m mkdocs build --strict -q` in its own subprocess under /usr/bin/time (wall
time, CPU time and peak memory); the two configs take turns, and the best of the rounds is kept.
Then one build runs in this process with the booklet work timed by itself (CPU time of this
process, which other people's jobs on a shared machine disturb far less than wall time): each
booklet's cover, contents and articles' links (`State.booklet`), whole booklet pages as MkDocs
writes them (template and writing, `_build_page`), and the articles and worksheets written into
them after the build (`booklet.fill`). Prints the numbers and the size of the booklet pages;
BENCHMARKS.md records them.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}


def build(config: Path, site: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one strict build."""
    shutil.rmtree(site, ignore_errors=True)
    rss = site.with_suffix(".rss")
    cmd = ["/usr/bin/time", "-f", "%U %S %M", "-o", str(rss),
           sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=ENV, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"build failed: {config}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    user, system, kib = rss.read_text().split()[-3:]
    return seconds, float(user) + float(system), int(kib) / 1024


def steps(config: Path, site: Path) -> dict[str, float]:
    """One build in this process, with the booklet work timed alone (CPU seconds)."""
    import logging

    import mkdocs.commands.build as mkbuild
    from mkdocs.config import load_config

    sys.path.insert(0, str(ROOT / "hooks"))
    from guide import booklet as guide_booklet, state as guide_state

    spent = {"contents and links (State.booklet)": 0.0, "booklet pages (template, write)": 0.0,
             "articles written in (booklet.fill)": 0.0, "whole build": 0.0}
    view, build_page, fill = guide_state.State.booklet, mkbuild._build_page, guide_booklet.fill

    def timed_view(self, src_uri):
        start = time.process_time()
        try:
            return view(self, src_uri)
        finally:
            spent["contents and links (State.booklet)"] += time.process_time() - start

    def timed_fill(*args, **kwargs):
        start = time.process_time()
        try:
            return fill(*args, **kwargs)
        finally:
            spent["articles written in (booklet.fill)"] += time.process_time() - start

    def timed_page(page, config, *args, **kwargs):
        start = time.process_time()
        try:
            return build_page(page, config, *args, **kwargs)
        finally:
            if page.file.src_uri in config[guide_state.KEY].booklets:
                spent["booklet pages (template, write)"] += time.process_time() - start

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    guide_state.State.booklet, mkbuild._build_page, guide_booklet.fill = timed_view, timed_page, timed_fill
    try:
        start = time.process_time()
        mkbuild.build(load_config(str(config), site_dir=str(site)))
        spent["whole build"] = time.process_time() - start
    finally:
        guide_state.State.booklet, mkbuild._build_page, guide_booklet.fill = view, build_page, fill
    return spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="articles in the synthetic site")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    dest = HERE / "out" / f"booklets-{args.n}"
    on = generate.generate(args.n, dest)["on"]
    config = yaml.safe_load(on.read_text())
    off = dest / "mkdocs-nobooklets.yml"
    off.write_text(yaml.safe_dump({**config, "hooks": [h for h in config["hooks"] if not h.endswith("booklets.py")]}, sort_keys=False))
    runs: dict[str, list[tuple[float, float, float]]] = {"with booklets": [], "without booklets": []}
    for _ in range(args.repeats):
        for name, cfg in (("with booklets", on), ("without booklets", off)):
            runs[name].append(build(cfg, dest / "site"))
            print(f"{name}: {runs[name][-1][0]:.1f} s wall, {runs[name][-1][1]:.1f} s CPU, {runs[name][-1][2]:.0f} MB", flush=True)
            if name == "with booklets":
                sizes = {p.parent.relative_to(dest / "site").as_posix(): p.stat().st_size
                         for p in sorted((dest / "site").glob("**/booklet/index.html"))}
    for i, what in ((0, "wall"), (1, "CPU")):
        best = {name: min(r[i] for r in rs) for name, rs in runs.items()}
        extra = best["with booklets"] - best["without booklets"]
        print(f"{args.n} articles, {what} time, best of {args.repeats}: with booklets {best['with booklets']:.1f} s, without "
              f"{best['without booklets']:.1f} s: {extra:+.1f} s ({extra / best['without booklets']:+.0%})")
        print(f"  all runs: { {name: [round(r[i], 1) for r in rs] for name, rs in runs.items()} }")
    print("peak RSS (MB):", {name: round(min(r[2] for r in rs)) for name, rs in runs.items()})
    print("booklet pages (MB):", {k: round(v / 1e6, 1) for k, v in sizes.items()})
    for name, seconds in steps(on, dest / "site").items():
        print(f"in process, {name}: {seconds:.2f} s CPU ({seconds / args.n * 1000:.2f} ms per article)")
    shutil.rmtree(dest / "site", ignore_errors=True)


if __name__ == "__main__":
    main()
