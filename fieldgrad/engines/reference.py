"""The plain reference loop: what the fused kernel computes, one point at a time.

:func:`reference_kernel` walks every point of the output and every tap of
every axis's stencil from the :class:`~fieldgrad.engines.tables.KernelTables`,
with none of the kernel's fused rows, tiles or buffers.  A new operator is
brought up on it: build its tables, check this loop against the numpy
engine, then check the fused kernel
(:func:`~fieldgrad.engines.kernels.run_kernel`) against this loop.  It is
slow (compiled, but serial and without vectorisation); use it on small
grids.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .tables import MODE_COMPONENTS, MODE_NORM1, MODE_NORM2, MODE_SUM, VIEW_NDIM, KernelTables

__all__ = ["reference_kernel"]


@njit(cache=True)
def _tap(u, a, s, mid, point, perm):
    """The value tap ``s`` of axis ``a`` reads at ``point`` (through mirror ``mid``)."""
    idx = point.copy()
    idx[a] = s
    if mid != 0:
        for b in range(VIEW_NDIM):
            if b != a:
                idx[b] = perm[a, mid, b, point[b]]
    return u[idx[0], idx[1], idx[2]]


@njit(cache=True)
def _axis_term(u, a, point, vector, t):
    """``(1/h_a) sum_k w_k u(source_k)`` along axis ``a`` at ``point``."""
    counts, weights, sources, mirrors, perm, signs, factors = t
    x = point[a]
    total = 0.0
    for k in range(counts[a, x]):
        w = weights[a, k, x]
        mid = mirrors[a, k, x]
        if vector and mid != 0:
            w = w * signs[a, mid]
        total += w * _tap(u, a, sources[a, k, x], mid, point, perm)
    for b in range(VIEW_NDIM):
        total *= factors[a, b, point[b]]
    return total


@njit(cache=True)
def _loop(u0, u1, u2, out, mode, vector, first, t):
    point = np.zeros(VIEW_NDIM, dtype=np.intp)
    terms = np.zeros(VIEW_NDIM)
    for i in range(out.shape[1]):
        for j in range(out.shape[2]):
            for m in range(out.shape[3]):
                point[0], point[1], point[2] = i, j, m
                terms[:] = 0.0
                for a in range(first, VIEW_NDIM):
                    u = u0 if a == 0 else (u1 if a == 1 else u2)
                    terms[a] = _axis_term(u, a, point, vector, t)
                if mode == MODE_COMPONENTS:
                    for a in range(first, VIEW_NDIM):
                        out[a - first, i, j, m] = terms[a]
                elif mode == MODE_SUM:
                    out[0, i, j, m] = terms.sum()
                elif mode == MODE_NORM2:
                    out[0, i, j, m] = np.sqrt((terms * terms).sum())
                elif mode == MODE_NORM1:
                    out[0, i, j, m] = np.abs(terms).sum()
                else:
                    out[0, i, j, m] = np.abs(terms).max()


def reference_kernel(tables: KernelTables, inputs: tuple[np.ndarray, ...], mode: int) -> np.ndarray:
    """The kernel's output, computed point by point (values on an axis unfilled).

    ``inputs`` is one scalar array or one array per grid axis (vector
    components, signed across mirrors), as for
    :func:`~fieldgrad.engines.kernels.run_kernel`; the output has a leading
    axis (the components, or one).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.reference import reference_kernel
    >>> from fieldgrad.engines.tables import MODE_NORM2, kernel_tables
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: x + 2 * y, coords="cartesian")
    >>> tables = kernel_tables(grid, "gradient", 2, "float64")
    >>> slow = reference_kernel(tables, (f.data,), MODE_NORM2)
    >>> bool(np.allclose(slow[0], f.gradient_norm().data, rtol=1e-12))
    True
    """
    ndim = inputs[0].ndim
    pad = VIEW_NDIM - ndim
    views = [
        np.ascontiguousarray(u, dtype=np.float64).reshape((1,) * pad + u.shape) for u in inputs
    ]
    u0, u1, u2 = (views * 3)[:3] if len(views) == 1 else [views[0]] * pad + views
    ncomp = ndim if mode == MODE_COMPONENTS else 1
    out = np.zeros((ncomp,) + (1,) * pad + inputs[0].shape)
    t = (
        tables.counts,
        tables.weights.astype(np.float64),
        tables.sources,
        tables.mirrors,
        tables.perm,
        tables.signs.astype(np.float64),
        tables.factors.astype(np.float64),
    )
    _loop(u0, u1, u2, out, mode, len(inputs) > 1, pad, t)
    return out.reshape((ncomp,) + inputs[0].shape)
