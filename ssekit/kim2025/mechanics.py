"""Kim et al. 2025: mechanics and binders as arithmetic (Sec. 3.2, 4.2.1, 4.5; Tables 1-2).

Effective-medium model: Bruggeman, ``sigma_eff = sigma_SE * f**1.5`` with f
the electrolyte volume fraction. It is the standard closed form for
insulating, roughly spherical inclusions (binder, pores) in a conducting
matrix; the voxel chapter (Alabdali) shows it is optimistic when binder
sits at particle contacts, so losses computed here are lower bounds.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..chen2021 import analysis as chen2021
from ..claims import Reproduction
from ..data import load, load_parameters, read_csv
from ..physics import asr, cell

__all__ = ["measured", "claim_li7p3s11", "claim_lgps", "claim_argyrodite_range", "claim_argyrodite_beyond_10",
           "claim_youngs_modulus", "claim_wip_porosity", "params", "table1", "table2", "monroe_newman", "binder_volume_fraction", "relative_conductivity",
           "pib_ratio", "claim_pib_2wt", "claim_pib_sharp", "wip_gain", "claim_table1_vs_text",
           "film_at_cell_level"]


def _csv(name: str) -> pd.DataFrame:
    return read_csv(f"kim2025/{name}")


def params():
    """The review's mechanics and binder inputs (``kim2025/mechanics.csv``), with units and sources."""
    return load_parameters("kim2025/mechanics.csv")


def table1() -> pd.DataFrame:
    """The review's Table 1 (sulfide SE classes), as transcribed."""
    return _csv("table1.csv")


def table2() -> pd.DataFrame:
    """The review's Table 2 (fabrication routes rated), indexed by route."""
    return _csv("table2.csv").set_index("route")


def monroe_newman() -> pd.DataFrame:
    """Each Table 1 class against the Monroe-Newman criterion G_SE >= 2 G_Li."""
    p = params()
    need = p.get_value("monroe_newman_factor", "-") * p.get_value("li_shear_modulus", "GPa")
    t = table1()[["class", "type", "shear_modulus_low_GPa", "shear_modulus_high_GPa"]].copy()
    t["criterion_GPa"] = need
    known = t["shear_modulus_low_GPa"].notna()
    t["met across the range"] = np.where(known, np.where(t["shear_modulus_low_GPa"] >= need, "yes", "no"), "unknown")
    t["met at the high end"] = np.where(known, np.where(t["shear_modulus_high_GPa"] >= need, "yes", "no"), "unknown")
    return t


def binder_volume_fraction(wt_frac, binder_density: float) -> np.ndarray:
    """Binder volume fraction of the solids from its weight fraction (binder + SE)."""
    w = np.asarray(wt_frac, float)
    rho_se = params().get_value("se_density", "g/cm3")
    return (w / binder_density) / (w / binder_density + (1 - w) / rho_se)


def relative_conductivity(binder_wt=0.0, binder_density: float = 1.0, porosity=0.0) -> np.ndarray:
    """Bruggeman sigma_eff / sigma_SE for a binder weight fraction and a porosity."""
    n = params().get_value("bruggeman_exponent", "-")
    f = (1 - np.asarray(porosity, float)) * (1 - binder_volume_fraction(binder_wt, binder_density))
    return f**n


def pib_ratio(wt: float) -> float:
    """Bruggeman σ_eff/σ_SE at a PIB weight fraction ``wt``."""
    return float(relative_conductivity(wt, params().get_value("pib_density", "g/cm3")))


def claim_pib_2wt() -> Reproduction:
    """Claim ``kim2025.binder.pib_2wt`` (Sec. 4.2.1): conductivity kept at 2 wt% PIB, relative to none."""
    return Reproduction(pib_ratio(0.02), data="model", note="Bruggeman sigma(2 wt% PIB)/sigma(0); the 0.9 threshold for 'relatively high' is ours")


def claim_pib_sharp() -> Reproduction:
    """Claim ``kim2025.binder.pib_sharp`` (Sec. 4.2.1): conductivity at 5 wt% PIB relative to 2 wt%."""
    r = pib_ratio(0.05) / pib_ratio(0.02)
    return Reproduction(r, data="model", note=("a bulk effective-medium model gives only a smooth loss from 2 to 5 wt% PIB; "
                                                "the review attributes the sharp drop to interfacial resistance, which it "
                                                "does not contain"))


def wip_gain() -> float:
    """Bruggeman conductivity gain from pressing porosity from 12 % to 0.15 % (WIP)."""
    p = params()
    return float(relative_conductivity(porosity=p.get_value("wip_porosity_after", "-"))
                 / relative_conductivity(porosity=p.get_value("wip_porosity_before", "-")))


def claim_table1_vs_text() -> Reproduction:
    """Claim ``kim2025.mech.shear_range`` (Sec. 3.2 vs Table 1): lowest sulfide shear modulus in Table 1 (text: 6-11 GPa)."""
    low = float(table1()["shear_modulus_low_GPa"].min())
    return Reproduction(low, data="paper inputs", note="lowest shear modulus among Table 1's sulfide classes (glass and glass-ceramic: 5 GPa)")


