"""Figures of the Chen et al. 2021 chapters (Okabe-Ito colours, marker per class)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import BoundaryNorm, ListedColormap

from ..ml.filmclass import PCA_LABELS, decision_map, surface
from ..style import OKABE_ITO, SURROGATE_MARK, box_with_points, fit_text, mark_surrogate
from .films import active_film_data

__all__ = ["f1_by_reading", "power_study", "fig3_dot", "CLASS_COLOURS", "CLASS_MARKERS", "CLASS_NAMES", "UNITS", "table1_plot", "biplot", "elbow_silhouette",
           "class_boxplots", "contour", "surface_animation", "decision_maps", "class_counts",
           "f1_distribution", "TABLE1_LABELS", "table1_columns", "SURROGATE_LABELS", "REPORTED_LABELS", "surrogate_table",
           "local_animation_html"]

CLASS_COLOURS = {1: OKABE_ITO[0], 2: OKABE_ITO[1], 3: OKABE_ITO[3]}
CLASS_MARKERS = {1: "o", 2: "s", 3: "^"}
CLASS_NAMES = {1: "class 1: high σ, low RD", 2: "class 2: high σ, high RD", 3: "class 3: low σ, high RD"}
UNITS = {"thickness_um": "thickness (µm)", "DoT_um": "DoT (µm)", "sigma_S_per_cm": "σ (S/cm)", "RD": "RD (–)",
         "LS_uL_per_mg": "L:S (µL/mg)", "XB_vol_pct": "X:B (vol% xylene)", "P_pct": "P% (wt%)"}


#: Reader's labels (with units) of the columns of Chen et al. 2021 Table 1 (``analysis.table1``).
TABLE1_LABELS = {"electrolyte": "electrolyte", "binder": "binder", "solvent": "solvent",
                 "binder_wt_pct_low": "binder content, lowest (wt%)", "binder_wt_pct_high": "binder content, highest (wt%)",
                 "LS_low_uL_per_mg": "L:S, lowest (µL mg⁻¹)", "LS_high_uL_per_mg": "L:S, highest (µL mg⁻¹)",
                 "sigma_low_S_per_cm": "σ, lowest (S cm⁻¹)", "sigma_high_S_per_cm": "σ, highest (S cm⁻¹)",
                 "thickness_um": "thickness (µm)", "ref": "reference"}

#: Reader's names of the surrogate's parameters (``films.surrogate_parameters``); the unit is its own column.
SURROGATE_LABELS = {
    "seed": "random seed", "wet_gap_um": "wet-film gap", "rho_lpscl": "density of Li6PS5Cl",
    "rho_binder": "density of the PBMA binder", "measurement_area": "measurement area",
    "sigma_powder": "σ of the Li6PS5Cl powder", "tortuosity_exponent": "tortuosity exponent n",
    "porosity_base": "porosity at L:S = 1", "porosity_per_ls": "porosity change per L:S",
    "porosity_per_aggregation": "porosity per aggregation", "porosity_min": "porosity, lowest",
    "porosity_max": "porosity, highest", "visc_weight_p": "viscosity weight of P%",
    "visc_weight_xb": "viscosity weight of X:B", "visc_weight_ls": "viscosity weight of L:S",
    "visc_threshold": "aggregation threshold v₀", "thickness_per_aggregation": "thickness per aggregation",
    "rd_min": "RD of the best films", "ls_opt_at_xb50": "best L:S at X:B = 50 vol%",
    "ls_opt_slope_xb": "shift of the best L:S with X:B", "rd_curvature": "curvature c of ln RD",
    "rd_per_aggregation": "ln RD per aggregation", "noise_sigma": "scatter of σ (sd of ln)",
    "noise_thickness": "scatter of thickness (sd of ln)", "noise_rd": "scatter of RD (sd of ln)",
}


def table1_columns(t1: pd.DataFrame) -> pd.DataFrame:
    """Table 1 with every column named for a reader (:data:`TABLE1_LABELS`); values unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> list(table1_columns(pd.DataFrame(columns=["thickness_um", "ref"])).columns)
    ['thickness (µm)', 'reference']
    """
    return t1.rename(columns=TABLE1_LABELS)


#: Reader's names of the values the paper reports (``analysis.reported``); the unit is its own column.
REPORTED_LABELS = {
    "film_sigma": "σ of the class-1 film", "film_thickness": "thickness of the film",
    "powder_sigma": "σ of the powder pellet", "powder_sigma_e": "electronic σ of the powder",
    "film_sigma_e": "electronic σ of the film", "pellet_thickness": "typical pellet thickness",
    "first_discharge": "first discharge capacity", "first_ce": "first-cycle coulombic efficiency",
    "capacity_100": "capacity after 100 cycles",
}


def surrogate_table(pset, labels: dict | None = None):
    """A parameter set for the page with reader's names (default :data:`SURROGATE_LABELS`), values unchanged."""
    labels = SURROGATE_LABELS if labels is None else labels
    from ..tables import pretty_text, pretty_unit, show

    df = pset.to_frame()
    df["unit"] = df["unit"].map(lambda u: "–" if u in ("-", "") else pretty_text(pretty_unit(u)).replace(" ", "\u00a0"))
    df["note"] = df["note"].map(lambda v: pretty_text(v).replace("sigma_film", "σ of the film").replace("sigma_powder", "σ of the powder")
                                .replace("rd_curvature", "c"))
    df["source"] = df["source"].map(pretty_text)
    df.index = [labels.get(n, n.replace("_", " ")) for n in df.index]
    df.index.name = "parameter"
    return show(df, sig={"value": 4}, missing="")


