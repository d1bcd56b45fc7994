"""What a static host needs to serve the built guide safely, computed from the built pages.

`prepare(site)` runs after a successful build (`python -m guide build`, see `__main__.py`) and
writes into the site folder: `_headers` (Netlify / Cloudflare Pages), `robots.txt`, and gzip and
brotli copies of every text file; it returns the nginx snippet, which the command writes beside the
site. The Content-Security-Policy allows scripts and styles from the site itself plus the exact
inline scripts found in the built pages, by their sha256 hashes, so a Material upgrade that changes
its inline scripts changes the policy with it instead of silently breaking the site. Anything a hash
cannot allow without weakening the policy for every page (a `style="..."` attribute, an `onclick`,
a `javascript:` link) stops the build with the page named.

Plain functions over paths and text: no MkDocs objects.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import brotli

# Files worth compressing (text); a compressed copy is kept only when it is smaller.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")

# Files named by a hash of their content: Material's bundles (bundle.a5f9d56c.min.js) and Pagefind's
# index chunks (fragment/en_151c9d1.pf_fragment, index/en_3f1c414.pf_index, pagefind.en_e7a68b42fb.pf_meta).
# New content gives a new name, so these may be cached for a year; anything else (pages, our
# guide.css, pagefind-entry.json, which names the current chunks) must be revalidated.
_FINGERPRINTED = (r"(?:assets/(?:.+/)?[^/]+\.[0-9a-f]{8,}\.(?:min\.)?(?:js|css)"
                  r"|pagefind/(?:fragment/|index/)?[^/]+[._][0-9a-f]{7,}\.pf_(?:fragment|index|meta))$")
FINGERPRINTED = re.compile("^" + _FINGERPRINTED)
NGINX_FINGERPRINTED = "^/" + _FINGERPRINTED

CACHE_FOREVER = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"

# Features the guide never uses, turned off for its pages and anything they could embed. Only names
# Chromium knows: it logs "Unrecognized feature" on every page for others (bluetooth, battery,
# ambient-light-sensor, document-domain, web-share in Chromium 156). Clipboard writing stays on:
# Material's copy and share buttons use it.
PERMISSIONS_OFF = (
    "accelerometer", "autoplay", "browsing-topics", "camera", "clipboard-read", "display-capture",
    "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid", "identity-credentials-get",
    "idle-detection", "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi",
    "otp-credentials", "payment", "picture-in-picture", "publickey-credentials-create",
    "publickey-credentials-get", "screen-wake-lock", "serial", "storage-access", "sync-xhr", "usb",
    "window-management", "xr-spatial-tracking",
)

# Addresses that can never be the real site (RFC 2606 / RFC 6761 names).
_PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$")

# <script type> values a browser runs; any other type (application/json, ...) is data, which CSP
# does not govern.
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href"}
# Material's search "share" link starts as `javascript:void(0)` and its click is cancelled by
# Material's script; even if it ran, it does nothing, so blocking it changes nothing.
_HARMLESS_JS_URLS = {"javascript:void(0)", "javascript:void 0", "javascript:;"}


class PublishError(Exception):
    """The built pages cannot run under the strict policy; the message names every page and fix."""


@dataclass
class Scan:
    script_hashes: set[str] = field(default_factory=set)
    style_hashes: set[str] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)  # problem -> pages (paths in the site) that have it
    pages: int = 0

    def report(self, shown: int = 3) -> list[str]:
        """One line per problem, naming the pages (a shared snippet's problem is on every page)."""
        lines = []
        for problem, pages in self.problems.items():
            more = f" and {len(pages) - shown} more pages" if len(pages) > shown else ""
            lines.append(f"{', '.join(pages[:shown])}{more}: {problem}")
        return lines


def csp_hash(text: str) -> str:
    """The CSP source for an inline script or style: sha256 of its exact text, as the browser hashes it."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # keep script text exactly as written: that is what is hashed
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.problems: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        where = f"<{tag}{' id=' + repr(a['id']) if 'id' in a else ''}{' class=' + repr(a['class']) if 'class' in a else ''}>"
        if "style" in a:
            self.problems.append(f"{where} has an inline style attribute style=\"{a['style']}\", which style-src 'self' blocks "
                                 "(give the element a class and put the rule in overrides/assets/guide.css)")
        for name in a:
            if name.startswith("on"):
                self.problems.append(f"{where} has an inline event handler {name}=\"...\", which script-src blocks "
                                     "(attach the handler from overrides/assets/guide.js)")
        for name in _URL_ATTRS & a.keys():
            url = a[name].strip()
            if url.lower().startswith("javascript:") and url.lower() not in _HARMLESS_JS_URLS:
                self.problems.append(f"{where} has a javascript: URL in {name}, which script-src blocks "
                                     "(use a button with a handler in overrides/assets/guide.js)")
        if tag == "script" and "src" not in a and a.get("type", "").strip().lower() in _JS_TYPES:
            self._open = ("script", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            (self.scripts if tag == "script" else self.styles).append("".join(self._open[1]))
            self._open = None


def inline_code(html: str) -> tuple[list[str], list[str], list[str]]:
    """Inline scripts, inline <style> blocks, and problems (what no hash can allow) of one page."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.scripts, parser.styles, parser.problems


def scan(site: Path) -> Scan:
    result = Scan()
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        scripts, styles, problems = inline_code(page.read_text(encoding="utf-8"))
        result.pages += 1
        result.script_hashes.update(csp_hash(s) for s in scripts)
        result.style_hashes.update(csp_hash(s) for s in styles)
        for problem in problems:
            pages = result.problems.setdefault(problem, [])
            if rel not in pages[-1:]:
                pages.append(rel)
    return result


def content_security_policy(script_hashes, style_hashes=()) -> str:
    # 'wasm-unsafe-eval' lets search compile its WebAssembly (Pagefind); it does not allow eval().
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", "'wasm-unsafe-eval'", *sorted(script_hashes)]),
        ("style-src", ["'self'", *sorted(style_hashes)]),
        ("img-src", ["'self'", "data:"]),  # Material's icons are data: SVGs in its CSS
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("worker-src", ["'self'"]),
        ("manifest-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
    ]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def security_headers(csp: str) -> list[tuple[str, str]]:
    return [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", ", ".join(f"{name}=()" for name in PERMISSIONS_OFF)),
        ("X-Frame-Options", "DENY"),  # frame-ancestors for browsers that predate it
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        # Browsers ignore this over plain http; over https it keeps readers on https for a year.
        ("Strict-Transport-Security", "max-age=31536000"),
    ]


def is_fingerprinted(rel_path: str) -> bool:
    return bool(FINGERPRINTED.match(rel_path))


def netlify_headers(headers: list[tuple[str, str]], fingerprinted: list[str], files: list[str]) -> str:
    """`_headers` for Netlify and Cloudflare Pages.

    Both join the values of a header set by two matching rules, so Cache-Control is set only on
    fingerprinted files; every other file keeps the host's default, which revalidates. A folder
    whose files are all fingerprinted is one `/folder/*` rule: Pagefind writes a chunk per few
    pages, and Cloudflare Pages reads at most 100 rules.
    """
    lines = ["# Generated by `make build` from the built pages; do not edit (see README, Publish).", "/*"]
    lines += [f"  {name}: {value}" for name, value in headers]
    for pattern in cache_forever_patterns(fingerprinted, files):
        lines += [pattern, f"  Cache-Control: {CACHE_FOREVER}"]
    return "\n".join(lines) + "\n"


def cache_forever_patterns(fingerprinted: list[str], files: list[str]) -> list[str]:
    """URL patterns covering exactly the fingerprinted files: whole folders where every file under
    them is fingerprinted (the highest such folder), single files elsewhere."""
    forever = set(fingerprinted)
    mixed = {parent for f in files if f not in forever for parent in map(str, Path(f).parents)}
    patterns = set()
    for f in forever:
        folders = [str(p) for p in reversed(Path(f).parents) if str(p) != "." and str(p) not in mixed]
        patterns.add(f"/{folders[0]}/*" if folders else f"/{f}")
    return sorted(patterns)


def nginx_snippet(headers: list[tuple[str, str]]) -> str:
    """Directives for inside an nginx `server { }` block whose `root` is the built site."""
    # nginx drops every inherited add_header in a location that has its own, so each location
    # repeats the full set; `always` puts them on error responses (the 404 page) too.
    def block(cache: str) -> str:
        return "\n".join(f'    add_header {name} "{value}" always;' for name, value in [*headers, ("Cache-Control", cache)])

    return f"""\
# Closer Again: generated by `make build` from the built pages; do not edit (see README, Publish).
# Use inside a server {{ }} block whose root is the built site/ folder, then `nginx -s reload`
# after every build (the policy's script hashes come from the pages).
index index.html;
charset utf-8;
server_tokens off;
absolute_redirect off;
# Precompressed copies written by the build (file.gz); brotli needs its module, see README.
gzip_static on;
gzip on;
gzip_vary on;
gzip_comp_level 6;
gzip_types text/css application/javascript application/json image/svg+xml application/xml text/xml text/plain;
error_page 404 /404.html;

location / {{
    try_files $uri $uri/ =404;
{block(CACHE_REVALIDATE)}
}}

# Material's bundles and Pagefind's index chunks carry a hash of their content in the name.
location ~ "{NGINX_FINGERPRINTED}" {{
{block(CACHE_FOREVER)}
}}

# The Netlify / Cloudflare Pages headers file is not a page.
location = /_headers {{
    return 404;
}}
"""


def is_placeholder(site_url: str) -> bool:
    host = urlsplit(site_url or "").hostname or ""
    return not host or bool(_PLACEHOLDER_HOSTS.search(host))


def site_url_of(home_html: str) -> str:
    """The address the pages were built for: the home page's canonical link (MkDocs' site_url)."""
    m = re.search(r'<link rel="canonical" href="([^"]*)"', home_html)
    return m.group(1) if m else ""


def robots_txt(site_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"


@dataclass
class Compressed:
    files: int = 0
    raw: int = 0
    gzip: int = 0
    brotli: int = 0


def precompress(site: Path) -> Compressed:
    """file.gz and file.br beside every text file, each kept only when smaller than the file.

    Material's fingerprinted bundles, which every reader downloads and caches for a year, get the
    slowest, smallest settings (gzip 9, brotli 11: 12% smaller than gzip, about 1 s per build); all
    other files get fast ones (gzip 6, brotli 5), so the cost per page stays a few milliseconds
    (numbers in docs/DESIGN.md). Written with the original's modification time and no timestamp
    inside, so two builds of the same pages give the same bytes.
    """
    totals = Compressed()
    for path in sorted(p for p in site.rglob("*") if p.suffix in COMPRESSIBLE and p.is_file()):
        data = path.read_bytes()
        best = is_fingerprinted(path.relative_to(site).as_posix())
        totals.files += 1
        totals.raw += len(data)
        totals.gzip += _keep_if_smaller(path, ".gz", gzip.compress(data, 9 if best else 6, mtime=0), len(data))
        totals.brotli += _keep_if_smaller(path, ".br", brotli.compress(data, quality=11 if best else 5), len(data))
    return totals


def _keep_if_smaller(path: Path, suffix: str, packed: bytes, size: int) -> int:
    """Write path+suffix when it saves bytes; return the size a reader then downloads."""
    if len(packed) >= size:
        return size
    out = path.with_name(path.name + suffix)
    out.write_bytes(packed)
    st = path.stat()
    os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
    return len(packed)


@dataclass
class Prepared:
    site_url: str
    nginx: str
    scan: Scan
    compressed: Compressed | None
    warnings: list[str]


def prepare(site: Path, *, compress: bool = True) -> Prepared:
    """Check the built pages against the policy, then write `_headers`, `robots.txt` and compressed copies.

    Raises PublishError, naming each page, when something inline cannot be allowed by a hash.
    """
    found = scan(site)
    if found.problems:
        n = len(found.problems)
        raise PublishError(
            f"{n} thing{'s' if n != 1 else ''} in the built pages would be blocked by the site's "
            "Content-Security-Policy; the build stopped:\n  " + "\n  ".join(found.report()))
    home = site / "index.html"
    url = site_url_of(home.read_text(encoding="utf-8")) if home.exists() else ""
    warnings = []
    if is_placeholder(url):
        warnings.append(
            f"site_url is {url or 'empty'!r}, a placeholder: the sitemap, robots.txt and links shared from the "
            "site point nowhere. Build with your address: SITE_URL=https://your.address/ make build")
    elif url.startswith("http://"):
        warnings.append(
            f"site_url is {url!r}: without https, readers' browsers warn, and what they read and type can be seen "
            "on the way. Build with the https address: SITE_URL=https://... make build")
    headers = security_headers(content_security_policy(found.script_hashes, found.style_hashes))
    # The .gz/.br copies are never asked for by name: hosts that read _headers compress by themselves.
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.suffix not in (".gz", ".br"))
    fingerprinted = [f for f in files if is_fingerprinted(f)]
    (site / "_headers").write_text(netlify_headers(headers, fingerprinted, files), encoding="utf-8")
    robots = site / "robots.txt"
    if not robots.exists():  # a publisher's own content/robots.txt wins
        robots.write_text(robots_txt(url), encoding="utf-8")
    return Prepared(url, nginx_snippet(headers), found, precompress(site) if compress else None, warnings)
