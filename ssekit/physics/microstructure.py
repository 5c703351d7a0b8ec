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
conjugate gradients preconditioned with smoothed-aggregation algebraic
multigrid (one V-cycle built from pyamg's aggregation and smoothers;
``method="amg"``) or with Jacobi (``method="cg"``, the
original solver; ``"auto"``, the default, takes Jacobi below 100,000 voxels); both stop at a
relative residual of 1e-8. BLAS/OpenMP threads are limited to one during the
solve (threadpoolctl), so the answer does not depend on the machine's thread
count and two solves never oversubscribe the cores. With the current I
through the cell, ``sigma_eff = I L / (A dV)``; the tortuosity factor is
``tau = eps * sigma_phase / sigma_eff`` (so straight channels give 1). This
is TauFactor's definition (Cooper et al. 2016, doi:10.1016/j.softx.2016.09.002)
with the same boundary conditions (fixed potentials on two opposite faces,
insulated sides); TauFactor's ``eps`` is the phase's whole volume fraction,
as here, and its cell-centred discretisation matches this one.

Composites with explicit particles (:func:`sphere_pack`, :func:`voxelise`):
AM spheres then SE spheres are placed at random (a Boolean model: spheres of
one kind may overlap) in a box given in physical units; their numbers follow
from the target volume fractions (``f = 1 - exp(-n v)``), so the same
microstructure can be voxelised at any resolution. AM wins where the two
overlap; what neither covers is pore. The AM/SE radius ratio is then a real
parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy import ndimage

from ..errors import InputError
from ..validation import check_range

__all__ = ["PHASES", "MAX_VOXELS", "generate", "volume_fractions", "percolating", "Transport", "solve", "transport",
           "bruggeman", "rayleigh_sc", "sc_sphere_image", "SpherePack", "sphere_pack", "voxelise", "interface_area",
           "read_image", "image_transport", "Composite", "composite", "voxelise_composite"]

#: Largest image the solver accepts (256^3): the matrix and the multigrid hierarchy need about 3 GB there.
MAX_VOXELS = 256**3

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

    Sizes are in voxels, so a result depends on the grid: the solver's
    validation uses it; the Alabdali chapter's claims use :func:`composite`,
    whose sizes are in µm. AM spheres of radius ``am_radius`` voxels are
    placed first; the rest is SE. Pores and binder then replace SE in small
    spheres (radius half of ``am_radius / size_ratio``) placed at random in
    the SE, not at grain contacts. Returns an int8 array of phase labels.
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


def _system(sigma: np.ndarray, active: np.ndarray | None = None):
    """Finite-volume matrix, right-hand side and inlet conductances for current along the last axis."""
    active = percolating(sigma > 0) if active is None else active
    idx = -np.ones(sigma.shape, dtype=np.int64)
    idx[active] = np.arange(active.sum())
    s = np.where(active, sigma, 0.0)
    rows, cols, vals = [], [], []
    m_act = int(active.sum())
    diag = np.zeros(m_act)
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
        diag += np.bincount(ia, g, m_act) + np.bincount(ib, g, m_act)
    g_in = 2 * s[:, :, 0][active[:, :, 0]]
    g_out = 2 * s[:, :, -1][active[:, :, -1]]
    i_in = idx[:, :, 0][active[:, :, 0]]
    i_out = idx[:, :, -1][active[:, :, -1]]
    diag += np.bincount(i_in, g_in, m_act) + np.bincount(i_out, g_out, m_act)
    rhs = np.bincount(i_in, g_in, m_act)
    ar = np.arange(m_act)
    A = sp.csr_matrix((np.concatenate(vals + [diag]), (np.concatenate(rows + [ar]), np.concatenate(cols + [ar]))),
                      shape=(m_act,) * 2)
    return A, rhs, diag, g_in, i_in


