"""Nothing a user or a cache hands ssekit runs as code (issue 21, item 1).

Each forged file carries a payload that, if anything in it were built, would
create a marker file. The test first shows the payload is live (loading it
with skops' trust switched off, or unpickling it, creates the marker), then
that ssekit refuses the file in one line and the marker never appears.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import skops.io as sio

from ssekit import _cache, cli
from ssekit import data as datasets
from ssekit.errors import InputError
from ssekit.ml import conductivity
from ssekit.ml import modelfile


class _Payload:
    def __init__(self, cmd):
        self.cmd = cmd

    def __reduce__(self):
        import os

        return os.system, (self.cmd,)


def _skops_calling(module: str, name: str, arg: str) -> bytes:
    """A skops archive whose loading calls ``module.name(arg)`` (a ConstructorFromReduceNode)."""
    legit = sio.dumps({"name": "x", "model": (arg,), "rows": 1, "features": []})
    z = zipfile.ZipFile(io.BytesIO(legit))
    schema = json.loads(z.read("schema.json"))
    node = schema["content"]["model"]
    schema["content"]["model"] = {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode",
                                  "content": node, "__id__": 1}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("schema.json", json.dumps(schema))
    return buf.getvalue()


def _with_header(payload: bytes, magic: bytes = modelfile.MAGIC) -> bytes:
    return magic + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def _run(capsys, argv):
    code = cli.main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("note:", "model:"))]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def rows_csv(tmp_path) -> Path:
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    src = tmp_path / "in.csv"
    raw[raw["ID"].isin(["jqc", "122"])].to_csv(src, index=False)
    return src


def test_the_skops_payload_is_live_without_the_type_check(tmp_path):
    """The forged archive really runs code when trusted blindly: the refusal tests below could fail."""
    marker = tmp_path / "RAN"
    data = _skops_calling("os", "system", f"touch {marker}")
    sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    assert marker.exists()


@pytest.mark.parametrize("target", [("os", "system"), ("posix", "system"), ("builtins", "eval"),
                                    ("numpy", "load"), ("numpy", "memmap"), ("ssekit.ml.modelfile", "write_bytes")])
def test_forged_model_file_is_refused_before_anything_runs(target, tmp_path, rows_csv, capsys):
    marker = tmp_path / "RAN"
    arg = f"touch {marker}" if target[1] in ("system", "eval") else str(marker)
    if target[1] == "eval":
        arg = f"__import__('os').system('touch {marker}')"
    forged = tmp_path / "forged.ssekit-model"
    forged.write_bytes(_with_header(_skops_calling(*target, arg)))  # header and a correct sha256
    code, out, err = _run(capsys, ["conductivity", "predict", rows_csv, "--model-file", forged])
    line = _one_error_line(err)
    assert code == 2 and "refused, nothing in it was run" in line and f"{target[0]}.{target[1]}" in line, err
    assert not marker.exists() and out == ""


def test_old_pickled_model_file_with_a_correct_checksum_is_not_unpickled(tmp_path, rows_csv, capsys):
    marker = tmp_path / "RAN"
    payload = pickle.dumps({"name": "x", "model": _Payload(f"touch {marker}"), "rows": 1, "features": []})
    forged = tmp_path / "forged.ssekit-model"
    forged.write_bytes(_with_header(payload, b"SSEKIT-MODEL v1\n"))
    code, _, err = _run(capsys, ["conductivity", "predict", rows_csv, "--model-file", forged])
    assert code == 2 and "older ssekit (a pickle)" in _one_error_line(err)
    forged.write_bytes(_with_header(payload))  # a pickle behind the new header: not a skops archive
    code, _, err = _run(capsys, ["conductivity", "predict", rows_csv, "--model-file", forged])
    assert code == 2 and "not a readable skops archive" in _one_error_line(err)
    assert not marker.exists()
    pickle.loads(payload)  # the payload is live
    assert marker.exists()


def test_trusted_type_list():
    ok = ["sklearn.ensemble._forest.ExtraTreesRegressor", "sklearn.tree._tree.Tree", "numpy.float64",
          "ssekit.ml.conductivity.ConductivityModel"]
    bad = ["os.system", "builtins.eval", "numpy.load", "numpy.memmap", "numpy.lib._npyio_impl.NpzFile",
           "ssekit.files.write_bytes", "ssekit.ml.modelfile.save_model", "sklearnx.A", "pandas.DataFrame",
           "sklearn.no_such_module.X", "scipy.__main__.X"]
    assert [modelfile.is_trusted_type(n) for n in ok] == [True] * len(ok)
    assert [modelfile.is_trusted_type(n) for n in bad] == [False] * len(bad)


def test_help_says_exactly_what_is_trusted(capsys):
    for sub in ("predict", "train"):
        with pytest.raises(SystemExit):
            cli.main(["conductivity", sub, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "skops archives, not pickles" in text and "scikit-learn, NumPy, SciPy or ssekit.ml" in text
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert "only classes from scikit-learn, NumPy, SciPy and `ssekit.ml`" in readme and "not a signature" in readme


# --------------------------------------------------------------------------
# the on-disk cache
# --------------------------------------------------------------------------


def _square(x):
    return {"x": x, "table": pd.DataFrame({"a": [x, x * x]})}


def test_cache_entry_that_would_run_code_is_refused_and_recomputed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = _cache.memory().cache(_square)(3.0)
    entries = list((tmp_path / "cache").rglob("*.skops"))
    assert len(entries) == 1 and not list((tmp_path / "cache").rglob("*.pkl"))
    again = _cache.memory().cache(_square)(3.0)
    assert again["table"].equals(first["table"]) and capsys.readouterr().err == ""
    marker = tmp_path / "RAN"
    entries[0].write_bytes(_skops_calling("os", "system", f"touch {marker}"))
    third = _cache.memory().cache(_square)(3.0)
    err = capsys.readouterr().err
    assert "refused, nothing in it was run" in err and "recomputed" in err and len(err.splitlines()) == 1
    assert third["table"].equals(first["table"]) and not marker.exists()


def test_poisoned_shipped_model_cache_entry_never_runs(tmp_path, monkeypatch, rows_csv, capsys):
    """The issue's attack: replace the cached shipped model, then run a plain ``conductivity predict``."""
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False).head(80)
    small = conductivity.rows_from_csv_frame(raw, "train")

    def _shipped_model(seed):  # same cache name, a small training set: fast
        return conductivity.train(small, seed, n_estimators=20)

    _shipped_model.__module__, _shipped_model.__qualname__ = conductivity.__name__, "_shipped_model"
    monkeypatch.setattr(conductivity, "_shipped_model", _shipped_model)
    monkeypatch.setattr(conductivity, "_MODELS", {})
    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(tmp_path / "cache"))
    code, first, _ = _run(capsys, ["conductivity", "predict", rows_csv])
    entries = list((tmp_path / "cache").rglob("*_shipped_model/*.skops"))
    assert code == 0 and len(entries) == 1
    monkeypatch.setattr(conductivity, "_MODELS", {})
    code, second, err = _run(capsys, ["conductivity", "predict", rows_csv])  # read back from the cache
    assert code == 0 and second == first and "note:" not in err
    marker = tmp_path / "RAN"
    entries[0].write_bytes(_skops_calling("os", "system", f"touch {marker}"))
    monkeypatch.setattr(conductivity, "_MODELS", {})
    code, third, err = _run(capsys, ["conductivity", "predict", rows_csv])
    assert code == 0 and third == first and "refused, nothing in it was run" in err
    assert not marker.exists()


