"""Ionic-conductivity data set and models after Mishra et al. 2023.

Mishra et al. (ACS Omega 2023, 8, 16419; doi:10.1021/acsomega.3c01400)
predict ionic conductivity from activation energy Ea, temperature T, lattice
parameters a, b, c and unit-cell volume V. Their 120 compounds were never
published; here the same features are built from open data:

- OBELiX training split (conductivity, lattice parameters, family),
- Ea from the Laskowski 2023 SI table, joined by reference number and
  normalised composition (element fractions, parsed with ``periodictable``);
  where several matching rows carry an Ea, their median
  (:func:`ssekit.data.joins.join_activation_energy`; the rule never looks at
  a conductivity),
- T from the Liverpool Ionics Dataset through ``Liion ID`` (else room
  temperature, 25 degC, flagged ``T_assumed``),
- V computed from a, b, c, alpha, beta, gamma.

Formula parsing uses ``periodictable.formula``: a small, pure-Python,
long-maintained package that reads fractional stoichiometries and groups
such as ``Li1.3Al0.3Ti1.7(PO4)3``; pymatgen would do the same but brings
well over a hundred megabytes of dependencies for this one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import data as datasets
from ..chemistry import cell_volume, element_fractions, same_composition  # noqa: F401  (re-exported)
from ..data.joins import join_activation_energy, join_temperature
from ..physics.constants import K_B_EV, ROOM_T_C

__all__ = ["FEATURES", "TARGET", "JoinReport", "join_activation_energy", "build_feature_table", "add_features",
           "mishra_table", "features_for_input"]

FEATURES = ["Ea_eV", "T_C", "a_A", "b_A", "c_A", "V_A3"]
TARGET = "sigma_S_per_cm"


# --------------------------------------------------------------------------
# the join
# --------------------------------------------------------------------------


@dataclass
class JoinReport:
    """How many rows went where, and why."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        """Record a step and its row count."""
        self.counts[what] = int(n)

    def to_frame(self) -> pd.DataFrame:
        """The counts as a one-column table indexed by step."""
        return pd.Series(self.counts, name="rows").rename_axis("step").to_frame()


def build_feature_table(
    obelix: pd.DataFrame | None = None,
    laskowski: pd.DataFrame | None = None,
    liverpool: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, JoinReport]:
    """The Mishra feature table on open data, with a count of every row's fate.

    Columns: ID, composition, family, sigma_S_per_cm, log10_sigma, Ea_eV, T_C,
    T_assumed, a_A, b_A, c_A, V_A3. Rows are kept only with an uncensored
    conductivity and a joined activation energy; the report says how many were
    left out at each step.
    """
    obelix = datasets.load("obelix_train") if obelix is None else obelix
    laskowski = datasets.load("laskowski2023_si") if laskowski is None else laskowski
    liverpool = datasets.load("liverpool_ionics") if liverpool is None else liverpool
    rep = JoinReport()
    rep.add("OBELiX training rows", len(obelix))
    df = add_features(obelix, laskowski, liverpool)
    for why, n in df["ea_join"].value_counts().items():
        rep.add(f"Ea: {why}", n)
    rep.add("Ea: several Laskowski rows with Ea matched (their median used)", int((df["n_ea"] > 1).sum()))
    keep = (df["ea_join"] == "joined")
    rep.add("dropped: no activation energy", int((~keep).sum()))
    cens = keep & df["sigma_censored"]
    rep.add("dropped: conductivity only a bound ('<1E-10')", int(cens.sum()))
    keep &= ~df["sigma_censored"]
    out = df[keep].copy()
    out["log10_sigma"] = np.log10(out["sigma_S_per_cm"])
    rep.add("rows in the feature table", len(out))
    rep.add("  of which T from the Liverpool set", int((~out["T_assumed"]).sum()))
    rep.add("  of which T assumed 25 degC", int(out["T_assumed"].sum()))
    cols = ["ID", "composition", "family", "sigma_S_per_cm", "log10_sigma", "Ea_eV", "T_C", "T_assumed",
            "a_A", "b_A", "c_A", "V_A3"]
    return out[cols].reset_index(drop=True), rep


def add_features(obelix: pd.DataFrame, laskowski: pd.DataFrame, liverpool: pd.DataFrame) -> pd.DataFrame:
    """OBELiX rows plus V_A3, Ea_eV (with ea_join, n_ea), T_C and T_assumed: the one place features are made."""
    df = obelix.copy()
    df["V_A3"] = cell_volume(df["a_A"], df["b_A"], df["c_A"], df["alpha_deg"], df["beta_deg"], df["gamma_deg"])
    df["Ea_eV"], df["ea_join"], df["n_ea"] = join_activation_energy(df, laskowski)
    df["T_C"], df["T_assumed"] = join_temperature(df, liverpool)
    return df


@lru_cache(maxsize=1)
def _shipped() -> tuple[pd.DataFrame, JoinReport]:
    return build_feature_table()


def mishra_table() -> tuple[pd.DataFrame, JoinReport]:
    """The feature table built from the shipped data (cached per process)."""
    df, rep = _shipped()
    return df.copy(), rep


# --------------------------------------------------------------------------
# features for new rows (the command line)
# --------------------------------------------------------------------------


def features_for_input(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build model features for rows in the OBELiX CSV format.

    Ea is joined from the shipped Laskowski table exactly as for the training
    data; T from the Liverpool set when ``Liion ID`` is given, else 25 degC.
    Returns ``(features, refused)``: ``features`` also carries the row's own
    conductivity columns (used for training, ignored for prediction);
    ``refused`` lists rows that lack what the model needs (ID, reason);
    nothing is guessed.
    Raises :class:`ssekit.datasets.DataValidationError` for malformed input
    (missing columns, non-numeric values, negative lattice parameters), naming
    the row and column.
    """
    obx, _ = datasets.clean_obelix(raw, "input")
    obx = add_features(obx, datasets.load("laskowski2023_si"), datasets.load("liverpool_ionics"))
    reason = obx["ea_join"]
    ok = reason == "joined"
    refused = pd.DataFrame({"ID": obx.loc[~ok, "ID"], "reason": "no activation energy: " + reason[~ok]})
    cols = ["ID", "composition"] + FEATURES + ["T_assumed", "sigma_S_per_cm", "sigma_censored"]
    return obx.loc[ok, cols].reset_index(drop=True), refused.reset_index(drop=True)
