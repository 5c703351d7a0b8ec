"""Side information for OBELiX-format rows: activation energy and temperature from the other shipped tables.

The Laskowski 2023 SI table gives activation energies, the Liverpool Ionics
Dataset measurement temperatures. Both tables also hold conductivities, and
those are never read here: a join that picked among candidates by closeness
to a row's own conductivity would leak the answer into the features (and
could not be applied to a row whose conductivity is unknown). When several
candidate rows carry an activation energy, their **median** is used.

Examples
--------
>>> import pandas as pd
>>> lk = pd.DataFrame({"composition": ["Li3PS4", "Li3PS4", "Li7P3S11"], "Ea_eV": [0.30, 0.40, 0.20],
...                    "sigma_S_per_cm": [1e-4, 1e-6, 1e-2], "ref": [5, 5, 5], "is_fragment": False})
>>> obx = pd.DataFrame({"composition": ["Li3PS4"], "true_composition": [None], "laskowski_id": [5]})
>>> ea, why, n = join_activation_energy(obx, lk)
>>> float(ea.iloc[0]), why.iloc[0], int(n.iloc[0])
(0.35, 'joined', 2)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..chemistry import element_fractions, same_composition
from ..physics.constants import ROOM_T_C

__all__ = ["EA_REASONS", "join_activation_energy", "join_temperature"]

#: Every value ``join_activation_energy`` gives as its reason.
EA_REASONS = ("joined", "joined by composition only", "no Laskowski ID", "no row with that reference",
              "composition not found under that reference", "matched, no Ea")


def _system(formula) -> tuple[str, ...] | None:
    ef = element_fractions(formula)
    return None if ef is None else tuple(e for e, _ in ef)


def join_activation_energy(obelix: pd.DataFrame, laskowski: pd.DataFrame, by_composition: bool = False
                           ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Ea (eV) for each OBELiX-format row from the Laskowski table, by reference number and composition.

    A Laskowski row matches when it sits under the row's ``laskowski_id``
    (Laskowski's reference number) and has the same normalised composition
    as its ``composition`` or ``true_composition``. When several matching
    rows carry an Ea, their median is used: the rule never looks at any
    conductivity.

    Parameters
    ----------
    obelix : pandas.DataFrame
        Cleaned OBELiX-format rows (columns ``composition``,
        ``true_composition``, ``laskowski_id``).
    laskowski : pandas.DataFrame
        The cleaned Laskowski table (``ssekit.data.load("laskowski2023_si")``).
    by_composition : bool
        Also give rows that found no Ea through their reference the median Ea
        of every Laskowski row with the same composition (reason 'joined by
        composition only').

    Returns
    -------
    Ea : pandas.Series
        Activation energy in eV, NaN where none was found.
    reason : pandas.Series
        One of :data:`EA_REASONS`.
    n_candidates : pandas.Series
        Number of matching rows that carry an Ea (the median's sample size).
    """
    lk = laskowski[~laskowski["is_fragment"].astype(bool) & laskowski["ref"].notna()]
    by_ref: dict[int, list[tuple[str, float]]] = {}
    for comp, ea, ref in lk[["composition", "Ea_eV", "ref"]].itertuples(index=False):
        by_ref.setdefault(int(ref), []).append((comp, float(ea)))
    by_sys: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    if by_composition:
        for comp, ea in lk.loc[lk["Ea_eV"].notna(), ["composition", "Ea_eV"]].itertuples(index=False):
            key = _system(comp)
            if key is not None:
                by_sys.setdefault(key, []).append((comp, float(ea)))
    ea_out, reason, ncand = [], [], []
    for comp, true_comp, ref in obelix[["composition", "true_composition", "laskowski_id"]].itertuples(index=False):
        value, why, n = np.nan, "", 0
        if pd.isna(ref):
            why = "no Laskowski ID"
        elif (g := by_ref.get(int(ref))) is None:
            why = "no row with that reference"
        else:
            match = [ea for c, ea in g if same_composition(comp, c) or same_composition(true_comp, c)]
            with_ea = [ea for ea in match if not np.isnan(ea)]
            if not match:
                why = "composition not found under that reference"
            elif not with_ea:
                why = "matched, no Ea"
            else:
                value, why, n = float(np.median(with_ea)), "joined", len(with_ea)
        if by_composition and why != "joined":
            cands = [ea for c, ea in by_sys.get(_system(comp), []) if same_composition(comp, c)]
            if cands:
                value, why, n = float(np.median(cands)), "joined by composition only", len(cands)
        ea_out.append(value), reason.append(why), ncand.append(n)
    idx = obelix.index
    return (pd.Series(ea_out, idx, name="Ea_eV", dtype=float), pd.Series(reason, idx, name="ea_join"),
            pd.Series(ncand, idx, name="n_ea"))


def join_temperature(obelix: pd.DataFrame, liverpool: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Measurement temperature (degC) of each row from the Liverpool set through ``liion_id``, else 25 degC.

    Parameters
    ----------
    obelix : pandas.DataFrame
        Cleaned OBELiX-format rows (column ``liion_id``).
    liverpool : pandas.DataFrame
        The cleaned Liverpool Ionics Dataset (``ssekit.data.load("liverpool_ionics")``).

    Returns
    -------
    T_C : pandas.Series
        Temperature in degC.
    T_assumed : pandas.Series
        True where no Liverpool entry gave it and 25 degC was assumed.
    """
    temps = liverpool.drop_duplicates("liion_id").set_index("liion_id")["T_C"]
    t = obelix["liion_id"].map(temps).astype(float)
    return t.fillna(ROOM_T_C).rename("T_C"), t.isna().rename("T_assumed")
