"""Area-specific resistance (ASR) of an ion-conducting layer.

For a layer of thickness ``L`` and ionic conductivity ``sigma``,
``ASR = R * A = L / sigma`` (Kim et al. 2025, Sec. 3.1,
doi:10.1021/acsaem.5c02250). A liquid-filled porous separator conducts less
than its liquid: the effective conductivity is ``sigma / N_M`` with the
MacMullin number ``N_M = tortuosity factor / porosity >= 1``.

Units: thickness in micrometres, conductivity in S/cm, ASR in ohm cm^2
(1 um = 1e-4 cm).
"""

from __future__ import annotations

import numpy as np

from ..validation import check_range

__all__ = ["UM_TO_CM", "area_specific_resistance", "thickness_for_asr", "conductivity_for_asr", "implied_macmullin"]

UM_TO_CM = 1e-4


def area_specific_resistance(thickness_um, sigma_S_per_cm, macmullin: float = 1.0):
    """ASR in ohm cm^2 of a layer, ``N_M * L / sigma``.

    Parameters
    ----------
    thickness_um : float or array
        Layer thickness in um, > 0.
    sigma_S_per_cm : float or array
        Ionic conductivity in S/cm, > 0.
    macmullin : float
        MacMullin number (>= 1); 1 for a dense electrolyte.

    Examples
    --------
    >>> round(float(area_specific_resistance(25, 0.020)), 6)
    0.125
    """
    L = check_range("thickness_um", thickness_um, "um", 0, np.inf, low_inclusive=False)
    s = check_range("sigma_S_per_cm", sigma_S_per_cm, "S/cm", 0, np.inf, low_inclusive=False)
    n = check_range("macmullin", macmullin, "(dimensionless)", 1, np.inf)
    out = n * L * UM_TO_CM / s
    return out if out.ndim else float(out)


def thickness_for_asr(asr_ohm_cm2, sigma_S_per_cm, macmullin: float = 1.0):
    """Thickness in um at which a layer reaches a given ASR (inverse of :func:`area_specific_resistance`)."""
    r = check_range("asr_ohm_cm2", asr_ohm_cm2, "ohm cm^2", 0, np.inf, low_inclusive=False)
    s = check_range("sigma_S_per_cm", sigma_S_per_cm, "S/cm", 0, np.inf, low_inclusive=False)
    n = check_range("macmullin", macmullin, "(dimensionless)", 1, np.inf)
    out = r * s / (n * UM_TO_CM)
    return out if out.ndim else float(out)


def conductivity_for_asr(asr_ohm_cm2, thickness_um, macmullin: float = 1.0):
    """Lowest conductivity in S/cm for which a layer of ``thickness_um`` stays at or below ``asr_ohm_cm2``."""
    r = check_range("asr_ohm_cm2", asr_ohm_cm2, "ohm cm^2", 0, np.inf, low_inclusive=False)
    L = check_range("thickness_um", thickness_um, "um", 0, np.inf, low_inclusive=False)
    n = check_range("macmullin", macmullin, "(dimensionless)", 1, np.inf)
    out = n * L * UM_TO_CM / r
    return out if out.ndim else float(out)


def implied_macmullin(asr_with_separator_ohm_cm2, thickness_um, sigma_S_per_cm) -> float:
    """MacMullin number implied by an ASR reported for a liquid-filled separator."""
    bare = area_specific_resistance(thickness_um, sigma_S_per_cm)
    return float(check_range("asr_with_separator_ohm_cm2", asr_with_separator_ohm_cm2, "ohm cm^2", bare)) / bare
