"""``ssekit conductivity predict`` streams (issue 21): read, checked, predicted and written a chunk at a time.

What is promised, and checked here:

- the output file is byte for byte what predicting the whole table at once
  gives, whatever the chunk size (1, 7, the default), with bad rows among
  the good ones, a whole chunk of bad rows, formula-looking IDs and blank
  conductivities; the refused-row lines are the same too;
- a problem found part-way down a file still refuses the whole file: one
  line, exit 2, the old output untouched, no temporary file;
- Ctrl-C part-way leaves nothing either; the mode of an existing output is
  kept; stderr stays silent for a file of one chunk and says how far a
  longer file has got;
- the chunked reader (:func:`ssekit.files.iter_csv_file`) settles the
  encoding a block at a time, as :func:`ssekit.files.read_text` did on the
  whole file;
- SIGINT at any moment after the interpreter hands over to ssekit, including
  while pandas and scikit-learn are being imported, is one line and exit 130.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ssekit import cli
from ssekit import data as datasets
from ssekit.errors import InputError
from ssekit.files import iter_csv_file, read_text, text_encoding, write_csv
from ssekit.mishra2023 import cli as mcli
from ssekit.ml import conductivity as C
from ssekit.ml.modelfile import save_model

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHUNK = mcli.CHUNK_ROWS


def run(capsys, argv):
    """Exit status, stdout and stderr of ``ssekit argv`` in-process (a traceback fails the test)."""
    code = cli.main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    """A small model (20 trees on the shipped split) saved as 'conductivity train' saves one."""
    rows = datasets.load("obelix_train")
    F = C.conductivity_features(rows)
    model = C.ConductivityModel(seed=0, n_estimators=20).fit(C.model_input(F), C.target_log10(rows),
                                                            groups=F["chemical_system"], families=F["family"],
                                                            names=F["composition"])
    f = tmp_path_factory.mktemp("model") / "m.ssekit-model"
    save_model({"name": "test", "model": model, "rows": model.n_rows_, "features": []}, f)
    return f


def _raw(n: int = 300) -> pd.DataFrame:
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False).head(n).reset_index(drop=True)
    raw["ID"] = [f"r{i}" for i in range(len(raw))]
    return raw


def _mixed(path: Path, n: int = 300) -> Path:
    """``n`` shipped rows, 9 of them refused, rows 7-13 all refused (one whole chunk of 7), the last one too."""
    raw = _raw(n)
    edits = {
        3: {"Reduced Composition": "Og2", "True Composition": ""},  # screened out: element past Lr
        7: {"Z": "0", "True Composition": ""},
        8: {"alpha": "2.04", "beta": "2.11", "gamma": "1.09"},  # radians
        9: {"a": "60", "b": "60", "c": "60"},  # volume per atom implausible
        10: {"Reduced Composition": "not a formula", "True Composition": ""},  # refused by the features
        11: {"alpha": "170", "beta": "170", "gamma": "170"},
        12: {"Reduced Composition": "LiRf", "True Composition": ""},
        13: {"Reduced Composition": "xyz", "True Composition": ""},
        n // 3: {"ID": "=HYPERLINK(\"x\")"},  # written with a leading apostrophe
        n // 2: {"Ionic conductivity (S cm-1)": ""},  # blank conductivity: predicted
        n - 1: {"Reduced Composition": "???", "True Composition": ""},
    }
    for i, cols in edits.items():
        for c, v in cols.items():
            raw.loc[i, c] = v
    raw.to_csv(path, index=False)
    return path


def _whole_table(src: Path, model_path: Path, out: Path) -> tuple[bytes, list[str]]:
    """What predicting the whole table at once writes, and its refused-row lines (the code before streaming)."""
    from ssekit.ml.modelfile import load_model

    model = load_model(model_path)["model"]
    rows = mcli.read_rows(str(src))
    ok, pre = mcli.screen_rows(rows)
    pred, post = C.predict_rows(model, ok, chunk_rows=len(ok) + 1)
    write_csv(pred.round(4), out)
    refused = pd.concat([pre, post], ignore_index=True)
    return out.read_bytes(), [f"refused row ID={r['ID']}: {r['reason']}" for _, r in refused.iterrows()]


@pytest.mark.parametrize("chunk, n", [(1, 45), (7, 60), (DEFAULT_CHUNK, 300)])  # one-row chunks: 0.15 s each
def test_streamed_output_is_byte_identical_to_the_whole_table(chunk, n, model_file, tmp_path, capsys, monkeypatch):
    src = _mixed(tmp_path / "in.csv", n)
    expected, refused_lines = _whole_table(src, model_file, tmp_path / "expected.csv")
    monkeypatch.setattr(mcli, "CHUNK_ROWS", chunk)
    out = tmp_path / "pred.csv"
    code, stdout, err = run(capsys, ["conductivity", "predict", src, "--model-file", model_file, "--out", out])
    assert code == 0, err
    assert out.read_bytes() == expected
    assert [ln for ln in err.splitlines() if ln.startswith("refused row")] == refused_lines
    assert len(refused_lines) == 9 and "ID=r10" in "\n".join(refused_lines)
    pred = pd.read_csv(out, dtype={"ID": str})
    assert len(pred) == n - 9 and pred.loc[pred["ID"].str.startswith("'="), "ID"].tolist() == ["'=HYPERLINK(\"x\")"]
    assert f"wrote {n - 9} predictions to {out}; 9 row(s) refused" in err
    progress = [ln for ln in err.splitlines() if ln.startswith("conductivity predict:")]
    if chunk == DEFAULT_CHUNK:
        assert progress == []  # one chunk: nothing but the model line, notes and refusals
    else:
        assert len(progress) == -(-n // chunk) and progress[-1] == f"conductivity predict: {n} rows read, {n - 9} predicted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["expected.csv", "in.csv", "pred.csv"]


def test_streamed_table_on_stdout_is_the_whole_table(model_file, tmp_path, capsys, monkeypatch):
    src = _mixed(tmp_path / "in.csv", 60)
    code, whole, _ = run(capsys, ["conductivity", "predict", src, "--model-file", model_file])
    monkeypatch.setattr(mcli, "CHUNK_ROWS", 7)
    code7, chunked, _ = run(capsys, ["conductivity", "predict", src, "--model-file", model_file])
    assert code == code7 == 0 and chunked == whole and len(whole.splitlines()) == 52  # header + 51 predicted


def test_a_file_of_only_refused_rows_is_exit_1_and_no_file(model_file, tmp_path, capsys, monkeypatch):
    raw = _raw(5).assign(**{"Reduced Composition": "nope", "True Composition": ""})
    src = tmp_path / "in.csv"
    raw.to_csv(src, index=False)
    monkeypatch.setattr(mcli, "CHUNK_ROWS", 2)
    out = tmp_path / "pred.csv"
    code, _, err = run(capsys, ["conductivity", "predict", src, "--model-file", model_file, "--out", out])
    assert code == 1 and "Traceback" not in err
    assert len([ln for ln in err.splitlines() if ln.startswith("refused row")]) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize("case, edit, words", [
    ("non_numeric", {"b": "five"}, ["in.csv", "'b'", "non-numeric", "five"]),
    ("out_of_range", {"a": "-5"}, ["in.csv", "a_A", "angstrom", "[2, 200]", "-5"]),
    ("extra_field", None, ["in.csv", "not a readable CSV", "line 52"]),
])
def test_a_problem_far_down_refuses_the_whole_file(case, edit, words, model_file, tmp_path, capsys, monkeypatch):
    raw = _raw(60)
    src = tmp_path / "in.csv"
    if edit is None:
        text = raw.to_csv(index=False).splitlines()
        text[51] += ",extra"  # line 52 of the file: the 51st data row
        src.write_text("\n".join(text) + "\n")
    else:
        for c, v in edit.items():
            raw.loc[50, c] = v
        raw.to_csv(src, index=False)
    out = tmp_path / "pred.csv"
    out.write_text("old\n")
    monkeypatch.setattr(mcli, "CHUNK_ROWS", 7)  # the problem is in chunk 8, after 7 chunks were written
    code, stdout, err = run(capsys, ["conductivity", "predict", src, "--model-file", model_file, "--out", out])
    lines = [ln for ln in err.splitlines() if not ln.startswith(("model:", "conductivity predict:"))]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    for w in words:
        assert w in lines[0], (w, lines[0])
    if case != "extra_field":
        assert "r50" in lines[0]
    assert out.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "pred.csv"]


def test_ctrl_c_part_way_leaves_the_old_output_and_no_temporary_file(model_file, tmp_path, capsys, monkeypatch):
    src = tmp_path / "in.csv"
    _raw(60).to_csv(src, index=False)
    out = tmp_path / "pred.csv"
    out.write_text("old\n")
    real, calls = C.iter_predictions, []

    def interrupted(*a, **k):
        for item in real(*a, **k):
            calls.append(1)
            if len(calls) == 3:
                assert [p for p in tmp_path.iterdir() if p.name.startswith(".ssekit-")]  # two chunks written so far
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(C, "iter_predictions", interrupted)
    monkeypatch.setattr(mcli, "CHUNK_ROWS", 10)
    code, _, err = run(capsys, ["conductivity", "predict", src, "--model-file", model_file, "--out", out])
    lines = [ln for ln in err.splitlines() if not ln.startswith(("model:", "conductivity predict:"))]
    assert code == 130 and len(lines) == 1 and "interrupted (Ctrl-C)" in lines[0] and "Traceback" not in err, err
    assert out.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "pred.csv"]


@pytest.mark.parametrize("mode", [0o640, 0o600])
def test_streamed_output_keeps_the_mode_of_the_file_it_replaces(mode, model_file, tmp_path, capsys, monkeypatch):
    src = tmp_path / "in.csv"
    _raw(30).to_csv(src, index=False)
    out = tmp_path / "pred.csv"
    out.write_text("old\n")
    os.chmod(out, mode)
    monkeypatch.setattr(mcli, "CHUNK_ROWS", 7)
    code, _, err = run(capsys, ["conductivity", "predict", src, "--model-file", model_file, "--out", out])
    assert code == 0 and os.stat(out).st_mode & 0o777 == mode and len(pd.read_csv(out)) == 30, err


# ---------------------------------------------------------------- the chunked reader


def test_iter_csv_file_encodings_and_refusals(tmp_path):
    raw = _raw(12)
    f = tmp_path / "bom.csv"
    f.write_bytes(raw.to_csv(index=False).encode("utf-8-sig"))
    chunks, notes = iter_csv_file(f, chunk_rows=5, dtype=str, keep_default_na=False)
    got = list(chunks)
    assert [len(c) for c in got] == [5, 5, 2] and notes == [] and list(got[0].columns) == list(raw.columns)
    pd.testing.assert_frame_equal(pd.concat(got), raw, check_dtype=False)
    lat = tmp_path / "latin1.csv"
    lat.write_bytes(raw.assign(Family="caf\u00e9").to_csv(index=False).encode("latin-1"))
    chunks, notes = iter_csv_file(lat, chunk_rows=5, dtype=str, keep_default_na=False)
    assert next(chunks)["Family"].iloc[0] == "caf\u00e9" and "read as Latin-1" in notes[0]
    head = tmp_path / "head.csv"
    head.write_text(",".join(raw.columns) + "\n")
    chunks, _ = iter_csv_file(head, "OBELiX-format CSV", chunk_rows=5)
    with pytest.raises(InputError, match="0 data row"):
        next(chunks)
    for content, words in ((b"", "empty"), (b" \n\n", "only blanks"), (b"a,b\n1,\x00\n", "binary data")):
        bad = tmp_path / "bad.csv"
        bad.write_bytes(content)
        with pytest.raises(InputError, match=words):
            iter_csv_file(bad)


def test_encoding_is_found_block_by_block_as_on_the_whole_file(tmp_path):
    """A character split across the 1 MiB read blocks is UTF-8; a bad byte past the first block is named."""
    line = "r,Li\u2082S caf\u00e9\n".encode()
    body = b"ID,x\n" + line * ((1 << 20) // len(line) + 10)
    split = tmp_path / "split.csv"  # the multi-byte characters fall across the block boundary somewhere
    split.write_bytes(body)
    assert text_encoding(split) == ("utf-8-sig", [])
    assert read_text(split)[0] == body.decode()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(body + b"r,\xe9\n")
    enc, notes = text_encoding(bad)
    assert enc == "latin-1" and f"(byte {len(body) + 3})" in notes[0]
    trunc = tmp_path / "trunc.csv"  # a file that ends part-way through a character
    trunc.write_bytes(body + "\u2082".encode()[:2])
    assert text_encoding(trunc)[0] == "latin-1"


# ---------------------------------------------------------------- Ctrl-C from the first moment


def _startup_seconds() -> float:
    """How long this interpreter takes to start and import the (light) ssekit package: before that, Python
    itself answers SIGINT, with its own traceback, and no package can change that. The median of three starts: one
    start stalled by a busy machine must not push the signal past the end of the run."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import ssekit"], check=True)
        times.append(time.perf_counter() - t0)
    return sorted(times)[1]


