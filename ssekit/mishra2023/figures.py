"""Figures of the Mishra et al. 2023 chapters (one function per paper figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..style import OKABE_ITO, fit_text
from . import analysis

__all__ = ["distributions", "fig7_correlations", "fig5_predicted_vs_measured", "fig6_loss_curves", "arrhenius_check"]


def distributions(df):
    """log10 conductivity histogram and compounds per structural family (12 largest), stacked.

    Narrow (4.6 in) with 10-11 pt text, so it reads at 8 pt or more as
    displayed on a wide page and on a phone.
    """
    from matplotlib.ticker import MaxNLocator

    fig, (a1, a2) = plt.subplots(2, 1, figsize=(4.6, 7.4), height_ratios=(1, 1.5))
    sns.histplot(df["log10_sigma"], bins=25, color=OKABE_ITO[0], ax=a1)
    a1.set_xlabel("log₁₀ σ (σ in S/cm)", fontsize=11)
    a1.set_ylabel("compounds (count)", fontsize=11)
    fam = df["family"].fillna("unknown").value_counts().head(12)
    sns.barplot(x=fam.values, y=fam.index, color=OKABE_ITO[2], ax=a2, edgecolor="black")
    a2.set_xlabel("compounds (count)", fontsize=11)
    a2.set_ylabel("structural family", fontsize=11)
    for ax in (a1, a2):
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(labelsize=10)
    fig.tight_layout(h_pad=1.5)
    return fit_text(fig)


def fig7_correlations():
    """Figure 7: the paper's correlation matrix, the open data's, and their difference (annotated heatmaps)."""
    ours = analysis.correlations()
    paper = analysis.paper_fig7().loc[ours.index, ours.columns]
    labels = [analysis.LABELS[c] for c in ours.columns]
    # three heatmaps stacked in one narrow column (4.6 in), so each 9.5 pt number reads at 8 pt or more on a phone
    fig, axes = plt.subplots(3, 1, figsize=(4.6, 12.6))
    titles = ("Fig. 7 as printed (120 compounds)", f"open data ({len(analysis.table())} compounds)", "open data − paper")
    for ax, m, title in zip(axes, (paper, ours, ours - paper), titles):
        sns.heatmap(pd.DataFrame(m.to_numpy(), index=labels, columns=labels), ax=ax, cmap="PuOr_r", vmin=-1, vmax=1,
                    annot=True, fmt=".2f", annot_kws={"fontsize": 9.5}, square=True, cbar=True,
                    cbar_kws={"label": "Pearson r (–)", "shrink": 0.9, "ticks": [-1, 0, 1]})
        ax.set_title(title, fontsize=11)
        ax.tick_params(labelsize=11, rotation=0)
        cbar = ax.collections[0].colorbar
        cbar.ax.tick_params(labelsize=10)
        cbar.set_label("Pearson r (–)", fontsize=10)
    fig.tight_layout(h_pad=1.5)
    return fit_text(fig)


def fig5_predicted_vs_measured(layout: str = "narrow"):
    """Figure 5: predicted against measured, the raw-target ANN (linear and log axes) and the best log10 model.

    ``layout="narrow"`` (a phone): three panels stacked in a narrow figure
    (3.4 in), shown at nearly its natural size, so that its 9-10 pt text
    stays at least 8 pt as displayed. ``layout="wide"`` (the ~800 px column
    of a wide page): the three panels side by side in the column's width
    (:data:`ssekit.style.DISPLAY_WIDTH_IN`), shown at its natural size, the
    same text sizes. The book shows both (:func:`ssekit.style.responsive`).
    """
    import textwrap

    from matplotlib.ticker import LogLocator, MaxNLocator

    from ..style import DISPLAY_WIDTH_IN, _check_layout

    wide = _check_layout(layout) == "wide"
    s = analysis.split()
    ann_raw = analysis.raw_ann()
    best_name = analysis.best_model()
    best = analysis.fitted("log10_sigma")[best_name]
    fig, axes = plt.subplots(1, 3, figsize=(DISPLAY_WIDTH_IN, 3.3)) if wide else \
        plt.subplots(3, 1, figsize=(3.4, 9.6))
    parts = (("training", s.X_train, s.train, "o", OKABE_ITO[0]), ("test", s.X_test, s.test, "^", OKABE_ITO[1]))
    for part, X, d, mk, col in parts:
        raw = ann_raw.predict(X)
        axes[0].scatter(d["sigma_S_per_cm"] * 1e3, raw * 1e3, marker=mk, s=14, color=col, label=part)
        axes[1].scatter(d["sigma_S_per_cm"], np.abs(raw), marker=mk, s=14, color=col, label=part)
        axes[2].scatter(d["log10_sigma"], best.predict(X), marker=mk, s=14, color=col, label=part)
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    labels = (("measured σ (mS/cm)", "predicted σ (mS/cm)", "(a) ANN on raw σ, as the paper"),
              ("measured σ (S/cm)", "|predicted σ| (S/cm)", "(b) the same on log axes"),
              ("measured log₁₀ σ (σ in S/cm)", "predicted log₁₀ σ (σ in S/cm)", f"(c) {best_name} trained on log₁₀ σ"))
    for k, (ax, (xl, yl, title)) in enumerate(zip(axes, labels)):
        lo = min(ax.get_xlim()[0], ax.get_ylim()[0])
        hi = max(ax.get_xlim()[1], ax.get_ylim()[1])
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="perfect prediction")
        ax.set_xlabel(xl, fontsize=10)
        ax.set_ylabel(yl, fontsize=10)
        # wide: a panel is about 2 in across, so a title takes two lines instead of running into the next
        ax.set_title(textwrap.fill(title, 24) if wide else title, fontsize=10, loc="left")
        if k == 1:
            ax.xaxis.set_major_locator(LogLocator(numticks=4))
            ax.yaxis.set_major_locator(LogLocator(numticks=4))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(labelsize=9)
    if wide:  # one legend for the three panels, under them (inside panel (a) it would cover the points)
        for ax in axes:
            ax.set_box_aspect(1)  # square panels: equal axes read as equal
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, fontsize=9, loc="lower center", ncol=3, bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(w_pad=1.0, rect=(0, 0.09, 1, 1))
    else:
        axes[0].legend(fontsize=9, loc="lower right", frameon=True, framealpha=0.9, edgecolor="none")
        fig.tight_layout(h_pad=1.2)
    return fit_text(fig, phone=not wide)  # the wide layout is never shown on a phone (ssekit.style.responsive)


def fig6_loss_curves():
    """Figure 6: training and validation loss of the MLP per epoch (narrow, 10-11 pt text)."""
    from matplotlib.ticker import FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter

    curves = analysis.mlp_curves()
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    ax.plot(curves.index, curves["train_loss"], "-", color=OKABE_ITO[0], label="training")
    ax.plot(curves.index, curves["validation_loss"], "--", color=OKABE_ITO[1], label="validation (30 % test split)")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("epoch (passes over the training set)", fontsize=11)
    ax.set_ylabel("loss: MSE of log₁₀ σ (decades²)", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=10)
    fig.tight_layout()
    return fit_text(fig)


def arrhenius_check(arr):
    """Ea fitted from Liverpool temperature series against the Laskowski median, with error bars."""
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.errorbar(arr["Ea Laskowski median (eV)"], arr["Ea fit (eV)"], yerr=arr["se (eV)"], fmt="o", ms=4, capsize=2)
    lim = [0, max(arr[["Ea fit (eV)", "Ea Laskowski median (eV)"]].max()) * 1.1]
    ax.plot(lim, lim, "k--", lw=1)
    ax.set_xlabel("Ea, Laskowski 2023 (eV)", fontsize=11)
    ax.set_ylabel("Ea, Arrhenius fit to Liverpool data (eV)", fontsize=11)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.tick_params(labelsize=10)
    fig.tight_layout()
    return fit_text(fig)