def film_at_cell_level() -> pd.DataFrame:
    """Chen et al.'s 40 um film against an 800 um pellet of the powder, in an NCM811 | Li cell."""
    rep = chen2021.reported()
    rows = []
    for label, L, s in (("Chen film (class 1)", rep.get_value("film_thickness", "um"), rep.get_value("film_sigma", "S/cm")),
                        ("powder pellet", rep.get_value("pellet_thickness", "um"), rep.get_value("powder_sigma", "S/cm"))):
        p = cell.load_config("ncm811_li", {"se_sigma": s, "se_porosity": 0.0})
        r = cell.stack(p, L).iloc[0]
        rows.append((label, L, s, asr.area_specific_resistance(L, s), r["Wh_per_kg"], r["Wh_per_L"]))
    return pd.DataFrame(rows, columns=["separator", "thickness_um", "sigma_S_per_cm", "ASR_ohm_cm2", "Wh_per_kg",
                                       "Wh_per_L"]).set_index("separator")


# ---------------------------------------------------------------- Sec. 2.1: materials against measured data

def measured(composition: str) -> pd.Series:
    """Room-temperature conductivities (S/cm) of one composition in the shipped Laskowski 2023 table.

    Rows that are extraction fragments, blank or only a detection bound are left out.
    """
    lk = load("laskowski2023_si")
    sel = lk[(lk["composition"] == composition) & ~lk["is_fragment"] & lk["sigma_S_per_cm"].notna()
             & ~lk["sigma_censored"]]
    return sel["sigma_S_per_cm"].reset_index(drop=True)


def _median_claim(*compositions: str) -> Reproduction:
    vals = pd.concat([measured(c) for c in compositions], ignore_index=True)
    if vals.empty:
        return Reproduction(None, data="substitute data", checkable=False, note=f"no measurement of {compositions} shipped")
    return Reproduction(float(vals.median()), data="substitute data", note=(
        f"median of {len(vals)} Laskowski 2023 entries for {' and '.join(compositions)} "
        f"(range {vals.min():.2g}-{vals.max():.2g} S/cm)"))


def claim_li7p3s11() -> Reproduction:
    """Claim ``kim2025.materials.li7p3s11`` (Sec. 2.1): measured Li7P3S11 conductivity."""
    return _median_claim("Li7P3S11")


def claim_lgps() -> Reproduction:
    """Claim ``kim2025.materials.lgps`` (Sec. 2.1): measured Li10GeP2S12 conductivity."""
    return _median_claim("Li10GeP2S12")


def claim_argyrodite_range() -> Reproduction:
    """Claim ``kim2025.materials.argyrodite_range`` (Sec. 2.1): measured Li6PS5Cl / Li6PS5Br conductivity."""
    return _median_claim("Li6PS5Cl", "Li6PS5Br")


def claim_argyrodite_beyond_10() -> Reproduction:
    """Claim ``kim2025.materials.argyrodite_beyond_10`` (Sec. 2.1): the best measured argyrodite."""
    ob = load("obelix_train")
    arg = ob[(ob["family"] == "argyrodites") & ~ob["sigma_censored"]]
    best = arg.loc[arg["sigma_S_per_cm"].idxmax()]
    return Reproduction(float(best["sigma_S_per_cm"]), data="substitute data", note=(
        f"highest of {len(arg)} argyrodites in the OBELiX training split: {best['composition']}; "
        f"{int((arg['sigma_S_per_cm'] > 1e-2).sum())} exceed 10 mS/cm"))


def claim_youngs_modulus() -> Reproduction:
    """Claim ``kim2025.mech.youngs_modulus`` (Sec. 2.2): Young's modulus implied by Table 1's shear moduli."""
    t = table1().dropna(subset=["shear_modulus_low_GPa"])
    nu = params().get_value("poisson_ratio_sulfide", "-")
    g_mid = (t["shear_modulus_low_GPa"] + t["shear_modulus_high_GPa"]) / 2
    e = 2 * g_mid * (1 + nu)
    return Reproduction(float(e.median()), data="paper inputs", note=(
        f"E = 2G(1+ν), ν = {nu:g} (assumed), G the middle of each Table 1 range; per class "
        + ", ".join(f"{c} {v:.0f}" for c, v in zip(t["class"], e)) + " GPa"))


def claim_wip_porosity() -> Reproduction:
    """Claim ``kim2025.process.wip_porosity`` (Sec. 4.5): porosity after WIP (a measurement)."""
    return Reproduction(None, data="paper inputs", checkable=False, note=(
        f"a measured porosity; no model here predicts pressing. What it is worth: Bruggeman gives "
        f"{wip_gain():.2f}x the conductivity at 0.15 % than at 12 % porosity"))
