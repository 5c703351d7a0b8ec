"""Voxel microstructures of composite electrodes and their effective ionic conductivity.

Motivated by the studies reviewed by Alabdali et al. 2022
(doi:10.1016/j.coelec.2022.101127, e.g. Bielefeld et al. 2020 on binder and
particle size): generate a 3D voxel composite of active material (AM), solid
electrolyte (SE), binder and pores; check that the SE percolates; and solve
steady-state conduction on the voxels to get the effective ionic
conductivity and the tortuosity factor.

Discretisation (finite volumes, documented because the solver is ours, built
on scipy.sparse): one unknown potential per voxel; the conductance between
face neighbours is the harmonic mean of their conductivities (zero if either
is an insulator); potential 1 and 0 are imposed on the faces z = 0 and z = L
through half-voxel conductances 2 sigma; the four side faces carry no flux.
Voxels not connected to both electrodes carry no current and are removed
before solving. The symmetric positive-definite system is solved by
conjugate gradients with a Jacobi preconditioner. With the current I through
the cell, ``sigma_eff = I L / (A dV)``; the tortuosity factor is
``tau = eps_SE * sigma_SE / sigma_eff`` (so straight channels give 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import ndimage
from scipy.sparse.linalg import cg

from ..threads import single_threaded
from ..validation import check_range

__all__ = ["PHASES", "generate", "volume_fractions", "percolating", "Transport", "solve", "transport", "bruggeman"]

PORE, SE, AM, BINDER = 0, 1, 2, 3
PHASES = {PORE: "pore", SE: "solid electrolyte", AM: "active material", BINDER: "binder"}


def _add_spheres(mask: np.ndarray, allowed: np.ndarray, target: float, radius: float, rng) -> np.ndarray:
    """Randomly place (overlapping) spheres inside ``allowed`` until they fill ``target`` of the volume."""
    n = mask.size
    shape = np.array(mask.shape)
    r = int(np.ceil(radius))
    ball = np.add.outer(np.add.outer(np.arange(-r, r + 1) ** 2, np.arange(-r, r + 1) ** 2), np.arange(-r, r + 1) ** 2)
    ball = ball <= radius**2
    out = mask.copy()
    while out.sum() < target * n:
        c = rng.integers(0, shape)
        sl = tuple(slice(max(ci - r, 0), min(ci + r + 1, s)) for ci, s in zip(c, shape))
        bsl = tuple(slice(sl[i].start - (c[i] - r), sl[i].stop - (c[i] - r)) for i in range(3))
        out[sl] |= ball[bsl] & allowed[sl]
        if not (allowed & ~out).any():
            break
    return out


def generate(n: int = 40, am_frac: float = 0.5, binder_frac: float = 0.0, porosity: float = 0.0,
             am_radius: float = 5.0, size_ratio: float = 2.0, seed: int = 0) -> np.ndarray:
    """A cubic voxel composite (n^3) with the given volume fractions.

    AM spheres of radius ``am_radius`` voxels are placed first; the rest is
    SE. Pores and binder then replace SE in spheres the size of an SE grain,
    ``am_radius / size_ratio`` (the AM/SE particle-size ratio), so they sit
    where SE grains would meet. Returns an int8 array of phase labels.
    """
    check_range("n", n, "voxels", 8, 400)
    for name, v in (("am_frac", am_frac), ("binder_frac", binder_frac), ("porosity", porosity)):
        check_range(name, v, "(volume fraction)", 0, 1, high_inclusive=False)
    check_range("am_frac + binder_frac + porosity", am_frac + binder_frac + porosity, "(volume fraction)", 0, 1,
                high_inclusive=False)
    check_range("size_ratio", size_ratio, "(AM/SE radius)", 0.2, 20)
    rng = np.random.default_rng(seed)
    img = np.full((n, n, n), SE, dtype=np.int8)
    everywhere = np.ones_like(img, dtype=bool)
    am = _add_spheres(np.zeros_like(everywhere), everywhere, am_frac, am_radius, rng)
    img[am] = AM
    se_r = max(am_radius / size_ratio, 1.0)
    for phase, frac in ((BINDER, binder_frac), (PORE, porosity)):
        if frac > 0:
            target = frac + (img != SE).mean()
            grown = _add_spheres(img != SE, img == SE, target, se_r * 0.5, rng)
            img[grown & (img == SE)] = phase
    return img


def volume_fractions(img: np.ndarray) -> dict[str, float]:
    """Volume fraction of each phase of a labelled voxel image."""
    return {PHASES[p]: float((img == p).mean()) for p in PHASES}


def percolating(conducting: np.ndarray, axis: int = 2) -> np.ndarray:
    """Voxels of ``conducting`` connected (face neighbours) to both faces normal to ``axis``."""
    labels, _ = ndimage.label(conducting)
    first = np.unique(np.take(labels, 0, axis=axis))
    last = np.unique(np.take(labels, -1, axis=axis))
    both = np.intersect1d(first[first > 0], last[last > 0])
    return np.isin(labels, both)


@dataclass(frozen=True)
class Transport:
    sigma_eff: float  # in units of the conducting phase's conductivity (or absolute, with a sigma map)
    volume_fraction: float
    tortuosity_factor: float
    percolating_fraction: float  # share of the conducting phase connected to both faces
    iterations: int


@single_threaded
def solve(sigma: np.ndarray, rtol: float = 1e-8) -> tuple[float, int]:
    """Effective conductivity along z of a voxel map of conductivities (same units out as in)."""
    nx, ny, nz = sigma.shape
    active = percolating(sigma > 0)
    if not active.any():
        return 0.0, 0
    idx = -np.ones(sigma.shape, dtype=np.int64)
    idx[active] = np.arange(active.sum())
    s = np.where(active, sigma, 0.0)
    rows, cols, vals = [], [], []
    diag = np.zeros(active.sum())
    for axis in range(3):
        a = [slice(None)] * 3
        b = [slice(None)] * 3
        a[axis] = slice(0, -1)
        b[axis] = slice(1, None)
        sa, sb = s[tuple(a)], s[tuple(b)]
        g = np.where((sa > 0) & (sb > 0), 2 * sa * sb / np.where(sa + sb > 0, sa + sb, 1), 0.0)
        ia, ib = idx[tuple(a)], idx[tuple(b)]
        m = g > 0
        ia, ib, g = ia[m], ib[m], g[m]
        rows += [ia, ib]
        cols += [ib, ia]
        vals += [-g, -g]
        np.add.at(diag, ia, g)
        np.add.at(diag, ib, g)
    g_in = 2 * s[:, :, 0][active[:, :, 0]]
    g_out = 2 * s[:, :, -1][active[:, :, -1]]
    i_in = idx[:, :, 0][active[:, :, 0]]
    i_out = idx[:, :, -1][active[:, :, -1]]
    np.add.at(diag, i_in, g_in)
    np.add.at(diag, i_out, g_out)
    rhs = np.zeros_like(diag)
    np.add.at(rhs, i_in, g_in * 1.0)
    A = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(len(diag),) * 2)
    A = A + sp.diags(diag)
    M = sp.diags(1 / diag)
    it = [0]

    def count(_):
        it[0] += 1

    phi, info = cg(A, rhs, rtol=rtol, maxiter=20000, M=M, callback=count)
    if info != 0:
        raise RuntimeError(f"conjugate gradients did not converge (info={info})")
    current = float(np.sum(g_in * (1.0 - phi[i_in])))
    return current * nz / (nx * ny), it[0]


def transport(img: np.ndarray, phase: int = SE, sigma_phase: float = 1.0) -> Transport:
    """Effective conductivity and tortuosity factor of one conducting phase (others insulate)."""
    cond = img == phase
    eps = float(cond.mean())
    sig, its = solve(np.where(cond, sigma_phase, 0.0))
    perc = float(percolating(cond).sum() / max(cond.sum(), 1))
    tau = eps * sigma_phase / sig if sig > 0 else np.inf
    return Transport(sig / sigma_phase, eps, tau, perc, its)


def bruggeman(eps, exponent: float = 1.5):
    """Bruggeman estimate of relative effective conductivity, ``eps ** 1.5`` (tortuosity factor eps**-0.5)."""
    return np.asarray(eps, float) ** exponent