def local_animation_html(html: str) -> str:
    r"""Matplotlib's animation HTML without the remote Font Awesome stylesheet it links.

    The book's theme bundles Font Awesome, so the buttons' icons still show; nothing is fetched.

    Examples
    --------
    >>> local_animation_html('<link rel="stylesheet"\nhref="https://x/font-awesome.min.css">\n<div>')
    '\n<div>'
    """
    import re

    return re.sub(r"<link[^>]*font-awesome[^>]*>", "", html, flags=re.S)


def _marked(fig_or_ax):
    """Label the figure as surrogate-based when the active film data are the surrogate."""
    fig = getattr(fig_or_ax, "figure", fig_or_ax)
    if active_film_data().is_surrogate:
        mark_surrogate(fig)
    fit_text(fig)  # after the label: it widens the saved figure, so it too must read >= 8 pt on a phone
    return fig_or_ax


def table1_plot(t1: pd.DataFrame, ax=None):
    """Conductivity against thickness of the literature films of Table 1."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 3.6))
    import textwrap

    ok = t1.dropna(subset=["sigma_low_S_per_cm", "thickness_um"])
    for i, (_, r) in enumerate(ok.iterrows()):
        colour = OKABE_ITO[i % 7]
        ref = r["ref"].replace("Chen 2021 ", "").replace("ref ", "ref. ").strip("()")
        name = textwrap.fill(f"{r['electrolyte']} / {r['binder']} ({ref})", 44, subsequent_indent="  ")
        if r["sigma_high_S_per_cm"] > r["sigma_low_S_per_cm"]:
            ax.plot([r["thickness_um"]] * 2, [r["sigma_low_S_per_cm"], r["sigma_high_S_per_cm"]], color=colour, lw=4,
                    solid_capstyle="round", label=name)
        else:
            ax.scatter(r["thickness_um"], r["sigma_low_S_per_cm"], color=colour, marker="osD^v<>p"[i % 8], s=45,
                       label=name)
    ax.set_yscale("log")
    ax.set_xlabel("film thickness (µm)")
    ax.set_ylabel("ionic conductivity (S/cm)")
    ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1)
    fit_text(ax.figure)
    return ax


def fig3_dot(df: pd.DataFrame, is_surrogate: bool):
    """Figure 3: DoT over L:S and X:B averaged over the polymer contents, titled with the data it shows."""
    fig, ax = plt.subplots(figsize=(5.8, 4.2))
    contour(surface(df, "DoT_um"), "DoT averaged over P% (µm)", ax=ax)
    ax.set_title(f"Fig. 3: DoT over L:S and X:B ({'SURROGATE' if is_surrogate else 'real'} data)")
    return _marked(fig)


def biplot(pca, classes=None, ax=None, title: str | None = None):
    """PC1-PC2 scores (coloured by class if given) with the variables' loadings as arrows.

    ``title`` is set before the figure is labelled and its text sized (a title added afterwards sits under the
    surrogate label).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 4.4))
    s = pca.scores
    if classes is None:
        ax.scatter(s["PC1"], s["PC2"], s=14, color="0.6")
    else:
        for c in (1, 2, 3):
            m = np.asarray(classes) == c
            ax.scatter(s.loc[m, "PC1"], s.loc[m, "PC2"], s=18, c=CLASS_COLOURS[c], marker=CLASS_MARKERS[c],
                       label=CLASS_NAMES[c], alpha=0.8)
        ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    scale = 0.9 * np.abs(s[["PC1", "PC2"]]).max().min() / np.abs(pca.loadings[["PC1", "PC2"]]).max().max()
    tips = pca.loadings[["PC1", "PC2"]] * scale
    for var, (x, y) in tips.iterrows():
        ax.annotate("", xy=(x, y), xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="black", lw=1.2))
        ax.text(x * 1.12, y * 1.12, PCA_LABELS.get(var, var), fontsize=10, ha="center", va="center", weight="bold")
    # make room for every arrow and label, not only for the scores
    lo = np.minimum(s[["PC1", "PC2"]].min().to_numpy(), 1.25 * tips.min().to_numpy())
    hi = np.maximum(s[["PC1", "PC2"]].max().to_numpy(), 1.25 * tips.max().to_numpy())
    pad = 0.05 * (hi - lo)
    ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
    ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
    ev = pca.explained
    ax.set_xlabel(f"PC1 ({ev['PC1']:.0%} of variance)")
    ax.set_ylabel(f"PC2 ({ev['PC2']:.0%} of variance)")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    if title:
        ax.set_title(title)
    return _marked(ax)


