"""Alabdali et al. 2022 (Curr. Opin. Electrochem. 36, 101127; doi:10.1016/j.coelec.2022.101127).

The review's Table 1 as data, and the voxel calculation its conclusions
motivate: random composite electrodes of active material (AM), solid
electrolyte (SE), binder and pores built in µm
(:func:`ssekit.physics.microstructure.composite`), voxelised at a stated
voxel size, and the effective ionic (SE) and electronic (AM) conductivity,
SE tortuosity factor and AM|SE interface area computed on them.

Every claim compares two composites built from the same seed (a paired
comparison) over :data:`N_SEEDS` seeds; its samples are the per-seed ratios.
All parameters (sizes in µm, fractions, seeds) are in ``parameters.csv``;
:func:`inputs` returns them as the claims' inputs.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd

from ..data import read_csv
from ..data.parameters import load_parameters
from ..physics import microstructure as ms

__all__ = ["table1", "parameters", "inputs", "configs", "measure", "paired", "convergence", "thickness_study",
           "validation", "rayleigh", "derange", "null_same", "null_derange", "null_thin_for_thick",
           "binder_variants", "claim_binder", "claim_binder_area", "claim_porosity", "claim_porosity_electronic",
           "claim_small_am", "claim_large_am_ionic", "claim_small_am_electronic", "claim_small_am_percolation",
           "claim_small_am_area", "claim_thickness_thin", "claim_thickness_thick", "claim_am_size_tradeoff",
           "CLAIM_PAIRS", "LABELS"]

#: Readers' names (with units) of the measured quantities and the composites.
LABELS = {
    "sigma_ion": "ionic σ_eff / σ_SE (–)", "sigma_el": "electronic σ_eff / σ_AM (–)",
    "tau_ion": "SE tortuosity factor (–)", "area": "AM|SE interface area (1/µm)",
    "am_percolating": "AM share in the spanning network (–)",
    "dense": "dense (no pores)", "porous": "10 % pores", "binder": "10 % pores + 2 vol% binder",
    "small": "small AM (1 µm radius)", "thin": "4 µm thick", "thick": "20 µm thick",
}


def table1() -> pd.DataFrame:
    """The review's Table 1 (microstructure-resolved models compared), as transcribed."""
    return read_csv("alabdali2022/table1.csv")


def parameters():
    """The chapter's parameter set (``parameters.csv``: name, value, unit, source, note)."""
    return load_parameters("alabdali2022/parameters.csv")


def inputs() -> dict:
    """Default inputs of every voxel claim: the parameters (µm, fractions), the seeds, and which seeds are paired.

    ``pairs`` is None for same-seed pairs; a null puts a permutation there.
    ``compare`` names the two composites a claim's ratio compares (set per claim).
    """
    p = parameters()
    um = {k: p.get_value(k, "um") for k in ("box_um", "voxel_um", "am_radius_um", "small_am_radius_um",
                                            "se_radius_um", "binder_radius_um", "thin_um", "thick_um")}
    frac = {k: p.get_value(k, "-") for k in ("am_share_of_solids", "porosity", "binder_frac")}
    return {**um, **frac, "binder_at": "contacts", "seeds": tuple(range(int(p.get_value("n_seeds", "-")))),
            "pairs": None}


def configs(inp: dict) -> dict[str, tuple]:
    """The composites the claims compare, as hashable keyword tuples for :func:`ssekit.physics.microstructure.composite`.

    'porous' (10 % pores, AM 2 µm) is the reference: the thick electrode and the large-AM case.
    """
    x, phi, box = inp["am_share_of_solids"], inp["porosity"], inp["box_um"]
    common = dict(se_radius_um=inp["se_radius_um"], binder_radius_um=inp["binder_radius_um"],
                  binder_at=inp["binder_at"])
    porous = dict(box_um=(box, box, box), am_frac=x * (1 - phi), se_frac=(1 - x) * (1 - phi),
                  am_radius_um=inp["am_radius_um"], **common)
    out = {
        "dense": {**porous, "am_frac": x, "se_frac": 1 - x},
        "porous": porous,
        "binder": {**porous, "binder_frac": inp["binder_frac"]},
        "small": {**porous, "am_radius_um": inp["small_am_radius_um"]},
        "thin": {**porous, "box_um": (box, box, inp["thin_um"])},
        "thick": {**porous, "box_um": (box, box, inp["thick_um"])},
    }
    return {k: tuple(sorted(v.items())) for k, v in out.items()}


