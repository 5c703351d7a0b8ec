"""Figures of the Alabdali et al. 2022 chapter (one function per figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator, NullLocator

from ..physics import microstructure as ms
from ..style import OKABE_ITO, box_with_points, fit_text
from . import analysis

__all__ = ["composite_slice", "ratios", "thickness", "CLAIM_LABELS"]

PHASE_COLOURS = ["white", OKABE_ITO[0], OKABE_ITO[1], "black"]  # pore, SE, AM, binder

#: Narrow figures (4.6-5 in) with 11-12 pt text, so the text stays >= 8 pt when a phone (400 px) shrinks them.
_LARGE = {"font.size": 12, "axes.labelsize": 12, "xtick.labelsize": 11, "ytick.labelsize": 11, "legend.fontsize": 11}


def _large_text(f):
    import functools

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        with plt.rc_context(_LARGE):
            return f(*args, **kwargs)
    return wrapper

#: Reader's label of each voxel claim's ratio (what is divided by what).
CLAIM_LABELS = {
    "binder": "ionic σ: 2 vol% binder / none",
    "binder_area": "AM|SE area: 2 vol% binder / none",
    "porosity": "ionic σ: 10 % pores / dense",
    "porosity_electronic": "electronic σ: 10 % pores / dense",
    "small_am": "SE tortuosity: small AM / large AM",
    "large_am_ionic": "ionic σ: large AM / small AM",
    "small_am_electronic": "electronic σ: small AM / large AM",
    "small_am_percolation": "AM in spanning network: small / large",
    "small_am_area": "AM|SE area: small AM / large AM",
    "thickness_thin": "electronic σ: 20 µm / 4 µm electrode",
    "thickness_thick": "electronic σ: 20 µm / 10 µm electrode",
}


@_large_text
def composite_slice(img, z: int | None = None, voxel_um: float = 0.5):
    """One z-slice of a labelled voxel composite, phases in the book's colours, axes in µm.

    Parameters
    ----------
    img : numpy.ndarray
        3D array of phase labels (see :data:`ssekit.physics.microstructure.PHASES`).
    z : int, optional
        Slice index (default: the middle).
    voxel_um : float
        Voxel size in µm (for the axes).

    Returns
    -------
    matplotlib.figure.Figure
    """
    z = img.shape[2] // 2 if z is None else z
    fig, ax = plt.subplots(figsize=(4.6, 5.4))
    ext = (0, img.shape[1] * voxel_um, img.shape[0] * voxel_um, 0)
    ax.imshow(img[:, :, z], cmap=ListedColormap(PHASE_COLOURS), vmin=-0.5, vmax=3.5, interpolation="nearest",
              extent=ext)
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    ax.grid(False)
    for colour, name in zip(PHASE_COLOURS, [ms.PHASES[p] for p in sorted(ms.PHASES)]):
        ax.scatter([], [], marker="s", s=60, color=colour, edgecolors="black", label=name)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    fig.tight_layout()
    return fit_text(fig)


@_large_text
def ratios(table, thresholds: dict[str, tuple[str, float]]):
    """Per-seed paired ratios of every voxel claim (one row per claim), with each claim's threshold.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`ssekit.alabdali2022.analysis.ratios_table` (claim, seed, ratio).
    thresholds : dict
        claim -> (rule, value): 'less', 'greater' or 'abs' (then value is the
        tolerance around 1), drawn as a black tick.
    """
    df = table.dropna(subset=["ratio"]).copy()
    pos = df.loc[df["ratio"] > 0, "ratio"]
    lo, hi = min(0.2, pos.min() * 0.9), max(8.0, pos.max() * 1.1)  # every point inside
    zeros = bool((df["ratio"] <= 0).any())
    if zeros:  # a zero (no spanning network) is drawn at the left edge, with a tick labelled 0
        lo = lo / 1.6
        df.loc[df["ratio"] <= 0, "ratio"] = lo * 1.15
    df["claim"] = df["claim"].map(CLAIM_LABELS)
    order = [CLAIM_LABELS[k] for k in CLAIM_LABELS if CLAIM_LABELS[k] in set(df["claim"])]
    fig, ax = plt.subplots(figsize=(5.0, 9.0))
    sns.stripplot(data=df, x="ratio", y="claim", order=order, ax=ax, color=OKABE_ITO[0], size=4, jitter=0.25,
                  alpha=0.7)
    med = df.groupby("claim")["ratio"].median()
    for i, lab in enumerate(order):
        ax.plot([med[lab]] * 2, [i - 0.35, i + 0.35], color=OKABE_ITO[1], lw=3, solid_capstyle="butt",
                label="median" if i == 0 else None)
        key = next(k for k, v in CLAIM_LABELS.items() if v == lab)
        rule, val = thresholds[key]
        lines = [1 - val, 1 + val] if rule == "abs" else [val]
        for x in lines:
            ax.plot([x, x], [i - 0.42, i + 0.42], color="black", lw=1.5, ls="--",
                    label="threshold of the claim" if (i == 0 and x == lines[0]) else None)
    ax.set_xscale("log")
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32) if lo * 1.5 <= t <= hi]
    labels = [f"{t:g}" for t in ticks]
    if zeros:
        ticks, labels = [lo * 1.15] + ticks, ["0"] + labels
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(lo, hi)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([lab.replace(": ", ":\n", 1) for lab in order])  # quantity, then the two composites
    ax.set_xlabel("ratio of the two composites,\nper seed (–, log scale)")
    ax.set_ylabel("")
    ax.legend(loc="lower center", bbox_to_anchor=(0.4, 1.0), ncol=1, frameon=False)
    fig.tight_layout()
    return fit_text(fig)


@_large_text
def thickness(df):
    """Electronic σ_eff of the 4, 10 and 20 µm electrodes, one point per seed (box plot with points)."""
    col = analysis.LABELS["sigma_el"]
    d = df.copy()
    d["electrode thickness (µm)"] = d["electrode thickness (µm)"].map(lambda v: f"{v:g}")
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    box_with_points(d, "electrode thickness (µm)", col, ax, color=OKABE_ITO[2])
    ax.set_ylabel(r"electronic $\sigma_\mathrm{eff}\,/\,\sigma_\mathrm{AM}$ (–)")
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("electrode thickness (µm)")
    ax.set_ylim(bottom=-0.01)  # seeds at zero (no spanning network) stay visible
    fig.tight_layout()
    return fit_text(fig)
