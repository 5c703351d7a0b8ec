"""The repository URL lives in one place (``_config.yml``); everything that links to it agrees.

Jupyter Book builds the launch (Binder), repository and issue buttons from
``repository.url``; the README's Binder badge is the one other place that
spells it, and this test keeps the two equal.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_repository_url_is_a_github_repository():
    url = config()["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url), url


def test_buttons_follow_the_repository_url():
    cfg = config()
    assert cfg["html"]["use_repository_button"] and cfg["html"]["use_issues_button"]
    assert cfg["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert cfg["launch_buttons"]["notebook_interface"] == "jupyterlab"


def test_readme_binder_badge_uses_the_same_url():
    cfg = config()
    owner_repo = cfg["repository"]["url"].removeprefix("https://github.com/")
    branch = cfg["repository"]["branch"]
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"\]\((https://mybinder\.org/v2/gh/[^)\s]+)\)", readme)
    assert badges, "README has no Binder badge"
    for b in badges:
        assert b.startswith(f"https://mybinder.org/v2/gh/{owner_repo}/{branch}"), f"{b} does not match _config.yml"
    other = set(re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", readme)) - {cfg["repository"]["url"]}
    assert not other, f"README names another repository URL: {other}"


def test_readme_is_one_screen_and_links_the_performance_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 120, "README longer than one screen (120 lines)"
    for part in ("## Two commands", "## Three ways to use it", "## Command line", "## How to add a paper",
                 "## How to cite", "](docs/performance.md)"):
        assert part in readme, part
    perf = (ROOT / "docs" / "performance.md").read_text()
    for section in ("chapters", "chapters-busy", "setup"):
        assert f"<!-- benchmark:{section} -->" in perf and f"<!-- /benchmark:{section} -->" in perf, section
    assert "docs/performance.md" in (ROOT / "scripts" / "benchmark").read_text()
    assert not re.search(r"\bissue[- ]\d+|\bbefore this work\b", readme + perf, re.I), "development history"


def test_chapter_subset_builds_one_chapter_and_the_references(tmp_path):
    """scripts/book --chapter and scripts/test --chapter build through scripts/book_subset.py."""
    import subprocess
    import sys

    script = ROOT / "scripts" / "book_subset.py"
    proc = subprocess.run([sys.executable, str(script), str(tmp_path), "kim2025_asr"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["--toc", str(tmp_path / "_toc.yml"), "--config", str(tmp_path / "_config.yml")]
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text())
    assert toc["root"] == "book/kim2025_asr" and toc["chapters"] == [{"file": "book/references"}]
    cfg = yaml.safe_load((tmp_path / "_config.yml").read_text())
    assert cfg["execute"] == config()["execute"] and "myst.xref_missing" in cfg["sphinx"]["config"]["suppress_warnings"]
    bad = subprocess.run([sys.executable, str(script), str(tmp_path), "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no chapter nope" in bad.stderr and "\n" not in bad.stderr.strip()
    for cmd in ("book", "test"):
        assert "--chapter" in (ROOT / "scripts" / cmd).read_text()