@lru_cache(maxsize=2048)
def _image(cfg: tuple, voxel_um: float, seed: int) -> np.ndarray:
    img = ms.voxelise_composite(ms.composite(**dict(cfg), seed=seed), voxel_um)
    img.setflags(write=False)
    return img


@lru_cache(maxsize=4096)
def measure(cfg: tuple, voxel_um: float, seed: int, quantity: str) -> float:
    """One quantity of one composite (a :func:`configs` tuple) at one voxel size and seed (memoised).

    quantity: 'sigma_ion', 'tau_ion' (SE), 'sigma_el', 'am_percolating' (AM phase, no carbon), 'area' (AM|SE, 1/µm).
    """
    img = _image(cfg, voxel_um, seed)
    if quantity in ("sigma_ion", "tau_ion"):
        t = ms.transport(img, ms.SE)
        return float(t.sigma_eff if quantity == "sigma_ion" else t.tortuosity_factor)
    if quantity in ("sigma_el", "am_percolating"):
        t = ms.transport(img, ms.AM)
        return float(t.sigma_eff if quantity == "sigma_el" else t.percolating_fraction)
    if quantity == "area":
        return float(ms.interface_area(img) / voxel_um)
    raise ValueError(quantity)


def derange(n: int, rng) -> np.ndarray:
    """A random permutation of range(n) with no fixed point (every seed paired with another)."""
    while True:
        p = rng.permutation(n)
        if not np.any(p == np.arange(n)):
            return p


def paired(inp: dict, a: str, b: str, quantity: str, voxel_um: float | None = None) -> np.ndarray:
    """Per-seed ratios quantity(a) / quantity(b) of two composites; seed i of a with seed pairs[i] of b.

    A ratio whose denominator is 0 (no spanning network) is NaN. With
    ``inp["extrapolate"] = (h1, h2)`` (two voxel sizes in µm, h1 > h2) each
    seed's ratio is Richardson-extrapolated to h -> 0 from those two grids,
    assuming first-order convergence: ``r2 + (r2 - r1) h2 / (h1 - h2)``.
    """
    if voxel_um is None and inp.get("extrapolate"):
        h1, h2 = inp["extrapolate"]  # first order (the Rayleigh test of the chapter)
        r1, r2 = paired(inp, a, b, quantity, h1), paired(inp, a, b, quantity, h2)
        return r2 + (r2 - r1) * h2 / (h1 - h2)
    cf = configs(inp)
    h = inp["voxel_um"] if voxel_um is None else voxel_um
    seeds = inp["seeds"]
    partner = seeds if inp.get("pairs") is None else [seeds[j] for j in inp["pairs"]]
    num = np.array([measure(cf[a], h, s, quantity) for s in seeds])
    den = np.array([measure(cf[b], h, s, quantity) for s in partner])
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    return np.where(np.isfinite(r), r, np.nan)


def _rep(value, samples, note: str, **kw):
    """A Reproduction of model data with its per-seed samples (NaN: a ratio undefined on that seed)."""
    from ..claims import Reproduction

    return Reproduction(value, data="model", note=note, samples=tuple(float(s) for s in samples), **kw)


def _ratio_claim(inp: dict, quantity: str, what: str, **kw):
    a, b = inp["compare"]
    r = paired(inp, a, b, quantity)
    ok = r[np.isfinite(r)]
    dropped = len(r) - len(ok)
    lo, hi = np.percentile(ok, [5, 95])
    grid = (f"extrapolated to h → 0 from {inp['extrapolate'][0]:.2g} and {inp['extrapolate'][1]:.2g} µm voxels"
            if inp.get("extrapolate") else f"at {inp['voxel_um']:g} µm voxels")
    note = (f"{what}: median {np.median(ok):.3f} (5-95 % of seeds {lo:.3f}-{hi:.3f}) over {len(ok)} paired random "
            f"composites {grid}, " + (f"electrodes {inp['box_um']:g} µm wide" if {"thin", "thick"} & {a, b}
                                      else f"{inp['box_um']:g} µm box"))
    if dropped:
        note += (f"; on {dropped} seed(s) the reference composite has no network spanning the electrode, so the "
                 "ratio is undefined and left out of the median")
    if inp.get("pairs") is not None:
        note += " (null: seeds paired at random)"
    return _rep(float(np.median(ok)), r, note, **kw)


