"""Machine-learning workflows from standard parts (scikit-learn, imbalanced-learn, statsmodels).

- :mod:`ssekit.ml.filmclass` -- PCA -> K-means classes -> tests -> SVM with oversampling
  inside the pipeline (the film-quality workflow of Chen et al. 2021, on any Table S1-shaped data)
- :mod:`ssekit.ml.composition` -- Magpie-style composition descriptors (element data from mendeleev)
- :mod:`ssekit.ml.conductivity` -- a three-head conductivity predictor for any composition that keeps
  '<1E-10' labels as bounds, with conformal intervals and an applicability domain (a scikit-learn estimator)
- :mod:`ssekit.ml.conductivity_cv` -- its chemical-system-grouped CV, baselines, model search and tables
- :mod:`ssekit.ml.kernels` -- support-vector kernels computed without BLAS (the same bits on every CPU)
- :mod:`ssekit.ml.forest_quantiles` -- conditional distributions from a fitted forest (quantile regression forests)
- :mod:`ssekit.ml.regression` -- tuned regressor suite, baselines, grouped CV, bootstrap and
  conformal intervals
"""

from .._lazy import submodules

__all__ = ["composition", "conductivity", "conductivity_cv", "filmclass", "forest_quantiles", "kernels", "regression"]
__getattr__, __dir__ = submodules(__name__, __all__)  # imported when first used
