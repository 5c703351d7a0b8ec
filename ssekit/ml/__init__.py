"""Machine-learning workflows from standard parts (scikit-learn, imbalanced-learn, statsmodels).

- :mod:`ssekit.ml.filmclass` -- PCA -> K-means classes -> tests -> SVM with oversampling
  inside the pipeline (the film-quality workflow of Chen et al. 2021, on any Table S1-shaped data)
- :mod:`ssekit.ml.composition` -- Magpie-style composition descriptors (element data from mendeleev)
- :mod:`ssekit.ml.conductivity` -- a three-head conductivity predictor for any composition, with
  chemical-system-grouped CV, baselines and conformal intervals
- :mod:`ssekit.ml.regression` -- tuned regressor suite, baselines, grouped CV, bootstrap and
  conformal intervals
"""

from . import composition, conductivity, filmclass, regression

__all__ = ["composition", "conductivity", "filmclass", "regression"]
