"""The cell-stack model: analytic checks, a hand-computed stack, properties, refusals, CLI."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssekit import cli
from ssekit.errors import InputError
from ssekit.physics import cell


def test_hand_computed_stack():
    """NCM811 | Li, 30 um separator, by hand from the parameter files."""
    p = cell.load_config("ncm811_li")
    r = cell.stack(p, 30).iloc[0]
    Q, q, V = 4.0, 200.0, 3.8
    m_am = Q / q  # 0.02 g/cm2
    m_cat = m_am / 0.75
    v_cat = m_cat * (0.75 / 4.75 + 0.22 / 1.64 + 0.01 / 1.1 + 0.02 / 2.0) / 0.9
    m_li = 1.5 * Q / 3860
    m_sep = 30e-4 * 0.95 * 1.64
    m_cc = 0.5 * (12e-4 * 2.70 + 8e-4 * 8.96)
    mass = m_cat + m_li + m_sep + m_cc
    thick = v_cat + m_li / 0.534 + 30e-4 + 10e-4
    assert r["stack_Wh_per_kg"] == pytest.approx(Q * V / mass)
    assert r["stack_Wh_per_L"] == pytest.approx(Q * V / thick)
    assert r["Wh_per_kg"] == pytest.approx(Q * V / mass * 0.9)
    assert r["cathode_um"] == pytest.approx(v_cat * 1e4)


def test_separator_asr_is_L_over_sigma_eff():
    p = cell.load_config("ncm811_li", {"se_porosity": 0.0})
    r = cell.stack(p, [10, 40])
    np.testing.assert_allclose(r["separator_ASR_ohm_cm2"], [10e-4 / 1e-3, 40e-4 / 1e-3])


@pytest.mark.parametrize("name", sorted(cell.CONFIGS))
def test_energy_density_strictly_decreasing_in_thickness(name):
    r = cell.stack(cell.load_config(name), np.linspace(1, 800, 60))
    for col in ("Wh_per_kg", "Wh_per_L", "stack_Wh_per_kg", "stack_Wh_per_L"):
        assert np.all(np.diff(r[col]) < 0), col


@pytest.mark.parametrize("name", sorted(cell.CONFIGS))
def test_bipolar_at_least_monopolar_volumetric(name):
    L = [10, 30, 100, 300]
    mono = cell.stack(cell.load_config(name), L)["Wh_per_L"]
    bip = cell.stack(cell.load_config(name, {"bipolar": 1}), L)["Wh_per_L"]
    assert np.all(bip >= mono)


def test_anode_free_beats_lithium_excess_and_threshold_is_the_crossing():
    L = [30]
    assert cell.stack(cell.load_config("ncm811_anodefree"), L)["Wh_per_kg"].iloc[0] > \
        cell.stack(cell.load_config("ncm811_li"), L)["Wh_per_kg"].iloc[0]
    p = cell.load_config("ncm811_li")
    t = cell.threshold(p, 350)
    assert cell.stack(p, t)["Wh_per_kg"].iloc[0] == pytest.approx(350, abs=1e-6)
    assert cell.threshold(cell.load_config("lco_li"), 350) is None
    assert cell.threshold(p, 10) == 5000.0


@pytest.mark.parametrize("over, words", [
    ({"cat_porosity": 1.0}, ["cat_porosity", "[0, 1)"]),
    ({"cat_se_wt": 0.5}, ["sum to 1.28"]),
    ({"areal_capacity": -1}, ["areal_capacity", "mAh/cm2"]),
    ({"wrong": 1}, ["unknown cell parameter 'wrong'"]),
    ({"np_ratio": 1.0, "anode": 0}, ["anode-free cell has np_ratio = 0"]),
])
def test_impossible_designs_are_refused(over, words):
    with pytest.raises(InputError) as err:
        cell.load_config("ncm811_li", over)
    for w in words:
        assert w in str(err.value)


def test_negative_thickness_refused():
    with pytest.raises(InputError, match=r"se_thickness_um = -3 um is outside the allowed range \(0, inf\) um"):
        cell.stack(cell.load_config("ncm811_li"), -3)


@settings(max_examples=60, deadline=None)
@given(
    cap=st.floats(0.5, 8), am=st.floats(0.4, 0.9), por=st.floats(0, 0.5), np_ratio=st.floats(1, 4),
    sep_por=st.floats(0, 0.5), L1=st.floats(1, 500), dL=st.floats(0.5, 300),
)
def test_stack_properties(cap, am, por, np_ratio, sep_por, L1, dL):
    rest = 1 - am
    over = {"areal_capacity": cap, "cat_am_wt": am, "cat_se_wt": rest * 0.88, "cat_binder_wt": rest * 0.04,
            "cat_carbon_wt": rest * 0.08, "cat_porosity": por, "np_ratio": np_ratio, "se_porosity": sep_por}
    p = cell.load_config("ncm811_li", over)
    r = cell.stack(p, [L1, L1 + dL])
    assert (r[["Wh_per_kg", "Wh_per_L", "separator_ASR_ohm_cm2"]] > 0).all().all()
    assert r["Wh_per_kg"].iloc[1] < r["Wh_per_kg"].iloc[0]
    assert r["separator_ASR_ohm_cm2"].iloc[1] > r["separator_ASR_ohm_cm2"].iloc[0]
    # energy density can never exceed the active material's own (capacity x voltage)
    assert r["stack_Wh_per_kg"].iloc[0] < 200 * 3.8
    # a thicker cathode loading never lowers the volumetric share of the separator's cost
    assert r["cathode_um"].iloc[0] > 0


def test_cli_energy_and_threshold(capsys):
    assert cli.main(["cell", "energy", "--se-thickness-um", "20", "60"]) == 0
    out = capsys.readouterr().out
    assert "NCM811 | Li metal, monopolar" in out and "Wh_per_kg" in out
    assert cli.main(["cell", "threshold", "--target-wh-per-kg", "350"]) == 0
    assert "met for separator thickness up to 36.3 um" in capsys.readouterr().out
    assert cli.main(["cell", "threshold", "--config", "lco_li", "--target-wh-per-kg", "350"]) == 1
    assert "no separator thickness reaches 350 Wh/kg" in capsys.readouterr().out
    assert cli.main(["cell", "energy", "--se-thickness-um", "30", "--set", "se_porosity=1.2"]) == 2
    assert "se_porosity" in capsys.readouterr().err
    assert cli.main(["cell", "threshold"]) == 2
