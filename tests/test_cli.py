"""The ``ssekit`` command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from ssekit import cli, datasets


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ssekit", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_subcommands():
    out = run("--help")
    assert out.returncode == 0 and "claims" in out.stdout and "data" in out.stdout
    for sub in ("claims", "data"):
        h = run(sub, "--help")
        assert h.returncode == 0 and "usage: ssekit " + sub in h.stdout


def test_data_verifies_checksums(capsys):
    assert cli.main(["data"]) == 0
    out = capsys.readouterr().out
    assert out.count(" ok") == len(datasets.registry())


def test_data_fails_on_corruption(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "data"
    shutil.copytree(datasets.DATA_DIR, copy)
    (copy / "obelix" / "obelix_train.csv").write_text("ID\n")
    monkeypatch.setattr(datasets, "DATA_DIR", copy)
    assert cli.main(["data"]) == 1
    captured = capsys.readouterr()
    assert "MISMATCH" in captured.out and "checksum mismatch for data set 'obelix_train'" in captured.err


def test_claims_json_round_trip(tmp_path, capsys):
    assert cli.main(["claims", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    f = tmp_path / "claims.json"
    f.write_text(json.dumps(payload))
    assert cli.main(["claims", "--from-build", str(f), "--paper", "kim2025"]) == 0
    out = capsys.readouterr().out
    assert "kim2025.asr.lps_10um" in out and "reproduced" in out


def test_claims_from_missing_build_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["claims", "--from-build", str(tmp_path / "nope.json")]) == 2
    assert "build the book first" in capsys.readouterr().err


def test_console_script_installed():
    from pathlib import Path

    exe = Path(sys.executable).with_name("ssekit")
    assert exe.exists(), "the ssekit console script is not installed next to this Python"
    assert subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.startswith("ssekit ")
