"""The Chen et al. 2021 film data: surrogate properties and the Table S1 loader."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ssekit.chen2021 import films
from ssekit.errors import DataValidationError

PAPER_HEADERS = {
    "P_pct": "P%", "LS_uL_per_mg": "L:S (µL/mg)", "XB_vol_pct": "X:B (vol%)", "thickness_um": "Thickness (µm)",
    "density_g_per_cm3": "Density (g/cm3)", "resistance_ohm": "Ohmic resistance (Ω)",
    "sigma_S_per_cm": "Normalized conductivity (S/cm)", "DoT_um": "DoT (µm)", "RD": "RD",
}


@pytest.fixture(scope="module")
def sur() -> pd.DataFrame:
    return films.make_surrogate()


def physics(P, LS, XB) -> pd.DataFrame:
    """Noise-free surrogate properties on the broadcast of P, L:S, X:B."""
    P, LS, XB = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float)) for v in (P, LS, XB)))
    return films.film_physics(pd.DataFrame({"P_pct": P, "LS_uL_per_mg": LS, "XB_vol_pct": XB}))


def test_design_and_determinism(sur):
    assert len(sur) == 110 and list(sur.columns) == films.FILM_COLUMNS
    assert sorted(sur["P_pct"].unique()) == [3, 5, 7, 10]
    assert sur["LS_uL_per_mg"].between(0.6, 1.4).all() and sur["XB_vol_pct"].between(0, 100).all()
    pd.testing.assert_frame_equal(sur, films.make_surrogate())
    assert not films.make_surrogate(seed=1).equals(sur)


def test_inside_the_papers_ranges(sur):
    # Chen 2021 Table 1: films of this work 1.5e-4 to 8.6e-4 S/cm, tens of um thick
    assert sur["sigma_S_per_cm"].between(1.5e-4, 8.6e-4).all()
    assert sur["sigma_S_per_cm"].max() < 2.1e-3  # never above the powder
    assert sur["thickness_um"].between(10, 200).all() and 30 < sur["thickness_um"].median() < 80
    assert (sur["RD"] < 1).all()


def test_thickness_rises_with_P_and_sharply_for_viscous_slurries():
    P = np.array([3, 5, 7, 10])
    h = physics(P, 1.0, 50)["thickness_um"].to_numpy()
    assert np.all(np.diff(h) > 0)
    # viscous corner (high X:B, low L:S) against fluid corner, at each P
    ratio = {p: physics(p, 0.6, 100)["thickness_um"][0] / physics(p, 1.4, 0)["thickness_um"][0] for p in P}
    assert ratio[10] > ratio[7] > ratio[5] > ratio[3]
    assert ratio[10] > 2.5
    agg = physics(P, 0.6, 100)["aggregation"].to_numpy()
    assert agg[P > 5].min() > agg[P <= 5].max()


def test_conductivity_falls_with_P_and_rises_with_LS():
    assert np.all(np.diff(physics(np.array([3, 5, 7, 10]), 1.0, 50)["sigma_S_per_cm"]) < 0)
    assert np.all(np.diff(physics(5, np.linspace(0.6, 1.4, 9), 50)["sigma_S_per_cm"]) > 0)


def test_rd_is_smallest_at_intermediate_LS_and_depends_on_XB():
    ls = np.linspace(0.6, 1.4, 81)
    best = {xb: ls[np.argmin(physics(3, ls, xb)["ln_RD"])] for xb in (0, 50, 100)}
    assert all(0.6 < b < 1.4 for b in best.values())
    assert best[50] == pytest.approx(0.92, abs=0.02)
    assert best[0] < best[50] < best[100]  # the L:S x X:B interaction


def test_correlations_the_paper_reads_off_its_pca(sur):
    c = sur.corr()
    assert c.loc["DoT_um", "RD"] > 0.7
    assert abs(c.loc["sigma_S_per_cm", "RD"]) < 0.3
    assert c.loc["sigma_S_per_cm", "resistance_ohm"] < -0.5


def test_resistance_and_rd_consistent(sur):
    area = films.surrogate_parameters()["measurement_area"].value
    np.testing.assert_allclose(sur["resistance_ohm"], sur["thickness_um"] * 1e-4 / (sur["sigma_S_per_cm"] * area))
    np.testing.assert_allclose(sur["DoT_um"], sur["RD"] * sur["thickness_um"])


# ---------------------------------------------------------------- loader

def small_table() -> pd.DataFrame:
    """A hand-made five-film Table S1 with the paper's kind of headers."""
    return pd.DataFrame({
        "P%": [3, 5, 7, 10, 5],
        "L:S (µL/mg)": [0.8, 1.0, 1.2, 0.6, 1.4],
        "X:B (vol%)": [0, 25, 50, 100, 75],
        "Thickness (µm)": [41.0, 45.5, 50.2, 120.0, 38.0],
        "Density (g/cm3)": [1.1, 1.08, 1.05, 0.9, 1.12],
        "Ohmic resistance (Ω)": [9.5, 11.0, 13.4, 60.1, 7.9],
        "Normalized conductivity (S/cm)": [5.5e-4, 5.2e-4, 4.8e-4, 2.5e-4, 6.1e-4],
        "DoT (µm)": [2.1, 2.7, 4.0, 18.0, 4.9],
        "RD": [0.051, 0.059, 0.080, 0.150, 0.129],
    })


