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
    """NCM811 | Li, 30 um separator, by hand from the parameter files (discharged volume, flat packaging)."""
    p = cell.load_config("ncm811_li", {"volume_state": 0, "packaging": 0})
    r = cell.stack(p, 30).iloc[0]
    Q, q, V = 4.0, 200.0, 3.8
    m_am = Q / q  # 0.02 g/cm2
    m_cat = m_am / 0.75
    v_cat = m_cat * (0.75 / 4.75 + 0.22 / 1.86 + 0.01 / 1.1 + 0.02 / 2.0) / 0.9
    m_li = 1.5 * Q * 3.6 * 6.94 / 96485.33212
    m_sep = 30e-4 * 0.95 * 1.86
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
    mono = cell.stack(cell.load_config(name, {"packaging": 0}), L)["Wh_per_L"]
    bip = cell.stack(cell.load_config(name, {"bipolar": 1, "packaging": 0}), L)["Wh_per_L"]
    assert np.all(bip >= mono)


def test_anode_free_beats_lithium_excess_and_threshold_is_the_crossing():
    L = [30]
    # without first-cycle loss anode-free beats a lithium excess; with its default 10 % loss only on volume
    assert cell.stack(cell.load_config("ncm811_anodefree", {"first_cycle_li_loss": 0}), L)["Wh_per_kg"].iloc[0] > \
        cell.stack(cell.load_config("ncm811_li"), L)["Wh_per_kg"].iloc[0]
    assert cell.stack(cell.load_config("ncm811_anodefree"), L)["Wh_per_L"].iloc[0] > \
        cell.stack(cell.load_config("ncm811_li"), L)["Wh_per_L"].iloc[0]
    p = cell.load_config("ncm811_li")
    t = cell.threshold(p, 350)
    assert cell.stack(p, t)["Wh_per_kg"].iloc[0] == pytest.approx(350, abs=1e-6)
    assert cell.threshold(cell.load_config("lco_li"), 400) is None
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
    assert "met for separator thickness up to 48.3 um" in capsys.readouterr().out
    assert cli.main(["cell", "threshold", "--config", "lco_li", "--target-wh-per-kg", "400"]) == 1
    assert "no separator thickness reaches 400 Wh/kg" in capsys.readouterr().out
    assert cli.main(["cell", "energy", "--se-thickness-um", "30", "--set", "se_porosity=1.2"]) == 2
    assert "se_porosity" in capsys.readouterr().err
    assert cli.main(["cell", "threshold"]) == 2


def test_crystallographic_se_density_matches_the_parameter_row():
    from ssekit.chemistry import cell_volume, crystal_density

    p = cell.load_config("ncm811_li")
    a, z = p.get_value("se_lattice_a", "A"), p.get_value("se_formula_units", "-")
    rho = crystal_density("Li6PS5Cl", cell_volume(a, a, a, 90, 90, 90), int(z))
    assert rho == pytest.approx(p.get_value("se_density", "g/cm3"), abs=0.01)
    # by hand: 4 x 268.4 g/mol / (6.022e23 x (9.85e-8 cm)^3)
    assert rho == pytest.approx(4 * 268.37 / (6.02214e23 * 9.85e-8**3), rel=1e-3)


def test_charged_state_volume_by_hand():
    """NCM811 | Li: 4 mAh/cm2 plates 4 x 4.85 um more lithium at full charge; mass unchanged."""
    p = cell.load_config("ncm811_li")
    r = cell.stack(p, 30).iloc[0]
    t_li = 3.6 / 96485.33212 * 6.94 / 0.534 * 1e4  # um per mAh/cm2, by hand
    assert t_li == pytest.approx(4.849, abs=1e-3)
    assert r["anode_um"] == pytest.approx(1.5 * 4 * t_li)
    assert r["anode_um_charged"] == pytest.approx(2.5 * 4 * t_li)
    thick_dis = r["cathode_um"] + r["anode_um"] + 30 + 10
    thick_ch = thick_dis + 4 * t_li
    E = 4.0 * 3.8
    assert r["stack_Wh_per_L_discharged"] == pytest.approx(E / (thick_dis * 1e-4))
    assert r["stack_Wh_per_L_charged"] == pytest.approx(E / (thick_ch * 1e-4))
    assert r["stack_Wh_per_L"] == r["stack_Wh_per_L_charged"]
    # sulfur is built charged: at discharge the foil is thinner and the cathode thicker (Li2S)
    s = cell.stack(cell.load_config("s_li"), 30).iloc[0]
    assert s["anode_um"] == pytest.approx(0.5 * 4 * t_li)
    assert s["cathode_um"] > s["cathode_um_charged"]
    # anode-free with 10 % first-cycle loss: dead lithium at discharge, all of Q at charge; 90 % of the energy
    af = cell.stack(cell.load_config("ncm811_anodefree"), 30).iloc[0]
    assert af["anode_um"] == pytest.approx(0.1 * 4 * t_li) and af["anode_um_charged"] == pytest.approx(4 * t_li)