@pytest.mark.parametrize("delay", [0.05, 0.3, 1.0])
def test_sigint_at_any_moment_is_one_line_and_exit_130(delay, tmp_path):
    """SIGINT ``delay`` seconds after ssekit's first line can run: while pandas and scikit-learn are imported
    (0.05, 0.3 s) and while the model is trained (1 s; no cache: about 15 s on a quiet machine). Should the
    machine stall the run past its end, the output is whole and the line says so
    (``test_signal_after_the_output_is_in_place_names_the_whole_file`` makes that case on purpose)."""
    src = tmp_path / "in.csv"
    _raw(5).to_csv(src, index=False)
    env = {k: v for k, v in os.environ.items() if k != "SSEKIT_CACHE_DIR"}
    start = 1.5 * _startup_seconds()
    out = tmp_path / "pred.csv"
    proc = subprocess.Popen([sys.executable, "-m", "ssekit", "conductivity", "predict", str(src), "--out",
                             str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(start + delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [ln for ln in err.splitlines() if not ln.startswith(("model:", "note:", "wrote "))]
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert len(lines) == 1 and "interrupted (Ctrl-C)" in lines[0], err
    if out.exists():  # late: the run had put its output in place
        assert lines[0].endswith(f"after the output was complete: {out} is whole"), err
        assert len(pd.read_csv(out)) == 5
    else:
        assert lines[0].endswith("no output file was left half-written"), err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize("sig, words", [(signal.SIGINT, "interrupted (Ctrl-C)"), (signal.SIGTERM, "terminated (SIGTERM)")])
def test_signal_after_the_output_is_in_place_names_the_whole_file(sig, words, tmp_path):
    """The signal right after the output is renamed into place: the file is whole, and the one line says so
    rather than implying nothing was written."""
    src = tmp_path / "in.csv"
    src.write_text("P%,L:S,X:B\n5,0.9,50\n")
    out = tmp_path / "pred.csv"
    script = ("import os, signal, sys\nfrom ssekit import files, cli\n"
              "real = os.replace\n"
              f"def replace(a, b):\n    real(a, b); signal.raise_signal({int(sig)})\n"
              "files.os.replace = replace\n"
              f"sys.exit(cli.main(['films', 'classify', '--csv', {str(src)!r}, '--out', {str(out)!r}]))\n")
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert p.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[sig] and "Traceback" not in p.stderr, p.stderr
    assert p.stderr.splitlines()[-1] == f"ssekit films classify: {words} after the output was complete: {out} is whole"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.csv", "pred.csv"]
    assert len(pd.read_csv(out)) == 1


def test_the_stop_line_names_only_outputs_the_user_asked_for(tmp_path):
    """A cache entry put in place before Ctrl-C is not 'the output'; a failed rename records nothing."""
    import shutil

    from ssekit import cli, files
    from ssekit.errors import InputError

    files._COMMITTED.clear()
    files.write_bytes(b"{}", tmp_path / "entry.json", "cache entry", output=False)
    assert cli._stopped_line(["ssekit", "claims"], "interrupted (Ctrl-C)") == (
        "ssekit claims: interrupted (Ctrl-C); no output file was left half-written")
    gone = tmp_path / "gone"
    gone.mkdir()
    out = files.AtomicFile(gone / "out.csv")
    out.write(b"x\n")
    shutil.rmtree(gone)  # the rename fails: its folder is no longer there
    with pytest.raises(InputError, match="cannot write"):
        out.commit()
    assert files._COMMITTED == []
    files.write_bytes(b"x\n", tmp_path / "out.csv")
    assert cli._stopped_line(["ssekit", "films", "classify"], "terminated (SIGTERM)") == (
        f"ssekit films classify: terminated (SIGTERM) after the output was complete: {tmp_path / 'out.csv'} is whole")
    files._COMMITTED.clear()


PROBES = {  # how a library can lose a Ctrl-C on its way to ssekit.cli.main
    "string_exec": 'exec("raise KeyboardInterrupt")',  # as in dataclasses: CPython marks it unhandled
    "converted": ('try:\n        signal.raise_signal(signal.SIGINT)\n    except KeyboardInterrupt:\n'
                  '        raise ImportError("numpy: could not import module datetime")'),  # as NumPy's import does
    "dropped": ('class Drop:\n        def __del__(self):\n            raise KeyboardInterrupt\n'
                '    Drop()\n    return 0'),  # 'Exception ignored in __del__'
}


@pytest.mark.parametrize("case", sorted(PROBES))
def test_a_ctrl_c_a_library_loses_is_still_one_line_and_130(case, tmp_path):
    """Run as ``python -m`` (where CPython's unhandled-interrupt mark turns exit 130 into death by SIGINT)."""
    probe = tmp_path / "probe_interrupt.py"
    # the command is looked up when the parser is built, so the probe replaces it before calling main
    probe.write_text("import signal, sys\nfrom ssekit import cli\nfrom ssekit.mishra2023 import cli as mcli\n"
                     f"def command(args):\n    {PROBES[case]}\n"
                     "mcli.predict = command\nsys.exit(cli.main(['conductivity', 'predict', 'x.csv']))\n")
    p = subprocess.run([sys.executable, "-m", "probe_interrupt"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120, env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])})
    assert p.returncode == 130 and p.stderr.splitlines() == [
        "ssekit conductivity predict: interrupted (Ctrl-C); no output file was left half-written"], p.stderr
