"""Small command line for publishers: `python -m guide build|check|new`."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import deploy, readability, reference, scaffold


def check(argv: list[str]) -> int:
    """`make check`: exactly the build's validation (site.read, the function the hooks call), then the
    plain-language report. The rule: what stops the build fails the check; the plain-language numbers
    (words, reading grade and ease, Key points) are warnings, printed with the fix. When the pages
    pass, the site is built too, into a folder then thrown away: what else would stop the build
    (MkDocs' own checks of anchors, images and nav, the Content-Security-Policy scan of the pages,
    STRICT_REVIEW=1) stops the check, with the build's own message.

    usage: python -m guide check [-f mkdocs.yml] [FILES...]  (FILES narrows the report, not the checks)
    """
    import logging

    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.structure.files import get_files

    from . import site as site_mod
    from .settings import check as check_settings

    argv = list(argv)
    config_file = _take(argv, "-f", "mkdocs.yml")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    try:
        config = load_config(config_file)
    except ConfigurationError as e:
        print(f"{config_file}: {e}", file=sys.stderr)
        return 1
    root = Path(config_file).resolve().parent
    settings, setting_problems = check_settings(config.extra, config.config_file_path)  # the defaults, if any
    docs = Path(config.docs_dir).resolve()
    prefix = (docs.relative_to(root).as_posix() if docs.is_relative_to(root) else str(docs)) + "/"
    files = get_files(config)
    sources = [site_mod.Source(f.src_uri, lambda f=f: f.content_bytes, f.url) for f in files.documentation_pages()]
    tags_path = root / settings.tags_file
    site, problems = site_mod.read(sources, tags_path, prefix, settings.tags_file, serving=True,
                                   section_order=site_mod.section_order(config.nav or []))
    problems += setting_problems
    wanted = {Path(p).resolve() for p in argv}
    warnings = 0
    for uri, page in sorted(site.pages.items()):
        if page.kind != "article" or (wanted and (docs / uri).resolve() not in wanted):
            continue
        s = readability.scores(page.body)
        print(f"{prefix}{uri}: {s['words']} words, grade {s['grade']:.1f}, ease {s['ease']:.1f}")
        for message in readability.article_problems(page.body):
            print(f"{prefix}{uri}: warning: {message}")
            warnings += 1
    if wanted:  # only the named files' problems; a cross-page problem names the file it is in
        problems = [p for p in problems if (root / p.path).resolve() in wanted]
    problems, in_drafts = site_mod.in_drafts(problems, site, prefix)
    for p in sorted(set(problems)):
        print(f"{p}", file=sys.stderr)
    for p in sorted(set(in_drafts)):  # the build leaves drafts out, so they do not stop it
        print(f"{p} [a draft: fix it before you publish it]")
    built = 0
    if not problems:
        with tempfile.TemporaryDirectory(prefix="guide-check-") as tmp:
            built = build(["-f", config_file, "--site", str(Path(tmp) / "site")], report=False, compress=False)
    print(f"{len(sources)} page(s) checked: {len(set(problems))} problem(s) that stop the build, "
          f"{warnings} plain-language warning(s)" + (f", {len(set(in_drafts))} in drafts" if in_drafts else "")
          + ("; the pages pass, but the build stopped on the problem(s) above" if built else ""))
    return 1 if problems or built else 0


def build(argv: list[str], report: bool = True, compress: bool | None = None) -> int:
    """Strict build into a fresh folder, ready to publish, then swap it in: a failed build leaves site/ as it was.

    After MkDocs, the built pages are checked against the site's Content-Security-Policy and get
    what a static host needs (`deploy.prepare`): here rather than in a hook, so it sees the pages
    as every hook left them whatever their order, and `mkdocs serve` never pays for compression.
    The nginx snippet goes beside the site, in deploy/, so it is not uploaded with the pages.

    usage: python -m guide build [-f mkdocs.yml] [--site site] [other mkdocs build options]
    environment: SITE_URL (the site's address), PRECOMPRESS=0 (no .gz/.br copies)
    `check` builds with report=False (no lines about a site it throws away) and compress=False.
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
    # Not `-q` for `check`'s quiet build: MkDocs' -q drops warnings before --strict counts them, and
    # the build would pass. Its INFO lines (about a folder about to be thrown away) are left out instead.
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp), *argv], env=env,
                          stdout=None if report else subprocess.PIPE, stderr=None if report else subprocess.STDOUT, text=True)
    if not report:
        sys.stderr.writelines(line for line in done.stdout.splitlines(keepends=True) if not line.startswith("INFO"))
    ready = None
    if not done.returncode:
        try:
            if compress is None:
                compress = os.environ.get("PRECOMPRESS", "1") not in ("0", "no", "false")
            ready = deploy.prepare(tmp, compress=compress)
        except deploy.PublishError as e:
            print(f"ERROR   -  {e}", file=sys.stderr)
    if ready is None:
        shutil.rmtree(tmp, ignore_errors=True)
        if report:
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
    if not report:
        return 0
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