def test_sulfur_expansion_by_hand():
    # 1 g S -> 45.94/32.06 g Li2S at 1.66 g/cm3, against 1/2.07 cm3 of sulfur
    assert cell.sulfur_discharge_volume_ratio(1671.9, 2.07, 1.66) == pytest.approx(
        (45.94 / 32.06 / 1.66) / (1 / 2.07), rel=1e-3)


def test_geometric_pouch_by_hand():
    p = cell.load_config("ncm811_li")
    r = cell.stack(p, 30).iloc[0]
    m_u = (r["cathode_mg_cm2"] + r["anode_mg_cm2"] + r["separator_mg_cm2"] + r["cc_mg_cm2"]) * 1e-3  # g/cm2
    T_u = (r["cathode_um"] + r["anode_um_charged"] + 30 + 10) * 1e-4  # cm, charged state
    E_u = 4.0 * 3.8  # mWh/cm2
    n, W, L, s = 40, 10.0, 20.0, 0.5
    lam = 2 * 11.0 * 21.0 * 153e-4 * 1.42
    tabs = 3.0 * 2.5 * 200e-4 * (2.70 + 8.96)
    mass = n * W * L * m_u + lam + tabs
    vol = 11.0 * 23.0 * (n * T_u + 2 * 153e-4)
    assert r["pouch_Wh_per_kg"] == pytest.approx(n * W * L * E_u / mass)
    assert r["pouch_Wh_per_L"] == pytest.approx(n * W * L * E_u / vol)
    assert r["packaging_mass_share"] == pytest.approx((lam + tabs) / mass)
    assert r["Wh_per_kg"] == r["pouch_Wh_per_kg"]
    assert r["pack_Wh_per_kg"] == pytest.approx(0.8 * r["pouch_Wh_per_kg"])
    flat = cell.stack(cell.load_config("ncm811_li", {"packaging": 0}), 30).iloc[0]
    assert flat["Wh_per_kg"] == pytest.approx(0.9 * r["stack_Wh_per_kg"])


def test_porous_separator_bruggeman_by_hand():
    """20 % porosity and 10 wt% binder: sigma_eff = sigma phi^1.5 with phi the SE volume fraction."""
    p = cell.load_config("ncm811_li", {"se_porosity": 0.2, "se_binder_wt": 0.1})
    r = cell.stack(p, 50).iloc[0]
    v_se, v_b = 0.9 / 1.86, 0.1 / 1.1
    phi = 0.8 * v_se / (v_se + v_b)
    assert r["separator_ASR_ohm_cm2"] == pytest.approx(50e-4 / (1e-3 * phi**1.5))
    p0 = cell.load_config("ncm811_li", {"se_porosity": 0.3})
    assert cell.stack(p0, 50)["separator_ASR_ohm_cm2"].iloc[0] == pytest.approx(50e-4 / (1e-3 * 0.7**1.5))


def test_power_limit_is_the_polarisation_crossing():
    p = cell.load_config("ncm811_li")
    t = cell.max_separator_thickness(p, 1.0, 0.1)
    r = cell.power(p, t, 1.0).iloc[0]
    assert r["polarisation_V"] == pytest.approx(0.1)
    assert r["current_mA_cm2"] == pytest.approx(4.0)
    assert cell.max_separator_thickness(p, 5.0, 0.01) is None


def test_fast_threshold_map_equals_root_finding():
    from ssekit.kim2025 import energy as ke

    m = ke.threshold_map("ncm811_li", 350, "Wh_per_kg", [1.5], [4.0])
    assert m.iloc[0, 0] == pytest.approx(cell.threshold(cell.load_config("ncm811_li"), 350), rel=1e-6)


def test_cli_power(capsys):
    assert cli.main(["cell", "power", "--c-rate", "1", "--max-polarisation-v", "0.1"]) == 0
    assert "largest separator keeping the polarisation under 0.1 V at 1C" in capsys.readouterr().out
    assert cli.main(["cell", "power", "--c-rate", "5", "--max-polarisation-v", "0.01"]) == 1
    assert cli.main(["cell", "power", "--c-rate", "-1"]) == 2