def _amg_hierarchy(A, max_coarse: int = 500, max_levels: int = 10):
    """Smoothed-aggregation multigrid hierarchy, built from pyamg's pieces, all in CSR.

    Per level: symmetric strength of connection (theta = 0), pyamg's
    standard aggregation, tentative prolongator of ones, one Jacobi smoothing
    step ``P = (I - 4/3 / rho D^-1 A) T`` with rho the Gershgorin bound of
    ``D^-1 A`` (deterministic: no randomised eigenvalue estimate), Galerkin
    coarse operator ``P^T A P``; forward / backward Gauss-Seidel smoothing,
    pseudo-inverse on the coarsest level. Same algorithm as
    ``pyamg.smoothed_aggregation_solver`` for a scalar problem, but about
    three times cheaper to set up here (pyamg keeps coarse levels in 1x1-block
    BSR, whose duplicate summation runs in a Python loop) and reproducible.
    """
    from pyamg.aggregation import standard_aggregation
    from pyamg.multilevel import MultilevelSolver
    from pyamg.relaxation.smoothing import change_smoothers
    from pyamg.strength import symmetric_strength_of_connection

    levels = []
    A = sp.csr_matrix(A)
    while A.shape[0] > max_coarse and len(levels) < max_levels - 1:
        agg = standard_aggregation(symmetric_strength_of_connection(A, theta=0.0))[0].tocsr().astype(float)
        DA = sp.diags(1.0 / A.diagonal()) @ A
        rho = float(abs(DA).sum(axis=1).max())
        P = (agg - (4.0 / 3.0 / rho) * (DA @ agg)).tocsr()
        lvl = MultilevelSolver.Level()
        lvl.A, lvl.P, lvl.R = A, P, P.T.tocsr()
        levels.append(lvl)
        A = (lvl.R @ A @ P).tocsr()
    lvl = MultilevelSolver.Level()
    lvl.A = A
    levels.append(lvl)
    ml = MultilevelSolver(levels, coarse_solver="pinv")
    change_smoothers(ml, ("gauss_seidel", {"sweep": "forward"}), ("gauss_seidel", {"sweep": "backward"}))
    return ml


def _jacobi_cg(A, b: np.ndarray, dinv: np.ndarray, rtol: float, maxiter: int) -> tuple[np.ndarray, int]:
    """Jacobi-preconditioned conjugate gradients from x = 0, stopping at ``||r|| <= rtol ||b||``.

    The algorithm and stopping rule of :func:`scipy.sparse.linalg.cg` with ``M = diag(A)^-1``, written out
    because on these small systems (a few thousand unknowns, a few hundred iterations) scipy's per-iteration
    LinearOperator dispatch costs more than the arithmetic: about 30 % faster here, same iterates up to rounding.
    """
    x = np.zeros_like(b)
    r = b.copy()
    stop = rtol * float(np.linalg.norm(b))
    if float(np.linalg.norm(r)) <= stop:
        return x, 0
    z = dinv * r
    p = z.copy()
    rz = float(r @ z)
    for k in range(1, maxiter + 1):
        Ap = A @ p
        alpha = rz / float(p @ Ap)
        x += alpha * p
        r -= alpha * Ap
        if float(np.linalg.norm(r)) <= stop:
            return x, k
        z = dinv * r
        rz, rz_old = float(r @ z), rz
        p *= rz / rz_old
        p += z
    raise RuntimeError(f"conjugate gradients did not converge in {maxiter} iterations")


