"""Figures of the Kim et al. 2025 chapters (one function per figure)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..physics.asr import area_specific_resistance
from ..style import LINESTYLES, OKABE_ITO
from ..tables import label, pretty_unit

#: Width (in) and smallest text size (pt) of the Kim figures: at 400 px a 4.6 in figure shows at about 0.75 of
#: its size, so 12 pt stays above 8 pt as displayed; at 1400 px it shows at its natural size.
PHONE_WIDTH_IN, PHONE_FONT_PT = 4.6, 12.0


def _phone(fig, width_in: float = PHONE_WIDTH_IN, min_pt: float = PHONE_FONT_PT):
    """Resize a figure to ``width_in`` (keeping its aspect) and raise every text to at least ``min_pt``."""
    import matplotlib.text

    w, h = fig.get_size_inches()
    fig.set_size_inches(width_in, h * width_in / w)
    for t in fig.findobj(matplotlib.text.Text):
        if t.get_fontsize() < min_pt:
            t.set_fontsize(min_pt)
    fig.tight_layout()
    return fig


__all__ = ["PHONE_WIDTH_IN", "PHONE_FONT_PT", "asr_vs_thickness", "asr_section31", "binder_and_porosity", "fig4c_with_chen_film", "energy_vs_thickness", "ENERGY_PANELS",
           "sensitivity_tornado", "threshold_maps", "energy_rate"]


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
    if ax is None:
        _, ax = plt.subplots()
    L = np.logspace(0, 3, 200) if thickness_um is None else np.asarray(thickness_um, dtype=float)
    for i, (label, sigma) in enumerate(conductivities.items()):
        ax.loglog(L, area_specific_resistance(L, sigma), color=OKABE_ITO[i % 8], ls=LINESTYLES[i % 8],
                  label=f"{label} ({sigma:.2g} S/cm)")
    for j, (label, value) in enumerate((reference_lines or {}).items()):
        ax.axhline(value, color="0.35", lw=1, ls=[":", "--"][j % 2])
        ax.annotate(label, (L[-1], value), xytext=(-2, 3), textcoords="offset points", fontsize=9, color="0.25",
                    ha="right")
    ax.set_xlabel("electrolyte thickness L (µm)")
    ax.set_ylabel("area-specific resistance (Ω cm²)")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(0.0, -0.26))
    return ax


def asr_section31():
    """ASR against thickness for the review's Sec. 3.1 electrolytes, with its liquid reference cell."""
    from . import asr as kasr

    fig, ax = plt.subplots()
    asr_vs_thickness(
        {
            "glass, Table 1 low": 1e-4,
            "Li3PS4, median measured": kasr.lps_sigma_median(),
            "glass, Table 1 high / Li6PS5Cl": 1e-3,
            "LGPS-type": 1e-2,
        },
        reference_lines={
            f"liquid in separator, {kasr.LIQUID_ASR_WITH_SEPARATOR:g} Ω cm²": kasr.LIQUID_ASR_WITH_SEPARATOR,
            f"liquid alone, {kasr.liquid_asr_bare():.3g} Ω cm²": kasr.liquid_asr_bare(),
        },
        ax=ax,
    )
    ax.axvline(kasr.params().get_value("lps_thickness", "um"), color="0.6", lw=0.8)
    ax.set_title("Electrolyte-layer ASR, Kim et al. 2025 Sec. 3.1")
    fig.set_size_inches(6.4, 7.8)
    return _phone(fig)


