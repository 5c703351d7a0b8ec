"""The data registry, checksums and loaders, including their errors."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from ssekit import data as datasets
from ssekit.errors import ChecksumError, DataValidationError


def raw_obelix() -> pd.DataFrame:
    return pd.read_csv(datasets.path("obelix_train"), dtype=str, keep_default_na=False)


def test_registry_lists_every_shipped_file_with_provenance():
    from ssekit.data.shipped import PACKAGE

    reg = datasets.registry()
    assert {"obelix_train", "laskowski2023_si", "laskowski2023_doi_lookup", "liverpool_ionics"} <= set(reg.index)
    assert datasets.unregistered_files() == []
    for name, row in reg.iterrows():
        assert datasets.path(name).exists()
        assert row["licence"] and row["description"] and len(row["sha256"]) == 64, name
        assert row["citation"] or row["doi"], name
        if row["licence_file"]:
            assert (PACKAGE / row["licence_file"]).exists()


def test_an_unregistered_shipped_file_is_found(tmp_path, monkeypatch):
    from ssekit.data import shipped

    copy = tmp_path / "ssekit"
    shutil.copytree(shipped.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "mishra2023" / "extra.csv").write_text("x\n1\n")
    monkeypatch.setattr(shipped, "PACKAGE", copy)
    assert datasets.unregistered_files() == ["mishra2023/extra.csv"]
    assert not datasets.verify_all()["ok"].all()


def test_all_checksums_verify():
    assert datasets.verify_all()["ok"].all()


def test_corrupted_file_is_refused_with_both_checksums(tmp_path):
    bad = tmp_path / "obelix_train.csv"
    shutil.copy(datasets.path("obelix_train"), bad)
    data = bytearray(bad.read_bytes())
    data[200] ^= 1
    bad.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as err:
        datasets.verify("obelix_train", bad)
    msg = str(err.value)
    assert "obelix_train" in msg and datasets.registry().loc["obelix_train", "sha256"] in msg


def test_loader_refuses_corrupted_shipped_file(tmp_path, monkeypatch):
    from ssekit.data import shipped

    copy = tmp_path / "ssekit"
    shutil.copytree(shipped.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "data" / "obelix" / "liverpool_ionics_dataset.csv"
    target.write_text(target.read_text(encoding="utf-8-sig").replace("Rocksalt", "Rocksalz", 1), encoding="utf-8")
    monkeypatch.setattr(shipped, "PACKAGE", copy)
    with pytest.raises(ChecksumError, match="liverpool_ionics"):
        datasets.load("liverpool_ionics")


@pytest.mark.parametrize("name, rows", [("obelix_train", 478), ("laskowski2023_si", 1928),
                                        ("laskowski2023_doi_lookup", 377), ("liverpool_ionics", 820)])
def test_loaders_keep_every_row(name, rows):
    df, rep = datasets.load_with_report(name)
    assert len(df) == rows == rep.rows_in == rep.rows_out


def test_obelix_censored_values_are_kept_flagged_and_counted():
    df, rep = datasets.load_with_report("obelix_train")
    assert df["sigma_censored"].sum() == 29
    assert ("sigma_S_per_cm", "'<x' below-detection values kept as the bound x, flagged sigma_censored", 29) in rep.steps
    row = df.loc[df["sigma_censored"]].iloc[0]
    assert row["sigma_S_per_cm"] in (1e-10, 1e-8)
    # a known row, unchanged by the loader
    li7bio6 = df.set_index("ID").loc["jqc"]
    assert li7bio6["composition"] == "Li7BiO6" and li7bio6["sigma_S_per_cm"] == pytest.approx(1.58489e-06)
    assert li7bio6["a_A"] == pytest.approx(5.5071) and li7bio6["laskowski_id"] == 3


def test_missing_column_is_named():
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['a'\]"):
        datasets.clean_obelix(raw_obelix().drop(columns=["a"]))


def test_non_numeric_value_names_column_row_and_text():
    raw = raw_obelix()
    raw.loc[5, "b"] = "six"
    with pytest.raises(DataValidationError) as err:
        datasets.clean_obelix(raw)
    msg = str(err.value)
    assert "'b'" in msg and "six" in msg and raw.loc[5, "ID"] in msg


def test_out_of_range_value_names_unit_and_range():
    raw = raw_obelix()
    raw.loc[3, "c"] = "-4.2"
    with pytest.raises(DataValidationError) as err:
        datasets.clean_obelix(raw)
    msg = str(err.value)
    assert "c_A" in msg and "angstrom" in msg and "[2, 200]" in msg and "-4.2" in msg


def test_laskowski_quirks_cleaned_and_counted():
    df, rep = datasets.load_with_report("laskowski2023_si")
    steps = {(c, n) for c, _, n in rep.steps}
    assert ("space_group", 412) in steps and ("is_fragment", 583) in steps
    assert not df["space_group"].dropna().str.contains("\u0305").any()
    assert df.loc[0, "sigma_S_per_cm"] == pytest.approx(1.30e-10)  # '1.30E-10' + U+0305 in the file
    assert df.loc[2, "Ea_eV"] == pytest.approx(0.58)  # '0.58' + U+0305
    assert (df["space_group"] == "P-1").any()
    assert df["Ea_eV"].notna().sum() == 850
    ranged = df[df["ref_text"] == "194-195"]
    assert len(ranged) == 1 and ranged["ref"].iloc[0] == 194


def test_laskowski_unknown_text_is_an_error_not_a_nan():
    raw = pd.read_csv(datasets.path("laskowski2023_si"), header=None, dtype=str, keep_default_na=False)
    raw.iloc[10, 2] = "n/a"
    with pytest.raises(DataValidationError, match="Ea_eV.*n/a"):
        datasets.clean_laskowski(raw)


def test_liverpool_temperatures_and_log_check():
    df = datasets.load("liverpool_ionics")
    assert df["T_C"].min() == 5 and df["T_C"].max() == 873
    np.testing.assert_allclose(np.log10(df["sigma_S_per_cm"]), df["log10_sigma"], atol=0.0025)
    raw = pd.read_csv(datasets.path("liverpool_ionics"), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.loc[0, "log_target"] = "-3.0"
    with pytest.raises(DataValidationError, match="log_target disagrees"):
        datasets.clean_liverpool(raw)


def test_user_file_in_shipped_format_is_validated(tmp_path):
    raw = raw_obelix().head(20)
    raw.loc[0, "alpha"] = "190"
    path = tmp_path / "mine.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="alpha_deg"):
        datasets.load("obelix_train", file=path)
    raw.loc[0, "alpha"] = "90"
    raw.to_csv(path, index=False)
    assert len(datasets.load("obelix_train", file=path)) == 20
