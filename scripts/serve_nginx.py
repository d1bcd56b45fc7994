"""Serve a built site with a real nginx and the project's generated snippet, as a production server would.

    python scripts/serve_nginx.py [site] [deploy/nginx-guide.conf]    # = make preview

Used by the publishing tests and the Lighthouse benchmark, and by publishers to try the site with
its real headers, compression and 404 page before uploading it. nginx runs in the foreground
(`daemon off`) with every file it writes (config, pid, logs, temp folders) in a temporary folder,
on a loopback address only. As root it listens on port 80 of a random 127.x.y.z address: Material's
instant navigation keeps the host but drops the port of the addresses it reads from the sitemap,
so only a port-less address shows in-page navigation as readers get it. Otherwise (or when port 80
is taken there) it uses a free port on 127.0.0.1.
"""
from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary() -> str:
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not exe:
        raise RuntimeError("nginx is not installed: run `make system-deps` (apt-get install -y nginx libnginx-mod-http-brotli-static)")
    return exe


def _address(portless: bool) -> tuple[str, int]:
    if portless and os.geteuid() == 0:
        host = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
        with contextlib.suppress(OSError), socket.socket() as s:
            s.bind((host, 80))
            return host, 80
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return "127.0.0.1", s.getsockname()[1]


def config(site: Path, snippet: Path, tmp: Path, host: str, port: int) -> str:
    brotli = BROTLI_MODULE.exists()
    temp_paths = "\n".join(f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""\
{f'load_module {BROTLI_MODULE};' if brotli else '# no brotli_static module: gzip only'}
# As root, workers must stay root to read a site in a private temp folder; this nginx only ever
# listens on a loopback address.
{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
daemon off;
pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'} warn;
events {{ worker_connections 256; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {tmp / 'access.log'};
{temp_paths}
    sendfile on;
    server {{
        listen {host}:{port};
        server_name localhost;
        root {site.resolve()};
        {'brotli_static on;' if brotli else ''}
        include {snippet.resolve()};
    }}
}}
"""


def _stop_with_parent() -> None:
    """In the child before exec: nginx gets SIGTERM when this process dies, even by SIGKILL, so a
    killed test run or preview never leaves an nginx behind (Linux's PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


@contextlib.contextmanager
def serve(site: Path, snippet: Path, portless: bool = True):
    """Start nginx on the built site; yield its base URL (ending in /); stop it on exit.

    portless=False: always 127.0.0.1 and a free port (Lighthouse reads the site as http://localhost:PORT/,
    which it counts as a secure origin like Chromium does).
    """
    exe = nginx_binary()
    tmp = Path(tempfile.mkdtemp(prefix="guide-nginx-"))
    host, port = _address(portless)
    conf = tmp / "nginx.conf"
    conf.write_text(config(site, snippet, tmp, host, port))
    proc = subprocess.Popen([exe, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, preexec_fn=_stop_with_parent)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                log = (tmp / "error.log").read_text() if (tmp / "error.log").exists() else ""
                raise RuntimeError(f"nginx stopped at start:\n{proc.stderr.read()}{log}")
            with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("nginx did not start listening within 10 s")
            time.sleep(0.05)
        yield f"http://{host}/" if port == 80 else f"http://{host}:{port}/"
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown, master and workers
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    snippet = Path(argv[1] if len(argv) > 1 else site.parent / "deploy" / "nginx-guide.conf")
    if not (site / "index.html").exists() or not snippet.exists():
        print(f"No built site at {site}/ or no {snippet}: run `make build` first.", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops nginx too, through serve()'s cleanup
    with serve(site, snippet) as url:
        print(f"Serving {site}/ with nginx and {snippet} at {url} (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
