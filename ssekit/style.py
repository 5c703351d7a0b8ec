"""Figure helpers: one theme (seaborn's, with one colour-blind-safe palette) and consistent styling.

The palette is Okabe & Ito's (2008, "Color Universal Design"), which stays
distinguishable under the common forms of colour-vision deficiency.
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["box_with_points", "SURROGATE_MARK", "mark_surrogate", "OKABE_ITO", "LINESTYLES", "use_style"]

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
    import seaborn as sns

    pd.set_option("display.max_colwidth", 200)
    sns.set_theme(context="notebook", style="whitegrid", palette=OKABE_ITO, font_scale=0.95)
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
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 9,
        "legend.frameon": False,
        "svg.hashsalt": "ssekit",
    })


SURROGATE_MARK = "SURROGATE DATA - not the paper's measurements"


def mark_surrogate(fig, text: str = SURROGATE_MARK):
    """Write a visible surrogate label across the bottom of a figure (returns the figure).

    Every figure made from surrogate data carries it, so that no image of
    the book can be mistaken for the paper's results when copied alone.
    """
    fig.text(0.5, 0.005, text, ha="center", va="bottom", fontsize=9, color="#B35806", weight="bold",
             bbox=dict(facecolor="white", edgecolor="#E69F00", boxstyle="round,pad=0.2", alpha=0.9))
    return fig


def box_with_points(data, x: str, y: str, ax, palette=None, color=None, order=None, size: float = 3.0):
    """A seaborn box plot with every observation drawn as a jittered point on top (the book's distribution plot)."""
    import seaborn as sns

    hue = dict(hue=x, palette=palette, legend=False) if palette is not None else dict(color=color)
    sns.boxplot(data=data, x=x, y=y, order=order, ax=ax, width=0.5, showfliers=False, boxprops={"alpha": 0.5}, **hue)
    sns.stripplot(data=data, x=x, y=y, order=order, ax=ax, size=size, jitter=0.15, alpha=0.75, edgecolor="black",
                  linewidth=0.3, **(hue if palette is not None else dict(color=OKABE_ITO[0] if color is None else "0.2")))
    return ax
