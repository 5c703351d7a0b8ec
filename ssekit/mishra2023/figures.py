"""Figures of the Mishra et al. 2023 chapters (one function per paper figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..style import OKABE_ITO, fit_text
from . import analysis

__all__ = ["distributions", "fig7_correlations", "fig5_predicted_vs_measured", "fig6_loss_curves", "arrhenius_check",
           "predictor_parity"]


def distributions(df):
    """log10 conductivity histogram and compounds per structural family (12 largest)."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.5, 3.6))
    sns.histplot(df["log10_sigma"], bins=25, color=OKABE_ITO[0], ax=a1)
    a1.set_xlabel("log10 σ (σ in S/cm)")
    a1.set_ylabel("compounds (count)")
    fam = df["family"].fillna("unknown").value_counts().head(12)
    sns.barplot(x=fam.values, y=fam.index, color=OKABE_ITO[2], ax=a2, edgecolor="black")
    a2.set_xlabel("compounds (count)")
    a2.set_ylabel("")
    fig.tight_layout()
    return fit_text(fig)


def fig7_correlations():
    """Figure 7: the paper's correlation matrix, the open data's, and their difference (annotated heatmaps)."""
    ours = analysis.correlations()
    paper = analysis.paper_fig7().loc[ours.index, ours.columns]
    labels = [analysis.LABELS[c] for c in ours.columns]
    # 2 x 2 at the column's width, so each cell is wide enough for its 9 pt number
    fig, axes = plt.subplots(2, 2, figsize=(7.3, 6.8))
    titles = ("Fig. 7 as printed (120 compounds)", f"open data ({len(analysis.table())} compounds)", "open − paper")
    for k, (ax, m, title) in enumerate(zip(axes.ravel(), (paper, ours, ours - paper), titles)):
        sns.heatmap(pd.DataFrame(m.to_numpy(), index=labels, columns=labels), ax=ax, cmap="PuOr_r", vmin=-1, vmax=1,
                    annot=True, fmt=".2f", annot_kws={"fontsize": 8.5}, square=True, cbar=k == 2,
                    cbar_kws={"label": "Pearson r (–)", "shrink": 0.9, "ticks": [-1, -0.5, 0, 0.5, 1]})
        ax.set_title(title, fontsize=10)
        ax.tick_params(labelsize=10, rotation=0)
    axes[1, 1].axis("off")
    fig.tight_layout()
    return fit_text(fig)


def fig5_predicted_vs_measured():
    """Figure 5: predicted against measured, the raw-target ANN (linear and log axes) and the best log10 model.

    Three panels stacked in a narrow figure (3.4 in): shown at its natural
    size on a wide page and at nearly its natural size on a phone, so that
    its 9-10 pt text stays at least 8 pt as displayed.
    """
    from matplotlib.ticker import LogLocator, MaxNLocator

    s = analysis.split()
    ann_raw = analysis.raw_ann()
    best_name = analysis.best_model()
    best = analysis.fitted("log10_sigma")[best_name]
    fig, axes = plt.subplots(3, 1, figsize=(3.4, 9.6))
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
              ("measured log₁₀ σ (σ in S/cm)", "predicted log₁₀ σ", f"(c) {best_name} trained on log₁₀ σ"))
    for k, (ax, (xl, yl, title)) in enumerate(zip(axes, labels)):
        lo = min(ax.get_xlim()[0], ax.get_ylim()[0])
        hi = max(ax.get_xlim()[1], ax.get_ylim()[1])
        ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="perfect prediction")
        ax.set_xlabel(xl, fontsize=10)
        ax.set_ylabel(yl, fontsize=10)
        ax.set_title(title, fontsize=10, loc="left")
        if k == 1:
            ax.xaxis.set_major_locator(LogLocator(numticks=4))
            ax.yaxis.set_major_locator(LogLocator(numticks=4))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(4))
        ax.tick_params(labelsize=9)
    axes[0].legend(fontsize=9, loc="upper left")
    fig.tight_layout(h_pad=1.2)
    return fig


def fig6_loss_curves():
    """Figure 6: training and validation loss of the MLP per epoch."""
    curves = analysis.mlp_curves().rename(columns={"train_loss": "training", "validation_loss": "validation (30 % test split)"})
    ax = curves.plot(logy=True, style=["-", "--"])
    ax.set_xlabel("epoch (passes over the training set)")
    ax.set_ylabel("loss: MSE of log10 σ (decades²)")
    return ax.figure


def arrhenius_check(arr):
    """Ea fitted from Liverpool temperature series against the Laskowski median, with error bars."""
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.errorbar(arr["Ea Laskowski median (eV)"], arr["Ea fit (eV)"], yerr=arr["se (eV)"], fmt="o", ms=4, capsize=2)
    lim = [0, max(arr[["Ea fit (eV)", "Ea Laskowski median (eV)"]].max()) * 1.1]
    ax.plot(lim, lim, "k--", lw=1)
    ax.set_xlabel("Ea, Laskowski 2023 (eV)")
    ax.set_ylabel("Ea, Arrhenius fit to Liverpool data (eV)")
    return fit_text(fig)


def predictor_parity():
    """The general predictor: out-of-fold (chemical systems held out) against measured log10 σ, coloured by family."""
    f = analysis.predictor_frame()
    top = f["family"].value_counts().index[:7]
    fam = f["family"].where(f["family"].isin(top), "other")
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    for i, name in enumerate(list(top) + ["other"]):
        m = fam == name
        for cens, mk in ((False, "o"), (True, "v")):
            mm = m & (f["censored"] == cens)
            if mm.any():
                ax.scatter(f.loc[mm, "measured"], f.loc[mm, "predicted"], s=16, marker=mk,
                           color=OKABE_ITO[i % len(OKABE_ITO)] if name != "other" else "0.6",
                           label=name if not cens else None, edgecolor="none", alpha=0.85)
    lim = [-16, -0.5]
    ax.plot(lim, lim, "k--", lw=1)
    ax.fill_between(lim, [v - 1 for v in lim], [v + 1 for v in lim], color="0.85", alpha=0.5, lw=0,
                    label="± 1 decade")
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_xlabel("measured log10 σ (σ in S/cm); ▼ '<1E-10' stored as 1e-15")
    ax.set_ylabel("predicted log10 σ, chemical system held out")
    ax.legend(fontsize=9, loc="upper left", ncol=2)
    fig.tight_layout()
    return fit_text(fig)