@pytest.mark.parametrize("case", ["a_file", "uncreatable"])
def test_unusable_cache_dir_is_one_line_exit_2(case, tmp_path, monkeypatch, rows_csv, capsys):
    if case == "a_file":
        target = tmp_path / "cachefile"
        target.write_text("x")
    else:
        (tmp_path / "f").write_text("x")
        target = tmp_path / "f" / "sub" / "cache"
    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(target))
    monkeypatch.setattr(conductivity, "_MODELS", {})
    code, out, err = _run(capsys, ["conductivity", "predict", rows_csv])
    line = _one_error_line(err)
    assert code == 2 and "SSEKIT_CACHE_DIR" in line and out == ""
    with pytest.raises(InputError):
        _cache.memory()


def test_cache_round_trip_is_exact():
    import numpy as np

    df = pd.DataFrame({"f": [0.1, np.nan, 1e-300], "s": ["a", None, "c"], "b": [True, False, True],
                       "i": np.arange(3), "c": pd.Categorical(["x", "y", "x"])},
                      index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2), ("c", 3)], names=["k", "n"]))
    value = {"df": df, ("t", 1): [np.float64(0.3), 2, None], "ser": df["f"].rename("F"), "arr": np.eye(2)}
    back = _cache.decode(modelfile.loads_safe(modelfile.dumps_safe(_cache.encode(value)), "test",
                                              _cache.CACHE_PREFIXES))
    assert back["df"].equals(df) and list(back["df"].dtypes) == list(df.dtypes)
    assert back[("t", 1)] == [0.3, 2, None] and back["ser"].equals(df["f"].rename("F"))
    assert (back["arr"] == np.eye(2)).all()


