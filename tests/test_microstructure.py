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


@pytest.mark.parametrize("n, worst", [(20, 0.03), (40, 0.015)])
def test_rayleigh_sphere_array(n, worst):
    """Simple-cubic insulating spheres (f = 0.2): first-order convergence to Rayleigh's 0.7266."""
    t = ms.transport(ms.sc_sphere_image(n, 0.2))
    err = t.sigma_eff / float(ms.rayleigh_sc(0.2)) - 1
    assert -worst < err < 0


def test_amg_and_jacobi_cg_agree_on_the_same_image():
    img = ms.generate(40, 0.5, 0.03, 0.05, 6.0, 2.0, seed=0)
    a = ms.transport(img, method="amg")
    c = ms.transport(img, method="cg")
    assert a.sigma_eff == pytest.approx(c.sigma_eff, rel=1e-6)
    assert a.iterations < c.iterations / 10


def test_axis_argument_rotates_the_current():
    img = np.zeros((12, 12, 12), dtype=np.int8)
    img[:, :, ::3] = ms.SE  # sheets normal to z: conduct along x and y, not z
    assert ms.transport(img, axis=0).tortuosity_factor == pytest.approx(1.0, rel=1e-8)
    assert ms.transport(img, axis=2).sigma_eff == 0


def test_explicit_pack_fractions_and_interface_area():
    pack = ms.sphere_pack(8.0, 0.5, 0.4, 1.0, 0.5, seed=0)
    img = ms.voxelise(pack, 40)
    vf = ms.volume_fractions(img)
    assert vf["active material"] == pytest.approx(0.5, abs=0.06)
    assert vf["solid electrolyte"] == pytest.approx(0.4, abs=0.06)
    assert np.array_equal(img, ms.voxelise(ms.sphere_pack(8.0, 0.5, 0.4, 1.0, 0.5, seed=0), 40))
    # one sphere of radius 10 voxels in SE: area 4 pi r^2 within 5 %
    sph = np.where(ms.sc_sphere_image(40, 4 / 3 * np.pi * 10**3 / 40**3) == ms.AM, ms.AM, ms.SE)
    assert ms.interface_area(sph) * sph.size == pytest.approx(4 * np.pi * 100, rel=0.05)


def test_cli_transport_on_a_users_image(tmp_path, capsys):
    import json

    from ssekit import cli

    img = np.zeros((10, 10, 10), dtype=np.int16)
    img[::2] = 7
    f = tmp_path / "img.npy"
    np.save(f, img)
    assert cli.main(["microstructure", "transport", str(f), "--phase", "7", "--axis", "z", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["volume_fraction"] == pytest.approx(0.5) and out["tortuosity_factor"] == pytest.approx(1.0)
    assert set(out) >= {"volume_fraction", "percolating_fraction", "sigma_eff", "tortuosity_factor"}
    assert cli.main(["microstructure", "transport", str(f), "--phase", "7", "--axis", "x"]) == 2
    assert "does not connect" in capsys.readouterr().err
    assert cli.main(["microstructure", "transport", str(f), "--phase", "3"]) == 2
    assert "no voxel has label 3" in capsys.readouterr().err
    flat = tmp_path / "flat.npy"
    np.save(flat, np.zeros((4, 4)))
    assert cli.main(["microstructure", "transport", str(flat), "--phase", "0"]) == 2
    err = capsys.readouterr().err
    assert "2D" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["microstructure", "transport", str(tmp_path / "none.npy"), "--phase", "0"]) == 2


def test_too_large_image_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(ms, "MAX_VOXELS", 100)
    f = tmp_path / "big.npy"
    np.save(f, np.zeros((5, 5, 5), dtype=np.int8))
    with pytest.raises(InputError, match="too large"):
        ms.read_image(f)


# ---------------------------------------------------------------- composites in µm (the Alabdali chapter's model)

def test_composite_is_physical_and_grid_independent():
    c = ms.composite(8.0, 0.45, 0.45, 2.0, 1.0, binder_frac=0.02, seed=3)
    coarse, fine = ms.voxelise_composite(c, 0.5), ms.voxelise_composite(c, 0.25)
    assert coarse.shape == (16, 16, 16) and fine.shape == (32, 32, 32)
    fc, ff = ms.volume_fractions(coarse), ms.volume_fractions(fine)
    for phase in ("active material", "solid electrolyte", "binder", "pore"):
        assert fc[phase] == pytest.approx(ff[phase], abs=0.03), phase  # one microstructure, two grids
    assert ff["binder"] == pytest.approx(0.02, abs=0.006)
    assert np.array_equal(coarse, ms.voxelise_composite(ms.composite(8.0, 0.45, 0.45, 2.0, 1.0, binder_frac=0.02,
                                                                     seed=3), 0.5))


def test_composite_pairs_share_their_spheres():
    dense = ms.composite(8.0, 0.5, 0.5, 2.0, 1.0, seed=1)
    porous = ms.composite(8.0, 0.45, 0.45, 2.0, 1.0, seed=1)
    k = len(porous.am_centres)
    assert k < len(dense.am_centres) and np.array_equal(porous.am_centres, dense.am_centres[:k])
    assert dense.se_centres is None  # dense: the SE fills what the AM leaves
    img = ms.voxelise_composite(dense, 0.5)
    assert ms.volume_fractions(img)["pore"] == 0


def test_binder_sits_at_contacts_unless_asked_otherwise():
    def touching_am(img):
        b = img == ms.BINDER
        near = np.zeros_like(b)
        for ax in range(3):
            for sh in (1, -1):
                near |= np.roll(img == ms.AM, sh, axis=ax)
        return (b & near).sum() / b.sum()

    kw = dict(box_um=8.0, am_frac=0.45, se_frac=0.45, am_radius_um=2.0, se_radius_um=1.0, binder_frac=0.03, seed=0)
    at_contacts = touching_am(ms.voxelise_composite(ms.composite(**kw), 0.25))
    at_random = touching_am(ms.voxelise_composite(ms.composite(**kw, binder_at="random"), 0.25))
    assert at_contacts > 0.5 and at_contacts > at_random + 0.2


@pytest.mark.parametrize("kw, words", [
    (dict(am_frac=0.7, se_frac=0.5), ["am_frac + se_frac"]),
    (dict(binder_at="everywhere"), ["binder_at", "everywhere"]),
    (dict(am_radius_um=6.0), ["am_radius_um", "µm"]),
])
def test_impossible_composites_refused(kw, words):
    args = dict(box_um=10.0, am_frac=0.45, se_frac=0.45, am_radius_um=2.0, se_radius_um=1.0, binder_frac=0.02)
    with pytest.raises(InputError) as err:
        ms.composite(**{**args, **kw})
    for w in words:
        assert w in str(err.value)
