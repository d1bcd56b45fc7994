"""Small command line for publishers: `python -m guide build|check|new`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import pages, readability, reference, scaffold


def check(paths: list[str]) -> int:
    root = Path("content")
    files = [Path(p) for p in paths] or sorted(root.rglob("*.md"))
    bad = 0
    for f in files:
        rel = f.resolve().relative_to(root.resolve()).as_posix()
        loaded = pages.load(rel, f.read_text(encoding="utf-8"), str(f))
        msgs = [f"{p.field}: {p.message}" for p in loaded.problems]
        if loaded.page and loaded.page.kind == "article":
            msgs += readability.article_problems(loaded.page.body)
            s = readability.scores(loaded.page.body)
            print(f"{f}: {s['words']} words, grade {s['grade']:.1f}, ease {s['ease']:.1f}")
        for m in msgs:
            print(f"{f}: {m}")
        bad += bool(msgs)
    print(f"{len(files)} file(s) checked, {bad} with problems")
    return 1 if bad else 0


def build(argv: list[str]) -> int:
    """Strict build into a fresh folder, then swap it in: a failed build leaves site/ as it was.

    usage: python -m guide build [-f mkdocs.yml] [--site site] [other mkdocs build options]
    """
    argv = list(argv)
    site = Path(_take(argv, "--site", "site"))
    argv = ["-f", _take(argv, "-f", "mkdocs.yml"), *argv]
    tmp = Path(tempfile.mkdtemp(prefix=f"{site.name}.new-", dir=site.resolve().parent))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp), *argv], env=env)
    if done.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"Build failed: {site}/ was left as it was.", file=sys.stderr)
        return done.returncode
    old = site.with_name(f"{site.name}.old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    print(f"Built {site}/")
    return 0


def reference_cmd(argv: list[str]) -> int:
    if "--write" in argv:
        changed = reference.replace_in(Path("README.md"))
        print("README.md front-matter reference " + ("updated" if changed else "already up to date"))
    else:
        print(reference.markdown())
    return 0


def _take(argv: list[str], flag: str, default: str) -> str:
    if flag in argv:
        i = argv.index(flag)
        value = argv[i + 1]
        del argv[i : i + 2]
        return value
    return default


def main(argv: list[str]) -> int:
    commands = {"build": build, "check": check, "new": scaffold.main, "reference": reference_cmd}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    print("usage: python -m guide build [-f mkdocs.yml] [--site site] | check [FILES] | new article|worksheet --section S --title T | reference [--write]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
