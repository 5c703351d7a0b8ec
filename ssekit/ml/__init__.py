"""Machine-learning workflows from standard parts (scikit-learn, imbalanced-learn, statsmodels).

- :mod:`ssekit.ml.filmclass` -- PCA -> K-means classes -> tests -> SVM with oversampling
  inside the pipeline (the film-quality workflow of Chen et al. 2021, on any Table S1-shaped data)
- :mod:`ssekit.ml.composition` -- Magpie-style composition descriptors (element data from mendeleev)
- :mod:`ssekit.ml.conductivity` -- a three-head conductivity predictor for any composition that keeps
  '<1E-10' labels as bounds, with conformal intervals and an applicability domain (a scikit-learn estimator)
- :mod:`ssekit.ml.conductivity_cv` -- its chemical-system-grouped CV, baselines, model search and tables
- :mod:`ssekit.ml.forest_quantiles` -- conditional distributions from a fitted forest (quantile regression forests)
- :mod:`ssekit.ml.regression` -- tuned regressor suite, baselines, grouped CV, bootstrap and
  conformal intervals
"""

import importlib

__all__ = ["composition", "conductivity", "conductivity_cv", "filmclass", "forest_quantiles", "regression"]


def __getattr__(name: str):
    """The modules are imported when first used (reading a model file's trust note imports no estimator)."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