def solve(sigma: np.ndarray, rtol: float = 1e-8, axis: int = 2, method: str = "auto",
          active: np.ndarray | None = None) -> tuple[float, int]:
    """Effective conductivity of a voxel map of conductivities along one axis (same units out as in).

    Parameters
    ----------
    sigma : numpy.ndarray
        3D array of voxel conductivities (0: insulator).
    rtol : float
        Relative residual at which conjugate gradients stop.
    axis : int
        Direction of the current (0, 1 or 2).
    method : {"auto", "amg", "cg"}
        Preconditioner: smoothed-aggregation algebraic multigrid (pyamg) or
        Jacobi; "auto" takes Jacobi below 100,000 voxels (where the multigrid
        set-up costs more than it saves) and multigrid above.
    active : numpy.ndarray, optional
        The voxels connected to both faces (:func:`percolating` of ``sigma > 0``
        along ``axis``), if already known.

    Returns
    -------
    (float, int)
        Effective conductivity and the number of conjugate-gradient iterations.
    """
    from ..threads import one_thread

    if method not in ("auto", "amg", "cg"):
        raise InputError(f"method must be 'auto', 'amg' or 'cg', got {method!r}")
    if method == "auto":
        method = "amg" if np.size(sigma) > 100_000 else "cg"
    sigma = np.moveaxis(np.asarray(sigma, float), axis, 2)
    active = None if active is None else np.moveaxis(active, axis, 2)
    nx, ny, nz = sigma.shape
    with one_thread():
        A, rhs, diag, g_in, i_in = _system(sigma, active)
        if A.shape[0] == 0:
            return 0.0, 0
        if method == "amg":
            ml = _amg_hierarchy(A)
            res: list[float] = []
            phi = ml.solve(rhs, tol=rtol, accel="cg", maxiter=500, residuals=res)
            iterations = len(res) - 1
            if res[-1] > rtol * np.linalg.norm(rhs) * 10:
                raise RuntimeError(f"AMG-preconditioned CG did not converge (residual {res[-1]:.3g})")
        else:
            phi, iterations = _jacobi_cg(A, rhs, 1.0 / diag, rtol=rtol, maxiter=20000)
    current = float(np.sum(g_in * (1.0 - phi[i_in])))
    return current * nz / (nx * ny), iterations


def transport(img: np.ndarray, phase: int = SE, sigma_phase: float = 1.0, axis: int = 2,
              method: str = "auto") -> Transport:
    """Effective conductivity and tortuosity factor of one conducting phase (others insulate), along ``axis``."""
    cond = img == phase
    eps = float(cond.mean())
    active = percolating(cond, axis)
    sig, its = solve(np.where(cond, sigma_phase, 0.0), axis=axis, method=method, active=active)
    perc = float(active.sum() / max(cond.sum(), 1))
    tau = eps * sigma_phase / sig if sig > 0 else np.inf
    return Transport(sig / sigma_phase, eps, tau, perc, its)


def bruggeman(eps, exponent: float = 1.5):
    """Bruggeman estimate of relative effective conductivity, ``eps ** 1.5`` (tortuosity factor eps**-0.5)."""
    return np.asarray(eps, float) ** exponent


def rayleigh_sc(f):
    """Rayleigh's (1892) relative conductivity of a simple-cubic array of insulating spheres at volume fraction f.

    ``1 - 3 f / (2 + f - 1.65 x 0.75 f^(10/3))``: Rayleigh's series for
    non-conducting spheres, accurate to about 0.1 % for f <= 0.3 (the
    neglected terms are of order f^(14/3)).

    Parameters
    ----------
    f : float or array
        Sphere volume fraction (at most 0.52, touching spheres).

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> round(float(rayleigh_sc(0.2)), 4)
    0.7266
    """
    f = np.asarray(check_range("f", f, "(volume fraction)", 0, np.pi / 6), float)
    return 1 - 3 * f / (2 + f - 1.65 * 0.75 * f ** (10 / 3))


def sc_sphere_image(n: int, f: float) -> np.ndarray:
    """One unit cell of a simple-cubic sphere array: an insulating sphere (AM) of volume fraction f in SE, n^3 voxels.

    With insulated sides and fixed potentials on the two end faces one cell
    gives the array's exact conductivity (the cell faces are symmetry planes).
    """
    check_range("n", n, "voxels", 4, 400)
    r = (3 * check_range("f", f, "(volume fraction)", 0, np.pi / 6) / (4 * np.pi)) ** (1 / 3) * n
    c = (np.arange(n) + 0.5 - n / 2) ** 2
    d2 = c[:, None, None] + c[None, :, None] + c[None, None, :]
    return np.where(d2 <= r * r, AM, SE).astype(np.int8)


