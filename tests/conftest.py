"""Fixtures: one strict build of the real guide per session, a local server, and headless Chromium."""
from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from sitebuild import ROOT, mkdocs, serve_directory

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    build = mkdocs(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site") / "site")
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def site(built):
    return built.site


@pytest.fixture(scope="session")
def server(site):
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    exe = shutil.which("chromium")
    if not exe:
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        yield b
        b.close()


class Visit:
    """A fresh browser context and page that records every request it makes."""

    def __init__(self, browser, server, **context_args):
        self.context = browser.new_context(**context_args)
        self.page = self.context.new_page()
        self.server = server
        self.requests: list[str] = []
        self.methods: list[str] = []
        self.page.on("request", lambda r: (self.requests.append(r.url), self.methods.append(r.method)))

    def open(self, path: str = ""):
        # "load" first: on a large page (a booklet) the network goes idle while the HTML is still
        # being parsed, and a PDF or an axe run would see only part of the page.
        self.page.goto(self.server + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def foreign_requests(self) -> list[str]:
        here = urlparse(self.server).netloc
        return [u for u in self.requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != here]


@pytest.fixture
def visit(browser, server):
    visits = []

    def make(**context_args) -> Visit:
        v = Visit(browser, server, **context_args)
        visits.append(v)
        return v

    yield make
    for v in visits:
        v.context.close()
