"""Bad input, as a new user would give it: every command and public loader against every input class.

Each case ends in one of two ways, and nothing else:

- **refused**: exit status 2 (or :class:`~ssekit.errors.SsekitError` from a
  loader) with one line naming the file, the row or ID, the column, the unit
  and the allowed range, and no output file (not even a partial one);
- **accepted**: a correct result, with a printed note when something was
  converted or guessed (a unit from the header, a Latin-1 file).

Never a traceback, never a partial output file, never a silently wrong number.
Set ``SSEKIT_MATRIX_REPORT=FILE`` to append one line per case
(case, outcome, exit status, message) -- the table in the issue's report.

The conductivity cases also check what issue 12 fixed: a blank conductivity
is predicted, and a row's own conductivity never changes its prediction.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ssekit import cli
from ssekit import data as datasets
from ssekit.chen2021 import films
from ssekit.errors import SsekitError
from ssekit.physics import cell

ROOT = Path(__file__).resolve().parents[1]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def _record(case: str, outcome: str, code, message: str) -> None:
    target = os.environ.get("SSEKIT_MATRIX_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"{case}\t{outcome}\t{code}\t{message}\n")


def _case(request) -> str:
    return request.node.name.removeprefix("test_")


def run(capsys, argv):
    """Exit status, stdout and stderr of ``ssekit argv`` run in-process: a traceback fails the test."""
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own refusals (usage + one error line)
        code = exc.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _error_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.strip() and not ln.startswith(("note:", "model:", "usage:", " "))]


def _no_output(out: Path | None) -> None:
    if out is None:
        return
    out = Path(out)
    if out.is_dir():
        assert not any(out.iterdir()), f"something was written into {out}"
        return
    assert not out.exists(), f"{out} was written although the command failed"
    if out.parent.is_dir():
        assert not [p for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.", ".ssekit-"))], \
            "temporary file left"


def refused(request, capsys, argv, *words, out=None):
    """The command exits 2 with one error line holding every word, and writes nothing."""
    code, stdout, err = run(capsys, argv)
    lines = _error_lines(err)
    _record(_case(request), "refused", code, lines[0] if lines else err.strip())
    assert code == 2, f"exit {code}; stdout={stdout!r} stderr={err!r}"
    assert len(lines) == 1, err
    for w in words:
        assert w in lines[0], f"{w!r} not in {lines[0]!r}"
    _no_output(out)
    return lines[0]


def accepted(request, capsys, argv, *notes, code=0):
    """The command succeeds (or gives its documented status) and prints every note."""
    got, stdout, err = run(capsys, argv)
    _record(_case(request), "accepted", got, " | ".join(ln for ln in err.splitlines() if ln.startswith("note:"))
            or "(no note needed)")
    assert got == code, f"exit {got}; stdout={stdout!r} stderr={err!r}"
    for n in notes:
        assert n in err, f"note {n!r} not in {err!r}"
    return stdout, err


def loader_refuses(request, fn, *words):
    with pytest.raises(SsekitError) as exc:
        fn()
    msg = str(exc.value)
    _record(_case(request), "refused", "SsekitError", " ".join(msg.split()))
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"
    return msg


def loader_accepts(request, fn, note=""):
    result = fn()
    _record(_case(request), "accepted", "-", note or "(no note needed)")
    return result


# --------------------------------------------------------------------------
# films classify
# --------------------------------------------------------------------------

RECIPES = "P%,L:S,X:B\n3,0.9,50\n10,0.6,100\n"


@pytest.fixture
def out_dir(tmp_path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def _write(tmp_path, text: str | bytes, name: str = "in.csv") -> Path:
    p = tmp_path / name
    (p.write_bytes if isinstance(text, bytes) else p.write_text)(text)
    return p


FILMS_REFUSED = {
    "missing_file": (None, ["nope.csv", "no such recipe CSV"]),
    "empty_file": ("", ["in.csv", "empty"]),
    "header_only": ("P%,L:S,X:B\n", ["in.csv", "0 data row(s)", "at least 1"]),
    "missing_column": ("P%,L:S\n3,0.9\n", ["in.csv", "lacks column(s) ['XB_vol_pct']"]),
    "non_numeric": ("P%,L:S,X:B\n3,0.9,50\n5,abc,50\n", ["in.csv", "LS_uL_per_mg (uL/mg)", "data row(s) [2]", "abc"]),
    "blank": ("P%,L:S,X:B\n3,,50\n", ["in.csv", "LS_uL_per_mg (uL/mg)", "data row(s) [1]"]),
    "negative": ("P%,L:S,X:B\n-3,0.9,50\n", ["in.csv", "data row(s) [1]", "P_pct = -3 wt%", "[3, 10] wt%"]),
    "zero": ("P%,L:S,X:B\n5,0,50\n", ["LS_uL_per_mg = 0 uL/mg", "[0.6, 1.4] uL/mg"]),
    "out_of_range": ("P%,L:S,X:B\n12,0.9,50\n", ["P_pct = 12 wt%", "[3, 10] wt%", "SURROGATE"]),
    "unit_slip_fraction_for_percent": ("P%,L:S,X:B\n0.05,0.9,50\n", ["P_pct = 0.05 wt%", "[3, 10] wt%"]),
    "unit_column_disagrees": ("P%,L:S (S/cm),X:B\n5,0.9,50\n", ["L:S (S/cm)", "S/cm", "uL/mg"]),
    "unicode_lookalike_header": ("\u0420%,L:S,X:B\n5,0.9,50\n", ["lacks column(s) ['P_pct']"]),  # Cyrillic Er
    "unicode_minus_value": ("P%,L:S,X:B\n5,0.9,\u221250\n", ["XB_vol_pct (vol% xylene)", "\u221250"]),
    "nan_text": ("P%,L:S,X:B\n5,nan,50\n", ["LS_uL_per_mg (uL/mg) must hold numbers", "'nan'"]),
    "inf_text": ("P%,L:S,X:B\n5,0.9,inf\n", ["XB_vol_pct = inf vol% xylene", "[0, 100]"]),
    "output_column_clash": ("P%,L:S,X:B,class\n5,0.9,50,x\n", ["column(s) ['class'] would be overwritten"]),
}


@pytest.mark.parametrize("case", sorted(FILMS_REFUSED))
def test_films_classify_csv_refused(case, tmp_path, out_dir, capsys, request):
    text, words = FILMS_REFUSED[case]
    src = tmp_path / "nope.csv" if text is None else _write(tmp_path, text)
    out = out_dir / "pred.csv"
    line = refused(request, capsys, ["films", "classify", "--csv", src, "--out", out], *words, out=out)
    assert line.startswith("ssekit films classify: ")


FILMS_ACCEPTED = {
    # case: (file content, notes printed, check of the predictions)
    "extra_columns": ("ID,P%,L:S,X:B,comment\nA1,3,0.9,50,first\n", [], lambda p: list(p["ID"]) == ["A1"]),
    "utf8_bom": ("\ufeffP%,L:S,X:B\n3,0.9,50\n".encode("utf-8"), [], lambda p: len(p) == 1),
    "latin1": ("P%,L:S (\u00b5L/mg),X:B\n3,0.9,50\n".encode("latin-1"), ["read as Latin-1"], lambda p: len(p) == 1),
    "duplicate_rows": ("P%,L:S,X:B\n3,0.9,50\n3,0.9,50\n", ["repeat an earlier recipe"],
                       lambda p: len(p) == 2 and p.iloc[0]["probability"] == p.iloc[1]["probability"]),
    "unit_header_fraction_converted": ("P%,L:S,X:B (fraction)\n3,0.9,0.5\n", ["converted from fraction to %"],
                                       lambda p: p.loc[0, "XB_vol_pct"] == 50.0),
    "formula_text": ("ID,P%,L:S,X:B\n\"=cmd|' /C calc'!A0\",3,0.9,50\n@SUM(A1),3,0.9,50\n", [],
                     lambda p: list(p["ID"]) == ["'=cmd|' /C calc'!A0", "'@SUM(A1)"]),
}


@pytest.mark.parametrize("case", sorted(FILMS_ACCEPTED))
def test_films_classify_csv_accepted(case, tmp_path, out_dir, capsys, request):
    text, notes, check = FILMS_ACCEPTED[case]
    src = _write(tmp_path, text)
    out = out_dir / "pred.csv"
    accepted(request, capsys, ["films", "classify", "--csv", src, "--out", out], *notes)
    pred = pd.read_csv(out, dtype={"ID": str}, keep_default_na=False)
    assert check(pred), pred
    assert (pred["training_data"] == "surrogate").all()
    assert [p.name for p in out_dir.iterdir()] == ["pred.csv"]  # no temporary file left
    # the same recipe typed as options gives the same class and probability
    code, stdout, _ = run(capsys, ["films", "classify", "--p", pred.loc[0, "P_pct"], "--ls",
                                   pred.loc[0, "LS_uL_per_mg"], "--xb", pred.loc[0, "XB_vol_pct"]])
    lines = stdout.splitlines()
    one = dict(zip(lines[1].split(), lines[2].split()))
    assert code == 0 and int(one["class"]) == pred.loc[0, "class"]
    assert float(one["probability"]) == pytest.approx(pred.loc[0, "probability"])


@pytest.mark.parametrize("case, argv, words", [
    ("nan_option", ["--p", "nan", "--ls", "0.9", "--xb", "50"], ["P_pct must be a number in wt%; got nan"]),
    ("inf_option", ["--p", "5", "--ls", "inf", "--xb", "50"], ["LS_uL_per_mg = inf uL/mg"]),
    ("non_numeric_option", ["--p", "five", "--ls", "0.9", "--xb", "50"], ["invalid float value: 'five'"]),
    ("missing_option", ["--p", "5"], ["give --p, --ls and --xb, or --csv FILE"]),
])
def test_films_classify_options_refused(case, argv, words, capsys, request):
    refused(request, capsys, ["films", "classify", *argv], *words)


def _unwritable(tmp_path) -> Path:
    if not IS_ROOT:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o500)
        return d / "pred.csv"
    return Path("/proc/ssekit-cannot-write-here.csv")  # even root cannot create files in /proc


OUT_CASES = {
    "out_missing_dir": (lambda t: t / "no" / "such" / "dir" / "pred.csv", ["folder", "does not exist"]),
    "out_onto_directory": (lambda t: t, ["is a directory"]),
    "out_unwritable": (_unwritable, ["cannot write"]),
    "out_parent_is_a_file": (lambda t: _write(t, "x", "file.txt") / "pred.csv", ["is not a folder"]),
}


@pytest.mark.parametrize("case", sorted(OUT_CASES))
def test_films_classify_out_refused(case, tmp_path, capsys, request):
    target, words = OUT_CASES[case]
    src = _write(tmp_path, RECIPES, "recipes.csv")
    out = target(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    refused(request, capsys, ["films", "classify", "--csv", src, "--out", out], *words)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_films_classify_labels_surrogate_everywhere(capsys, monkeypatch, request):
    monkeypatch.delenv(films.ENV_VAR, raising=False)
    stdout, err = accepted(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"])
    assert stdout.startswith("# SURROGATE-based prediction") and "surrogate" in stdout.splitlines()[-1]
    assert "SURROGATE-based" in err
    code, help_text, _ = run(capsys, ["films", "classify", "--help"])
    assert code == 0 and "SURROGATE-based" in " ".join(help_text.split())


# --------------------------------------------------------------------------
# a bad Table S1 behind films classify and claims (SSEKIT_CHEN_TABLE_S1)
# --------------------------------------------------------------------------

S1_HEADERS = {
    "P_pct": "P%", "LS_uL_per_mg": "L:S (uL/mg)", "XB_vol_pct": "X:B (vol%)", "thickness_um": "Thickness (um)",
    "density_g_per_cm3": "Density (g/cm3)", "resistance_ohm": "Ohmic resistance (ohm)",
    "sigma_S_per_cm": "Normalized conductivity (S/cm)", "DoT_um": "DoT (um)", "RD": "RD",
}


S1_SEED = 24  # 40 films of this seed fall into K-means classes of 18, 14 and 8: enough for the analysis


def s1_table(n: int = 40) -> pd.DataFrame:
    return films.make_surrogate(seed=S1_SEED, n=n).rename(columns=S1_HEADERS)


def _s1_edit(case: str, t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy().astype(object)
    if case == "negative":
        t.loc[4, "Thickness (um)"] = -40.0
    elif case == "zero_R":
        t.loc[6, "Ohmic resistance (ohm)"] = 0.0
    elif case == "non_numeric":
        t.loc[2, "L:S (uL/mg)"] = "1,2"
    elif case == "blank":
        t.loc[3, "RD"] = None
    elif case == "out_of_range":
        t.loc[1, "X:B (vol%)"] = 130.0
    elif case == "unit_slip_m_for_um":
        t["Thickness (um)"] = t["Thickness (um)"].astype(float) * 1e-6
    elif case == "unit_slip_fraction_for_percent":
        t["P%"] = t["P%"].astype(float) / 100
    elif case == "unit_slip_S_per_m":
        t["Normalized conductivity (S/cm)"] = t["Normalized conductivity (S/cm)"].astype(float) * 100 + 1
    elif case == "unit_column_disagrees":
        t = t.rename(columns={"Thickness (um)": "Thickness (S/cm)"})
    elif case == "missing_column":
        t = t.drop(columns=["RD"])
    return t


S1_REFUSED = {
    "missing_column": ["missing column(s) ['RD']", "accepted headers"],
    "non_numeric": ["LS_uL_per_mg (float uL/mg", "line 4: '1,2'"],
    "blank": ["RD (float (DoT/thickness) in [0, 10])", "line 5"],
    "negative": ["thickness_um (float um in [1, 2000])", "line 6"],
    "zero_R": ["resistance_ohm (float ohm, > 0)", "line 8: 0"],
    "out_of_range": ["XB_vol_pct (float vol% xylene in [0, 100])", "line 3", "130"],
    "unit_slip_m_for_um": ["thickness_um (float um in [1, 2000])"],
    "unit_slip_fraction_for_percent": ["P_pct (float wt% in [0, 50])", "fractions, not percent"],
    "unit_slip_S_per_m": ["sigma_S_per_cm (float S/cm in [1e-09, 1])"],
    "unit_column_disagrees": ["'Thickness (S/cm)' says its unit is S/cm", "read in um"],
}


@pytest.mark.parametrize("case", sorted(S1_REFUSED))
def test_table_s1_loader_refused(case, tmp_path, request):
    path = tmp_path / "TableS1.xlsx"
    _s1_edit(case, s1_table()).to_excel(path, index=False)
    loader_refuses(request, lambda: films.load_table_s1(path), "TableS1.xlsx", *S1_REFUSED[case])


def test_table_s1_file_level_refused(tmp_path, request):
    cases = {
        "missing": (tmp_path / "nope.xlsx", ["nope.xlsx", "no such Table S1 file"]),
        "empty": (_write(tmp_path, b"", "empty.xlsx"), ["empty.xlsx", "empty"]),
        "not_a_workbook": (_write(tmp_path, "P%,RD\n1,2\n", "fake.xlsx"), ["fake.xlsx", "not a readable Excel"]),
        "header_only": (_write(tmp_path, ",".join(S1_HEADERS.values()) + "\n", "h.csv"),
                        ["h.csv", "0 film row(s)", "at least 30"]),
        "too_few_rows": (tmp_path / "few.csv", ["few.csv", "3 film row(s)", "at least 30"]),
    }
    s1_table(3).to_csv(tmp_path / "few.csv", index=False)
    for name, (path, words) in cases.items():
        request.node.name = f"test_table_s1_loader_{name}"
        loader_refuses(request, lambda: films.load_table_s1(path), *words)


def test_table_s1_sheets_and_captions(tmp_path, request):
    t = s1_table()
    path = tmp_path / "SI.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"About": ["Supporting information", "see sheet 2"]}).to_excel(xl, sheet_name="Notes", index=False)
        t.to_excel(xl, sheet_name="Table S1", index=False, startrow=2)  # two caption rows above the header
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="Other", index=False)
    request.node.name = "test_table_s1_loader_data_on_second_sheet_with_captions"
    df, rep = loader_accepts(request, lambda: films.load_table_s1(path),
                             "note in the report: read sheet 'Table S1'; 2 caption rows skipped")
    steps = " ".join(w for _, w, _ in rep.steps)
    assert len(df) == 40 and "read sheet 'Table S1'" in steps and "2 caption row(s)" in steps
    np.testing.assert_allclose(df["RD"], films.make_surrogate(seed=S1_SEED, n=40)["RD"])
    request.node.name = "test_table_s1_loader_sheet_option"
    assert len(films.load_table_s1(path, sheet="Table S1")[0]) == 40
    request.node.name = "test_table_s1_loader_wrong_sheet"
    loader_refuses(request, lambda: films.load_table_s1(path, sheet="Sheet1"), "SI.xlsx", "no sheet 'Sheet1'",
                   "['Notes', 'Table S1', 'Other']")
    request.node.name = "test_table_s1_loader_sheet_without_table"
    loader_refuses(request, lambda: films.load_table_s1(path, sheet="Other"), "sheet 'Other'", "missing column(s)")


@pytest.mark.parametrize("case", ["utf8_bom", "latin1", "duplicate_rows", "extra_columns", "unit_header_mm"])
def test_table_s1_loader_accepted(case, tmp_path, request):
    t = s1_table()
    path = tmp_path / "TableS1.csv"
    expect = films.make_surrogate(seed=S1_SEED, n=40)
    note = ""
    if case == "utf8_bom":
        path.write_bytes(t.to_csv(index=False).encode("utf-8-sig"))
    elif case == "latin1":
        path.write_bytes(t.rename(columns={"DoT (um)": "DoT (\u00b5m)"}).to_csv(index=False).encode("latin-1"))
        note = "read as Latin-1"
    elif case == "duplicate_rows":
        t = pd.concat([t, t.iloc[[5]]], ignore_index=True)
        t.to_csv(path, index=False)
        expect = pd.concat([expect, expect.iloc[[5]]], ignore_index=True)
        note = "identical rows"
    elif case == "extra_columns":
        t.assign(Sample=[f"S{i}" for i in range(len(t))], Remark="ok").to_csv(path, index=False)
    elif case == "unit_header_mm":
        t["Thickness (um)"] = t["Thickness (um)"] / 1000
        t.rename(columns={"Thickness (um)": "Thickness (mm)"}).to_csv(path, index=False)
        note = "converted from mm to um"
    df, rep = loader_accepts(request, lambda: films.load_table_s1(path), note)
    np.testing.assert_allclose(df[films.FILM_COLUMNS].to_numpy(float), expect.to_numpy(float), rtol=1e-9)
    if note:
        assert note in " ".join(w for _, w, _ in rep.steps)


def test_bad_table_s1_behind_the_commands(tmp_path, monkeypatch, capsys, request):
    """films classify and claims turn a bad supplied Table S1 into one line, exit 2."""
    path = tmp_path / "TableS1.xlsx"
    _s1_edit("zero_R", s1_table()).to_excel(path, index=False)
    monkeypatch.setenv(films.ENV_VAR, str(path))
    request.node.name = "test_films_classify_bad_table_s1"
    refused(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"],
            "TableS1.xlsx", "resistance_ohm", "> 0")
    request.node.name = "test_claims_bad_table_s1"
    refused(request, capsys, ["claims", "--paper", "chen2021"], "TableS1.xlsx", "resistance_ohm")
    films.make_surrogate(seed=11, n=40).rename(columns=S1_HEADERS).to_excel(path, index=False)
    request.node.name = "test_films_classify_table_s1_class_too_small"
    refused(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"], "TableS1.xlsx",
            "holds only", "of 40 films", "at least 8 films in every class", "at least 8")
    s1_table(3).to_excel(path, index=False)
    request.node.name = "test_films_classify_table_s1_too_few_rows"
    refused(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"], "3 film row(s)",
            "at least 30")
    monkeypatch.setenv(films.ENV_VAR, str(tmp_path / "missing.xlsx"))
    request.node.name = "test_films_classify_table_s1_missing"
    refused(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50"], "missing.xlsx",
            "no such Table S1 file")


def test_real_table_s1_labels_the_classifier(tmp_path, monkeypatch, capsys, request):
    path = tmp_path / "TableS1.xlsx"
    s1_table().to_excel(path, index=False)
    monkeypatch.setenv(films.ENV_VAR, str(path))
    out = tmp_path / "pred.csv"
    stdout, err = accepted(request, capsys, ["films", "classify", "--p", "5", "--ls", "0.9", "--xb", "50", "--out", out])
    assert "SURROGATE" not in err and "TableS1.xlsx" in err
    assert (pd.read_csv(out)["training_data"] == "paper data").all()


# --------------------------------------------------------------------------
# cell energy / cell threshold: parameter files and --set
# --------------------------------------------------------------------------


def config_file(tmp_path, edit=None, *, encoding="utf-8", name="mine.csv") -> Path:
    """The shipped ncm811_li configuration as a user's file, optionally edited (a function of the frame)."""
    df = pd.read_csv(datasets.path("data/cells/ncm811_li.csv"), dtype=str, keep_default_na=False)
    df = edit(df) if edit else df
    p = tmp_path / name
    p.write_bytes(df.to_csv(index=False).encode(encoding))
    return p


