"""Profile one full build with cProfile and show where our hooks spend the time.

    python benchmarks/profile_build.py 1000            # generates benchmarks/out/site-1000 if missing
    python benchmarks/profile_build.py 5000 --top 30

With --compare, the same site is also profiled with our hooks off (mkdocs-nohooks.yml), and the
main build phases are shown side by side, to see where the on/off difference goes.

Prints (1) time per hook entry file (event functions plus the file's import), (2) the functions in
hooks/ by cumulative time, (3) functions outside hooks/ by the time spent in them on behalf of
hooks/ callers. The raw profile is kept in benchmarks/out/profile-N.prof (open it with pstats or
snakeviz). The profiler's clock is CPU time (other people's work on the shared machine does not
count), and it slows Python code down several times, function calls most: read shares, not seconds.
"""
from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOOKS = str(ROOT / "hooks") + os.sep
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def name(func: tuple) -> str:
    file, line, fn = func
    return f"{Path(file).relative_to(ROOT) if file.startswith(str(ROOT)) else Path(file).name}:{line}({fn})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="article count of the site to profile")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--compare", action="store_true", help="also profile the hooks-off build; compare phases")
    args = ap.parse_args()
    site = OUT / f"site-{args.n}"
    if not (site / "mkdocs.yml").exists():
        generate.generate(args.n, site)
    stats = profile(site / "mkdocs.yml", OUT / f"profile-{args.n}.prof")
    if args.compare:
        off = profile(site / "mkdocs-nohooks.yml", OUT / f"profile-{args.n}-nohooks.prof")
        compare(stats, off)
    hooks_report(stats, args.top)


RUN = """
import cProfile, runpy, sys, time
out, sys.argv = sys.argv[1], ["mkdocs", *sys.argv[2:]]
profile = cProfile.Profile(time.process_time)
profile.enable()
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as e:
    if e.code:
        raise
finally:
    profile.disable()
    profile.dump_stats(out)
"""


def profile(config: Path, prof: Path) -> dict:
    # One process: cProfile sees nothing of the pages hooks/parallel.py hands to a forked second one.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks"), "GUIDE_PARALLEL": "0"}
    subprocess.run([sys.executable, "-c", RUN, str(prof), "build", "--strict", "-q",
                    "-f", str(config), "-d", str(config.parent / "built-profile")], env=env, cwd=ROOT, check=True)
    return pstats.Stats(str(prof)).stats  # func -> (prim calls, calls, tottime, cumtime, callers)


# Build phases: label -> which profiled functions to add up (cumulative times; phases nest).
def _fn(suffix: str, name: str):
    return lambda f: f[0].endswith(suffix) and f[2] == name


PHASES = [
    ("whole process", lambda f: f[0].endswith("mkdocs/__main__.py") and f[2] == "<module>"),
    ("  loading the config (our hooks are imported here)", _fn("mkdocs/config/base.py", "load_config")),
    ("  whole build", _fn("mkdocs/commands/build.py", "build")),
    ("    listing the theme's files (MkDocs, ~15k icons)", _fn("mkdocs/structure/files.py", "add_files_from_theme")),
    ("    on_files events (all plugins/hooks)", _fn("mkdocs/plugins.py", "on_files")),
    ("    Markdown to HTML (_populate_page)", _fn("mkdocs/commands/build.py", "_populate_page")),
    ("      of which a new Markdown() per page (MkDocs)", _fn("markdown/core.py", "__init__")),
    ("      of which converting", _fn("markdown/core.py", "convert")),
    ("    on_env events (tags plugin lists pages)", _fn("mkdocs/plugins.py", "on_env")),
    ("    404 page and sitemap", _fn("mkdocs/commands/build.py", "_build_theme_template")),
    ("    on_page_context events", _fn("mkdocs/plugins.py", "on_page_context")),
    ("      of which Material's search plugin (not used now)", _fn("material/plugins/search/plugin.py", "on_page_context")),
    ("    page templates (Jinja render)", _fn("jinja2/environment.py", "render")),
    ("      of which compiling templates", _fn("jinja2/environment.py", "compile")),
    ("      of which header (page title, search, palette)", _fn("material/templates/base.html", "block_header")),
    ("      of which sidebar nav and TOC (Material's block)", _fn("material/templates/base.html", "block_site_nav")),
    ("      of which sidebar nav and TOC (our block)", _fn("overrides/main.html", "block_site_nav")),
    ("      of which footer prev/next (footer.html)", _fn("material/templates/partials/footer.html", "root")),
    ("      of which breadcrumbs (path.html)", _fn("material/templates/partials/path.html", "root")),
    # Jinja compiles each template to a module whose `root` renders it; ours includes our other partials.
    ("      of which our content partial + includes", _fn("overrides/partials/content.html", "root")),
    ("    on_post_build events (the Pagefind search index)", _fn("mkdocs/plugins.py", "on_post_build")),
]


def phase(stats: dict, match) -> float:
    return sum(v[3] for f, v in stats.items() if match(f))


def compare(on: dict, off: dict) -> None:
    print(f"{'phase (cumulative CPU s, under cProfile)':56} {'hooks on':>9} {'hooks off':>9} {'diff':>8}")
    for label, match in PHASES:
        a, b = phase(on, match), phase(off, match)
        print(f"{label:56} {a:9.1f} {b:9.1f} {a - b:+8.1f}")
    print()


def hooks_report(stats: dict, top: int) -> None:
    total = max(ct for _, _, _, ct, _ in stats.values())
    in_hooks = {f: v for f, v in stats.items() if f[0].startswith(HOOKS)}

    # Entry files' event functions and module bodies do not call each other, so they add up.
    per_entry = defaultdict(float)
    for f, (_, _, _, ct, _) in in_hooks.items():
        if Path(f[0]).parent == ROOT / "hooks":
            per_entry[Path(f[0]).name] += ct
    print(f"profiled build: {total:.1f} s in all (cProfile overhead included)")
    print(f"\nhook entry files (events + import), {sum(per_entry.values()):.1f} s in all:")
    for file, ct in sorted(per_entry.items(), key=lambda x: -x[1]):
        print(f"  {ct:8.2f} s  {100 * ct / total:5.1f}%  hooks/{file}")

    print(f"\ntop {top} functions in hooks/ by cumulative time:")
    print("   cum s    own s      calls  function")
    for f, (_, nc, tt, ct, _) in sorted(in_hooks.items(), key=lambda x: -x[1][3])[: top]:
        print(f"  {ct:6.2f}  {tt:7.2f}  {nc:9d}  {name(f)}")

    # Library code called directly from hooks/: cumulative time on the edges from hook callers.
    called = defaultdict(lambda: [0, 0.0])
    for f, (_, _, _, _, callers) in stats.items():
        if f[0].startswith(HOOKS):
            continue
        for caller, (_, nc, _, ct) in callers.items():
            if caller[0].startswith(HOOKS):
                called[f][0] += nc
                called[f][1] += ct
    print(f"\ntop {top} functions outside hooks/, called by hooks/ (cumulative time from those calls):")
    print("   cum s      calls  function")
    for f, (nc, ct) in sorted(called.items(), key=lambda x: -x[1][1])[: top]:
        print(f"  {ct:6.2f}  {nc:9d}  {name(f)}")


if __name__ == "__main__":
    main()
