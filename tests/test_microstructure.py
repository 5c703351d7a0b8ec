"""The voxel generator and conduction solver against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from ssekit.errors import InputError
from ssekit.physics import microstructure as ms


def test_straight_channels_have_tortuosity_one():
    img = np.zeros((12, 12, 16), dtype=np.int8)
    img[::3] = ms.SE
    t = ms.transport(img)
    assert t.sigma_eff == pytest.approx(img.__eq__(ms.SE).mean(), rel=1e-8)
    assert t.tortuosity_factor == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize("s1, s2", [(1.0, 0.1), (2.0, 0.5), (1.0, 1e-3)])
def test_layers_series_and_parallel_bounds(s1, s2):
    ser = np.full((6, 6, 12), s1)
    ser[:, :, 4:] = s2  # 1/3 of s1, 2/3 of s2 along the current
    assert ms.solve(ser)[0] == pytest.approx(1 / (1 / 3 / s1 + 2 / 3 / s2), rel=1e-8)
    par = np.full((12, 6, 6), s1)
    par[4:] = s2
    assert ms.solve(par)[0] == pytest.approx(s1 / 3 + 2 * s2 / 3, rel=1e-8)
    rng = np.random.default_rng(0)
    mix = np.where(rng.random((12, 12, 12)) < 0.5, s1, s2)
    val = ms.solve(mix)[0]
    f = (mix == s1).mean()
    assert 1 / (f / s1 + (1 - f) / s2) <= val <= f * s1 + (1 - f) * s2  # Wiener bounds


def test_random_spheres_near_bruggeman():
    img = ms.generate(40, am_frac=0.25, am_radius=5, seed=2)
    t = ms.transport(img)
    assert t.sigma_eff == pytest.approx(float(ms.bruggeman(t.volume_fraction)), rel=0.15)
    assert t.sigma_eff < t.volume_fraction  # obstacles always cost more than their volume


def test_blocked_phase_does_not_conduct():
    img = np.full((10, 10, 10), ms.SE, dtype=np.int8)
    img[:, :, 5] = ms.BINDER
    assert ms.transport(img).sigma_eff == 0
    assert not ms.percolating(img == ms.SE).any()
    img[0, 0, 5] = ms.SE  # one open voxel reconnects the faces
    t = ms.transport(img)
    assert 0 < t.sigma_eff < 0.05 and t.percolating_fraction == 1.0


def test_generator_fractions_and_determinism():
    img = ms.generate(40, 0.5, 0.04, 0.05, 6.0, 2.0, seed=0)
    vf = ms.volume_fractions(img)
    assert vf["active material"] == pytest.approx(0.5, abs=0.02)  # overshoot: at most the last sphere
    assert vf["binder"] == pytest.approx(0.04, abs=0.01) and vf["pore"] == pytest.approx(0.05, abs=0.01)
    assert np.array_equal(img, ms.generate(40, 0.5, 0.04, 0.05, 6.0, 2.0, seed=0))


def test_more_binder_or_porosity_never_helps():
    base = ms.transport(ms.generate(32, 0.5, 0.0, 0.0, 5.0, 2.0, seed=1)).sigma_eff
    more = ms.transport(ms.generate(32, 0.5, 0.06, 0.0, 5.0, 2.0, seed=1)).sigma_eff
    assert more < base


@pytest.mark.parametrize("kw, words", [
    (dict(am_frac=1.0), ["am_frac", "[0, 1)"]),
    (dict(am_frac=0.6, porosity=0.5), ["am_frac + binder_frac + porosity"]),
    (dict(n=4), ["n = 4 voxels"]),
])
def test_impossible_microstructures_refused(kw, words):
    with pytest.raises(InputError) as err:
        ms.generate(**{"n": 20, **kw})
    for w in words:
        assert w in str(err.value)
