"""`serve` helpers that need no MkDocs objects."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Callable

log = logging.getLogger("mkdocs.hooks.guide")


def code_stamp(folder: Path) -> tuple:
    """What the hook code looks like now: every .py file under `folder` with its size and mtime."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*.py")))


def restart_when_code_changes(build: Callable[[], None], folder: Path) -> Callable[[], None]:
    """Wrap the preview's rebuild: when hook code under `folder` changed, restart the process instead.

    MkDocs loads hook modules once per process, so a rebuild would keep running the old code. A
    restart (same command line, same address) runs the new code; open pages reload by themselves.
    """
    started = code_stamp(folder)

    def build_or_restart() -> None:
        if code_stamp(folder) != started:
            log.info("Hook code changed: restarting the preview with the new code")
            sys.stdout.flush()
            sys.stderr.flush()
            os.execv(sys.executable, sys.orig_argv)  # the same command line, `-m mkdocs` included
        build()

    return build_or_restart
