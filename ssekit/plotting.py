"""Figure helpers: one colour-blind-safe palette and consistent styling.

The palette is Okabe & Ito's (2008, "Color Universal Design"), which stays
distinguishable under the common forms of colour-vision deficiency.
"""

from __future__ import annotations

import matplotlib as mpl

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
#: Line styles to pair with colours so that series differ in more than hue.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), "-"]


def use_style() -> None:
    """Set the book's display defaults: matplotlib palette, sizes, grid and
    fixed DPI, and pandas tables that show whole notes instead of '...'."""
    import pandas as pd

    pd.set_option("display.max_colwidth", 200)
    mpl.rcParams.update({
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "figure.figsize": (6.4, 4.2),
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
        "legend.frameon": False,
        "svg.hashsalt": "ssekit",
    })


def asr_vs_thickness(
    conductivities: dict[str, float],
    thickness_um=None,
    reference_lines: dict[str, float] | None = None,
    ax=None,
):
    """Log-log plot of ASR = L / sigma against thickness for several conductivities.

    Parameters
    ----------
    conductivities : dict
        Legend label -> conductivity in S/cm.
    thickness_um : array, optional
        Thicknesses in um (default 1-1000 um, log-spaced).
    reference_lines : dict, optional
        Label -> ASR in ohm cm^2, drawn as horizontal grey lines.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from .asr import area_specific_resistance

    if ax is None:
        _, ax = plt.subplots()
    L = np.logspace(0, 3, 200) if thickness_um is None else np.asarray(thickness_um, dtype=float)
    for i, (label, sigma) in enumerate(conductivities.items()):
        ax.loglog(L, area_specific_resistance(L, sigma), color=OKABE_ITO[i % 8], ls=LINESTYLES[i % 8],
                  label=f"{label} ({sigma:.2g} S/cm)")
    for j, (label, value) in enumerate((reference_lines or {}).items()):
        ax.axhline(value, color="0.35", lw=1, ls=[":", "--"][j % 2])
        ax.annotate(label, (L[-1], value), xytext=(-2, 3), textcoords="offset points", fontsize=8, color="0.25",
                    ha="right")
    ax.set_xlabel("electrolyte thickness L (µm)")
    ax.set_ylabel("area-specific resistance (Ω cm²)")
    ax.legend(fontsize=8, loc="upper left")
    return ax