@dataclass(frozen=True)
class SpherePack:
    """Sphere centres (box units) and radii of a composite, in a cubic box of side ``box``."""

    box: float
    centres: np.ndarray  # (k, 3)
    radii: np.ndarray    # (k,)
    phases: np.ndarray   # (k,) AM or SE


def sphere_pack(box: float, am_frac: float = 0.5, se_frac: float = 0.4, am_radius: float = 1.0,
                se_radius: float = 0.5, seed: int = 0) -> SpherePack:
    """Random AM and SE spheres (Boolean model) with expected volume fractions, in a box of side ``box``.

    Parameters
    ----------
    box : float
        Box side, in the same length unit as the radii.
    am_frac, se_frac : float
        Target volume fractions of AM and SE (the rest is pore).
    am_radius, se_radius : float
        Sphere radii; ``am_radius / se_radius`` is the AM/SE size ratio.
    seed : int
        Random seed (numpy default_rng).

    Returns
    -------
    SpherePack
        AM spheres first, then SE. Centres are drawn in the box widened by
        one radius on each side, so the fractions hold up to the faces.
    """
    check_range("am_frac", am_frac, "(volume fraction)", 0, 1, high_inclusive=False)
    check_range("se_frac", se_frac, "(volume fraction)", 0, 1, low_inclusive=False)
    check_range("am_frac + se_frac", am_frac + se_frac, "(volume fraction)", 0, 1, high_inclusive=False)
    for name, r in (("am_radius", am_radius), ("se_radius", se_radius)):
        check_range(name, r, "(box units)", 0, box / 2, low_inclusive=False)
    rng = np.random.default_rng(seed)
    parts = []
    for phase, r, nv in ((AM, am_radius, -np.log(1 - am_frac)), (SE, se_radius, -np.log(1 - se_frac / (1 - am_frac)))):
        k = int(round(nv * (box + 2 * r) ** 3 / (4 / 3 * np.pi * r**3)))
        parts.append((rng.uniform(-r, box + r, size=(k, 3)), np.full(k, r), np.full(k, phase, np.int8)))
    return SpherePack(box, *(np.concatenate(x) for x in zip(*parts)))