def binder_and_porosity():
    """Bruggeman σ_eff/σ_SE against binder content (PIB, PBMA) and porosity, with the WIP points."""
    from . import mechanics as km

    p = km.params()
    w = np.linspace(0, 0.10, 101)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(4.6, 9.2))
    a1.plot(w * 100, km.relative_conductivity(w, p.get_value("pib_density", "g/cm3")), color=OKABE_ITO[0], label="PIB")
    a1.plot(w * 100, km.relative_conductivity(w, p.get_value("pbma_density", "g/cm3")), "--", color=OKABE_ITO[1],
            label="PBMA")
    for k, x in enumerate((2, 5)):
        a1.axvline(x, color="0.6", lw=0.8, ls=":", label="2 and 5 wt% PIB (Kim et al. 2025)" if k == 0 else None)
    a1.set_xlabel("binder content (wt%)")
    a1.set_ylabel(r"$\sigma_\mathrm{eff}\,/\,\sigma_\mathrm{SE}$ (–)")
    a1.legend(loc="upper left", bbox_to_anchor=(0.0, -0.2))
    eps = np.linspace(0, 0.3, 101)
    a2.plot(eps * 100, km.relative_conductivity(porosity=eps), color=OKABE_ITO[2])
    for e, what, mk in ((p.get_value("wip_porosity_before", "-"), "uniaxial pressing", "o"),
                        (p.get_value("wip_porosity_after", "-"), "after warm isostatic pressing", "s")):
        a2.plot(e * 100, km.relative_conductivity(porosity=e), mk, color="black", label=f"{what}: {e * 100:g} %")
    a2.legend(loc="upper left", bbox_to_anchor=(0.0, -0.2))  # below the axes: the line crosses the whole plot
    a2.set_xlabel("porosity (%)")
    a2.set_ylabel(r"$\sigma_\mathrm{eff}\,/\,\sigma_\mathrm{SE}$ (–)")
    return _phone(fig)


def fig4c_with_chen_film():
    """Figure 4c of the review (ASR against thickness with PBMA) with the Chen et al. 2021 film and pellet."""
    from ..chen2021 import analysis as chen
    from . import asr as kasr
    from . import mechanics as km

    p = km.params()
    rep = chen.reported()
    sig = {f"Li6PS5Cl + {b:g} wt% PBMA": 1e-3 * float(km.relative_conductivity(b / 100, p.get_value("pbma_density", "g/cm3")))
           for b in (0, 3, 10)}
    ax = asr_vs_thickness(sig, thickness_um=np.logspace(0.5, 3, 100),
                          reference_lines={f"liquid in separator, {kasr.LIQUID_ASR_WITH_SEPARATOR:g} Ω cm²":
                                           kasr.LIQUID_ASR_WITH_SEPARATOR})
    L_film, L_pellet = rep.get_value("film_thickness", "um"), rep.get_value("pellet_thickness", "um")
    ax.plot(L_film, area_specific_resistance(L_film, rep.get_value("film_sigma", "S/cm")), "D", color="black", ms=8,
            label="Chen 2021 film")
    ax.plot(L_pellet, area_specific_resistance(L_pellet, rep.get_value("powder_sigma", "S/cm")), "s", color="0.4",
            ms=8, label=f"powder pellet, {L_pellet:g} µm")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(0.0, -0.26))
    ax.figure.set_size_inches(6.4, 7.8)
    return _phone(ax.figure)


#: The review's 350 Wh/kg thresholds (Sec. 3.1), drawn as markers on the energy figure.
_REVIEW_350 = {"ncm811_li": 60, "lco_li": 29, "s_li": 80}
#: Panels of the energy figure: NCM811 with each anode, then the other cathodes against lithium metal.
ENERGY_PANELS = (("NCM811 cathode, four anodes", ("ncm811_li", "ncm811_anodefree", "ncm811_graphite", "ncm811_liin")),
                 ("other cathodes, lithium-metal anode", ("lco_li", "lco_hv_li", "s_li")))


