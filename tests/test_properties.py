"""Property-based tests: random CSVs, formulas, images, JSON and option values against every command.

The README's promise, checked on each generated input: the command exits 0
with a correct result (or 1 where the command documents it: no row could be
predicted, no thickness meets the target), or exits 2 with one line; never
another status, never a traceback, never a changed input file. Hypothesis is
bounded (``max_examples``) and derandomised, and the commands run in-process
(``cli.main``), so the file takes well under a minute once the models are
fitted. ``SSEKIT_PROPERTY_REPORT=FILE`` appends the number of inputs each test
tried.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssekit import cli
from ssekit import data as datasets

SETTINGS = dict(derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TRIED: dict[str, int] = {}
OUTCOMES: dict[tuple[str, int], int] = {}


def _digest(paths) -> dict:
    return {str(p): hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths if Path(p).is_file()}


def _run(name: str, argv, inputs=(), allowed=(0, 2)):
    """Run ``ssekit argv`` in-process; check the promise; return (code, stdout, stderr)."""
    TRIED[name] = TRIED.get(name, 0) + 1
    before = _digest(inputs)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse: usage line + one error line, status 2
            code = exc.code
    stdout, stderr = out.getvalue(), err.getvalue()
    OUTCOMES[(name, code)] = OUTCOMES.get((name, code), 0) + 1
    assert "Traceback" not in stderr, stderr
    assert code in allowed, f"exit {code} for {argv}: {stderr}"
    if code == 2:
        lines = [ln for ln in stderr.splitlines()
                 if ln.strip() and not ln.startswith(("note:", "model:", "usage:", " ", "refused row"))]
        assert len(lines) == 1, f"{argv}: {stderr!r}"
    assert _digest(inputs) == before, f"{argv} changed an input file"
    return code, stdout, stderr


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    target = os.environ.get("SSEKIT_PROPERTY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            for k, n in sorted(TRIED.items()):
                codes = {c: m for (name, c), m in OUTCOMES.items() if name == k}
                fh.write(f"{k}\t{n}\t" + " ".join(f"exit {c}: {m}" for c, m in sorted(codes.items())) + "\n")
            fh.write(f"total\t{sum(TRIED.values())}\n")


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------

NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(-1e3, 1e3).map(lambda v: f"{v:.3g}"),
    st.sampled_from(["", " ", "nan", "inf", "-inf", "1e400", "-0", "0", "1,5", "abc", "=1+1", "µ", "3 wt%", "0x10",
                     "٣", "1_000", "NaN", "None"]),
)
ELEMENTS = ["Li", "P", "S", "Cl", "Br", "I", "O", "Ge", "Sn", "Si", "La", "Zr", "Og", "Rf", "Lr", "Xx", "D", "H",
            "li", "Uue"]
FORMULA = st.one_of(
    st.lists(st.tuples(st.sampled_from(ELEMENTS), st.sampled_from(["", "1", "2", "0.5", "7", "0", "1e3", "-1"])),
             min_size=1, max_size=4).map(lambda parts: "".join(e + n for e, n in parts)),
    st.sampled_from(["Li6PS5Cl", "Li7La3Zr2O12", "(Li2S)0.75(P2S5)0.25", "Li0.6[Li0.2Sn0.8S2]", "0.7Li2S-0.3P2S5",
                     "", "Li(PS4", "Li10GeP2S12", "LiRf", "Og2"]),
    st.text(max_size=8),
)


def _csv_text(header, rows) -> str:
    buf = io.StringIO()
    pd.DataFrame(rows, columns=range(len(header))).to_csv(buf, index=False, header=header)
    return buf.getvalue()


# --------------------------------------------------------------------------
# films classify
# --------------------------------------------------------------------------

FILM_HEADERS = ["P%", "L:S", "X:B", "P_pct", "LS_uL_per_mg", "XB_vol_pct", "P (wt%)", "L:S (mL/g)", "note", "class",
                "ID"]


@settings(max_examples=40, **SETTINGS)
@given(header=st.lists(st.sampled_from(FILM_HEADERS), min_size=1, max_size=5),
       data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
def test_films_classify_random_csv(tmp_path_factory, header, data, encoding):
    if data.draw(st.booleans()):  # a valid table, perhaps with one cell or header changed
        header = data.draw(st.permutations(["P%", "L:S", "X:B"]))
        ranges = {"P%": (3, 10), "L:S": (0.6, 1.4), "X:B": (0, 100)}
        rows = [[f"{data.draw(st.floats(*ranges[h])):.4g}" for h in header]
                for _ in range(data.draw(st.integers(1, 4)))]
        if data.draw(st.booleans()):
            rows[0][data.draw(st.integers(0, 2))] = data.draw(NUMBER_TEXT)
        if data.draw(st.booleans()):
            header = list(header) + [data.draw(st.sampled_from(FILM_HEADERS))]
            rows = [r + [data.draw(NUMBER_TEXT)] for r in rows]
    else:
        rows = data.draw(st.lists(st.lists(NUMBER_TEXT, min_size=len(header), max_size=len(header)), max_size=4))
    src = tmp_path_factory.mktemp("f") / "recipes.csv"
    src.write_bytes(_csv_text(header, rows).encode(encoding, errors="replace"))
    code, out, _ = _run("films classify --csv", ["films", "classify", "--csv", src], [src])
    if code == 0:
        body = [ln for ln in out.splitlines() if ln.strip() and not ln.startswith("#")]
        assert len(body) == 1 + len(rows)  # header + one line per recipe


@settings(max_examples=40, **SETTINGS)
@given(p=st.one_of(st.floats(3, 10), st.floats(allow_nan=True, allow_infinity=True)),
       ls=st.one_of(st.floats(0.6, 1.4), st.floats(-1, 3)), xb=st.one_of(st.floats(0, 100), st.floats(-10, 200)))
def test_films_classify_random_options(p, ls, xb):
    code, out, _ = _run("films classify --p --ls --xb", ["films", "classify", "--p", repr(p), "--ls", repr(ls),
                                                          "--xb", repr(xb)])
    if code == 0:
        line = out.splitlines()[-1].split()
        probs = [float(v) for v in line[-4:-1]]
        assert abs(sum(probs) - 1) < 0.01 and int(line[3]) in (1, 2, 3)


# --------------------------------------------------------------------------
# conductivity predict (a small model saved by 'conductivity train')
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("model")
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    raw.head(60).to_csv(d / "train.csv", index=False)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(["conductivity", "train", str(d / "train.csv"), "--out", str(d / "m.ssekit-model"),
                         "--trees", "20"]) == 0
    return d / "m.ssekit-model"


@pytest.fixture(scope="module")
def obelix_rows() -> pd.DataFrame:
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    return raw.iloc[[0, 5, 40, 100]].reset_index(drop=True)


OBELIX_EDITS = ["Reduced Composition", "True Composition", "Z", "a", "b", "c", "alpha", "beta", "gamma",
                "Space group #", "Ionic conductivity (S cm-1)", "ID", "Ref"]


@settings(max_examples=30, **SETTINGS)
@given(data=st.data())
def test_conductivity_predict_random_rows(tmp_path_factory, model_file, obelix_rows, data):
    rows = obelix_rows.copy()
    i0 = data.draw(st.integers(0, len(rows) - 1))
    scenario = data.draw(st.sampled_from(["random", "element", "z", "radians", "cell", "random"]))
    if scenario == "element":  # elements without element data, or not elements at all
        rows.loc[i0, "Reduced Composition"] = data.draw(st.sampled_from(["Og2", "LiRf", "Li3Uue", "LiXx2", "Lr2S3"]))
        rows.loc[i0, "True Composition"] = data.draw(st.sampled_from(["", "Og2.0"]))
    elif scenario == "z":
        rows.loc[i0, "Z"] = data.draw(st.sampled_from(["0", "-2", "0.0", "1e9", "nan", ""]))
        rows.loc[i0, "True Composition"] = ""
    elif scenario == "radians":
        for col in ("alpha", "beta", "gamma"):
            rows.loc[i0, col] = f"{data.draw(st.floats(0.1, 3.1)):.3f}"
    elif scenario == "cell":
        for col in data.draw(st.lists(st.sampled_from(["a", "b", "c", "alpha", "beta", "gamma"]), min_size=1)):
            rows.loc[i0, col] = data.draw(NUMBER_TEXT)
    n_edits = data.draw(st.integers(0, 6)) if scenario == "random" else 0
    for _ in range(n_edits):
        col = data.draw(st.sampled_from(OBELIX_EDITS))
        i = data.draw(st.integers(0, len(rows) - 1))
        value = data.draw(FORMULA if "Composition" in col else NUMBER_TEXT)
        rows.loc[i, col] = value
    if data.draw(st.booleans()):
        rows = rows.drop(columns=[data.draw(st.sampled_from(OBELIX_EDITS))])
    d = tmp_path_factory.mktemp("c")
    src = d / "rows.csv"
    rows.to_csv(src, index=False)
    out = d / "pred.csv"
    code, _, err = _run("conductivity predict", ["conductivity", "predict", src, "--model-file", model_file,
                                                 "--out", out], [src, model_file], allowed=(0, 1, 2))
    if code == 0:
        pred = pd.read_csv(out)
        assert len(pred) + err.count("refused row") == len(rows)
        assert np.isfinite(pred["log10_sigma_pred"]).all()
        assert (pred["log10_sigma_lo90"] <= pred["log10_sigma_pred"]).all()
        assert (pred["log10_sigma_pred"] <= pred["log10_sigma_hi90"]).all()
    else:
        assert not out.exists()


# --------------------------------------------------------------------------
# cell energy / threshold / power
# --------------------------------------------------------------------------

OPTION_NUMBER = st.one_of(st.floats(1, 300), st.floats(0.05, 3), st.floats(allow_nan=True, allow_infinity=True),
                          st.floats(0.05, 6000), st.floats(0, 3))
SET_ITEMS = st.one_of(st.builds(lambda k, v, u: f"{k}={v}{u}",
                                st.sampled_from(["areal_capacity", "se_sigma", "bipolar", "nope", "packaging", ""]),
                                NUMBER_TEXT, st.sampled_from(["", " S/m", " mAh/cm2", " furlong"])),
                      st.text(max_size=10))


@settings(max_examples=40, **SETTINGS)
@given(cmd=st.sampled_from(["energy", "threshold", "power"]), data=st.data())
def test_cell_random_options(cmd, data):
    from ssekit.physics.cell import CONFIGS

    argv = ["cell", cmd, "--config", data.draw(st.sampled_from(sorted(CONFIGS)))]
    for item in (data.draw(st.lists(SET_ITEMS, max_size=2)) if data.draw(st.booleans()) else []):
        argv += ["--set", item]
    if cmd == "energy":
        argv += ["--se-thickness-um", *map(repr, data.draw(st.lists(OPTION_NUMBER, min_size=1, max_size=3)))]
    elif cmd == "threshold":
        argv += [data.draw(st.sampled_from(["--target-wh-per-kg", "--target-wh-per-l"])), repr(data.draw(OPTION_NUMBER))]
    else:
        argv += ["--c-rate", repr(data.draw(OPTION_NUMBER)), "--max-polarisation-v", repr(data.draw(OPTION_NUMBER))]
        if data.draw(st.booleans()):
            argv += ["--se-thickness-um", *map(repr, data.draw(st.lists(OPTION_NUMBER, min_size=1, max_size=3)))]
    code, out, _ = _run(f"cell {cmd}", argv, allowed=(0, 2) if cmd == "energy" else (0, 1, 2))
    if code == 0 and cmd == "energy":
        table = [ln.split() for ln in out.splitlines()[3:]]
        assert table and all(np.isfinite(float(v)) for row in table for v in row)


# --------------------------------------------------------------------------
# microstructure transport
# --------------------------------------------------------------------------


@settings(max_examples=30, **SETTINGS)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=4), data=st.data(),
       dtype=st.sampled_from(["int8", "uint8", "int64", "float64", "bool"]))
def test_microstructure_random_images(tmp_path_factory, shape, data, dtype):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    if data.draw(st.booleans()):  # mostly phase 1: usually percolates
        shape = shape[:3] + [2] * (3 - len(shape[:3])) if data.draw(st.booleans()) else shape
        img = (rng.random(shape) < data.draw(st.floats(0.5, 1.0))).astype(dtype)
    else:
        img = rng.integers(0, 3, size=shape).astype(dtype)
    if dtype == "float64" and data.draw(st.booleans()):
        img[(0,) * img.ndim] = data.draw(st.sampled_from([np.nan, np.inf, 0.5]))
    phase = data.draw(st.integers(-1, 3))
    axis = data.draw(st.sampled_from(["x", "y", "z"]))
    src = tmp_path_factory.mktemp("m") / "img.npy"
    np.save(src, img)
    code, out, _ = _run("microstructure transport", ["microstructure", "transport", src, "--phase", phase,
                                                     "--axis", axis, "--json"], [src])
    if code == 0:
        r = json.loads(out)
        assert r["volume_fraction"] == pytest.approx(float((img == phase).mean()))
        assert 0 <= r["percolating_fraction"] <= 1  # share of the phase connected to both faces
        assert 0 <= r["sigma_eff"] <= r["volume_fraction"] + 1e-9


@settings(max_examples=15, **SETTINGS)
@given(raw=st.binary(max_size=200))
def test_microstructure_random_bytes(tmp_path_factory, raw):
    src = tmp_path_factory.mktemp("b") / "img.npy"
    src.write_bytes(raw)
    _run("microstructure transport (bytes)", ["microstructure", "transport", src, "--phase", "1"], [src])


# --------------------------------------------------------------------------
# claims --from-build
# --------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
                    max_leaves=8)


@settings(max_examples=40, **SETTINGS)
@given(records=st.lists(st.fixed_dictionaries(
    {"id": st.one_of(st.text(max_size=6), JSON), "paper": st.sampled_from(["chen2021", "kim2025", 3, None]),
     "status": st.sampled_from(["reproduced", "differs", "surrogate", "great", 1]),
     "reported": JSON, "reproduced": JSON}), max_size=3),
    wrap=st.booleans(), valid=st.booleans())
def test_claims_from_build_random_json(tmp_path_factory, records, wrap, valid):
    if valid:
        records = [{"id": f"chen2021-{i}", "paper": "chen2021", "status": "differs", "reported": 1.0,
                    "reproduced": r.get("reproduced") if isinstance(r.get("reproduced"), (int, float)) else None,
                    "unit": "-", "note": ""} for i, r in enumerate(records)]
    src = tmp_path_factory.mktemp("j") / "claims.json"
    src.write_text(json.dumps({"claims": records} if wrap else records))
    code, out, _ = _run("claims --from-build", ["claims", "--from-build", src], [src])
    if code == 0:
        assert out.startswith(f"claims from {src}")


def test_inputs_were_tried():
    """The property tests above ran their inputs (run in file order)."""
    if len(TRIED) < 7:
        pytest.skip("run the whole file to count the inputs")
    assert sum(TRIED.values()) >= 200, TRIED
