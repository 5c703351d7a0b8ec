"""ASR = L / sigma and the parameter sets."""

from __future__ import annotations

import numpy as np
import pytest

from ssekit.data import load_parameters
from ssekit.errors import InputError
from ssekit.physics import asr


def test_known_values():
    assert asr.area_specific_resistance(25, 0.020) == pytest.approx(0.125)
    assert asr.area_specific_resistance(40, 1e-3) == pytest.approx(4.0)
    assert asr.area_specific_resistance(25, 0.020, macmullin=30) == pytest.approx(3.75)
    assert asr.thickness_for_asr(3.75, 1e-3) == pytest.approx(37.5)
    assert asr.conductivity_for_asr(3.75, 10) == pytest.approx(10e-4 / 3.75)
    assert asr.implied_macmullin(3.75, 25, 0.020) == pytest.approx(30)


def test_round_trip_and_monotonicity():
    L = np.linspace(1, 800, 50)
    for sigma in (1e-4, 8.6e-4, 1e-2):
        r = asr.area_specific_resistance(L, sigma)
        assert np.all(np.diff(r) > 0)
        np.testing.assert_allclose(asr.thickness_for_asr(r, sigma), L)
        np.testing.assert_allclose(asr.conductivity_for_asr(r, L), sigma)
    assert asr.area_specific_resistance(10, 1e-3) < asr.area_specific_resistance(10, 1e-4)


@pytest.mark.parametrize("kwargs, words", [
    (dict(thickness_um=-5, sigma_S_per_cm=1e-3), ["thickness_um", "um", "(0, inf)"]),
    (dict(thickness_um=5, sigma_S_per_cm=0), ["sigma_S_per_cm", "S/cm"]),
    (dict(thickness_um=5, sigma_S_per_cm=1e-3, macmullin=0.5), ["macmullin", "[1, inf)"]),
    (dict(thickness_um="thick", sigma_S_per_cm=1e-3), ["thickness_um", "number"]),
])
def test_bad_input_names_parameter_unit_and_range(kwargs, words):
    with pytest.raises(InputError) as err:
        asr.area_specific_resistance(**kwargs)
    for w in words:
        assert w in str(err.value)


def test_parameters_carry_units_and_sources():
    p = load_parameters("kim2025/asr.csv")
    assert p.get_value("liquid_sigma", "S/cm") == pytest.approx(0.020)
    assert all(x.source for x in p.values())
    with pytest.raises(ValueError, match="is in S/cm, asked for mS/cm"):
        p.get_value("liquid_sigma", "mS/cm")


def test_user_parameter_file(tmp_path):
    f = tmp_path / "mine.csv"
    f.write_text("name,value,unit,source\nliquid_sigma,abc,S/cm,me\n")
    with pytest.raises(ValueError, match="non-numeric value for \\['liquid_sigma'\\]"):
        load_parameters(f)
