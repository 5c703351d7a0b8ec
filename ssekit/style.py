"""Figure helpers: one theme (seaborn's, with one colour-blind-safe palette) and consistent styling.

The palette is Okabe & Ito's (2008, "Color Universal Design"), which stays
distinguishable under the common forms of colour-vision deficiency.
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["box_with_points", "DISPLAY_WIDTH_IN", "fit_text", "LAYOUTS", "MIN_TEXT_PT", "PHONE_COLUMN_PX", "ResponsiveFigure", "responsive", "SURROGATE_MARK", "mark_surrogate", "OKABE_ITO", "LINESTYLES", "use_style"]

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


#: Width (inches at figure.dpi) at which the book's column shows a figure at its natural size.
DISPLAY_WIDTH_IN = 7.3
#: The article column on a 400 px wide phone, in CSS px (measured in headless Chromium at a 400 px viewport).
PHONE_COLUMN_PX = 358
#: The smallest text a page may show, in points as displayed (scripts/check-pages holds every page to it).
MIN_TEXT_PT = 8.0


def _phone_min_fontsize(fig) -> float:
    """Font size (pt) at which text reads MIN_TEXT_PT once a 400 px phone shrinks the saved figure to its column.

    The inline backend saves the figure's tight bounding box and a margin, W inches wide, as W x dpi pixels; the phone shows
    them PHONE_COLUMN_PX CSS px wide, so text of s pt appears at s x PHONE_COLUMN_PX / (96 W) pt, whatever the dpi.
    """
    import matplotlib as mpl

    pad = mpl.rcParams["savefig.pad_inches"]  # the saved PNG is the tight box plus this margin on each side
    width_in = fig.get_tightbbox(fig.canvas.get_renderer()).width + 2 * (0.1 if pad == "layout" else float(pad))
    return MIN_TEXT_PT * 96.0 * width_in / PHONE_COLUMN_PX * 1.02  # 2 % for the layout's own rounding


def fit_text(fig, display_width_in: float = DISPLAY_WIDTH_IN, phone: bool = True):
    """Scale the texts of a figure so they read at >= 8 pt on the page, on a wide screen and on a phone.

    A figure wider than the book's column is scaled down by the browser;
    multiplying its font sizes by ``width / display_width_in`` keeps titles,
    ticks, legends and annotations at the sizes the style sets (9-10 pt).
    On a 400 px phone every figure is shrunk to the column
    (:data:`PHONE_COLUMN_PX`): with ``phone`` (the default), each text smaller
    than what reads :data:`MIN_TEXT_PT` there is raised to that size (a figure
    drawn in a narrow layout of its own, :func:`responsive`, passes
    ``phone=False`` for its wide one). Re-runs ``tight_layout`` and returns
    the figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(14.6, 3))
    >>> ax.set_xlabel("x (µm)", fontsize=10) and None
    >>> round(fit_text(fig, phone=False).axes[0].xaxis.label.get_fontsize())
    20
    >>> plt.close(fig)
    >>> fig, ax = plt.subplots(figsize=(4.8, 3.6))
    >>> ax.tick_params(labelsize=9)
    >>> size = min(t.get_fontsize() for t in fit_text(fig).axes[0].get_xticklabels())
    >>> bool(size * PHONE_COLUMN_PX / (96 * fig.get_tightbbox().width) >= MIN_TEXT_PT)
    True
    >>> plt.close(fig)
    """
    import matplotlib.text

    def ticks(axis):
        labels = axis.get_ticklabels(which="both")
        return labels[0].get_fontsize() if labels else None

    def resize(grow) -> bool:  # tick labels through tick_params: matplotlib makes new ticks from it when it redraws
        changed = False
        tick_ids = {id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for t in axis.get_ticklabels(which="both")}
        for ax in fig.axes:
            for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                size = ticks(axis)
                if size is not None and grow(size) != size:
                    ax.tick_params(axis=name, which="both", labelsize=grow(size))
                    changed = True
        for t in fig.findobj(matplotlib.text.Text):
            if id(t) not in tick_ids and t.get_text().strip() and grow(t.get_fontsize()) != t.get_fontsize():
                t.set_fontsize(grow(t.get_fontsize()))
                changed = True
        return changed

    scale = fig.get_figwidth() / display_width_in
    if scale > 1.02:
        resize(lambda size: size * scale)
    for _ in range(3 if phone else 0):  # raising fonts widens the tight box a little: settle in a few rounds
        if not fig.get_constrained_layout():
            fig.tight_layout()
        floor = _phone_min_fontsize(fig)
        if not resize(lambda size: max(size, floor)):
            break
    if not fig.get_constrained_layout():
        fig.tight_layout()
    _legends_under_axis_labels(fig)
    return fig


def _legends_under_axis_labels(fig, gap_pt: float = 4.0) -> None:
    """Move a legend hung under its axes (``loc="upper ..."``, anchored below y = 0) clear of the x-axis text.

    Its anchor is a fraction of the axes' height: when larger fonts make the tick and axis labels taller, a
    legend at the old fraction would cover them.
    """
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None or leg._loc not in (1, 2, 9):  # upper right, upper left, upper center
            continue
        box = leg.get_bbox_to_anchor()
        x, y = ax.transAxes.inverted().transform((box.x0, box.y1))
        if y >= 0:
            continue
        below = ax.transAxes.inverted().transform((0, ax.xaxis.get_tightbbox(renderer).y0
                                                    - gap_pt * fig.dpi / 72.0))[1]
        if y > below:
            leg.set_bbox_to_anchor((x, below), transform=ax.transAxes)


def mark_surrogate(fig, text: str = SURROGATE_MARK):
    """Write a visible surrogate label above a figure (returns the figure).

    Every figure made from surrogate data carries it, so that no image of
    the book can be mistaken for the paper's results when copied alone.
    """
    # just above the figure's top edge: never over an axis label, title or legend; the book's
    # inline figures are saved with a tight bounding box, which takes the label in
    fig.text(0.5, 1.01, text, ha="center", va="bottom", fontsize=10 * max(1.0, fig.get_figwidth() / DISPLAY_WIDTH_IN), color="#B35806", weight="bold",
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


#: The two layouts of a figure drawn for both screen widths: ``wide`` for the ~800 px column of a desktop
#: page (panels side by side), ``narrow`` for a phone (panels stacked in one column).
LAYOUTS = ("wide", "narrow")


def _check_layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    return layout


class ResponsiveFigure:
    """One figure drawn twice, wide and narrow; shown in a notebook as one output holding both PNGs.

    Its HTML holds two ``<img>`` (PNG data URIs, each with the alt text) in a
    ``div.ssekit-responsive``: ``img.ssekit-fig-wide`` and
    ``img.ssekit-fig-narrow``. ``_static/ssekit.css`` shows the wide one on a
    wide screen and the narrow one on a phone (the same breakpoint as the
    claim cards, 640 px); the other has ``display: none``. Without the book's
    CSS (JupyterLab) the narrow image is hidden by its own style and the wide
    one shows. Being one output, the cell's ``mystnb.figure`` options (name,
    caption) wrap both, so the figure keeps one label and one caption. The
    bundle also carries the wide PNG as ``image/png`` for builders without
    HTML. The PNGs are made exactly as the inline backend makes them
    (``IPython.core.pylabtools.print_figure``, tight bounding box), so
    ``scripts/figure_check.py`` measures both.
    """

    def __init__(self, wide: bytes, narrow: bytes, alt: str):
        self.png = {"wide": wide, "narrow": narrow}
        self.alt = alt

    @staticmethod
    def _size(png: bytes) -> tuple[int, int]:
        import struct

        return struct.unpack(">II", png[16:24])  # the IHDR chunk: width, height

    def _img(self, layout: str) -> str:
        import base64
        import html

        w, h = self._size(self.png[layout])
        hidden = ' style="display: none"' if layout == "narrow" else ""
        return (f'<img class="ssekit-fig-{layout}"{hidden} width="{w}" height="{h}" alt="{html.escape(self.alt)}" '
                f'src="data:image/png;base64,{base64.b64encode(self.png[layout]).decode("ascii")}">')

    def _repr_html_(self) -> str:
        return f'<div class="ssekit-responsive">{self._img("wide")}{self._img("narrow")}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        w, h = self._size(self.png["wide"])
        return {"text/html": self._repr_html_(), "image/png": base64.b64encode(self.png["wide"]).decode("ascii"),
                "text/plain": f"<figure, wide {w}x{h} px and narrow {'x'.join(map(str, self._size(self.png['narrow'])))} px: {self.alt}>"}


def responsive(make, alt: str, *args, **kwargs) -> ResponsiveFigure:
    """Draw ``make(*args, layout=..., **kwargs)`` in both layouts and return them as one output.

    ``make`` returns a Matplotlib figure; both figures are closed (so the
    inline backend does not show them a second time). ``alt`` is the alt
    text of both images: what the figure shows, in a sentence.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def make(layout):
    ...     fig, _ = plt.subplots(figsize=(7.3 if layout == "wide" else 4.6, 3), dpi=50)
    ...     return fig
    >>> r = responsive(make, "an empty plot")
    >>> r._size(r.png["wide"])[0] > r._size(r.png["narrow"])[0], plt.get_fignums()
    (True, [])
    >>> 'class="ssekit-fig-narrow" style="display: none"' in r._repr_html_()
    True
    """
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    png = {}
    for layout in LAYOUTS:
        fig = make(*args, layout=layout, **kwargs)
        try:
            png[layout] = print_figure(fig, "png", bbox_inches="tight")
        finally:
            plt.close(fig)
    return ResponsiveFigure(png["wide"], png["narrow"], alt)