def test_loader_reads_xlsx_with_paper_headers(tmp_path):
    path = tmp_path / "TableS1.xlsx"
    small_table().to_excel(path, index=False)
    df, rep = films.load_table_s1(path, min_rows=1)
    assert list(df.columns) == films.FILM_COLUMNS and len(df) == 5
    assert df.loc[3, "thickness_um"] == 120.0 and df.loc[0, "sigma_S_per_cm"] == pytest.approx(5.5e-4)
    assert any("the paper reports 110" in s for _, s, _ in rep.steps)


def test_loader_reports_missing_column_with_accepted_headers(tmp_path):
    path = tmp_path / "t.xlsx"
    small_table().drop(columns=["RD"]).to_excel(path, index=False)
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['RD'\].*accepted headers"):
        films.load_table_s1(path, min_rows=1)


def test_loader_refuses_text_and_out_of_range(tmp_path):
    t = small_table().astype(object)
    t.loc[2, "L:S (µL/mg)"] = "1,2"
    path = tmp_path / "t.xlsx"
    t.to_excel(path, index=False)
    with pytest.raises(DataValidationError, match=r"LS_uL_per_mg \(float uL/mg.*'1,2'"):
        films.load_table_s1(path, min_rows=1)
    t = small_table()
    t.loc[1, "X:B (vol%)"] = 130
    t.to_excel(path, index=False)
    with pytest.raises(DataValidationError, match=r"XB_vol_pct \(float vol% xylene in \[0, 100\]\).*130"):
        films.load_table_s1(path, min_rows=1)


def test_active_data_switches_with_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(films.ENV_VAR, raising=False)
    assert films.active_film_data().is_surrogate
    path = tmp_path / "TableS1.csv"
    films.make_surrogate(seed=3, n=40).to_csv(path, index=False)
    monkeypatch.setenv(films.ENV_VAR, str(path))
    d = films.active_film_data()
    assert not d.is_surrogate and d.data_kind == "paper data" and len(d.table) == 40
    small_table().to_csv(path, index=False)  # 5 films: too few for the analysis
    with pytest.raises(DataValidationError, match="5 film row.*at least 30"):
        films.active_film_data()
    monkeypatch.setenv(films.ENV_VAR, str(tmp_path / "nope.xlsx"))
    with pytest.raises(DataValidationError, match=r"nope.xlsx: no such Table S1 file \(\$SSEKIT_CHEN_TABLE_S1\)"):
        films.active_film_data()