def energy_vs_thickness(thickness_um=None, layout: str = "narrow"):
    """Cell-level Wh/kg and Wh/L against separator thickness: small multiples, labelled targets.

    Four panels: Wh/kg and Wh/L, each for NCM811 with its four anodes and
    for the other cathodes with lithium metal. ``layout="narrow"`` (a phone):
    stacked in one column, 12 pt text, a legend over every panel.
    ``layout="wide"`` (the ~800 px column of a wide page): a 2 × 2 grid in the
    column's width (:data:`ssekit.style.DISPLAY_WIDTH_IN`), Wh/kg above Wh/L
    for the same cells, one legend over each column (its cells are the same
    in both rows), the y axis shared along a row, 10 pt text at its natural
    size. The book shows both (:func:`ssekit.style.responsive`).
    Colour-blind-safe colours paired with distinct line styles; the targets
    are labelled on the plot; markers show the review's 350 Wh/kg
    thresholds. Monopolar stacking (in the geometric pouch a bipolar
    NCM811 | Li stack has the same volume, see the text).
    """
    from ..physics import cell
    from ..style import DISPLAY_WIDTH_IN, _check_layout

    wide = _check_layout(layout) == "wide"
    pt = 10 if wide else 12
    L = np.linspace(5, 200, 200) if thickness_um is None else np.asarray(thickness_um, float)
    if wide:
        fig, grid = plt.subplots(2, 2, figsize=(DISPLAY_WIDTH_IN, 7.0), sharex=True, sharey="row")
        axes = [grid[0, 0], grid[0, 1], grid[1, 0], grid[1, 1]]
    else:
        fig, axes = plt.subplots(4, 1, figsize=(4.6, 21.0))
    # colours and line styles distinct within each panel; no yellow (too pale on white)
    style = {"ncm811_li": (OKABE_ITO[0], "-"), "ncm811_anodefree": (OKABE_ITO[5], "--"),
             "ncm811_graphite": (OKABE_ITO[2], "-."), "ncm811_liin": (OKABE_ITO[7], ":"),
             "lco_li": (OKABE_ITO[1], "-"), "lco_hv_li": (OKABE_ITO[3], "--"), "s_li": (OKABE_ITO[4], "-.")}
    rows = [("Wh_per_kg", "specific energy (Wh kg⁻¹)", ((350, "350 Wh/kg (DOE target)"), (400, "400 Wh/kg"))),
            ("Wh_per_L", "energy density (Wh L⁻¹)", ((750, "750 Wh/L (DOE target)"),))]
    k = 0
    for i, (col, ylabel, targets) in enumerate(rows):
        for j, (title, names) in enumerate(ENERGY_PANELS):
            ax = axes[k]
            k += 1
            for name in names:
                r = cell.stack(cell.load_config(name), L)
                c, ls = style[name]
                ax.plot(L, r[col], color=c, ls=ls, lw=2.2 if not wide else 1.8,
                        label=cell.CONFIGS[name].replace(" (lab reference)", "").replace(" (ASSB Li-ion)", ""))
                if col == "Wh_per_kg" and name in _REVIEW_350:
                    ax.plot(_REVIEW_350[name], 350, marker="v", ms=10 if not wide else 8, color=c, mec="black",
                            mew=0.8, ls="none")
            for y, text in targets:
                if wide:  # short enough to stay right of the crossings and the review's markers
                    text = text.replace(" target)", ")")
                ax.axhline(y, color="0.35", lw=1, ls=":")
                ax.annotate(text, (L[-1], y), xytext=(0, -3), textcoords="offset points", ha="right", va="top",
                            fontsize=pt, color="0.15", bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=0.5))
            if col == "Wh_per_kg":
                ax.plot([], [], marker="v", ms=9 if not wide else 7, color="white", mec="black", ls="none",
                        label="Kim et al.'s 350 Wh/kg threshold")
            if not wide or j == 0:
                ax.set_ylabel(ylabel, fontsize=pt)
            ax.tick_params(labelsize=pt, labelbottom=True, labelleft=True)
            if not wide or i == len(rows) - 1:
                ax.set_xlabel("separator thickness (µm)", fontsize=pt)
            if not wide or i == 0:  # wide: one legend per column, over its top panel (same cells below)
                ax.legend(fontsize=pt, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=1, handlelength=2.6,
                          title=title, title_fontsize=pt, alignment="left", borderaxespad=0.2)
    if wide:
        fig.tight_layout(h_pad=0.8, w_pad=1.2)
    else:
        fig.tight_layout(h_pad=1.0)
    return fig