def _setv(name, value, unit=None):
    def edit(df):
        df = df.copy()
        df.loc[df["name"] == name, "value"] = value
        if unit is not None:
            df.loc[df["name"] == name, "unit"] = unit
        return df
    return edit


REFERENCE_30UM = float(cell.stack(cell.load_config("ncm811_li"), 30)["Wh_per_kg"].iloc[0])

PARAMS_REFUSED = {
    "missing_file": (None, ["nope.csv", "no such parameter file"]),
    "empty_file": ("", ["mine.csv", "empty"]),
    "header_only": ("name,value,unit,source\n", ["mine.csv", "0 data row(s)"]),
    "missing_column": (lambda d: d.drop(columns=["unit"]), ["mine.csv", "lacks column(s) ['unit']"]),
    "missing_parameter": (lambda d: d[d["name"] != "am_voltage"], ["mine.csv", "lacks am_voltage (V)"]),
    "non_numeric": (_setv("am_capacity", "two hundred"), ["mine.csv", "non-numeric value for ['am_capacity']"]),
    "blank": (_setv("areal_capacity", ""), ["mine.csv", "non-numeric value for ['areal_capacity']"]),
    "negative": (_setv("areal_capacity", "-4"), ["mine.csv", "areal_capacity = -4 mAh/cm2", "[0.01, 100] mAh/cm2"]),
    "zero": (_setv("am_density", "0"), ["mine.csv", "am_density = 0 g/cm3", "[0.1, 25] g/cm3"]),
    "out_of_range": (_setv("cat_porosity", "1.5"), ["mine.csv", "cat_porosity = 1.5", "[0, 1)"]),
    "inf": (_setv("areal_capacity", "inf"), ["mine.csv", "finite number", "areal_capacity = inf"]),
    "nan": (_setv("am_voltage", "nan"), ["mine.csv", "non-numeric value for ['am_voltage']"]),
    "unit_slip_fraction_for_percent": (_setv("cat_porosity", "10"), ["cat_porosity = 10", "[0, 1)"]),
    "unit_column_disagrees": (_setv("am_capacity", "200", "mAh/cm2"),
                              ["am_capacity is given in 'mAh/cm2'", "model's unit 'mAh/g'"]),
    "unit_column_unknown": (_setv("am_capacity", "200", "furlongs"), ["am_capacity is given in 'furlongs'"]),
    "duplicate_rows": (lambda d: pd.concat([d, d[d["name"] == "areal_capacity"].assign(value="5")]),
                       ["mine.csv", "'areal_capacity' is given 2 times", "lines [5, 13]"]),
    "integer_flag_fraction": (_setv("anode", "1.7"), ["anode = 1.7", "integer flag", "0, 1, 2, 3"]),
    "unknown_parameter": (lambda d: pd.concat([d, d.iloc[[0]].assign(name="areal_capacty")]),
                          ["unknown cell parameter 'areal_capacty'"]),
    "unicode_lookalike_name": (lambda d: d.assign(name=d["name"].str.replace("areal_capacity", "areal_capac\u0456ty")),
                               ["unknown cell parameter 'areal_capac\u0456ty'"]),
    "blank_name": (lambda d: d.assign(name=d["name"].where(d["name"] != "np_ratio", " ")), ["blank name on line(s) [12]"]),
}