def elbow_silhouette(scan: pd.DataFrame, chosen: int = 3):
    """Inertia (elbow) and silhouette against k."""
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(4.8, 5.4), sharex=True)
    a1.plot(scan.index, scan["inertia"], "o-", color=OKABE_ITO[0])
    a1.set_ylabel("within-cluster\nsum of squares")
    a2.plot(scan.index, scan["silhouette"], "s--", color=OKABE_ITO[1])
    a2.set_xlabel("number of clusters k")
    a2.set_ylabel("mean silhouette (–)")
    for a in (a1, a2):
        a.axvline(chosen, color="0.5", lw=0.8, ls=":")
    fig.tight_layout()
    return _marked(fig)


def class_boxplots(df: pd.DataFrame, classes, kw_sigma, kw_rd):
    """Figure 2c-d: σ and RD per class (box plots with every film as a point), with Kruskal-Wallis p."""
    d = df.assign(cls=[f"class {c}" for c in np.asarray(classes)])
    order = ["class 1", "class 2", "class 3"]
    palette = {f"class {c}": CLASS_COLOURS[c] for c in (1, 2, 3)}
    fig, axes = plt.subplots(2, 1, figsize=(4.8, 6.6))
    for ax, col, (h, p), label in ((axes[0], "sigma_S_per_cm", kw_sigma, "σ (S/cm)"), (axes[1], "RD", kw_rd, "RD (–)")):
        box_with_points(d, "cls", col, ax, palette=palette, order=order, size=3.5)
        ax.set_xlabel("")
        ax.set_ylabel(label)
        ax.set_title(f"Kruskal-Wallis H = {h:.1f}, p = {p:.1e}", fontsize=10)
    fig.suptitle("Fig. 2c-d: σ and RD per class", fontsize=11)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return _marked(fig)


def contour(surf: pd.DataFrame, label: str, ax=None, levels=12, cmap="cividis"):
    """Filled contour of an L:S x X:B surface (see :func:`ssekit.filmml.surface`)."""
    if ax is None:
        _, ax = plt.subplots()
    cs = ax.contourf(surf.columns, surf.index, surf.to_numpy(), levels=levels, cmap=cmap)
    plt.colorbar(cs, ax=ax, label=label, format="%.3g")
    ax.grid(False)
    ax.set_xlabel(UNITS["LS_uL_per_mg"])
    ax.set_ylabel(UNITS["XB_vol_pct"])
    return ax


