"""Tables and figures of the chapter section on the conductivity predictor (beyond the paper).

The cross-validation behind them is recorded by ``scripts/predictor_search``
in ``ssekit/ml/recorded/`` (deterministic; about 10 minutes on this machine,
far over a chapter's budget): out-of-fold predictions of the shipped settings
and the baselines under three 5-fold CVs, and the model search. Everything
here is computed from those predictions when the chapter runs;
``tests/test_conductivity_predictor.py`` re-fits one fold and checks the
recorded predictions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from ..ml import conductivity_cv as CV
from ..ml.conductivity import CENSORED_LOG10, DETECTION_LIMIT_LOG10, HEADS, SCHEMES
from ..style import OKABE_ITO, fit_text

__all__ = ["RECORDED", "recorded_cv", "recorded_search", "cv_table", "coverage", "by_family", "by_distance",
           "domain_limit", "parity"]

RECORDED = Path(__file__).resolve().parents[1] / "ml" / "recorded"
_MODELS_SHOWN = [CV.PREDICTOR, "composition head", "composition+cell head", "composition+cell+Ea head",
                 "extra trees, −15 averaged as a value", "hurdle: classifier + regressor on measured rows",
                 "OBELiX RF recipe", "RF, lattice + space group", "mean baseline"]


@lru_cache(maxsize=1)
def _cv() -> pd.DataFrame:
    return pd.read_csv(RECORDED / "conductivity_cv.csv", dtype={"ID": str, "family": str})


def recorded_cv(scheme: str = "chemical system") -> pd.DataFrame:
    """Recorded out-of-fold predictions under one CV scheme (a copy)."""
    df = _cv()
    return df[df["scheme"] == scheme].drop(columns="scheme").reset_index(drop=True).copy()


def recorded_search() -> pd.DataFrame:
    """The model search: every setting tried, with its chemical-system-grouped CV error."""
    t = pd.read_csv(RECORDED / "conductivity_search.csv")
    t["below-detection threshold"] = t["below-detection threshold"].map(lambda v: "none" if pd.isna(v) else f"{v:g}")
    return t.sort_values("MAE, bounds as −15 (decades)").reset_index(drop=True)


def cv_table() -> pd.DataFrame:
    """MAE (bounds as −15 and measured rows only) and R² of every model under the three CV schemes."""
    t = CV.cv_table({s: recorded_cv(s) for s in SCHEMES})
    order = [m for m in _MODELS_SHOWN if m in t.index.get_level_values(0)]
    t = t.reindex(order, level=0)
    t.columns = t.columns.set_levels([f"{m} (decades)" if "MAE" in m else m for m in t.columns.levels[0]], level=0)
    return t


def coverage(level: float = 0.9) -> pd.DataFrame:
    """Coverage and median width of the 90 % intervals per head (chemical-system-grouped, cross-conformal)."""
    return CV.interval_coverage(recorded_cv(), level)


def by_family(min_rows: int = 5) -> pd.DataFrame:
    """Error, coverage and width per family, chemical systems held out."""
    return CV.coverage_by_family(recorded_cv(), 0.9, min_rows)


def domain_limit() -> float:
    """The domain limit as the shipped model sets it: 95th percentile of held-out distances."""
    return float(np.nanquantile(recorded_cv()["distance"], 0.95))


def by_distance() -> pd.DataFrame:
    """Error and coverage against the distance to the nearest training material."""
    return CV.error_by_distance(recorded_cv(), domain_limit())


def parity():
    """Predicted (chemical system held out) against measured log10 σ; bounds and 'below' answers marked."""
    f = recorded_cv()
    lo, hi = CV.predictor_intervals(f)
    top = f["family"].value_counts().index[:6]
    fam = f["family"].where(f["family"].isin(top), "other families")
    fig, ax = plt.subplots(figsize=(4.6, 8.4))  # narrow, legend below: 9.5-11 pt text reads at 8 pt on a phone
    lim = [-16, -0.5]
    ax.fill_between(lim, [v - 1 for v in lim], [v + 1 for v in lim], color="0.88", lw=0, label="± 1 decade")
    ax.plot(lim, lim, "k--", lw=1)
    palette = {name: OKABE_ITO[i % len(OKABE_ITO)] for i, name in enumerate(top)}
    palette["other families"] = "0.55"
    d = pd.DataFrame({"measured": f["y"], "predicted": f[CV.PREDICTOR], "family": fam,
                      "label": np.where(f["censored"], "'<1E-10' (a bound, drawn at −15)", "measured")})
    sns.scatterplot(data=d, x="measured", y="predicted", hue="family", style="label", palette=palette,
                    markers={"measured": "o", "'<1E-10' (a bound, drawn at −15)": "v"}, s=22, alpha=0.85,
                    edgecolor="none", ax=ax, hue_order=list(top) + ["other families"])
    both = int((f["censored"] & (f[CV.PREDICTOR] == CENSORED_LOG10)).sum())
    ax.annotate(f"{both} bounds answered 'below 1e-10 S/cm'\n(all drawn at −15, −15)", xy=(-15, -15),
                xytext=(-13.6, -14.6), fontsize=9.5, va="center", arrowprops={"arrowstyle": "->", "lw": 0.8, "color": "0.2"})
    ax.axhline(DETECTION_LIMIT_LOG10, color="0.3", lw=0.8, ls=":")
    ax.text(-0.7, DETECTION_LIMIT_LOG10 + 0.15, "detection limit 1e-10 S/cm", ha="right", va="bottom", fontsize=9.5)
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_xlabel("measured log₁₀ σ (σ in S/cm)", fontsize=11)
    ax.set_ylabel("predicted log₁₀ σ (σ in S/cm),\nchemical system held out", fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    labels = [{"family": "structural family", "label": "conductivity label"}.get(lab, lab) for lab in labels]
    ax.set_aspect("equal")
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.yaxis.set_major_locator(MaxNLocator(6))
    ax.tick_params(labelsize=10)
    ax.legend(handles, labels, fontsize=9.5, loc="upper left", bbox_to_anchor=(-0.18, -0.16), frameon=False)
    fig.tight_layout()
    return fit_text(fig)