@pytest.mark.parametrize("command", ["energy", "threshold"])
@pytest.mark.parametrize("case", sorted(PARAMS_REFUSED))
def test_cell_params_file_refused(case, command, tmp_path, capsys, request):
    content, words = PARAMS_REFUSED[case]
    if content is None:
        path = tmp_path / "nope.csv"
    elif isinstance(content, str):
        path = _write(tmp_path, content, "mine.csv")
    else:
        path = config_file(tmp_path, content)
    tail = ["--se-thickness-um", "30"] if command == "energy" else ["--target-wh-per-kg", "300"]
    line = refused(request, capsys, ["cell", command, "--params", path, *tail], *words)
    assert line.startswith(f"ssekit cell {command}: ")


PARAMS_ACCEPTED = {
    # unit column honoured: 0.2 Ah/g is 200 mAh/g, the shipped value, so the result is the shipped one
    "unit_column_Ah_per_g": (lambda t: config_file(t, _setv("am_capacity", "0.2", "Ah/g")),
                             "am_capacity = 0.2 Ah/g converted to 200 mAh/g"),
    "unit_column_percent": (lambda t: config_file(t, _setv("cat_porosity", "10", "%")),
                            "cat_porosity = 10 % converted to 0.1 -"),
    "unit_spelling_micro": (lambda t: config_file(t, _setv("am_density", "4.75", "g cm-3")), ""),
    "utf8_bom": (lambda t: config_file(t, encoding="utf-8-sig"), ""),
    "latin1": (lambda t: config_file(t, lambda d: d.assign(note="\u00b5-sized \u00e9lectrode"), encoding="latin-1"),
               "read as Latin-1"),
    "extra_columns": (lambda t: config_file(t, lambda d: d.assign(reviewer="me")), ""),
}


