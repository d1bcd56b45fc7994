"""Small command line for publishers: `python -m guide build|check|new`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import deploy, pages, readability, reference, scaffold


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
    """Strict build into a fresh folder, ready to publish, then swap it in: a failed build leaves site/ as it was.

    After MkDocs, the built pages are checked against the site's Content-Security-Policy and get
    what a static host needs (`deploy.prepare`): here rather than in a hook, so it sees the pages
    as every hook left them whatever their order, and `mkdocs serve` never pays for compression.
    The nginx snippet goes beside the site, in deploy/, so it is not uploaded with the pages.

    usage: python -m guide build [-f mkdocs.yml] [--site site] [other mkdocs build options]
    environment: SITE_URL (the site's address), PRECOMPRESS=0 (no .gz/.br copies)
    """
    argv = list(argv)
    site = Path(_take(argv, "--site", "site"))
    argv = ["-f", _take(argv, "-f", "mkdocs.yml"), *argv]
    site.resolve().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{site.name}.new-", dir=site.resolve().parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would keep a web server's own user out of site/
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp), *argv], env=env)
    ready = None
    if not done.returncode:
        try:
            ready = deploy.prepare(tmp, compress=os.environ.get("PRECOMPRESS", "1") not in ("0", "no", "false"))
        except deploy.PublishError as e:
            print(f"ERROR   -  {e}", file=sys.stderr)
    if ready is None:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"Build failed: {site}/ was left as it was.", file=sys.stderr)
        return done.returncode or 1
    old = site.with_name(f"{site.name}.old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    nginx = site.parent / "deploy" / "nginx-guide.conf"
    nginx.parent.mkdir(exist_ok=True)
    nginx.write_text(ready.nginx, encoding="utf-8")
    for warning in ready.warnings:
        print(f"WARNING -  {warning}", file=sys.stderr)
    print(f"Built {site}/ for {ready.site_url or '(no address)'}: {ready.scan.pages} pages, "
          f"{len(ready.scan.script_hashes)} inline scripts allowed by hash; headers in {site}/_headers "
          f"and {nginx}")
    if ready.compressed:
        c = ready.compressed
        print(f"Compressed {c.files} text files: {c.raw / 1e6:.2f} MB, gzip {c.gzip / 1e6:.2f} MB "
              f"({c.gzip / c.raw:.0%}), brotli {c.brotli / 1e6:.2f} MB ({c.brotli / c.raw:.0%})")
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
