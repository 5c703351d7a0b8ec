"""Composition descriptors of the Magpie kind: element fractions and element-property statistics.

For a formula, each element property (atomic number, Mendeleev number,
weight, melting point, group, period, covalent radius, Pauling
electronegativity, s/p/d/f and total valence electrons, polarisability) is
summarised over the elements weighted by atom fraction: mean, mean absolute
deviation, minimum, maximum, range and mode (the property of the most
abundant element), as in Ward et al. 2016 (npj Comput. Mater. 2, 16028,
"Magpie"). Stoichiometry norms (L2, L3, L5, L7, L10), the number of elements
and the fractions of s, p, d, f valence electrons complete the set.

Element data come from ``mendeleev`` (MIT licence, a maintained periodic
table with cited sources, pure Python with its SQLite file: about 4 MB
installed plus Pint, pyfiglet and SQLAlchemy). matminer's ElementProperty
computes the same statistics but needs pymatgen and its stack (hundreds of
MB) for a job that is a weighted mean over a 100-row table; the
implementation here is tested against hand-computed values instead. An
element property missing in ``mendeleev`` (e.g. the Pauling
electronegativity of a noble gas, the group of a lanthanide) is filled with
a stated rule (:func:`element_table`), never left to chance.

Examples
--------
>>> f = composition_descriptors(["Li3PS4"])
>>> round(float(f.loc[0, "Electronegativity_mean"]), 3)  # (3*0.98 + 2.19 + 4*2.58) / 8
1.931
>>> int(f.loc[0, "n_elements"])
3
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from ..chemistry import element_fractions
from ..errors import InputError

__all__ = ["PROPERTIES", "STATS", "element_table", "composition_descriptors", "descriptor_names",
           "element_fraction_matrix"]

#: Element properties used (our names -> mendeleev column or derived).
PROPERTIES = ["Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
              "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence",
              "Polarizability"]
#: Fraction-weighted statistics of each property.
STATS = ["mean", "avg_dev", "min", "max", "range", "mode"]

_ORBITAL = re.compile(r"(\d+)([spdf])(\d*)")


def _valence(config: str) -> tuple[int, int, int, int]:
    """s, p, d, f electrons written outside the noble-gas core of a configuration like '[Ar] 3d10 4s2 4p3' ('2s' means 2s1)."""
    counts = {"s": 0, "p": 0, "d": 0, "f": 0}
    for _, orb, n in _ORBITAL.findall(re.sub(r"\[[A-Z][a-z]?\]", "", str(config))):
        counts[orb] += int(n) if n else 1
    return counts["s"], counts["p"], counts["d"], counts["f"]


@lru_cache(maxsize=1)
def _element_table() -> pd.DataFrame:
    from mendeleev.fetch import fetch_table

    el = fetch_table("elements").set_index("atomic_number").sort_index()
    el = el.loc[el.index <= 103]
    melt = fetch_table("phasetransitions").groupby("atomic_number")["melting_point"].median()
    val = np.array([_valence(c) for c in el["electronic_configuration"]])
    group = el["group_id"].astype(float)
    # lanthanides and actinides have no group in mendeleev; Magpie puts them in column 3
    group = group.fillna(3.0)
    t = pd.DataFrame({
        "Number": el.index.to_numpy(float),
        "MendeleevNumber": el["mendeleev_number"].astype(float).to_numpy(),
        "AtomicWeight": el["atomic_weight"].astype(float).to_numpy(),
        "MeltingT": np.asarray(el.index.map(melt).astype(float)),
        "Column": group.to_numpy(),
        "Row": el["period"].astype(float).to_numpy(),
        "CovalentRadius": el["covalent_radius_pyykko"].astype(float).to_numpy(),
        "Electronegativity": el["en_pauling"].astype(float).to_numpy(),
        "NsValence": val[:, 0].astype(float),
        "NpValence": val[:, 1].astype(float),
        "NdValence": val[:, 2].astype(float),
        "NfValence": val[:, 3].astype(float),
        "Polarizability": el["dipole_polarizability"].astype(float).to_numpy(),
    }, index=pd.Index(el["symbol"].to_numpy(), name="element"))
    t["NValence"] = t[["NsValence", "NpValence", "NdValence", "NfValence"]].sum(axis=1)
    return t[PROPERTIES]


def element_table(fill: bool = True) -> pd.DataFrame:
    """Element properties (rows: element symbols H-Lr; columns: :data:`PROPERTIES`).

    Parameters
    ----------
    fill : bool
        Fill properties that ``mendeleev`` lacks for an element with the
        median of that property over all elements (e.g. Pauling
        electronegativity of He, Ne, Ar). With ``False`` they stay NaN.

    Returns
    -------
    pandas.DataFrame
        One row per element, units as in ``mendeleev`` (weight in u, melting
        point in K, covalent radius in pm, polarisability in bohr^3).
    """
    t = _element_table().copy()
    return t.fillna(t.median()) if fill else t


def descriptor_names() -> list[str]:
    """Names of the columns :func:`composition_descriptors` returns, in order.

    Returns
    -------
    list of str
    """
    names = [f"{p}_{s}" for p in PROPERTIES for s in STATS]
    names += ["n_elements"] + [f"L{p}_norm" for p in (2, 3, 5, 7, 10)]
    names += [f"frac_{o}_valence" for o in "spdf"]
    return names


def _fractions_matrix(formulas, elements: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(rows x elements) atom fractions and a mask of rows whose formula parsed."""
    col = {e: j for j, e in enumerate(elements)}
    X = np.zeros((len(formulas), len(elements)))
    ok = np.zeros(len(formulas), bool)
    for i, f in enumerate(formulas):
        ef = element_fractions(f)
        if ef is None or any(e not in col for e, _ in ef):
            continue
        ok[i] = True
        for e, x in ef:
            X[i, col[e]] = x
    return X, ok