def sensitivity_tornado(oat):
    """One-at-a-time sensitivity bars (see :func:`ssekit.kim2025.energy.one_at_a_time`)."""
    fig, ax = plt.subplots(figsize=(4.6, 5.6))
    y = np.arange(len(oat))[::-1]
    ax.barh(y, oat["dWh/kg at low"], color=OKABE_ITO[4], hatch="//", edgecolor="black", label="low end")
    ax.barh(y, oat["dWh/kg at high"], color=OKABE_ITO[0], edgecolor="black", label="high end")
    from .energy import sensitivity_label

    names = [f"{sensitivity_label(n)}\n{r.low:g}–{r.high:g} {pretty_unit(r.unit) if r.unit not in ('-', '') else ''}"
             for n, r in oat.iterrows()]
    ax.set_yticks(y, [t.strip() for t in names], fontsize=9)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("change of cell specific energy (Wh/kg)")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(0.0, -0.13), ncol=2)
    return _phone(fig)


def _staggered_label_points(cs, fractions=(0.75, 0.35)):
    """One label point per contour level, alternately 75 % and 35 % along its longest line, so that the
    labels of neighbouring levels do not sit on top of each other."""
    points = []
    for i, segs in enumerate(cs.allsegs):
        segs = [s for s in segs if len(s) > 1]
        if not segs:
            continue
        line = max(segs, key=len)
        arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(line, axis=0).T))])
        k = int(np.searchsorted(arc, fractions[i % len(fractions)] * arc[-1]))
        points.append(tuple(line[min(k, len(line) - 1)]))
    return points


def threshold_maps(config: str = "ncm811_li"):
    """Largest separator thickness for 350 Wh/kg and 750 Wh/L over N:P ratio and areal capacity, with contours."""
    from . import energy as ke

    fig, axes = plt.subplots(2, 1, figsize=(4.6, 8.4))
    for ax, (target, kind, unit) in zip(axes, ((350, "Wh_per_kg", "Wh/kg"), (750, "Wh_per_L", "Wh/L"))):
        m = ke.threshold_map(config, target, kind, np.linspace(1, 3, 21), np.linspace(2, 7, 21))
        X, Y = np.meshgrid(m.columns.to_numpy(float), m.index.to_numpy(float))
        Z = np.where(np.isnan(m.to_numpy()), 0.0, m.to_numpy())
        cf = ax.contourf(X, Y, Z, levels=np.arange(0, 161, 10), cmap="viridis", extend="max")
        cs = ax.contour(X, Y, Z, levels=[20, 30, 60, 80], colors="white", linewidths=1)
        ax.clabel(cs, fmt="%g µm", fontsize=9, manual=_staggered_label_points(cs))
        ax.set_title(f"{target:g} {unit}, cell level")
        ax.set_xlabel("N:P ratio (–)")
        ax.set_ylabel("areal capacity (mAh/cm²)")
        fig.colorbar(cf, ax=ax, label="largest separator (µm); 0: unreachable")
    return _phone(fig)


def energy_rate(config: str = "ncm811_li", thicknesses_um=(10, 30, 60, 100, 200)):
    """Ragone-style plot: cell Wh/kg left at each rate against W/kg, one line per separator thickness."""
    from . import energy as ke

    r = ke.ragone(config, thicknesses_um)
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    for i, L in enumerate(thicknesses_um):
        d = r[(r["se_thickness_um"] == L) & (r["Wh_per_kg_at_rate"] > 0)]
        ax.loglog(d["W_per_kg"], d["Wh_per_kg_at_rate"], color=OKABE_ITO[i % 8], ls=LINESTYLES[i % 8],
                  label=f"{L:g} µm separator")
    ax.set_xlabel("power density (W/kg, cell level)")
    ax.set_ylabel("energy delivered (Wh/kg, cell level)")
    ax.set_ylim(bottom=30)
    ax.legend(fontsize=9)
    return _phone(fig)