# ---------------------------------------------------------------- nulls and variants

def null_same(inp: dict, rng) -> dict:
    """Null: the tested ingredient removed; the reference composite compared with itself (same seed)."""
    out = copy.deepcopy(inp)
    out["compare"] = (inp["compare"][1], inp["compare"][1])
    return out


def null_derange(inp: dict, rng) -> dict:
    """Null: the tested difference removed; the reference composite of each seed compared with that of another seed."""
    out = copy.deepcopy(inp)
    out["compare"] = (inp["compare"][1], inp["compare"][1])
    out["pairs"] = tuple(int(i) for i in derange(len(inp["seeds"]), rng))
    return out


def null_thin_for_thick(inp: dict, rng) -> dict:
    """Null of 'no effect beyond thin electrodes': the 10 µm electrode replaced by a thin one, seeds paired at random."""
    out = copy.deepcopy(inp)
    out["compare"] = (inp["compare"][0], "thin")
    out["pairs"] = tuple(int(i) for i in derange(len(inp["seeds"]), rng))
    return out


#: Voxel sizes (µm) and number of seeds of the grid-converged variant and of the chapter's grid study.
GRID_VOXELS_UM = (0.5, 0.4, 1 / 3)
GRID_SEEDS = 4


def grid_variants(inp: dict) -> dict[str, dict]:
    """The claim at its own grid and grid-converged: Richardson-extrapolated per seed from the coarsest and finest grid.

    The coarsest and finest of :data:`GRID_VOXELS_UM` (ratio 1.5) rather than the two finest (ratio 1.2), whose
    difference is multiplied by 5 and so amplifies packing noise: on four seeds the two choices differ by up to a
    quarter for the AM percolation ratio, the wide pair by a few % between four and six seeds.

    The converged variant uses the first :data:`GRID_SEEDS` seeds only (each costs about five times a 0.5 µm solve).
    """
    conv = {**copy.deepcopy(inp), "extrapolate": (GRID_VOXELS_UM[0], GRID_VOXELS_UM[-1]),
            "seeds": tuple(inp["seeds"][:GRID_SEEDS])}
    return {f"{inp['voxel_um']:g} µm voxels": copy.deepcopy(inp),
            f"grid-converged (h → 0, {GRID_SEEDS} seeds)": conv}


def binder_variants(inp: dict) -> dict[str, dict]:
    """Binder at the AM|SE contacts (default) or at random places in the SE, and the grid-converged value."""
    out = {f"binder at {w}": {**copy.deepcopy(inp), "binder_at": w} for w in ("contacts", "random")}
    conv = grid_variants(inp)
    return {**out, **{k: v for k, v in conv.items() if "converged" in k}}


def _with(compare):
    def f() -> dict:
        return {**inputs(), "compare": compare}
    f.__doc__ = f"Default inputs comparing the composites {compare[0]!r} / {compare[1]!r} (see :func:`inputs`)."
    return f


#: Claim name -> (composite a, composite b) of its ratio a / b.
CLAIM_PAIRS = {"binder": ("binder", "porous"), "binder_area": ("binder", "porous"), "porosity": ("porous", "dense"),
               "porosity_electronic": ("porous", "dense"), "small_am": ("small", "porous"),
               "large_am_ionic": ("porous", "small"), "small_am_electronic": ("small", "porous"),
               "small_am_percolation": ("small", "porous"), "small_am_area": ("small", "porous"),
               "thickness_thin": ("thick", "thin"), "thickness_thick": ("thick", "porous")}