def composition_descriptors(formulas) -> pd.DataFrame:
    """Magpie-style descriptors of each formula (one row per formula, columns :func:`descriptor_names`).

    Parameters
    ----------
    formulas : sequence of str
        Chemical formulas (fractional amounts and groups allowed).

    Returns
    -------
    pandas.DataFrame
        Indexed 0..n-1. Rows whose formula cannot be parsed (or holds an
        element beyond Lr) are all NaN.

    Raises
    ------
    InputError
        If ``formulas`` is a single string instead of a sequence.
    """
    if isinstance(formulas, str):
        raise InputError("composition_descriptors takes a list of formulas, not one string")
    formulas = list(formulas)
    table = element_table()
    P = table.to_numpy()                          # elements x properties
    W, ok = _fractions_matrix(formulas, list(table.index))  # rows x elements
    mean = W @ P                                  # rows x properties
    present = W > 0
    big = np.where(present[:, :, None], P[None, :, :], np.nan)  # rows x elements x properties
    with np.errstate(all="ignore"):
        avg_dev = np.einsum("re,rep->rp", W, np.abs(np.nan_to_num(big - mean[:, None, :])))
        lo = np.nanmin(np.where(ok[:, None, None], big, 0.0), axis=1, initial=np.inf)
        hi = np.nanmax(np.where(ok[:, None, None], big, 0.0), axis=1, initial=-np.inf)
    mode = P[np.argmax(W, axis=1)]  # ties: the first element by atomic number
    stats = {"mean": mean, "avg_dev": avg_dev, "min": lo, "max": hi, "range": hi - lo, "mode": mode}
    cols = {f"{p}_{s}": stats[s][:, j] for j, p in enumerate(PROPERTIES) for s in STATS}
    cols["n_elements"] = present.sum(axis=1).astype(float)
    for p in (2, 3, 5, 7, 10):
        cols[f"L{p}_norm"] = (W**p).sum(axis=1) ** (1 / p)
    val = mean[:, [PROPERTIES.index(f"N{o}Valence") for o in "spdf"]]
    tot = val.sum(axis=1, keepdims=True)
    for k, o in enumerate("spdf"):
        cols[f"frac_{o}_valence"] = np.divide(val[:, k], tot[:, 0], out=np.zeros(len(W)), where=tot[:, 0] > 0)
    out = pd.DataFrame(cols)[descriptor_names()]
    out.loc[~ok, :] = np.nan
    return out


def element_fraction_matrix(formulas, elements: list[str]) -> pd.DataFrame:
    """Atom fractions of the given elements (columns ``x_<El>``); other elements are ignored.

    Parameters
    ----------
    formulas : sequence of str
        Chemical formulas.
    elements : list of str
        Element symbols that become columns.

    Returns
    -------
    pandas.DataFrame
        Indexed 0..n-1; unparseable formulas give NaN rows.
    """
    formulas = list(formulas)
    X = np.full((len(formulas), len(elements)), np.nan)
    col = {e: j for j, e in enumerate(elements)}
    for i, f in enumerate(formulas):
        ef = element_fractions(f)
        if ef is None:
            continue
        X[i] = 0.0
        for e, x in ef:
            if e in col:
                X[i, col[e]] = x
    return pd.DataFrame(X, columns=[f"x_{e}" for e in elements])