def _untrusted_value(x):
    from fractions import Fraction

    return {"x": x, "odd": Fraction(1, 3)}  # a type the cache does not store


def test_value_the_cache_cannot_read_back_is_not_stored(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(tmp_path / "cache"))
    assert _cache.memory().cache(_untrusted_value)(1)["x"] == 1
    assert _cache.memory().cache(_untrusted_value)(1)["x"] == 1
    assert not list((tmp_path / "cache").rglob("*.skops")) and capsys.readouterr().err == ""


def test_claim_results_come_back_from_the_cache_as_json_and_exactly(tmp_path, monkeypatch, capsys):
    """A claim's evaluated result is kept as plain JSON (no code in it) and read back equal, without recomputing."""
    from ssekit import claims
    from ssekit.claims import evaluation

    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(tmp_path / "cache"))
    claim = claims.get_claim("kim2025.asr.lps_10um")  # a null over 50 draws, cheap
    claims.clear_memo()
    fresh = claims.evaluate(claim)
    entries = list((tmp_path / "cache").rglob("*_evaluated/*.json"))
    assert len(entries) == 1 and not list((tmp_path / "cache").rglob("*_evaluated/*.skops"))

    def _no_compute(*a, **k):
        raise AssertionError("recomputed although the result is in the cache")

    monkeypatch.setattr(evaluation, "run_compute", _no_compute)
    claims.clear_memo()
    again = claims.evaluate(claim)
    assert repr(again) == repr(fresh) and again.claim is claim and capsys.readouterr().err == ""
    claims.clear_memo()


def test_claim_cache_entry_naming_other_code_is_refused_and_recomputed(tmp_path, monkeypatch, capsys):
    from ssekit import claims

    monkeypatch.setenv("SSEKIT_CACHE_DIR", str(tmp_path / "cache"))
    claim = claims.get_claim("kim2025.asr.lps_10um")
    claims.clear_memo()
    fresh = claims.evaluate(claim)
    entry = next((tmp_path / "cache").rglob("*_evaluated/*.json"))
    marker = tmp_path / "RAN"
    entry.write_text(json.dumps({"__ssekit__": "dataclass", "type": "os:system",
                                 "fields": {"command": f"touch {marker}"}}))
    claims.clear_memo()
    again = claims.evaluate(claim)
    err = capsys.readouterr().err
    assert "unknown record type os:system" in err and "recomputed" in err and len(err.splitlines()) == 1
    assert repr(again) == repr(fresh) and not marker.exists()
    claims.clear_memo()