for _name, _pair in CLAIM_PAIRS.items():
    globals()[f"inputs_{_name}"] = _with(_pair)
    globals()[f"inputs_{_name}"].__name__ = f"inputs_{_name}"
__all__ += [f"inputs_{k}" for k in CLAIM_PAIRS]

_MONOTONE = ("Rayleigh's monotonicity law: replacing conducting SE voxels by an insulator can never raise the "
             "effective conductivity, so the sign holds for any microstructure; the size of the drop is the model's result")


# ---------------------------------------------------------------- claims

def claim_binder(inp: dict):
    """Claim ``alabdali2022.binder``: SE σ_eff with 2 vol% binder / without (10 % pores)."""
    return _ratio_claim(inp, "sigma_ion", f"ionic σ_eff with {inp['binder_frac']:.0%} binder at {inp['binder_at']} / "
                        "without", by_construction=_MONOTONE)


def claim_binder_area(inp: dict):
    """Claim ``alabdali2022.binder_area``: AM|SE interface area with 2 vol% binder / without."""
    return _ratio_claim(inp, "area", f"AM|SE interface area with {inp['binder_frac']:.0%} binder at "
                        f"{inp['binder_at']} / without", by_construction=(
                            "binder replaces SE and pore only, so it can remove AM|SE faces but never add one"))


def claim_porosity(inp: dict):
    """Claim ``alabdali2022.porosity``: SE σ_eff at 10 % porosity / dense, at the same AM : SE volume ratio."""
    return _ratio_claim(inp, "sigma_ion", f"ionic σ_eff at {inp['porosity']:.0%} porosity / dense (same AM : SE ratio)")


def claim_porosity_electronic(inp: dict):
    """Claim ``alabdali2022.porosity_electronic``: AM σ_eff at 10 % porosity / dense, same AM : SE ratio."""
    return _ratio_claim(inp, "sigma_el", f"electronic (AM) σ_eff at {inp['porosity']:.0%} porosity / dense "
                        "(same AM : SE ratio; AM the only electronic conductor)")


def claim_small_am(inp: dict):
    """Claim ``alabdali2022.small_am``: SE tortuosity factor with small AM (1 µm radius) / large AM (2 µm)."""
    return _ratio_claim(inp, "tau_ion", "SE tortuosity factor, small AM / large AM (SE grains fixed)")


def claim_large_am_ionic(inp: dict):
    """Claim ``alabdali2022.large_am_ionic``: SE σ_eff with large AM / small AM."""
    return _ratio_claim(inp, "sigma_ion", "ionic σ_eff, large AM / small AM")


def claim_small_am_electronic(inp: dict):
    """Claim ``alabdali2022.small_am_electronic``: AM σ_eff with small AM / large AM, same AM fraction."""
    return _ratio_claim(inp, "sigma_el", "electronic (AM) σ_eff, small AM / large AM")


def claim_small_am_percolation(inp: dict):
    """Claim ``alabdali2022.small_am_percolation``: share of AM in the spanning network, small / large AM."""
    return _ratio_claim(inp, "am_percolating", "AM share connected across the electrode, small AM / large AM")


def claim_small_am_area(inp: dict):
    """Claim ``alabdali2022.small_am_area``: AM|SE interface area per volume, small / large AM."""
    return _ratio_claim(inp, "area", "AM|SE interface area per volume, small AM / large AM", by_construction=(
        "geometry: spheres of radius r at a fixed volume fraction f have surface 3f/r per volume, for any packing"))


def claim_thickness_thin(inp: dict):
    """Claim ``alabdali2022.thickness_thin``: electronic σ_eff of a 20 µm thick electrode / a 4 µm thin one.

    The thick electrode is the numerator, so a seed on which it has no spanning AM network counts as 0.
    """
    um = {"thin": inp["thin_um"], "thick": inp["thick_um"]}[inp["compare"][1]]
    return _ratio_claim(inp, "sigma_el", f"electronic σ_eff, {inp['thick_um']:g} µm electrode / {um:g} µm electrode")