def _data_row(stdout: str) -> list[str]:
    """The first row of numbers in a 'cell energy' table (after its title lines and header)."""
    for line in stdout.splitlines():
        words = line.split()
        try:
            float(words[0])
            return words
        except (IndexError, ValueError):
            continue
    raise AssertionError(f"no row of numbers in {stdout!r}")


@pytest.mark.parametrize("case", sorted(PARAMS_ACCEPTED))
def test_cell_params_file_accepted(case, tmp_path, capsys, request):
    make, note = PARAMS_ACCEPTED[case]
    stdout, err = accepted(request, capsys, ["cell", "energy", "--params", make(tmp_path), "--se-thickness-um", "30"],
                           *([note] if note else []))
    row = _data_row(stdout)
    assert float(row[1]) == pytest.approx(REFERENCE_30UM, rel=1e-3)  # the shipped configuration's value


SET_REFUSED = {
    "non_numeric": (["areal_capacity=five"], ["--set takes NAME=NUMBER", "'areal_capacity=five'"]),
    "no_equals": (["areal_capacity"], ["--set takes NAME=NUMBER"]),
    "inf": (["areal_capacity=inf"], ["--set areal_capacity", "not a finite number"]),
    "nan": (["se_sigma=nan"], ["--set se_sigma", "not a finite number"]),
    "negative_al_thickness": (["al_thickness=-100"], ["--set al_thickness", "al_thickness = -100 um", "[0.1, 1000] um"]),
    "zero_li_density": (["li_density=0"], ["--set li_density", "li_density = 0 g/cm3", "[0.1, 25] g/cm3"]),
    "zero_areal_capacity": (["areal_capacity=0"], ["areal_capacity = 0 mAh/cm2", "[0.01, 100]"]),
    "out_of_range_porosity": (["se_porosity=1.2"], ["se_porosity = 1.2", "[0, 1)"]),
    "unit_slip_S_per_m": (["se_sigma=0.1"], ["se_sigma = 0.1 S/cm", "[1e-10, 0.05] S/cm"]),
    "unit_slip_fraction_for_percent": (["se_porosity=5"], ["se_porosity = 5", "[0, 1)"]),
    "unit_slip_m_for_um": (["al_thickness=12e-6"], ["al_thickness = 1.2e-05 um", "[0.1, 1000] um"]),
    "unit_given_wrong_kind": (["se_sigma=0.1 mAh/g"], ["se_sigma is given in 'mAh/g'", "'S/cm'"]),
    "integer_flag_bipolar": (["bipolar=0.5"], ["bipolar = 0.5", "integer flag, one of 0, 1"]),
    "integer_flag_anode": (["anode=1.7"], ["anode = 1.7", "integer flag, one of 0, 1, 2, 3"]),
    "duplicate": (["areal_capacity=4", "areal_capacity=5"], ["--set areal_capacity is given twice"]),
    "unknown": (["areal_capacty=4"], ["unknown cell parameter 'areal_capacty'"]),
    "unicode_lookalike": (["areal_capac\u0456ty=4"], ["unknown cell parameter"]),
    "fractions_do_not_sum": (["cat_se_wt=0.5"], ["sum to 1.28"]),
}


@pytest.mark.parametrize("command", ["energy", "threshold"])
@pytest.mark.parametrize("case", sorted(SET_REFUSED))
def test_cell_set_refused(case, command, capsys, request):
    sets, words = SET_REFUSED[case]
    tail = ["--se-thickness-um", "30"] if command == "energy" else ["--target-wh-per-kg", "300"]
    argv = ["cell", command, *tail]
    for s in sets:
        argv += ["--set", s]
    refused(request, capsys, argv, *words)


@pytest.mark.parametrize("case, sets, note, expect", [
    ("unit_S_per_m_converted", ["se_sigma=0.1 S/m"], "se_sigma = 0.1 S/m converted to 0.001 S/cm", REFERENCE_30UM),
    ("unit_Ah_per_g_converted", ["am_capacity=0.2Ah/g"], "converted to 200 mAh/g", REFERENCE_30UM),
    ("unit_m_converted", ["al_thickness=12e-6 m"], "al_thickness = 1.2e-05 m converted to 12 um", REFERENCE_30UM),
    ("integer_flag_as_float", ["bipolar=1.0"], "", None),
])
def test_cell_set_accepted(case, sets, note, expect, capsys, request):
    argv = ["cell", "energy", "--se-thickness-um", "30"]
    for s in sets:
        argv += ["--set", s]
    stdout, err = accepted(request, capsys, argv, *([note] if note else []))
    if expect is not None:
        assert float(_data_row(stdout)[1]) == pytest.approx(expect, rel=1e-3)


@pytest.mark.parametrize("case, argv, words", [
    ("thickness_unit_slip_m_for_um", ["energy", "--se-thickness-um", "20e-6"],
     ["se_thickness_um = 2e-05 um", "[0.1, 5000] um"]),
    ("thickness_zero", ["energy", "--se-thickness-um", "0"], ["se_thickness_um = 0 um"]),
    ("thickness_negative", ["energy", "--se-thickness-um", "30", "-5"], ["se_thickness_um = -5 um"]),
    ("thickness_nan", ["energy", "--se-thickness-um", "nan"], ["se_thickness_um = nan um"]),
    ("thickness_inf", ["energy", "--se-thickness-um", "inf"], ["se_thickness_um = inf um"]),
    ("thickness_non_numeric", ["energy", "--se-thickness-um", "thin"], ["invalid float value: 'thin'"]),
    ("unknown_config", ["energy", "--config", "nmc", "--se-thickness-um", "30"], ["invalid choice: 'nmc'"]),
    ("target_negative", ["threshold", "--target-wh-per-kg", "-300"], ["target = -300 Wh/kg", "(0, 5000]"]),
    ("target_inf", ["threshold", "--target-wh-per-kg", "inf"], ["target = inf Wh/kg"]),
    ("target_nan", ["threshold", "--target-wh-per-l", "nan"], ["target = nan Wh/L"]),
    ("target_both", ["threshold", "--target-wh-per-kg", "300", "--target-wh-per-l", "700"], ["exactly one of"]),
])
def test_cell_options_refused(case, argv, words, capsys, request):
    refused(request, capsys, ["cell", *argv], *words)


def test_cell_threshold_met_everywhere_says_so(capsys, request):
    stdout, _ = accepted(request, capsys, ["cell", "threshold", "--target-wh-per-kg", "10"])
    assert "met at every separator thickness up to 5000 um" in stdout


# --------------------------------------------------------------------------
# claims --from-build
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def claims_payload() -> dict:
    from ssekit import claims

    return json.loads(claims.to_json([r for r in claims.evaluate_all("kim2025")]))


