"""The ``ssekit`` command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from ssekit import cli
from ssekit import data as datasets


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
    assert out.count(" ok") == len(datasets.registry()) >= 29


def test_data_fails_on_corruption(tmp_path, monkeypatch, capsys):
    from ssekit.data import shipped

    copy = tmp_path / "ssekit"
    shutil.copytree(shipped.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "data" / "obelix" / "obelix_train.csv").write_text("ID\n")
    (copy / "kim2025" / "stray.csv").write_text("a\n1\n")
    monkeypatch.setattr(shipped, "PACKAGE", copy)
    assert cli.main(["data"]) == 1
    captured = capsys.readouterr()
    assert "MISMATCH" in captured.out and "checksum mismatch for 'obelix_train'" in captured.err
    assert "kim2025/stray.csv is shipped but has no row" in captured.err


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


def test_films_classify_one_recipe(capsys):
    assert cli.main(["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"]) == 0
    cap = capsys.readouterr()
    lines = cap.out.strip().splitlines()
    assert lines[0].startswith("# SURROGATE-based prediction")
    assert lines[1].split()[:5] == ["P_pct", "LS_uL_per_mg", "XB_vol_pct", "class", "probability"]
    assert lines[1].split()[-1] == "training_data" and lines[2].split()[-1] == "surrogate"
    cls, prob = lines[2].split()[3:5]
    assert cls in {"1", "2", "3"} and 0.33 < float(prob) <= 1
    assert "SURROGATE" in cap.err


def test_films_classify_csv_round_trip(tmp_path, capsys):
    src = tmp_path / "recipes.csv"
    src.write_text("P%,L:S,X:B\n3,0.9,50\n10,0.6,100\n7,1.4,0\n")
    out = tmp_path / "pred.csv"
    assert cli.main(["films", "classify", "--csv", str(src), "--out", str(out)]) == 0
    import pandas as pd

    pred = pd.read_csv(out)
    assert len(pred) == 3 and set(pred["class"]) <= {1, 2, 3}
    probs = pred[["p_class1", "p_class2", "p_class3"]].sum(axis=1)
    assert ((probs - 1).abs() < 0.01).all()
    assert pred.loc[1, "class"] == 3  # the most viscous slurry: low conductivity


def test_films_classify_refuses_out_of_range(capsys):
    assert cli.main(["films", "classify", "--p", "12", "--ls", "0.9", "--xb", "50"]) == 2
    err = capsys.readouterr().err
    assert "P_pct = 12 wt% is outside the allowed range [3, 10] wt%" in err


def test_films_classify_needs_inputs(tmp_path, capsys):
    assert cli.main(["films", "classify", "--p", "5"]) == 2
    bad = tmp_path / "r.csv"
    bad.write_text("P%,L:S\n3,0.9\n")
    assert cli.main(["films", "classify", "--csv", str(bad)]) == 2
    assert "lacks column(s) ['XB_vol_pct']" in capsys.readouterr().err