def claim_thickness_thick(inp: dict):
    """Claim ``alabdali2022.thickness_thick``: electronic σ_eff of a 20 µm electrode / a 10 µm one."""
    um = {"thin": inp["thin_um"], "porous": inp["box_um"], "thick": inp["thick_um"]}[inp["compare"][1]]
    return _ratio_claim(inp, "sigma_el", f"electronic σ_eff, {inp['thick_um']:g} µm electrode / {um:g} µm electrode")


def claim_am_size_tradeoff():
    """Claim ``alabdali2022.size_ratio_power`` (Sec. on [23]): the AM/SE size ratio changes the high-rate capacity."""
    from ..claims import Reproduction

    return Reproduction(None, checkable=False, data="model", note=(
        "needs an electrochemical (discharge) model; the voxel model here gives only transport"))


# ---------------------------------------------------------------- studies shown in the chapter

#: (claim, quantity, a, b) of the grid study.
GRID_ITEMS = (("binder", "sigma_ion"), ("binder_area", "area"), ("porosity", "sigma_ion"),
              ("porosity_electronic", "sigma_el"), ("small_am", "tau_ion"), ("large_am_ionic", "sigma_ion"),
              ("small_am_electronic", "sigma_el"), ("small_am_percolation", "am_percolating"),
              ("small_am_area", "area"))


def convergence(inp: dict | None = None, voxels_um=GRID_VOXELS_UM, n_seeds: int = GRID_SEEDS) -> pd.DataFrame:
    """Each claim's median paired ratio on the first ``n_seeds`` seeds at three voxel sizes, and its extrapolation.

    The error of a voxel result is first order in the voxel size h (a
    staircase surface: see the Rayleigh test), so the coarsest and finest
    grids h1 > h2 extrapolate to ``r2 + (r2 - r1) h2 / (h1 - h2)`` (Richardson).
    """
    inp = inputs() if inp is None else inp
    inp = {**inp, "seeds": tuple(inp["seeds"][:n_seeds]), "pairs": None}
    rows = []
    for claim, q in GRID_ITEMS:
        a, b = CLAIM_PAIRS[claim]
        vals = [float(np.nanmedian(paired(inp, a, b, q, h))) for h in voxels_um]
        ext = float(np.nanmedian(paired({**inp, "extrapolate": (voxels_um[0], voxels_um[-1])}, a, b, q)))
        rows.append({"claim": f"alabdali2022.{claim}", **{f"{h:.2g} µm voxels": v for h, v in zip(voxels_um, vals)},
                     "extrapolated (h → 0)": ext})
    return pd.DataFrame(rows)


def thickness_study(inp: dict | None = None) -> pd.DataFrame:
    """Electronic σ_eff of the 4, 10 and 20 µm thick electrodes, per seed (long table)."""
    inp = inputs() if inp is None else inp
    cf = configs(inp)
    rows = []
    for name, um in (("thin", inp["thin_um"]), ("porous", inp["box_um"]), ("thick", inp["thick_um"])):
        for s in inp["seeds"]:
            rows.append({"electrode thickness (µm)": um, "seed": s,
                         LABELS["sigma_el"]: measure(cf[name], inp["voxel_um"], s, "sigma_el")})
    return pd.DataFrame(rows)


def ratios_table(inp: dict | None = None) -> pd.DataFrame:
    """Every claim's per-seed ratio (long table: claim, seed, ratio) for the distribution figure."""
    inp = inputs() if inp is None else inp
    q = {"binder": "sigma_ion", "binder_area": "area", "porosity": "sigma_ion", "porosity_electronic": "sigma_el",
         "small_am": "tau_ion", "large_am_ionic": "sigma_ion", "small_am_electronic": "sigma_el",
         "small_am_percolation": "am_percolating", "small_am_area": "area", "thickness_thin": "sigma_el",
         "thickness_thick": "sigma_el"}
    rows = []
    for claim, (a, b) in CLAIM_PAIRS.items():
        for s, r in zip(inp["seeds"], paired(inp, a, b, q[claim])):
            rows.append({"claim": claim, "seed": s, "ratio": r})
    return pd.DataFrame(rows)


__all__ += ["ratios_table", "GRID_ITEMS", "GRID_VOXELS_UM", "GRID_SEEDS", "grid_variants"]