def surface_animation(df: pd.DataFrame, value: str, label: str, p_levels=None, log: bool = False):
    """An HTML animation (with slider; works in a static page) of ``value`` over L:S x X:B, one frame per P%."""
    from matplotlib.animation import FuncAnimation

    p_levels = sorted(df["P_pct"].unique()) if p_levels is None else p_levels
    surfs = {P: surface(df, value, P) for P in p_levels}
    zs = np.concatenate([s.to_numpy().ravel() for s in surfs.values()])
    zs = zs[np.isfinite(zs)]
    from matplotlib.ticker import LogLocator, MaxNLocator

    # round contour levels, so the colour bar's ticks read 20, 30, 40 ... rather than 6.97
    if log:
        levels = LogLocator(subs=(1.0, 2.0, 5.0)).tick_values(zs.min(), zs.max())
        levels = levels[(levels >= levels[levels <= zs.min()].max()) & (levels <= levels[levels >= zs.max()].min())]
    else:
        levels = MaxNLocator(nbins=12).tick_values(zs.min(), zs.max())
    fig, ax = plt.subplots(figsize=(5.2, 4.0))
    sizes = {"label": None, "title": 9, "ticks": None}  # until fit_text has sized them for a phone
    from matplotlib.colors import LogNorm

    norm = LogNorm(levels[0], levels[-1]) if log else None

    def draw(i):
        ax.clear()
        P = p_levels[i]
        s = surfs[P]
        cs = ax.contourf(s.columns, s.index, s.to_numpy(), levels=levels, cmap="cividis", norm=norm)
        pts = df[df["P_pct"] == P]
        ax.scatter(pts["LS_uL_per_mg"], pts["XB_vol_pct"], s=8, c="white", edgecolors="black", linewidths=0.4)
        label_kw = {} if sizes["label"] is None else {"fontsize": sizes["label"]}
        ax.set_xlabel(UNITS["LS_uL_per_mg"], **label_kw)
        ax.set_ylabel(UNITS["XB_vol_pct"], **label_kw)
        ax.set_title(f"{label} at P% = {P:g} wt%" + ("\n" + SURROGATE_MARK if active_film_data().is_surrogate else ""),
                     fontsize=sizes["title"], pad=6 + (sizes["ticks"] or 0))  # clear of the colour bar's top label
        if sizes["ticks"] is not None:
            ax.tick_params(labelsize=sizes["ticks"])
        ax.grid(False)
        return cs

    cs = draw(0)
    cbar = fig.colorbar(cs, ax=ax, label=label, format="%g")
    fit_text(fig)  # sizes that read >= 8 pt on a phone; draw() clears the axes, so it re-applies them per frame
    sizes["ticks"] = ax.xaxis.get_ticklabels()[0].get_fontsize()
    sizes["label"], sizes["title"] = ax.xaxis.label.get_fontsize(), ax.title.get_fontsize()
    draw(0)
    cbar.ax.tick_params(labelsize=sizes["ticks"])
    fig.tight_layout()
    anim = FuncAnimation(fig, draw, frames=len(p_levels), interval=900)
    html = local_animation_html(anim.to_jshtml(default_mode="once"))
    plt.close(fig)
    return html


def decision_maps(model, p_levels, measured=(3, 5, 7, 10), df: pd.DataFrame | None = None, labels=None,
                  title: str = ""):
    """Predicted class over L:S x X:B for each P% (measured levels solid titles, interpolated ones marked)."""
    ncol = 2
    nrow = int(np.ceil(len(p_levels) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.8, 2.3 * nrow + 0.6), sharex=True, sharey=True)
    classes = list(model.classes_)
    colours = [CLASS_COLOURS.get(c, {"high": OKABE_ITO[0], "low": OKABE_ITO[3]}.get(c, "0.5")) for c in classes]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(classes) + 1) - 0.5, len(classes))
    for ax, P in zip(np.ravel(axes), p_levels):
        m = decision_map(model, P)
        codes = np.vectorize({c: i for i, c in enumerate(classes)}.get)(m.to_numpy())
        ax.pcolormesh(m.columns, m.index, codes, cmap=cmap, norm=norm, shading="auto", alpha=0.75)
        if df is not None and labels is not None and P in measured:
            sel = (df["P_pct"] == P).to_numpy()
            for c in classes:
                mk = sel & (np.asarray(labels) == c)
                ax.scatter(df.loc[mk, "LS_uL_per_mg"], df.loc[mk, "XB_vol_pct"], s=14,
                           c=colours[classes.index(c)], edgecolors="black", linewidths=0.5,
                           marker=CLASS_MARKERS.get(c, "o"))
        ax.set_title(f"P% = {P:g}" + ("" if P in measured else " (interpolated)"), fontsize=9)
    for ax in np.ravel(axes)[len(p_levels):]:
        ax.axis("off")
    for ax in np.atleast_2d(axes)[:, 0]:
        ax.set_ylabel(UNITS["XB_vol_pct"])
    for ax in np.atleast_2d(axes)[-1, :]:
        ax.set_xlabel(UNITS["LS_uL_per_mg"])
    handles = [plt.Rectangle((0, 0), 1, 1, color=col, alpha=0.75) for col in colours]
    names = [CLASS_NAMES.get(c, f"{c} conductivity") for c in classes]
    for ax in np.ravel(axes):
        ax.set_xticks([0.8, 1.0, 1.2])  # no tick at the panel edges, where neighbours' labels would meet
    fig.legend(handles, names, loc="upper center", ncol=1, fontsize=10, bbox_to_anchor=(0.5, 0.0))
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _marked(fig)


