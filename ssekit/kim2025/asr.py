"""Kim et al. 2025, Sec. 3.1: area-specific resistance of thin SE membranes.

doi:10.1021/acsaem.5c02250. Inputs come from the parameter set
``kim2025_asr`` (values stated in the review) and, for Li3PS4, from the
shipped Laskowski 2023 table (real measurements).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..claims import Reproduction, get_claim
from ..data import load, load_parameters
from ..physics import asr

__all__ = ["LIQUID_ASR_WITH_SEPARATOR", "params", "liquid_asr_bare", "claim_liquid_asr_bare", "claim_lpscl_thickness", "implied_separator_macmullin",
           "liquid_asr_with_separator", "lpscl_thickness_matching_liquid", "li3ps4_measurements",
           "lps_sigma_median", "lps_asr_at_10um", "lps_asr_at_10um_table1_high"]

#: The review's ASR for a liquid-filled separator "accounting for tortuosity"
#: (ohm cm^2). It is the paper's *reported* value, read from the claims
#: registry, and serves only as the target the solid membranes are compared
#: against, as the review does.
LIQUID_ASR_WITH_SEPARATOR = float(get_claim("kim2025.asr.liquid_separator").reported)


def params():
    """The review's stated inputs, with units and sources."""
    return load_parameters("kim2025/asr.csv")


def liquid_asr_bare() -> float:
    """ASR of 25 um of a 20 mS/cm liquid, with no separator (ohm cm^2)."""
    p = params()
    return asr.area_specific_resistance(
        p.get_value("liquid_separator_thickness", "um"), p.get_value("liquid_sigma", "S/cm")
    )


def claim_liquid_asr_bare() -> Reproduction:
    """The claim: ASR of the bare liquid layer, from the review's own inputs."""
    return Reproduction(liquid_asr_bare(), data="paper inputs", note="ASR = L / sigma with the review's L and sigma")


def implied_separator_macmullin() -> float:
    """MacMullin number that turns the review's 0.125 into its 3.75 ohm cm^2."""
    p = params()
    return asr.implied_macmullin(
        LIQUID_ASR_WITH_SEPARATOR, p.get_value("liquid_separator_thickness", "um"), p.get_value("liquid_sigma", "S/cm")
    )


def liquid_asr_with_separator() -> Reproduction:
    """The 3.75 ohm cm^2 needs the separator's MacMullin number, which the review does not give."""
    n = implied_separator_macmullin()
    return Reproduction(
        None,
        data="paper inputs",
        note=(f"needs the separator's MacMullin number (tortuosity/porosity), not stated in the review; "
              f"the reported value implies N_M = {n:.3g}"),
        checkable=False,
    )


def lpscl_thickness_matching_liquid() -> float:
    """Li6PS5Cl thickness (um) whose ASR equals the liquid cell's 3.75 ohm cm^2."""
    return asr.thickness_for_asr(LIQUID_ASR_WITH_SEPARATOR, params().get_value("lpscl_sigma", "S/cm"))


def claim_lpscl_thickness() -> Reproduction:
    """The claim: Li6PS5Cl thickness matching the liquid cell's ASR, from the review's own inputs."""
    return Reproduction(lpscl_thickness_matching_liquid(), data="paper inputs", note="L = ASR * sigma")


@cache
@cache
def li3ps4_measurements() -> pd.DataFrame:
    """Room-temperature Li3PS4 conductivities in the shipped Laskowski 2023 table."""
    df = load("laskowski2023_si")
    sel = df[(df["composition"] == "Li3PS4") & ~df["is_fragment"] & df["sigma_S_per_cm"].notna()]
    return sel[["composition", "sigma_S_per_cm", "sigma_censored", "space_group", "phase_note", "ref"]].reset_index(drop=True)


def lps_sigma_median() -> float:
    """Median measured Li3PS4 conductivity in the Laskowski table (S/cm)."""
    return float(li3ps4_measurements()["sigma_S_per_cm"].median())


def lps_asr_at_10um() -> Reproduction:
    """ASR of a 10 um LPS membrane at the median measured Li3PS4 conductivity."""
    m = li3ps4_measurements()
    sigma = lps_sigma_median()
    L = params().get_value("lps_thickness", "um")
    value = asr.area_specific_resistance(L, sigma)
    crit = asr.conductivity_for_asr(LIQUID_ASR_WITH_SEPARATOR, L)
    n_fast = int((m["sigma_S_per_cm"] >= crit).sum())
    return Reproduction(
        value,
        data="substitute data",
        note=(f"median of {len(m)} Li3PS4 entries in Laskowski 2023 ({sigma:.3g} S/cm); the claim holds for any "
              f"sigma below {crit:.3g} S/cm, which {len(m) - n_fast} of {len(m)} entries are"),
    )


def lps_asr_at_10um_table1_high() -> float:
    """ASR of 10 um of glass at the top of the review's own Table 1 range (1e-3 S/cm)."""
    p = params()
    return asr.area_specific_resistance(p.get_value("lps_thickness", "um"), p.get_value("glass_sigma_high", "S/cm"))