def validation() -> pd.DataFrame:
    """The solver against geometries with known answers."""
    rows = []
    img = np.zeros((20, 20, 20), dtype=np.int8)
    img[::2] = ms.SE
    t = ms.transport(img)
    rows.append(("straight channels (ε = 0.5)", "tortuosity factor (–)", 1.0, t.tortuosity_factor))
    s = np.ones((10, 10, 20))
    s[:, :, 10:] = 0.1
    rows.append(("two layers in series (1 and 0.1)", "σ_eff (units of the first layer)", 1 / (0.5 / 1 + 0.5 / 0.1),
                 ms.solve(s)[0]))
    s = np.ones((20, 10, 10))
    s[10:] = 0.1
    rows.append(("two layers in parallel (1 and 0.1)", "σ_eff (units of the first layer)", 0.5 * 1 + 0.5 * 0.1,
                 ms.solve(s)[0]))
    for frac in (0.2, 0.3):
        img = ms.generate(48, am_frac=frac, am_radius=6, seed=3)
        t = ms.transport(img)
        rows.append((f"random insulating spheres, {frac:.0%}", "σ_eff / σ_SE (expected: Bruggeman ε^1.5)",
                     float(ms.bruggeman(t.volume_fraction)), t.sigma_eff))
    out = pd.DataFrame(rows, columns=["geometry", "quantity", "expected", "computed"])  # dimensionless
    out["relative difference"] = (out["computed"] - out["expected"]) / out["expected"]
    return out


def rayleigh(ns=(20, 40, 80), f: float = 0.2) -> pd.DataFrame:
    """Simple-cubic array of insulating spheres against Rayleigh's formula, by resolution, with Richardson extrapolation.

    The error is first order in the voxel size (a staircase sphere), so the
    value extrapolated from the two finest voxel sizes h1 > h2 is
    ``s2 + (s2 - s1) h2 / (h1 - h2)`` (``2 s(h/2) - s(h)`` when h2 = h1/2).
    """
    exact = float(ms.rayleigh_sc(f))
    rows = []
    for n in ns:
        t = ms.transport(ms.sc_sphere_image(n, f))
        rows.append({"voxels per cell": n, "sphere fraction (voxelised)": 1 - t.volume_fraction,
                     "sigma_eff": t.sigma_eff, "Rayleigh": exact, "error (%)": 100 * (t.sigma_eff / exact - 1)})
    out = pd.DataFrame(rows)
    h1, h2 = 1 / out["voxels per cell"].iloc[-2], 1 / out["voxels per cell"].iloc[-1]
    s1, s2 = out["sigma_eff"].iloc[-2], out["sigma_eff"].iloc[-1]
    rich = s2 + (s2 - s1) * h2 / (h1 - h2)
    out.attrs["richardson"] = float(rich)
    out.attrs["richardson_error_pct"] = float(100 * (rich / exact - 1))
    return out


#: Readers' names of the parameters in ``parameters.csv``.
PARAMETER_LABELS = {
    "box_um": "box side (electrode thickness of the cube)", "voxel_um": "voxel size",
    "am_radius_um": "AM particle radius", "small_am_radius_um": "small AM particle radius",
    "se_radius_um": "SE grain radius", "binder_radius_um": "binder blob radius",
    "am_share_of_solids": "AM share of the solid volume", "porosity": "porosity of the porous composites",
    "binder_frac": "binder volume fraction", "thin_um": "thin electrode thickness",
    "thick_um": "thick electrode thickness", "n_seeds": "random microstructures per claim",
}


def parameter_table() -> pd.DataFrame:
    """The parameters as readers see them: quantity, value, unit, source."""
    df = parameters().to_frame().rename_axis("name").reset_index()
    return pd.DataFrame({"quantity": df["name"].map(PARAMETER_LABELS), "value": df["value"],
                         "unit": df["unit"].map(lambda u: "µm" if u == "um" else "–"),
                         "source": df["source"].str.replace("alabdali2022", "Alabdali et al. 2022", regex=False)})


__all__ += ["parameter_table", "PARAMETER_LABELS"]
