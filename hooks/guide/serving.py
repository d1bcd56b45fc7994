"""`serve` helpers that need no MkDocs objects."""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

log = logging.getLogger("mkdocs.hooks.guide")


def code_stamp(folder: Path) -> tuple:
    """What the hook code looks like now: every .py file under `folder` with its size and mtime."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*.py")))


def restart_when_code_changes(build: Callable[[], None], folder: Path, site_dir: Path | None = None) -> Callable[[], None]:
    """Wrap the preview's rebuild: when hook code under `folder` changed, restart the process instead.

    MkDocs loads hook modules once per process, so a rebuild would keep running the old code. A
    restart (same command line, same address) runs the new code; open pages reload by themselves.
    `site_dir`: the preview's temporary site folder, removed first: MkDocs removes it when the
    server stops, which a restart skips, and the new process makes its own.
    """
    started = code_stamp(folder)

    def build_or_restart() -> None:
        if code_stamp(folder) != started:
            log.info("Hook code changed: restarting the preview with the new code")
            sys.stdout.flush()
            sys.stderr.flush()
            if site_dir is not None and _is_temporary(site_dir):
                shutil.rmtree(site_dir, ignore_errors=True)
            os.execv(sys.executable, sys.orig_argv)  # the same command line, `-m mkdocs` included
        build()

    return build_or_restart


def _is_temporary(site_dir: Path) -> bool:
    """Only the folder `mkdocs serve` made for itself (tempfile.mkdtemp(prefix="mkdocs_")), never a
    publisher's own site folder."""
    path = Path(site_dir).resolve()
    return path.name.startswith("mkdocs_") and path.parent == Path(tempfile.gettempdir()).resolve()
