"""Lighthouse scores of the published guide: `make build` output served by nginx with the generated snippet.

    python benchmarks/lighthouse.py              # = make lighthouse: build, serve, 4 page kinds x mobile/desktop x 3 runs
    python benchmarks/lighthouse.py --runs 1 --site site   # score an existing build once

Runs npm's lighthouse 12.2.3 (`npx`, Node 20; 13.x needs Node 22) with the system Chromium, against
http://localhost:PORT/ (Lighthouse, like Chromium, counts localhost as a secure origin, so the
https audits judge the headers rather than the missing certificate). Each page and form factor runs
--runs times and the median of each category is kept: on a shared 2-core machine single runs of
the performance score move by 10 points or more. Prints a table and the audits that cost points,
and writes benchmarks/out/lighthouse/results.json. No test asserts on these numbers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from scripts import serve_nginx  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {"home": "", "section": "consent/", "article": "consent/agreed-signals/", "worksheet": "worksheets/weekly-check-in/"}
OUT = HERE / "out" / "lighthouse"


def lighthouse(url: str, form: str, out: Path) -> dict:
    chromium = shutil.which("chromium")
    if not chromium:
        raise SystemExit("Chromium is not installed: run `make system-deps`")
    cmd = ["npx", "--yes", LIGHTHOUSE, url, "--output=json", f"--output-path={out}", "--quiet",
           "--chrome-flags=--headless=new --no-sandbox", f"--only-categories={','.join(CATEGORIES)}"]
    if form == "desktop":
        cmd.append("--preset=desktop")
    for attempt in (1, 2):  # Lighthouse 12 with Chromium 156 sometimes fails to record the trace (NO_NAVSTART)
        done = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": chromium}, timeout=600)
        if done.returncode == 0:
            return json.loads(out.read_text())
        print(f"lighthouse failed on {url} ({form}), attempt {attempt}", file=sys.stderr)
    raise SystemExit(f"lighthouse failed twice on {url} ({form})")


def lost_points(report: dict) -> list[str]:
    """Audits that count towards a category score and did not pass."""
    lost = []
    for cat in report["categories"].values():
        for ref in cat["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{cat['id']}: {ref['id']} {audit['score']:.2f} {audit.get('displayValue') or ''}".strip())
    return lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--site", type=Path, help="score this built site (with deploy/nginx-guide.conf beside it) instead of building")
    ap.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    site = args.site
    if site is None:
        site = OUT / "site"
        subprocess.run([sys.executable, "-m", "guide", "build", "--site", str(site)], cwd=ROOT, check=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "hooks")})
    snippet = site.parent / "deploy" / "nginx-guide.conf"
    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "nproc": os.cpu_count(),
               "load_before": os.getloadavg(), "lighthouse": LIGHTHOUSE, "runs": args.runs, "pages": {}}
    with serve_nginx.serve(site, snippet, portless=False) as url:
        base = url.replace("127.0.0.1", "localhost")
        for kind in args.pages:
            for form in ("mobile", "desktop"):
                reports = [lighthouse(base + PAGES[kind], form, OUT / f"{kind}-{form}-{i}.json") for i in range(args.runs)]
                scores = {c: [round(r["categories"][c]["score"] * 100) for r in reports if r["categories"][c]["score"] is not None]
                          for c in CATEGORIES}
                median = {c: statistics.median(v) if v else None for c, v in scores.items()}
                perf = scores["performance"]
                mid = reports[perf.index(sorted(perf)[len(perf) // 2])] if perf else reports[0]
                results["pages"][f"{kind}/{form}"] = {
                    "median": median, "all": scores, "lost": lost_points(mid),
                    "benchmarkIndex": [r["environment"]["benchmarkIndex"] for r in reports],
                }
                print(f"{kind:9} {form:7} " + "  ".join(f"{c} {median[c]}" for c in CATEGORIES)
                      + f"   (performance runs: {perf})", flush=True)
    results["load_after"] = os.getloadavg()
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nload average before/after: {results['load_before']} / {results['load_after']}")
    for key, page in results["pages"].items():
        for line in page["lost"]:
            print(f"  {key}: {line}")
    print(f"Reports: {OUT}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
