"""Kim et al. 2025, Sec. 3.1: area-specific resistance of thin SE membranes.

doi:10.1021/acsaem.5c02250. Inputs come from the parameter set
``kim2025_asr`` (values stated in the review) and, for Li3PS4, from the
shipped Laskowski 2023 table (real measurements).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from ..claims import Reproduction, get_claim
from ..data import load, load_parameters
from ..physics import asr

__all__ = ["LIQUID_ASR_WITH_SEPARATOR", "params", "inputs_liquid", "liquid_asr_bare", "implied_separator_macmullin",
           "liquid_asr_with_separator", "lpscl_thickness_matching_liquid", "li3ps4_measurements",
           "lps_sigma_median", "is_sulfide", "inputs_lps", "lps_asr_at_10um", "null_random_compounds", "lps_asr_at_10um_table1_high"]

#: The review's ASR for a liquid-filled separator "accounting for tortuosity"
#: (ohm cm^2). It is the paper's *reported* value, read from the claims
#: registry, and serves only as the target the solid membranes are compared
#: against, as the review does.
LIQUID_ASR_WITH_SEPARATOR = float(get_claim("kim2025.asr.liquid_separator").reported)


def params():
    """The review's stated inputs, with units and sources."""
    return load_parameters("kim2025/asr.csv")


def inputs_liquid() -> dict:
    """Inputs of the Sec. 3.1 arithmetic claims: the review's printed numbers (``kim2025/asr.csv``) and its 3.75 Ω cm²."""
    return {"params": params(), "target_asr_ohm_cm2": LIQUID_ASR_WITH_SEPARATOR}


def liquid_asr_bare(inputs: dict | None = None):
    """ASR of 25 um of a 20 mS/cm liquid, with no separator (ohm cm^2).

    Called with ``inputs`` (claim ``kim2025.asr.liquid_bare``) it returns a
    :class:`~ssekit.claims.Reproduction`; without, the bare number.

    Examples
    --------
    >>> liquid_asr_bare()
    0.125
    """
    p = (inputs or inputs_liquid())["params"]
    value = asr.area_specific_resistance(p.get_value("liquid_separator_thickness", "um"), p.get_value("liquid_sigma", "S/cm"))
    if inputs is None:
        return value
    return Reproduction(value, data="paper inputs", note="L/σ with the review's 25 µm and 20 mS/cm")


def implied_separator_macmullin(inputs: dict | None = None) -> float:
    """MacMullin number that turns the review's 0.125 into its 3.75 ohm cm^2."""
    q = inputs or inputs_liquid()
    p = q["params"]
    return asr.implied_macmullin(q["target_asr_ohm_cm2"], p.get_value("liquid_separator_thickness", "um"),
                                 p.get_value("liquid_sigma", "S/cm"))


def liquid_asr_with_separator(inputs: dict | None = None) -> Reproduction:
    """The 3.75 ohm cm^2 needs the separator's MacMullin number, which the review does not give."""
    n = implied_separator_macmullin(inputs)
    return Reproduction(
        None,
        data="paper inputs",
        note=(f"needs the separator's MacMullin number (tortuosity/porosity), not stated in the review; "
              f"the reported value implies N_M = {n:.3g}"),
        checkable=False,
    )


def lpscl_thickness_matching_liquid(inputs: dict | None = None):
    """Li6PS5Cl thickness (um) whose ASR equals the liquid cell's 3.75 ohm cm^2 (a Reproduction when given ``inputs``)."""
    q = inputs or inputs_liquid()
    value = asr.thickness_for_asr(q["target_asr_ohm_cm2"], q["params"].get_value("lpscl_sigma", "S/cm"))
    if inputs is None:
        return value
    return Reproduction(value, data="paper inputs", note="σ × 3.75 Ω cm² with the review's 1 mS/cm")


@cache
def _laskowski() -> pd.DataFrame:
    df = load("laskowski2023_si")
    return df[~df["is_fragment"] & df["sigma_S_per_cm"].notna()]


def is_sulfide(formula: str) -> bool:
    """Whether a formula holds sulfur and no oxygen (the null models draw from these).

    Examples
    --------
    >>> is_sulfide("Li3PS4"), is_sulfide("Li7La3Zr2O12")
    (True, False)
    """
    from ..chemistry import element_amounts

    a = dict(element_amounts(formula) or ())
    return "S" in a and "O" not in a


def li3ps4_measurements() -> pd.DataFrame:
    """Room-temperature Li3PS4 conductivities in the shipped Laskowski 2023 table."""
    df = _laskowski()
    sel = df[df["composition"] == "Li3PS4"]
    return sel[["composition", "sigma_S_per_cm", "sigma_censored", "space_group", "phase_note", "ref"]].reset_index(drop=True)


def lps_sigma_median() -> float:
    """Median measured Li3PS4 conductivity in the Laskowski table (S/cm)."""
    return float(li3ps4_measurements()["sigma_S_per_cm"].median())


def inputs_lps() -> dict:
    """Inputs of ``kim2025.asr.lps_10um``: measured Li3PS4 conductivities, every sulfide of the table (the null's pool), 10 µm, 3.75 Ω cm²."""
    df = _laskowski()
    return {"sigma_S_per_cm": li3ps4_measurements()["sigma_S_per_cm"].to_numpy(float),
            "pool_S_per_cm": df.loc[[is_sulfide(c) for c in df["composition"]], "sigma_S_per_cm"].to_numpy(float),
            "thickness_um": params().get_value("lps_thickness", "um"), "target_asr_ohm_cm2": LIQUID_ASR_WITH_SEPARATOR}


def lps_asr_at_10um(inputs: dict | None = None) -> Reproduction:
    """ASR of a 10 um LPS membrane at the median measured Li3PS4 conductivity (claim ``kim2025.asr.lps_10um``)."""
    q = inputs or inputs_lps()
    s = np.asarray(q["sigma_S_per_cm"], float)
    sigma = float(np.median(s))
    L = float(q["thickness_um"])
    value = asr.area_specific_resistance(L, sigma)
    crit = asr.conductivity_for_asr(q["target_asr_ohm_cm2"], L)
    n_fast = int((s >= crit).sum())
    return Reproduction(value, data="substitute data", note=(
        f"median of {len(s)} entries ({sigma:.3g} S/cm; Laskowski 2023 table, not the review's data); the claim "
        f"holds for any σ below {crit:.3g} S/cm, which {len(s) - n_fast} of {len(s)} entries are"))


def null_random_compounds(inputs: dict, rng) -> dict:
    """Null model: the Li3PS4 entries replaced by as many drawn at random from the table's sulfides (composition labels permuted)."""
    pool = np.asarray(inputs["pool_S_per_cm"], float)
    return {**inputs, "sigma_S_per_cm": rng.choice(pool, size=len(inputs["sigma_S_per_cm"]), replace=False)}


def lps_asr_at_10um_table1_high() -> float:
    """ASR of 10 um of glass at the top of the review's own Table 1 range (1e-3 S/cm)."""
    p = params()
    return asr.area_specific_resistance(p.get_value("lps_thickness", "um"), p.get_value("glass_sigma_high", "S/cm"))