@pytest.mark.parametrize("case", ["missing_file", "empty_file", "truncated", "not_json", "a_list", "claims_not_records",
                                  "directory", "binary"])
def test_claims_from_build_refused(case, tmp_path, claims_payload, capsys, request):
    f = tmp_path / "claims.json"
    text = json.dumps(claims_payload)
    words = ["claims.json"]
    if case == "empty_file":
        f.write_text("")
        words.append("empty")
    elif case == "truncated":
        f.write_text(text[: len(text) // 2])
        words.append("truncated")
    elif case == "not_json":
        f.write_text("<html>404</html>")
        words.append("not valid JSON")
    elif case == "a_list":
        f.write_text("[1, 2]")
        words.append("not a claims.json")
    elif case == "claims_not_records":
        f.write_text(json.dumps({"claims": [1, 2]}))
        words.append("not a claims.json")
    elif case == "directory":
        f.mkdir()
        words.append("is a directory")
    elif case == "binary":
        f.write_bytes(b"\x00\x01\x02")
        words.append("binary")
    elif case == "missing_file":
        words.append("does not exist")
    refused(request, capsys, ["claims", "--from-build", f], *words)


def test_claims_from_build_with_bom(tmp_path, claims_payload, capsys, request):
    f = tmp_path / "claims.json"
    f.write_bytes(json.dumps(claims_payload).encode("utf-8-sig"))
    stdout, _ = accepted(request, capsys, ["claims", "--from-build", f, "--paper", "kim2025"])
    assert "kim2025.asr.lps_10um" in stdout


# --------------------------------------------------------------------------
# data (the shipped files themselves)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["missing_file", "empty_file", "header_only", "extra_file"])
def test_data_command_on_damaged_package(case, tmp_path, monkeypatch, capsys, request):
    """A damaged shipped file is reported by name with exit 1 (the command's documented status), never a traceback."""
    from ssekit.data import shipped

    copy = tmp_path / "ssekit"
    shutil.copytree(shipped.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "data" / "cells" / "common.csv"
    if case == "missing_file":
        target.unlink()
    elif case == "empty_file":
        target.write_text("")
    elif case == "header_only":
        target.write_text("name,value,unit,source,note\n")
    else:
        (copy / "data" / "cells" / "mine.csv").write_text("name,value\n")
    monkeypatch.setattr(shipped, "PACKAGE", copy)
    code, stdout, err = run(capsys, ["data"])
    _record(_case(request), "reported", code, err.strip().splitlines()[0])
    assert code == 1
    assert ("common.csv" in err or "mine.csv" in err) and "Traceback" not in err


# --------------------------------------------------------------------------
# conductivity predict / train: file-level classes only (issue 12 rewrites the rest)
# --------------------------------------------------------------------------


def _obelix_rows(ids=("jqc",)) -> pd.DataFrame:
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    return raw[raw["ID"].isin(ids)]


@pytest.mark.parametrize("command", ["predict", "train"])
@pytest.mark.parametrize("case", ["missing_file", "empty_file", "header_only", "binary_file", "out_missing_dir",
                                  "out_onto_directory"])
def test_conductivity_file_level_refused(case, command, tmp_path, out_dir, capsys, request):
    src = tmp_path / "in.csv"
    header = ",".join(pd.read_csv(datasets.path("obelix_train"), nrows=0).columns)
    out = out_dir / ("pred.csv" if command == "predict" else "model.ssekit")
    words = ["in.csv"]
    if case == "missing_file":
        words.append("no such OBELiX-format CSV")
    elif case == "empty_file":
        src.write_text("")
        words.append("empty")
    elif case == "header_only":
        src.write_text(header + "\n")
        words.append("0 data row(s)")
    elif case == "binary_file":
        src.write_bytes(b"PK\x03\x04\x00\x00 binary")
        words.append("binary data")
    else:
        _obelix_rows().to_csv(src, index=False)
        out = tmp_path / "no" / "out.csv" if case == "out_missing_dir" else out_dir
        words = ["does not exist"] if case == "out_missing_dir" else ["is a directory"]
    refused(request, capsys, ["conductivity", command, src, "--out", out], *words, out=out)


@pytest.mark.parametrize("case", ["csv_file", "foreign_pickle", "truncated_model", "empty_file"])
def test_conductivity_model_file_not_ours(case, tmp_path, out_dir, capsys, request):
    import joblib

    from ssekit.ml.modelfile import save_model

    src = tmp_path / "in.csv"
    _obelix_rows().to_csv(src, index=False)
    model = tmp_path / "model.bin"
    words = ["model.bin"]
    if case == "csv_file":
        model.write_text("a,b\n1,2\n")
        words.append("not a model file written by 'ssekit conductivity train'")
    elif case == "foreign_pickle":
        joblib.dump({"name": "x", "model": None, "rows": 1, "features": []}, model)
        words.append("not a model file written by 'ssekit conductivity train'")
    elif case == "truncated_model":
        save_model({"name": "LR", "model": None, "rows": 1, "features": []}, model)
        model.write_bytes(model.read_bytes()[:-10])
        words.append("truncated or was changed")
    else:
        model.write_bytes(b"")
        words.append("empty")
    out = out_dir / "pred.csv"
    refused(request, capsys, ["conductivity", "predict", src, "--model-file", model, "--out", out], *words, out=out)


def test_conductivity_help_says_what_a_model_file_may_hold(capsys):
    for sub in ("predict", "train"):
        code, text, _ = run(capsys, ["conductivity", sub, "--help"])
        text = " ".join(text.split())
        assert code == 0 and "not pickles" in text and "any other type is refused" in text


@pytest.mark.parametrize("case", ["utf8_bom", "latin1", "formula_id"])
def test_conductivity_predict_file_level_accepted(case, tmp_path, out_dir, capsys, request):
    rows = _obelix_rows(["jqc", "122"])
    src = tmp_path / "in.csv"
    note = []
    if case == "utf8_bom":
        src.write_bytes(rows.to_csv(index=False).encode("utf-8-sig"))
    elif case == "latin1":
        src.write_bytes(rows.assign(Family=rows["Family"] + " \u00e9").to_csv(index=False).encode("latin-1"))
        note = ["read as Latin-1"]
    else:
        rows.assign(ID=["=HYPERLINK(\"x\")", "122"]).to_csv(src, index=False)
    out = out_dir / "pred.csv"
    accepted(request, capsys, ["conductivity", "predict", src, "--out", out], *note)
    pred = pd.read_csv(out, dtype={"ID": str})
    assert len(pred) == 2 and pred["log10_sigma_pred"].notna().all()
    if case == "formula_id":
        assert pred.loc[0, "ID"] == "'=HYPERLINK(\"x\")"


def test_conductivity_predict_blank_conductivity_is_predicted(tmp_path, capsys):
    src = tmp_path / "in.csv"
    _obelix_rows(["jqc"]).assign(**{"Ionic conductivity (S cm-1)": ""}).to_csv(src, index=False)
    code, stdout, _ = run(capsys, ["conductivity", "predict", src])
    assert code == 0 and "jqc" in stdout


def test_conductivity_predict_does_not_read_the_target(tmp_path, capsys):
    preds = []
    for sigma in ("1e-2", "1e-8"):  # Li3PS4 ('joc') has several Laskowski rows with an Ea
        src = tmp_path / f"in{sigma}.csv"
        _obelix_rows(["joc"]).assign(**{"Ionic conductivity (S cm-1)": sigma}).to_csv(src, index=False)
        out = tmp_path / f"out{sigma}.csv"
        assert run(capsys, ["conductivity", "predict", src, "--out", out])[0] == 0
        preds.append(float(pd.read_csv(out)["log10_sigma_pred"].iloc[0]))
    assert preds[0] == preds[1]


# --------------------------------------------------------------------------
# public loaders: ssekit.data.load(name, file=...) and load_parameters
# --------------------------------------------------------------------------


def _raw(name):
    if name == "laskowski2023_si":
        return pd.read_csv(datasets.path(name), header=None, dtype=str, keep_default_na=False).head(60)
    return pd.read_csv(datasets.path(name), dtype=str, keep_default_na=False, encoding="utf-8-sig").head(60)


def _save(df, path, name, encoding="utf-8"):
    path.write_bytes(df.to_csv(index=False, header=name != "laskowski2023_si").encode(encoding))
    return path


LOADERS = ["obelix_train", "laskowski2023_si", "liverpool_ionics"]
NUMERIC_COLUMN = {"obelix_train": "a", "laskowski2023_si": 2, "liverpool_ionics": "temperature"}


@pytest.mark.parametrize("name", LOADERS)
@pytest.mark.parametrize("case", ["missing_file", "empty_file", "header_only", "non_numeric", "directory"])
def test_data_load_refused(case, name, tmp_path, request):
    path = tmp_path / "mine.csv"
    words = ["mine.csv"]
    if case == "missing_file":
        words.append("no such")
    elif case == "empty_file":
        path.write_text("")
        words.append("empty")
    elif case == "header_only":
        if name == "laskowski2023_si":
            pytest.skip("the Laskowski table has no header row")
        path.write_text(",".join(_raw(name).columns) + "\n")
        words.append("0 data row(s)")
    elif case == "directory":
        path.mkdir()
        words.append("is a directory")
    else:
        raw = _raw(name)
        raw.iloc[3, raw.columns.get_loc(NUMERIC_COLUMN[name])] = "twelve"
        _save(raw, path, name)
        words += ["non-numeric", "twelve"]
    loader_refuses(request, lambda: datasets.load(name, file=path), *words)


@pytest.mark.parametrize("case, edit, words", [
    ("missing_column", lambda r: r.drop(columns=["c"]), ["missing column(s) ['c']"]),
    ("negative", lambda r: r.assign(a=r["a"].where(r.index != r.index[2], "-5")), ["a_A", "angstrom", "[2, 200]", "-5"]),
    ("zero_sigma", lambda r: r.assign(**{"Ionic conductivity (S cm-1)": "0"}),
     ["sigma_S_per_cm (float S/cm in [1e-20, 1])"]),
    ("unit_slip_nm_for_angstrom", lambda r: r.assign(a=(r["a"].astype(float) / 10).astype(str)),
     ["a_A (float angstrom in [2, 200])"]),
    ("unit_column_disagrees", lambda r: r.rename(columns={"Ionic conductivity (S cm-1)": "Ionic conductivity (S m-1)"}),
     ["'Ionic conductivity (S m-1)' is not in S/cm", "divide by 100"]),
    ("out_of_range_angle", lambda r: r.assign(alpha="190"), ["alpha_deg (float degree in [1, 179])"]),
    ("unicode_minus", lambda r: r.assign(b="\u22125.1"), ["'b'", "non-numeric", "\u22125.1"]),
])
def test_obelix_loader_refused(case, edit, words, tmp_path, request):
    path = _save(edit(_raw("obelix_train")), tmp_path / "mine.csv", "obelix_train")
    loader_refuses(request, lambda: datasets.load("obelix_train", file=path), "mine.csv", *words)


@pytest.mark.parametrize("name", LOADERS)
@pytest.mark.parametrize("case", ["utf8_bom", "latin1", "extra_columns"])
def test_data_load_accepted(case, name, tmp_path, request):
    raw = _raw(name)
    expect = datasets.load(name).head(60).reset_index(drop=True)
    note = ""
    if case == "utf8_bom":
        path = _save(raw, tmp_path / "mine.csv", name, "utf-8-sig")
    elif case == "latin1":
        if name == "laskowski2023_si":
            pytest.skip("the Laskowski text holds characters Latin-1 cannot encode (U+0305): it is UTF-8 only")
        fam = "Family" if name == "obelix_train" else "family"
        raw[fam] = raw[fam] + " \u00e9"  # a text column with a Latin-1 character
        path = _save(raw, tmp_path / "mine.csv", name, "latin-1")
        note = "read as Latin-1"
    else:
        if name == "laskowski2023_si":
            pytest.skip("the Laskowski table is positional (8 columns, no header): an extra column is refused "
                        "(test_laskowski_extra_column_refused)")
        path = _save(raw.assign(extra="x"), tmp_path / "mine.csv", name)
    df, rep = loader_accepts(request, lambda: datasets.load_with_report(name, file=path), note)
    if note:
        assert any(note in w for _, w, _ in rep.steps)
    num = df.select_dtypes("number").columns
    assert len(num) >= 3
    np.testing.assert_allclose(df[num].astype(float).to_numpy(), expect[num].astype(float).to_numpy(), equal_nan=True)


def test_liverpool_duplicate_ids_are_reported_with_a_count(request):
    df, rep = datasets.load_with_report("liverpool_ionics")
    steps = [(w, n) for c, w, n in rep.steps if c == "liion_id"]
    _record(_case(request), "reported", "-", steps[0][0])
    assert steps and steps[0][1] == 2 and "922" in steps[0][0]
    assert (df["liion_id"] == 922).sum() == 2 and len(df) == 820  # both kept


def test_laskowski_extra_column_refused(tmp_path, request):
    raw = _raw("laskowski2023_si").assign(extra="x")
    path = _save(raw, tmp_path / "mine.csv", "laskowski2023_si")
    loader_refuses(request, lambda: datasets.load("laskowski2023_si", file=path), "expected 8 columns", "found 9")


PARAM_FILE_REFUSED = {
    "missing_file": (None, ["nope.csv", "no such parameter file"]),
    "empty_file": ("", ["empty"]),
    "header_only": ("name,value,unit,source\n", ["0 data row(s)"]),
    "missing_column": ("name,value,source\nx,1,me\n", ["lacks column(s) ['unit']"]),
    "non_numeric": ("name,value,unit,source\nx,abc,S/cm,me\n", ["non-numeric value for ['x']", "line 2: 'abc'"]),
    "blank": ("name,value,unit,source\nx,,S/cm,me\n", ["non-numeric value for ['x']", "line 2: ''"]),
    "inf": ("name,value,unit,source\nx,inf,S/cm,me\n", ["finite number", "x = inf"]),
    "nan": ("name,value,unit,source\nx,NaN,S/cm,me\n", ["non-numeric value for ['x']"]),
    "duplicate": ("name,value,unit,source\nx,1,S/cm,me\ny,2,S/cm,me\nx,3,S/cm,me\n", ["'x' is given 2 times", "lines [2, 4]"]),
    "binary": (b"\x00\x01name", ["binary"]),
}


@pytest.mark.parametrize("case", sorted(PARAM_FILE_REFUSED))
def test_load_parameters_refused(case, tmp_path, request):
    content, words = PARAM_FILE_REFUSED[case]
    path = tmp_path / "nope.csv" if content is None else _write(tmp_path, content, "p.csv")
    loader_refuses(request, lambda: datasets.load_parameters(path), *words)


@pytest.mark.parametrize("case", ["utf8_bom", "latin1", "extra_columns", "unicode_minus"])
def test_load_parameters_accepted(case, tmp_path, request):
    text = "name,value,unit,source\nx,-1.5,V,me\n"
    if case == "utf8_bom":
        data = text.encode("utf-8-sig")
    elif case == "latin1":
        data = "name,value,unit,source\nx,-1.5,V,m\u00e9moire\n".encode("latin-1")
    elif case == "extra_columns":
        data = "name,value,unit,source,note,extra\nx,-1.5,V,me,,1\n".encode()
    else:
        data = "name,value,unit,source\nx,\u22121.5,V,me\n".encode()
    path = _write(tmp_path, data, "p.csv")
    p = loader_accepts(request, lambda: datasets.load_parameters(path))
    assert p.get_value("x", "V") == -1.5


# --------------------------------------------------------------------------
# output files: atomic, formula-safe
# --------------------------------------------------------------------------


def test_write_csv_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the old file untouched and no temporary file."""
    from ssekit import files

    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(SsekitError, match="No space left on device"):
        files.write_csv(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("command", ["films", "predict", "train"])
def test_out_equal_to_the_input_is_refused(command, tmp_path, capsys, request):
    src = tmp_path / "in.csv"
    if command == "films":
        src.write_text(RECIPES)
        argv = ["films", "classify", "--csv", src, "--out", tmp_path / "." / "in.csv"]
    else:
        _obelix_rows(["jqc", "122"]).to_csv(src, index=False)
        argv = ["conductivity", command, src, "--out", src]
    before = src.read_bytes()
    refused(request, capsys, argv, "in.csv", "is also the input file")
    assert src.read_bytes() == before


@pytest.mark.parametrize("kind", ["fifo", "char_device", "symlink_to_dev_null"])
def test_out_that_is_not_a_regular_file_is_refused(kind, tmp_path, capsys, request):
    import stat

    target = tmp_path / "special"
    if kind == "fifo":
        os.mkfifo(target)
        test = stat.S_ISFIFO
    elif kind == "char_device":
        if not IS_ROOT:
            pytest.skip("making a device node needs root")
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private /dev/null
        test = stat.S_ISCHR
    else:
        target.symlink_to("/dev/null")
        test = stat.S_ISCHR
    src = _write(tmp_path, RECIPES)
    refused(request, capsys, ["films", "classify", "--csv", src, "--out", target], "special", "not a regular file")
    assert test(os.stat(target).st_mode) and not [p for p in tmp_path.iterdir() if p.name.startswith(".ssekit-")]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_rewrite_keeps_the_mode_of_an_existing_output(mode, tmp_path, capsys):
    out = tmp_path / "pred.csv"
    out.write_text("old\n")
    os.chmod(out, mode)
    code, _, err = run(capsys, ["films", "classify", "--csv", _write(tmp_path, RECIPES), "--out", out])
    assert code == 0, err
    assert os.stat(out).st_mode & 0o777 == mode and out.read_text() != "old\n"


def test_new_output_gets_the_umask_mode(tmp_path, capsys):
    out = tmp_path / "pred.csv"
    old = os.umask(0o022)
    try:
        code, _, err = run(capsys, ["films", "classify", "--csv", _write(tmp_path, RECIPES), "--out", out])
    finally:
        os.umask(old)
    assert code == 0 and os.stat(out).st_mode & 0o777 == 0o644, err


def test_longest_legal_output_name_works(tmp_path, capsys):
    out = tmp_path / ("p" * 250 + ".csv")  # 254 characters: fits the file system, and so must work
    code, _, err = run(capsys, ["films", "classify", "--csv", _write(tmp_path, RECIPES), "--out", out])
    assert code == 0 and out.is_file(), err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in.csv", out.name])


def test_ctrl_c_is_one_line_exit_130_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    from ssekit import files

    out = tmp_path / "pred.csv"
    out.write_text("old\n")

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    code, stdout, err = run(capsys, ["films", "classify", "--csv", _write(tmp_path, RECIPES), "--out", out])
    assert code == 130 and len(err.strip().splitlines()) == 2 and "interrupted (Ctrl-C)" in err, err  # model: + one
    assert "Traceback" not in err and out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "pred.csv"]


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path):
    """A killed write (SIGTERM while the output is being written) leaves no hidden temporary file."""
    import signal
    import subprocess
    import sys
    import time

    src = _write(tmp_path, RECIPES)
    out = tmp_path / "pred.csv"
    script = ("import os, time, sys\nfrom ssekit import files, cli\n"
              "real = os.fsync\n"
              "def slow(fd):\n    print('WRITING', flush=True); time.sleep(60)\n"
              "files.os.fsync = slow\n"
              f"sys.exit(cli.main(['films', 'classify', '--csv', {str(src)!r}, '--out', {str(out)!r}]))\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        assert proc.stdout.readline().strip() == "WRITING"
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".ssekit-")]  # the temporary file exists now
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143 and "terminated (SIGTERM)" in err and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    time.sleep(0)


def test_neutralise_formulas_keeps_numbers():
    from ssekit.files import neutralise_formulas

    df = pd.DataFrame({"ID": ["=1+1", "+x", "-x", "@x", "\tx", "-1.5", "ok"], "v": [-1.0, 2, 3, 4, 5, 6, 7]})
    out = neutralise_formulas(df)
    assert out["ID"].tolist() == ["'=1+1", "'+x", "'-x", "'@x", "'\tx", "-1.5", "ok"]
    assert out["v"].tolist() == df["v"].tolist()


# --------------------------------------------------------------------------
# determinism and the cell model against hand values
# --------------------------------------------------------------------------


def test_hypothesis_is_derandomised():
    from hypothesis import settings

    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert settings.default.derandomize is True


def test_porous_separator_against_a_hand_value():
    """Separator ASR with porosity 0.3: sigma_eff = sigma (1 - eps)^1.5 (Bruggeman), by hand.

    With se_sigma = 1e-3 S/cm, eps = 0.3 and L = 50 um:
    sigma_eff = 1e-3 * 0.7**1.5 = 5.8566e-4 S/cm and ASR = 50e-4 / 5.8566e-4 = 8.5373 ohm cm2.
    An exponent of 1.0 would give 7.1429 ohm cm2.
    """
    p = cell.load_config("ncm811_li", {"se_porosity": 0.3})
    r = cell.stack(p, 50).iloc[0]
    assert r["separator_ASR_ohm_cm2"] == pytest.approx(8.5373, abs=1e-4)
    # and its mass: L (1 - eps) rho = 50e-4 cm * 0.7 * 1.86 g/cm3 = 6.51 mg/cm2 (crystallographic Li6PS5Cl density)
    assert r["separator_mg_cm2"] == pytest.approx(50e-4 * 0.7 * 1.86 * 1e3, abs=1e-6)


def test_parameter_ranges_cover_the_data():
    """The se_sigma bound stays above the best room-temperature conductivity in the shipped data."""
    o = datasets.load("obelix_train")
    assert cell.PARAMETER_RANGES["se_sigma"][1] >= 2 * o["sigma_S_per_cm"].max() * 0.999
    assert datasets.loaders.LATTICE_MIN_A <= o[["a_A", "b_A", "c_A"]].min().min()
    for name in ("common", *cell.CONFIGS):
        cell.load_config(name if name != "common" else "ncm811_li")  # every shipped set passes its own ranges


# --------------------------------------------------------------------------
# scripts/book: the execution cache knows the supplied Table S1
# --------------------------------------------------------------------------


def test_book_key_follows_the_supplied_table(tmp_path, monkeypatch):
    from ssekit import _cache

    assert films.ENV_VAR in _cache.BOOK_ENV_INPUTS and films.SHEET_ENV_VAR in _cache.BOOK_ENV_INPUTS
    monkeypatch.delenv(films.ENV_VAR, raising=False)
    base = _cache.book_inputs_key()
    t = tmp_path / "TableS1.csv"
    t.write_text("a\n1\n")
    monkeypatch.setenv(films.ENV_VAR, str(t))
    with_table = _cache.book_inputs_key()
    t.write_text("a\n2\n")  # same path, other content
    edited = _cache.book_inputs_key()
    monkeypatch.setenv(films.SHEET_ENV_VAR, "Table S1")
    other_sheet = _cache.book_inputs_key()
    assert len({base, with_table, edited, other_sheet}) == 4
    monkeypatch.delenv(films.ENV_VAR)
    monkeypatch.delenv(films.SHEET_ENV_VAR)
    assert _cache.book_inputs_key() == base


def test_scripts_book_reexecutes_when_table_s1_is_switched(tmp_path):
    """scripts/book clears the execution cache when $SSEKIT_CHEN_TABLE_S1 is switched on, changed or off.

    Runs the real script in a scratch copy of the repository's scripts, with
    a stand-in ``jupyter-book`` that reports whether the execution cache was
    warm (it would re-execute every chapter when it is not).
    """
    import subprocess
    import sys

    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for f in ("book", "_venv.sh"):
        shutil.copy2(ROOT / "scripts" / f, repo / "scripts" / f)
    for f in ("pyproject.toml", "requirements-lock.txt"):
        shutil.copy2(ROOT / f, repo / f)
    venv = repo / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "jupyter-book").write_text(
        "#!/bin/sh\nmkdir -p _build/.jupyter_cache\n"
        "if [ -f _build/.jupyter_cache/warm ]; then echo FROM-CACHE; else echo EXECUTED; fi\n"
        "touch _build/.jupyter_cache/warm\n")
    for exe in ("python", "jupyter-book"):
        (venv / exe).chmod(0o755)
    import hashlib

    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "requirements-lock.txt").read_bytes())
    (repo / ".venv" / ".ssekit-installed").write_text(stamp.hexdigest() + "\n")  # as scripts/_venv.sh computes it
    table = tmp_path / "TableS1.xlsx"
    s1_table().to_excel(table, index=False)

    def book(**env):
        e = {k: v for k, v in os.environ.items() if k not in (films.ENV_VAR, films.SHEET_ENV_VAR)}
        e.update(env)
        proc = subprocess.run(["bash", str(repo / "scripts" / "book")], capture_output=True, text=True, env=e,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        return "EXECUTED" if "EXECUTED" in proc.stdout else "FROM-CACHE"

    assert book() == "EXECUTED"
    assert book() == "FROM-CACHE"
    assert book(SSEKIT_CHEN_TABLE_S1=str(table)) == "EXECUTED"  # switched on
    assert book(SSEKIT_CHEN_TABLE_S1=str(table)) == "FROM-CACHE"
    s1_table(50).to_excel(table, index=False)
    assert book(SSEKIT_CHEN_TABLE_S1=str(table)) == "EXECUTED"  # same path, new content
    assert book() == "EXECUTED"  # switched off
    assert book() == "FROM-CACHE"


# --------------------------------------------------------------------------
# ssekit microstructure transport: a user's labelled 3D image
# --------------------------------------------------------------------------

def _image_file(tmp_path, case: str) -> Path:
    f = tmp_path / "image.npy"
    if case == "not_npy":
        f.write_text("phase labels\n0 1 2\n")
    elif case == "object_array":
        np.save(f, np.array([{"label": 1}], dtype=object), allow_pickle=True)
    elif case == "truncated":
        np.save(f, np.zeros((20, 20, 20), dtype=np.int8))
        f.write_bytes(f.read_bytes()[:300])
    elif case == "two_d":
        np.save(f, np.zeros((5, 5), dtype=np.int8))
    elif case == "float_labels":
        np.save(f, np.random.default_rng(0).random((6, 6, 6)))
    elif case in ("absent_label", "non_percolating"):
        img = np.zeros((8, 8, 8), dtype=np.int8)
        img[:, :, 4] = 1  # a layer across z: phase 0 cannot cross it
        np.save(f, img)
    return f


@pytest.mark.parametrize("case, phase, words", [
    ("missing_file", 1, ["no such file"]),
    ("not_npy", 1, ["not a NumPy .npy file"]),
    ("object_array", 1, ["Python objects"]),
    ("truncated", 1, ["truncated"]),
    ("two_d", 0, ["2D", "3D labelled image"]),
    ("float_labels", 1, ["integers"]),
    ("absent_label", 7, ["no voxel has label 7", "[0, 1]"]),
    ("non_percolating", 0, ["does not connect", "axis z"]),
])
def test_microstructure_transport_refused(case, phase, words, tmp_path, capsys, request):
    f = tmp_path / "image.npy" if case == "missing_file" else _image_file(tmp_path, case)
    refused(request, capsys, ["microstructure", "transport", f, "--phase", phase], *words)


# --------------------------------------------------------------------------
# one schema per input kind: same ranges everywhere, impossible rows refused per row
# --------------------------------------------------------------------------


@pytest.mark.parametrize("values", [["20e-6"], ["inf"], ["1e6"], ["20e-6", "inf", "1e6"], ["nan"], ["0"]])
@pytest.mark.parametrize("command", ["energy", "power"])
def test_separator_thickness_same_range_in_every_cell_command(command, values, capsys, request):
    refused(request, capsys, ["cell", command, "--se-thickness-um", *values], "se_thickness_um =", "[0.1, 5000] um")


@pytest.mark.parametrize("option,value", [("--c-rate", "0"), ("--c-rate", "-1"), ("--c-rate", "inf"),
                                          ("--c-rate", "nan"), ("--max-polarisation-v", "0"),
                                          ("--max-polarisation-v", "inf")])
def test_cell_power_options_refused(option, value, capsys, request):
    refused(request, capsys, ["cell", "power", option, value], f"{option} = {value}")


def _obelix_edit(tmp_path, edits) -> Path:
    """The 'jqc' row once unchanged (ID ok) and once per edit (ID = edit name)."""
    base = _obelix_rows(["jqc"])
    rows = [base.assign(ID="ok")]
    for name, cols in edits.items():
        rows.append(base.assign(ID=name, **cols))
    src = tmp_path / "in.csv"
    pd.concat(rows).to_csv(src, index=False)
    return src


ROW_PROBLEMS = {
    "element_past_Lr_Og2": ({"Reduced Composition": "Og2", "True Composition": ""}, "['Og'] in composition 'Og2'"),
    "element_past_Lr_LiRf": ({"Reduced Composition": "LiRf", "True Composition": ""}, "['Rf']"),
    "z_zero_without_true_composition": ({"Z": "0", "True Composition": ""}, "Z = 0 formula units"),
    "angles_in_radians": ({"alpha": "2.04", "beta": "2.11", "gamma": "1.09"}, "look like radians"),
    "volume_per_atom_implausible": ({"a": "60", "b": "60", "c": "60"}, "volume per atom"),
    "angles_not_a_cell": ({"alpha": "170", "beta": "170", "gamma": "170"}, "do not describe a cell"),
}


@pytest.mark.parametrize("case", sorted(ROW_PROBLEMS))
def test_conductivity_predict_one_bad_row_never_breaks_the_file(case, tmp_path, capsys, request, saved_model):
    edit, words = ROW_PROBLEMS[case]
    src = _obelix_edit(tmp_path, {case: edit})
    before = src.read_bytes()
    out = tmp_path / "pred.csv"
    _, err = accepted(request, capsys, ["conductivity", "predict", src, "--model-file", saved_model, "--out", out])
    lines = [ln for ln in err.splitlines() if ln.startswith("refused row")]
    assert len(lines) == 1 and f"ID={case}" in lines[0] and words in lines[0], err
    pred = pd.read_csv(out)
    assert pred["ID"].tolist() == ["ok"] and np.isfinite(pred["log10_sigma_pred"]).all()
    assert src.read_bytes() == before


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory) -> Path:
    """A small model (80 shipped rows, 20 trees per forest) saved by 'conductivity train'."""
    d = tmp_path_factory.mktemp("model")
    raw = pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)
    raw.head(80).to_csv(d / "train.csv", index=False)
    assert cli.main(["conductivity", "train", str(d / "train.csv"), "--out", str(d / "m.ssekit-model"), "--trees", "20"]) == 0
    return d / "m.ssekit-model"


def test_conductivity_train_single_chemical_system_is_one_line(tmp_path, capsys, request):
    base = _obelix_rows(["jqc"])
    rows = pd.concat([base.assign(ID=f"r{i}", **{"Ionic conductivity (S cm-1)": f"{1e-6 * (i + 1):g}"})
                      for i in range(25)])
    src = tmp_path / "one.csv"
    rows.to_csv(src, index=False)
    refused(request, capsys, ["conductivity", "train", src, "--out", tmp_path / "m.ssekit-model"],
            "one.csv", "1 chemical system(s) (Bi-Li-O)", "at least 5", out=tmp_path / "m.ssekit-model")


@pytest.mark.parametrize("headers", [("P%", "P_pct"), ("L:S", "LS_uL_per_mg"), ("X:B", "XB_vol_pct")])
def test_films_classify_two_headers_for_one_input_refused(headers, tmp_path, capsys, request):
    cols = ["P%", "L:S", "X:B"]
    row = {"P%": "3", "L:S": "0.9", "X:B": "50", "P_pct": "3", "LS_uL_per_mg": "0.9", "XB_vol_pct": "50"}
    cols = cols + [headers[1]]
    src = _write(tmp_path, ",".join(cols) + "\n" + ",".join(row[c] for c in cols) + "\n")
    refused(request, capsys, ["films", "classify", "--csv", src], "in.csv", f"headers {list(headers)}", "keep one")


@pytest.mark.parametrize("field,value", [("reported", {"a": 1}), ("paper", ["chen2021"]), ("status", 3),
                                         ("status", "great"), ("id", None), ("note", 5)])
def test_claims_json_wrong_type_refused_by_the_schema(field, value, tmp_path, capsys, request):
    rec = {"id": "chen2021-x", "paper": "chen2021", "status": "differs", "reported": 1.0, "reproduced": 2.0,
           "unit": "-", "note": ""}
    rec[field] = value
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"claims": [rec]}))
    refused(request, capsys, ["claims", "--from-build", path], "claims.json", f"field '{field}'", "schema")
