"""Building the real guide, or a changed copy of it, exactly as `mkdocs build --strict` does."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

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
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
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


def article(title: str, description: str = "A test article.", tags=("pacing",), body: str = "", **extra) -> str:
    """Front matter and body of a valid article, for fixture sites."""
    meta = {"title": title, "description": description, "tags": list(tags),
            "published": "2026-10-01", "reviewed": "2026-11-01", **extra}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n\n" + (body or "Some words.\n")



def pagefind_records(site: Path) -> list[dict]:
    """What Pagefind indexed, one record per page: url, content (the words searched), meta."""
    from guide.search import records
    return records(site / "pagefind")