def test_li_in_expands_by_the_liin_crystal_volume():
    from ssekit.chemistry import cell_volume, crystal_density, molar_mass

    p = cell.load_config("ncm811_liin")
    a = p["alloy_lattice_a"].value
    v_liin = molar_mass("LiIn") / crystal_density("LiIn", cell_volume(a, a, a, 90, 90, 90), 8)
    v_in = molar_mass("In") / p["alloy_density"].value
    assert p["alloy_volume_change"].value == pytest.approx(v_liin / v_in - 1, abs=1e-3)
    r = cell.stack(p, 30.0).iloc[0]
    # a share 1/N:P of the indium takes up the cathode's lithium at charge
    assert r["anode_um_charged"] == pytest.approx(r["anode_um"] * (1 + 0.498 / p["np_ratio"].value), rel=1e-3)


def test_lithium_excess_differs_between_lithiated_and_sulfur_cathodes():
    assert cell.lithium_excess(cell.load_config("ncm811_li")) == pytest.approx(1.5)
    assert cell.lithium_excess(cell.load_config("s_li")) == pytest.approx(0.5)
    assert cell.lithium_excess(cell.load_config("ncm811_graphite")) is None


def test_without_the_separator_energy_does_not_depend_on_its_thickness():
    p = cell.load_config("ncm811_li")
    on, off = cell.stack(p, [10.0, 100.0]), cell.stack(p, [10.0, 100.0], count_separator=False)
    assert on["Wh_per_kg"].iloc[0] > on["Wh_per_kg"].iloc[1]
    assert off["Wh_per_kg"].iloc[0] == pytest.approx(off["Wh_per_kg"].iloc[1])
    assert off["Wh_per_L"].iloc[0] == pytest.approx(off["Wh_per_L"].iloc[1])


@pytest.mark.parametrize("name,target,kind", [("ncm811_li", 350, "Wh_per_kg"), ("s_li", 750, "stack_Wh_per_L"),
                                              ("ncm811_anodefree", 600, "Wh_per_L")])
def test_two_point_threshold_is_the_crossing(name, target, kind):
    p = cell.load_config(name)
    t = cell.threshold(p, target, kind)
    r = cell.stack(p, [t * 0.999, t * 1.001])[kind].to_numpy()
    assert r[0] > target > r[1]


def test_anode_free_volume_state_is_named_and_both_states_reported():
    from ssekit.kim2025 import energy as ke

    r = cell.stack(cell.load_config("ncm811_anodefree"), 20.0).iloc[0]
    assert r["stack_Wh_per_L_discharged"] > 1100 > r["stack_Wh_per_L_charged"]
    rep = ke.claim_anodefree(ke.inputs_anodefree_wh_per_l())
    assert "charged state" in rep.note and "discharged-state" not in rep.note
    assert rep.value == pytest.approx(r["Wh_per_L"])


def test_bipolar_claim_is_untestable_only_when_the_stacks_have_the_same_volume():
    from ssekit.kim2025 import energy as ke

    inputs = ke.inputs_750_bipolar()
    assert not ke.claim_bipolar_750(inputs).checkable
    thinner = dict(inputs, params=ke._set(inputs["params"], bipolar_cc_thickness=5.0))
    rep = ke.claim_bipolar_750(thinner)
    assert rep.checkable and rep.value > cell.threshold(inputs["monopolar"], 750, "Wh_per_L")


def test_argyrodite_search_covers_every_shipped_table():
    from ssekit.kim2025 import mechanics as km

    inputs = km.inputs_argyrodite_beyond_10()
    assert set(inputs["tables"]) == {"OBELiX training split", "Liverpool Ionics (20-30 °C)", "Laskowski 2023"}
    rep = km.claim_argyrodite_beyond_10(inputs)
    assert rep.value > 1e-2 and "Liverpool" in rep.note
    assert km.argyrodite_like("Li6PS5Cl") and not km.argyrodite_like("Li10GeP2S12")


def test_route_sentence_follows_the_table():
    from ssekit.kim2025 import energy as ke

    t = ke.routes_on_curves()
    text = ke.routes_sentence(t)
    reach = t[t["cell Wh/kg"] >= 350]
    for route in reach["route"]:
        assert route in text.split(" reach")[0]
    assert "thermocompression (40 µm)" in text.split(" reach")[0]