def class_counts(counts: pd.DataFrame, ax=None):
    """Figure S6: training-set class counts before and after random oversampling."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.4))
    long = counts.reset_index().melt(id_vars="class", var_name="stage", value_name="films")
    long["class"] = "class " + long["class"].astype(str)
    sns.barplot(data=long, x="class", y="films", hue="stage", palette=[OKABE_ITO[4], OKABE_ITO[0]], ax=ax,
                edgecolor="black")
    ax.set_xlabel("")
    ax.set_ylabel("training films (count)")
    ax.set_title("Fig. S6: class counts, training set", fontsize=10)
    ax.legend(title="", fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    return _marked(ax)


def f1_distribution(repeated: pd.DataFrame, single: float, reported: float = 0.94, ax=None):
    """Histogram of macro F1 over repeated splits, with the single split and the paper's value."""
    if ax is None:
        _, ax = plt.subplots(figsize=(4.8, 3.6))
    bins = np.linspace(0.5, 1.0, 26)
    ax.hist(repeated["f1_macro"], bins=bins, color=OKABE_ITO[4], edgecolor="black", label="repeated splits (macro)")
    ax.axvline(single, color=OKABE_ITO[5], lw=2, ls="--", label=f"single split: {single:.2f}")
    ax.axvline(reported, color="black", lw=2, ls=":", label=f"paper: {reported:.2f}")
    lo, hi = repeated["f1_macro"].quantile([0.025, 0.975])
    ax.axvspan(lo, hi, color="0.85", zorder=0, label=f"95 % interval {lo:.2f}-{hi:.2f}")
    ax.set_xlabel("F1 on the 20 % test set (macro average, –)")
    ax.set_ylabel("splits (count)")
    ax.legend(fontsize=9, loc="upper left")
    return _marked(ax)


def f1_by_reading(samples: dict, reported: float = 0.94):
    """Macro F1 over repeated random 80/20 splits, one box per SVM reading, with the paper's 94 %.

    ``samples`` maps a reading's label to its F1 values, one per split (the claims' samples).
    """
    d = pd.concat([pd.DataFrame({"f1_macro": np.asarray(v, float), "reading": k}) for k, v in samples.items()],
                  ignore_index=True)
    n = max(len(v) for v in samples.values())
    fig, ax = plt.subplots(figsize=(4.8, 3.8))
    box_with_points(d, "reading", "f1_macro", ax, palette=OKABE_ITO[:len(samples)])
    return _f1_axes(ax, reported, "", "macro F1, 20 % test set (–)",
                    f"F1 over {n} random 80/20 splits (Fig. 4 classifier)", "lower left")


def _f1_axes(ax, reported: float, xlabel: str, ylabel: str, title: str, legend_loc: str):
    """The paper's F1 as a dotted line, labels, legend and the surrogate mark of an F1 box plot."""
    ax.axhline(reported, color="black", ls=":", lw=1.5, label=f"Chen et al. 2021: {reported:.2f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9, loc=legend_loc)
    ax.figure.tight_layout()
    return _marked(ax.figure)


def power_study(power: pd.DataFrame, reported: float = 0.94):
    """Spread of single-split F1 (recipe reading) of simulated studies with 55-440 films."""
    fig, ax = plt.subplots(figsize=(4.8, 3.8))
    box_with_points(power, "films", "F1 recipe", ax, color=OKABE_ITO[4])
    return _f1_axes(ax, reported, "films in the study (count)", "macro F1, one 80/20 split (–)",
                    "How much one F1 can vary: simulated studies", "lower right")
