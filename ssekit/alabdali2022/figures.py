"""Figures of the Alabdali et al. 2022 chapter (one function per figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
from matplotlib.colors import ListedColormap

from ..physics import microstructure as ms
from ..style import OKABE_ITO, fit_text
from . import analysis

__all__ = ["composite_slice", "sweeps", "size_ratio"]

PHASE_COLOURS = ["white", OKABE_ITO[0], OKABE_ITO[1], "black"]  # pore, SE, AM, binder


SIGMA_RATIO = r"$\sigma_\mathrm{eff}\,/\,\sigma_\mathrm{SE}$"
BRUGGEMAN = r"Bruggeman $\varepsilon^{1.5}$"

def composite_slice(img, z: int | None = None):
    """One z-slice of a labelled voxel composite, phases in the book's colours.

    Parameters
    ----------
    img : numpy.ndarray
        3D array of phase labels (see :data:`ssekit.physics.microstructure.PHASES`).
    z : int, optional
        Slice index (default: the middle).

    Returns
    -------
    matplotlib.figure.Figure
    """
    z = img.shape[2] // 2 if z is None else z
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.imshow(img[:, :, z], cmap=ListedColormap(PHASE_COLOURS), vmin=-0.5, vmax=3.5, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for colour, name in zip(PHASE_COLOURS, [ms.PHASES[p] for p in sorted(ms.PHASES)]):
        ax.scatter([], [], marker="s", color=colour, edgecolors="black", label=name)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1))
    return fit_text(fig)


def sweeps():
    """σ_eff/σ_SE and tortuosity factor against binder and porosity, with Bruggeman."""
    fig, axes = plt.subplots(2, 2, figsize=(8, 5.6), sharey="row")
    for j, (kind, col, label) in enumerate((("binder", "binder", "binder (volume fraction)"),
                                            ("porosity", "porosity", "porosity (volume fraction)"))):
        s = analysis.sweep(kind)
        axes[0, j].plot(s[col], s["sigma_eff"], "o-", color=OKABE_ITO[0], label="voxel solve")
        axes[0, j].plot(s[col], ms.bruggeman(s["eps_SE"]), "s--", color=OKABE_ITO[1], label=BRUGGEMAN)
        axes[1, j].plot(s[col], s["tau"], "o-", color=OKABE_ITO[0])
        axes[1, j].set_xlabel(label)
        for i in (0, 1):
            axes[i, j].xaxis.set_major_locator(MaxNLocator(5))  # porosity ticks would otherwise collide
    axes[0, 0].set_ylabel(SIGMA_RATIO + " (–)")
    axes[1, 0].set_ylabel("tortuosity factor τ (–)")
    axes[0, 0].legend(fontsize=9)
    fig.tight_layout()
    return fit_text(fig)


def size_ratio():
    """SE σ_eff and tortuosity, AM percolating fraction and AM-SE area against the AM/SE size ratio (explicit SE)."""
    s = analysis.size_ratio()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    axes[0].plot(s["size_ratio"], s["sigma_eff"], "o-", color=OKABE_ITO[0], label=SIGMA_RATIO)
    axes[0].plot(s["size_ratio"], ms.bruggeman(s["eps_SE"]), "s--", color=OKABE_ITO[1], label=BRUGGEMAN)
    axes[0].set_ylabel(SIGMA_RATIO + " (–)")
    axes[0].legend(fontsize=9)
    axes[1].plot(s["size_ratio"], s["tau_SE"], "o-", color=OKABE_ITO[0])
    axes[1].set_ylabel("SE tortuosity factor (–)")
    axes[2].plot(s["size_ratio"], s["AM percolating"], "o-", color=OKABE_ITO[2], label="AM percolating fraction")
    axes[2].plot(s["size_ratio"], s["AM-SE area (1/r_AM)"], "s--", color=OKABE_ITO[3], label="AM–SE area × r_AM")
    axes[2].legend(fontsize=9)
    for a in axes:
        a.set_xlabel("AM/SE radius ratio (–)")
    fig.tight_layout()
    return fit_text(fig)