def voxelise(pack: SpherePack, n: int) -> np.ndarray:
    """Label image (n^3) of a :class:`SpherePack`: voxel centres inside an AM sphere are AM, else inside SE are SE, else pore."""
    check_range("n", n, "voxels", 8, 400)
    h = pack.box / n
    img = np.full((n, n, n), PORE, dtype=np.int8)
    x = (np.arange(n) + 0.5) * h
    for phase in (SE, AM):  # AM last, so it wins where they overlap
        sel = pack.phases == phase
        for c, r in zip(pack.centres[sel], pack.radii[sel]):
            lo = np.clip(np.floor((c - r) / h - 0.5).astype(int), 0, n)
            hi = np.clip(np.ceil((c + r) / h + 0.5).astype(int), 0, n)
            if np.any(hi <= lo):
                continue
            d2 = ((x[lo[0]:hi[0], None, None] - c[0]) ** 2 + (x[None, lo[1]:hi[1], None] - c[1]) ** 2
                  + (x[None, None, lo[2]:hi[2]] - c[2]) ** 2)
            view = img[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
            view[d2 <= r * r] = phase
    return img


def interface_area(img: np.ndarray, a: int = AM, b: int = SE) -> float:
    """Specific interface area between phases a and b, per voxel length (area / box volume x voxel size).

    Counts voxel faces between the two phases and multiplies by 2/3: a
    staircase over-counts an isotropic surface's area by 3/2 on average
    (Cauchy's projection formula), so the estimate is unbiased for curved
    interfaces (a sphere of radius 10 voxels comes within a few %).
    Divide by the voxel size to get 1/length.
    """
    faces = 0
    for axis in range(3):
        x = np.take(img, range(img.shape[axis] - 1), axis=axis)
        y = np.take(img, range(1, img.shape[axis]), axis=axis)
        faces += int(np.sum(((x == a) & (y == b)) | ((x == b) & (y == a))))
    return 2 / 3 * faces / img.size


# ---------------------------------------------------------------- composites in physical units (µm)

@dataclass(frozen=True)
class Composite:
    """A composite electrode in physical units: sphere centres (µm) of each phase in a box (µm).

    Made by :func:`composite`; turn it into voxels of any size with
    :func:`voxelise_composite`. Every length is in µm.
    """

    box_um: tuple            # (Lx, Ly, Lz); the current runs along z (the electrode thickness)
    am_centres: np.ndarray   # (k, 3) µm
    am_radius_um: float
    se_centres: np.ndarray | None  # None: the SE fills everything the AM leaves (dense, no binder)
    se_radius_um: float
    binder_centres: np.ndarray     # (k, 3) µm, possibly empty
    binder_radius_um: float


def _boolean_count(frac: float, box, r: float) -> int:
    """Number of overlapping spheres of radius r that cover ``frac`` of a box, centres drawn in the box widened by r."""
    vol = np.prod(np.asarray(box, float) + 2 * r)
    return int(round(-np.log(1 - frac) * vol / (4 / 3 * np.pi * r**3)))


def _uniform(rng, k: int, box, r: float) -> np.ndarray:
    """k centres uniform in the box widened by r on every side (so fractions hold up to the faces)."""
    return rng.uniform(size=(k, 3)) * (np.asarray(box, float) + 2 * r) - r


def _inside(points: np.ndarray, centres: np.ndarray | None, r: float) -> np.ndarray:
    """Whether each point lies within ``r`` of a centre (exact, via a k-d tree)."""
    from scipy.spatial import cKDTree

    if centres is None or len(centres) == 0:
        return np.zeros(len(points), bool)
    d, _ = cKDTree(centres).query(points, k=1, distance_upper_bound=r * (1 + 1e-12))
    return d <= r


def composite(box_um, am_frac: float, se_frac: float, am_radius_um: float, se_radius_um: float,
              binder_frac: float = 0.0, binder_radius_um: float = 0.5, binder_at: str = "contacts",
              seed: int = 0) -> Composite:
    """Random composite electrode of AM spheres, SE spheres, binder and pores, in µm.

    AM spheres (radius ``am_radius_um``) and SE spheres (``se_radius_um``) are
    placed at random (Boolean model: spheres may overlap, AM wins where AM and
    SE overlap) with numbers that give the expected volume fractions; what
    neither covers is pore. With ``am_frac + se_frac = 1`` the SE fills all
    the space the AM leaves (a dense composite). Binder then replaces SE and
    pore in small spheres (``binder_radius_um``) until it takes
    ``binder_frac`` of the volume (estimated on 20,000 random points, so the
    microstructure does not depend on the voxel size): centred on points of
    the exposed AM surface that lie inside an SE particle, i.e. where AM and
    SE grains meet (``binder_at="contacts"``), or at random points of the SE
    (``binder_at="random"``).

    Each phase draws from its own random stream (numpy SeedSequence spawned
    from ``seed``) and the first centres do not depend on how many are drawn,
    so composites with the same seed and a smaller AM fraction hold a subset
    of the AM spheres (paired comparisons).

    Parameters
    ----------
    box_um : float or (float, float, float)
        Box size in µm (a cube for one number); the current runs along the last axis.
    am_frac, se_frac, binder_frac : float
        Target volume fractions (AM + SE + binder <= 1; the rest is pore).
    am_radius_um, se_radius_um, binder_radius_um : float
        Sphere radii in µm.
    binder_at : {"contacts", "random"}
        Where binder sits.
    seed : int

    Returns
    -------
    Composite

    Examples
    --------
    >>> c = composite(10.0, 0.45, 0.45, 2.0, 1.0, seed=0)
    >>> img = voxelise_composite(c, 0.5)
    >>> img.shape, abs(float((img == AM).mean()) - 0.45) < 0.05
    ((20, 20, 20), True)
    """
    box = tuple(float(b) for b in np.broadcast_to(np.asarray(box_um, float), (3,)))
    for name, b in zip("xyz", box):
        check_range(f"box_um ({name})", b, "µm", 0, 1e4, low_inclusive=False)
    check_range("am_frac", am_frac, "(volume fraction)", 0, 1, high_inclusive=False)
    check_range("se_frac", se_frac, "(volume fraction)", 0, 1, low_inclusive=False)
    check_range("binder_frac", binder_frac, "(volume fraction)", 0, 1, high_inclusive=False)
    check_range("am_frac + se_frac", am_frac + se_frac, "(volume fraction)", 0, 1 + 1e-9)
    for name, r in (("am_radius_um", am_radius_um), ("se_radius_um", se_radius_um),
                    ("binder_radius_um", binder_radius_um)):
        check_range(name, r, "µm", 0, min(box) / 2, low_inclusive=False)
    if binder_at not in ("contacts", "random"):
        raise InputError(f"binder_at must be 'contacts' or 'random', got {binder_at!r}")
    s_am, s_se, s_b, s_mc = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    am = _uniform(s_am, _boolean_count(am_frac, box, am_radius_um), box, am_radius_um) if am_frac > 0 \
        else np.zeros((0, 3))
    dense = am_frac + se_frac >= 1 - 1e-9
    se = None if dense else _uniform(s_se, _boolean_count(se_frac / (1 - am_frac), box, se_radius_um), box,
                                     se_radius_um)
    binder = np.zeros((0, 3))
    if binder_frac > 0:
        m = 4000
        if binder_at == "contacts":
            if len(am) == 0:
                raise InputError("binder_at='contacts' needs active material (am_frac > 0)")
            u = s_b.normal(size=(m, 3))
            cand = am[s_b.integers(0, len(am), m)] + am_radius_um * u / np.linalg.norm(u, axis=1)[:, None]
            from scipy.spatial import cKDTree
            d2, _ = cKDTree(am).query(cand, k=2)
            exposed = d2[:, 1] >= am_radius_um  # not buried inside a second AM sphere
            touching = np.ones(m, bool) if se is None else _inside(cand, se, se_radius_um)
            inbox = np.all((cand >= 0) & (cand <= np.asarray(box)), axis=1)
            cand = cand[exposed & touching & inbox]
        else:
            cand = s_b.uniform(size=(m, 3)) * np.asarray(box)
            keep = ~_inside(cand, am, am_radius_um)
            if se is not None:
                keep &= _inside(cand, se, se_radius_um)
            cand = cand[keep]
        mc = s_mc.uniform(size=(20_000, 3)) * np.asarray(box)
        mc = mc[~_inside(mc, am, am_radius_um)]  # binder never replaces AM
        from scipy.spatial import cKDTree
        # index of the first candidate covering each point (16 nearest suffice: a point lies in about one blob)
        d, idx = cKDTree(cand).query(mc, k=16, distance_upper_bound=binder_radius_um)
        first = np.where(np.isfinite(d), idx, len(cand)).min(axis=1)
        # smallest k whose first k candidates cover binder_frac of the box
        covered = np.sort(first)
        need = int(np.ceil(binder_frac * 20_000))
        if need > len(covered) or covered[need - 1] >= len(cand):
            raise InputError(f"binder_frac = {binder_frac:g} cannot be placed at '{binder_at}' in this composite "
                             "(not enough room); use a smaller binder fraction")
        binder = cand[: covered[need - 1] + 1]
    return Composite(box, am, float(am_radius_um), se, float(se_radius_um), binder, float(binder_radius_um))


def voxelise_composite(comp: Composite, voxel_um: float) -> np.ndarray:
    """Label image of a :class:`Composite` at voxel size ``voxel_um`` (µm): a voxel takes the phase at its centre.

    The box is rounded to whole voxels (at least 4 per side).
    """
    check_range("voxel_um", voxel_um, "µm", 0, min(comp.box_um) / 4, low_inclusive=False)
    n = [max(int(round(b / voxel_um)), 4) for b in comp.box_um]
    axes = [(np.arange(k) + 0.5) * b / k for k, b in zip(n, comp.box_um)]
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    img = np.full(len(pts), SE if comp.se_centres is None else PORE, dtype=np.int8)
    if comp.se_centres is not None:
        img[_inside(pts, comp.se_centres, comp.se_radius_um)] = SE
    img[_inside(pts, comp.binder_centres, comp.binder_radius_um)] = BINDER
    img[_inside(pts, comp.am_centres, comp.am_radius_um)] = AM
    return img.reshape(n)


def read_image(path) -> np.ndarray:
    """Read a labelled 3D image: ``.npy`` (numpy) or ``.tif``/``.tiff`` (needs the optional tifffile).

    Raises
    ------
    InputError
        Missing file, unknown format, not 3D, not integer labels, or more than
        :data:`MAX_VOXELS` voxels.
    """
    from pathlib import Path

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".npy":
        with open(path, "rb") as fh:
            if fh.read(6) != b"\x93NUMPY":
                raise InputError(f"{path}: not a NumPy .npy file (no .npy header); save the labelled image "
                                 "with numpy.save")
        try:
            img = np.load(path, allow_pickle=False, mmap_mode="r")
        except ValueError as exc:
            if "object" in str(exc).lower() or "pickle" in str(exc).lower():
                raise InputError(f"{path}: the array holds Python objects; a 3D array of integer labels is "
                                 "needed") from None
            if "mmap length" in str(exc):
                raise InputError(f"{path}: truncated .npy file (shorter than its header says)") from None
            raise InputError(f"{path}: not a readable .npy array ({exc})") from None
        except (OSError, EOFError) as exc:
            raise InputError(f"{path}: truncated or damaged .npy file ({exc})") from None
    elif suffix in (".tif", ".tiff"):
        try:
            import tifffile
        except ImportError:
            raise InputError(f"{path}: reading TIFF stacks needs tifffile (pip install tifffile); "
                             "or save the image with numpy.save as .npy") from None
        img = tifffile.imread(path)
    else:
        raise InputError(f"{path}: unknown image format {suffix!r}; give a .npy file (or .tif/.tiff with tifffile)")
    if img.ndim != 3:
        raise InputError(f"{path}: the image is {img.ndim}D with shape {tuple(img.shape)}; a 3D labelled image is needed")
    if img.size > MAX_VOXELS:
        raise InputError(f"{path}: {img.size} voxels is too large (at most {MAX_VOXELS} = 256^3, about 3 GB of memory "
                         "for the solver); crop or downsample it")
    if min(img.shape) < 2:
        raise InputError(f"{path}: every side needs at least 2 voxels, shape is {tuple(img.shape)}")
    if not np.issubdtype(img.dtype, np.integer) and not np.issubdtype(img.dtype, np.bool_):
        raise InputError(f"{path}: labels must be integers, the image holds {img.dtype}")
    return np.asarray(img)


def image_transport(img: np.ndarray, phase: int, axis: int = 2) -> Transport:
    """Transport of one labelled phase of a user's image, refusing images it cannot answer for.

    Raises
    ------
    InputError
        No voxel carries the label, or the phase does not connect the two
        faces normal to ``axis``.
    """
    if axis not in (0, 1, 2):
        raise InputError(f"axis must be 0, 1 or 2 (x, y, z), got {axis!r}")
    cond = img == phase
    if not cond.any():
        labels = np.unique(img)
        raise InputError(f"no voxel has label {phase}; the image holds labels {labels[:20].tolist()}")
    if not percolating(cond, axis).any():
        raise InputError(f"phase {phase} does not connect the two faces normal to axis {'xyz'[axis]} "
                         f"(volume fraction {cond.mean():.3g}): sigma_eff = 0, tortuosity undefined")
    return transport(img, phase, axis=axis)
