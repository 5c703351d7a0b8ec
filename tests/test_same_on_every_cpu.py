"""The film classifier gives the same bits whichever BLAS kernel the CPU gets (ssekit.ml.kernels).

OpenBLAS picks its kernels for the processor it finds; ``OPENBLAS_CORETYPE``
makes it pick another, so one machine can stand in for two. libsvm's own
linear kernel goes through BLAS ``ddot`` and its results change in the last
bits between core types (on a CPU with AVX-512, Haswell against SkylakeX);
the kernel of :mod:`ssekit.ml.kernels` must not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.svm import SVC

from ssekit.ml.kernels import LinearKernel, linear_coef, linear_kernel

ROOT = Path(__file__).resolve().parent.parent

#: SVMs of the recipe reading (Chen et al. inputs, split 20 of the 30, where a core type moved the F1): libsvm's own
#: linear kernel, the book's (evidence._fit) and the library pipeline's (filmclass.svm_pipeline); the bits of their dual
#: coefficients and intercepts and of their decision values on the split's test films
FIT = r"""
import hashlib, json
import numpy as np
from sklearn.model_selection import ShuffleSplit
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from ssekit.chen2021 import evidence
from ssekit.ml import filmclass

inp = evidence.split_inputs_recipe()
y, X = np.asarray(inp["classes"]), evidence._features(inp)
tr, te = list(ShuffleSplit(n_splits=30, test_size=0.2, random_state=evidence.SEED).split(X))[20]
sc = StandardScaler().fit(X[tr])
Xr, yr = evidence._oversample(sc.transform(X[tr]), y[tr], np.random.default_rng(evidence.SEED + 20))
libsvm = SVC(kernel="linear", C=1.0).fit(Xr, yr)
sc_book, book = evidence._fit(X[tr], y[tr], 1.0, evidence.SEED + 20)
pipe = filmclass.svm_pipeline(0).set_params(svm__C=1.0).fit(X[tr], y[tr])
digest = lambda svm, Xt: hashlib.sha256(np.concatenate(
    [svm.dual_coef_.ravel(), svm.intercept_, svm.decision_function(Xt).ravel()]).tobytes()).hexdigest()
out = {"libsvm": digest(libsvm, sc.transform(X[te])), "book": digest(book, sc_book.transform(X[te])),
       "pipeline": digest(pipe.named_steps["svm"], pipe.named_steps["scale"].transform(X[te]))}
print(json.dumps(out))
"""


def _avx512() -> bool:
    try:
        return " avx512f" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


@pytest.fixture(scope="module")
def fits() -> dict:
    """The FIT digests under two OpenBLAS core types (SkylakeX needs AVX-512; Sandybridge runs on any x86-64)."""
    other = "SkylakeX" if _avx512() else "Sandybridge"
    got = {}
    for core in ("Haswell", other):
        env = {**os.environ, "OPENBLAS_CORETYPE": core, "OMP_NUM_THREADS": "1"}
        proc = subprocess.run([sys.executable, "-c", FIT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        got[core] = json.loads(proc.stdout.strip().splitlines()[-1])
    return got


def test_film_svm_is_the_same_under_every_blas_core_type(fits):
    (a, b), (da, db) = fits.keys(), fits.values()
    for who in ("book", "pipeline"):
        assert da[who] == db[who], f"the {who}'s SVM differs between OPENBLAS_CORETYPE={a} and {b}"


@pytest.mark.skipif(not _avx512(), reason="needs a CPU with AVX-512 to run OpenBLAS's SkylakeX kernels")
def test_libsvm_kernel_differs_between_core_types_so_the_check_can_fail(fits):
    """The reason for LinearKernel, and the proof that the check above can fail: libsvm's own kernel moves."""
    assert fits["Haswell"]["libsvm"] != fits["SkylakeX"]["libsvm"]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6).flatmap(lambda d: st.tuples(
    arrays(float, st.tuples(st.integers(1, 12), st.just(d)), elements=st.floats(-1e3, 1e3)),
    arrays(float, st.tuples(st.integers(1, 12), st.just(d)), elements=st.floats(-1e3, 1e3)))))
def test_linear_kernel_is_the_matrix_of_dot_products(xy):
    X, Y = xy
    np.testing.assert_allclose(linear_kernel(X, Y), X @ Y.T, rtol=1e-12, atol=1e-9)


def test_linear_kernel_refuses_arrays_that_do_not_match():
    with pytest.raises(ValueError, match="as many columns"):
        linear_kernel(np.ones((3, 2)), np.ones((3, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_linear_kernel_refuses_non_finite_inputs(bad):
    X = np.ones((3, 2))
    X[1, 0] = bad
    with pytest.raises(ValueError, match="finite"):
        SVC(kernel=LinearKernel()).fit(X, [0, 1, 0])


def test_linear_coef_needs_a_fitted_svm_and_leaves_it_as_it_was():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        linear_coef(SVC(kernel=LinearKernel()))
    svm = SVC(kernel=LinearKernel()).fit(np.arange(8.0).reshape(4, 2), [0, 0, 1, 1])
    linear_coef(svm)
    assert svm.decision_function_shape == "ovr"


@pytest.mark.parametrize("n_classes", [2, 3, 4])
def test_linear_coef_equals_libsvm_coef(n_classes):
    rng = np.random.default_rng(n_classes)
    X, y = rng.normal(size=(60, 3)), np.arange(60) % n_classes
    ours, theirs = SVC(kernel=LinearKernel(), C=3.0).fit(X, y), SVC(kernel="linear", C=3.0).fit(X, y)
    np.testing.assert_allclose(linear_coef(ours), theirs.coef_, rtol=1e-9, atol=1e-9)
    assert (ours.predict(X) == theirs.predict(X)).all()
