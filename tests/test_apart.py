"""guide.apart: one-time work done in a forked child, for the build's memory."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

import guide.apart

from sitebuild import ROOT

# The fork is only tried in a process with one thread: after a test that started a server thread
# (the session's static server), these tests would prove nothing.
@pytest.fixture
def needs_fork():
    if not guide.apart.possible():
        pytest.skip("this test process has another thread now")


def test_the_work_runs_in_a_child_and_its_result_comes_back(needs_fork):
    here = os.getpid()
    pid, big = guide.apart.run(lambda: (os.getpid(), list(range(100_000))))
    assert pid != here and big == list(range(100_000))


def test_a_child_that_fails_leaves_the_work_to_the_parent(needs_fork):
    here = os.getpid()

    def fails_in_the_child():
        if os.getpid() != here:
            raise RuntimeError("only in the child")
        return "done here"

    def dies_in_the_child():
        if os.getpid() != here:
            os._exit(3)
        return "done here"

    assert guide.apart.run(fails_in_the_child) == "done here"
    assert guide.apart.run(dies_in_the_child) == "done here"


def test_never_forks_beside_another_thread():
    here = os.getpid()
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert guide.apart.run(os.getpid) == here
    finally:
        stop.set()
        t.join()


def test_a_build_never_imports_numpy_in_its_own_process(tmp_path):
    # numpy (16 MB) is only needed to rank the related lists, which a build does in a child.
    code = ("import sys, mkdocs.__main__ as m; sys.argv = ['mkdocs', 'build', '--strict', '-q', '-d', sys.argv[1]]\n"
            "try:\n    m.cli()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.stdout.strip().splitlines()[-1:] == ["False"], done.stdout + done.stderr
    assert "Related articles" in (tmp_path / "site/pacing/pacing-ladder/index.html").read_text()
