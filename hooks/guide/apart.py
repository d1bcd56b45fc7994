"""Work done in a forked child process, for its memory: what the child allocates (numpy, a burst of
small objects) is gone with it, and only the result, pickled, comes back. A build's peak memory is
its largest process's, so this keeps work that is needed once out of the process that lives to the
end (docs/DESIGN.md, *Speed*).

Linux only, and only in a process with one thread: a lock another thread holds would stay locked in
the child (macOS's system libraries are not safe after a fork either; Windows cannot fork). Anything
that stops the child from giving an answer (it died, it raised) and the work is done here instead,
so the result never depends on the fork.
"""
from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import signal
import sys
import tempfile
from typing import Callable, TypeVar

T = TypeVar("T")
log = logging.getLogger("mkdocs.hooks.guide")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def possible() -> bool:
    """Whether forking is safe here (Linux, this process's only thread): also hooks/parallel.py's test."""
    return sys.platform.startswith("linux") and len(os.listdir("/proc/self/task")) == 1


def in_child(parent: int) -> bool:
    """First thing in a forked child: die with the parent (killed, say, instead of writing into its
    site folder after it) and print nothing (the parent says all there is to say). False if the
    parent is gone already. Also hooks/parallel.py's children."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        return False
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    return True


def run(work: Callable[[], T]) -> T:
    """`work()`, in a forked child when `possible()`, else (or if the child fails) here."""
    if not possible():
        return work()
    try:
        out = tempfile.TemporaryFile()
    except OSError:
        return work()
    with out:
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            return work()
        if pid == 0:  # the child: never returns into the caller
            code = 1
            try:
                if in_child(parent):
                    out.write(pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))
                    out.flush()
                    code = 0
            finally:
                os._exit(code)
        try:
            _, status = os.waitpid(pid, 0)
        except OSError:  # SIGCHLD ignored by whoever runs us: the child is reaped already
            status = -1
        except BaseException:  # Ctrl+C: the child goes too, and is not left a zombie
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            raise
        if status != -1 and os.waitstatus_to_exitcode(status) == 0:
            out.seek(0)
            try:
                return pickle.load(out)
            except Exception:  # noqa: BLE001 - a result cut short: done here instead
                pass
    log.debug("guide.apart: the child gave no answer; working in this process")
    return work()
