"""Test helpers: building the real guide (or a changed copy) exactly as `mkdocs build --strict` does,
serving a built site, and searching it like a person."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.utils.yaml import get_yaml_loader

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith(("WARNING", "ERROR"))]


def env() -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")}


def mkdocs(config: Path, site: Path, *args: str, cwd: Path = ROOT, extra_env: dict | None = None) -> Build:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site), *args],
        cwd=cwd, env={**env(), **(extra_env or {})}, capture_output=True, text=True,
    )
    return Build(done.returncode, done.stdout + done.stderr, site)


def copy_project(dest: Path, changes: dict[str, str | None] | None = None, config_edit=None) -> Path:
    """A copy of content/, tags.yml and mkdocs.yml in dest (code stays shared); returns the config.

    changes: path under the project -> new text, or None to delete it.
    """
    shutil.copytree(ROOT / "content", dest / "content")
    shutil.copy(ROOT / "tags.yml", dest / "tags.yml")
    shutil.copytree(ROOT / "snippets", dest / "snippets")
    # MkDocs' own loader: mkdocs.yml uses !ENV (site_url), resolved here as MkDocs would.
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=get_yaml_loader(yaml.SafeLoader))
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["hooks"] = [str(ROOT / h) for h in config["hooks"]]
    if config_edit:
        config_edit(config)
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    for rel, text in (changes or {}).items():
        target = dest / rel
        if text is None:
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
    return dest / "mkdocs.yml"


# Fixture articles cite a made-up page on a reserved example domain, never a real body.
SOURCE = {"publisher": "Example Health Body", "title": "A fixture page", "url": "https://health.example.org/fixture-page/",
          "checked": "2026-11-01"}


def article(title: str, description: str = "A test article.", tags=("pacing",), body: str = "", **extra) -> str:
    """Front matter and body of a valid article, for fixture sites."""
    meta = {"title": title, "description": description, "tags": list(tags),
            "published": "2026-10-01", "reviewed": "2026-11-01", "sources": [SOURCE], **extra}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + (body or "Some words.\n")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class GzipHandler(QuietHandler):
    """Text gzip-compressed on the fly, as static hosts serve it, so transfer sizes are realistic;
    Pagefind's files, compressed already, as they are."""

    def do_GET(self):
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir():
            path = path / "index.html"
        compressed = path.suffix.startswith(".pf_") or path.name.endswith(".pagefind")
        if not path.is_file() or compressed or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6)  # nginx's gzip_comp_level tops out near 6
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve_directory(directory, handler=QuietHandler):
    """A static server for a built site on 127.0.0.1 and a free port; yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def search(page, query: str) -> list[str]:
    """Open search from the header as a reader does ("/" or the button), type, and wait for the
    answer; return the result links, best first."""
    box = page.locator("#guide-search-input")
    if not box.is_visible():
        page.keyboard.press("/")
    box.fill("")
    box.type(query, delay=20)
    page.wait_for_function(
        """q => document.getElementById('guide-search-status').textContent.includes('\u201c' + q + '\u201d')
               && !document.getElementById('guide-search').querySelector('[aria-busy]')""",
        arg=query, timeout=10_000)
    return page.eval_on_selector_all(".guide-search__link", "els => els.map(e => e.getAttribute('href'))")


def as_printed(page) -> None:
    """Show the page as it prints, and let its styles settle: a printout has no transitions, but the
    emulated switch does (Material fades link colours), and on a fast machine colours were read
    halfway from the screen's to the print's."""
    page.emulate_media(media="print")
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")


def pagefind_records(site: Path) -> list[dict]:
    """What Pagefind indexed, one record per page: url, content (the words searched), meta."""
    from guide.search import records
    return records(site / "pagefind")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    # `mkdocs serve` holds requests while it rebuilds (15 s or more on a busy 2-core machine).
    with urllib.request.urlopen(url, timeout=90) as r:
        return r.read().decode("utf-8")


def wait_for(url: str, predicate, what: str, seconds: float = 120) -> str:
    """Poll a live server until a page satisfies `predicate`. A preview answers only after a rebuild
    finishes, so a slow answer or a refused connection is one more try, not a failure."""
    deadline, last = time.monotonic() + seconds, ""
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what}: not seen within {seconds} s at {url}")


@contextlib.contextmanager
def mkdocs_serve(config: Path, cwd: Path, extra_env: dict | None = None):
    """A real `mkdocs serve` (what `make serve` runs) on a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", f"127.0.0.1:{port}", "--livereload"],
                            cwd=cwd, env={**env(), **(extra_env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, group: bool = False, timeout: float = 20) -> str | None:
    """Stop a preview as a publisher does, with Ctrl+C (SIGINT): MkDocs then removes its temporary
    site folder, which SIGTERM skips (about 8 MB left in /tmp per stop). `group`: the process was
    started in a session of its own (`make serve` and its child). Returns what it printed, if piped."""
    send = (lambda sig: os.killpg(proc.pid, sig)) if group else proc.send_signal
    send(signal.SIGINT)
    try:
        return proc.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        return proc.communicate()[0]


def rules(reader, first_page: int = 0) -> int:
    """Writing lines drawn in a PDF (a pypdf PdfReader, from `first_page` on): thin filled rectangles at least 100 CSS px
    wide. Chromium draws a border as `re f`; a background gradient is not drawn at all when
    "Background graphics" is off, the browser's default."""
    from pypdf.generic import ContentStream  # test packages only: this module is also used without them

    found = 0
    for p in reader.pages[first_page:]:
        for operands, op in ContentStream(p.get_contents(), reader).operations:
            if op == b"re" and abs(float(operands[3])) <= 2 and abs(float(operands[2])) >= 100:
                found += 1
    return found
