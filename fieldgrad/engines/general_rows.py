"""The kernel's general path: any row the fused path cannot take.

Rows next to an axis or pole (taps seen through a mirror), at a one-sided
edge, with metric factors along the innermost axis or uneven spacing are
summed axis by axis into three small buffers, a tile of :data:`TILE` points
at a time, and the buffers then combined and written
(:mod:`fieldgrad.engines.kernels` has the fused path and the region).
"""

from __future__ import annotations

from numba import njit

from .points import UINT, combined, norm2
from .tables import MODE_COMPONENTS, MODE_NORM2, MODE_SUM, PLAIN, VIEW_NDIM

__all__ = ["TILE", "general_row"]

#: Points of a row the general path handles at once (its buffers stay in L1).
TILE = 512


@njit(cache=True, nogil=True)
def _outer_sum(acc, a, u, tab, i, j, ui, uj, x0, m, io2, vector):
    """``acc[a, :m] +=`` the taps of outer axis ``a`` at the ``m`` points from
    ``x0`` of row ``(i, j)``."""
    xa = i if a == 0 else j
    b = UINT(x0 + io2)
    for k in range(tab.counts[a, xa]):
        w = tab.weights[a, k, xa]
        s = tab.sources[a, k, xa]
        mirror = tab.mirrors[a, k, xa]
        if mirror == PLAIN:
            if a == 0:
                for x in range(m):
                    acc[0, x] += w * u[s, uj, b + x]
            else:
                for x in range(m):
                    acc[1, x] += w * u[ui, s, b + x]
            continue
        # seen through a mirror (whole arrays only): the other axes are mapped
        if vector:
            w = w * tab.signs[a, mirror]
        si, sj = (s, tab.perm[0, mirror, 1, j]) if a == 0 else (tab.perm[1, mirror, 0, i], s)
        if tab.inner[a, mirror]:
            for x in range(m):
                acc[a, x] += w * u[si, sj, tab.perm[a, mirror, 2, UINT(x0) + x]]
        else:
            for x in range(m):
                acc[a, x] += w * u[si, sj, UINT(x0) + x]


@njit(cache=True, nogil=True)
def _inner_point(u, tab, i, j, ui, uj, x, vector, zero):
    """The innermost axis's taps at point ``x`` of row ``(i, j)``."""
    total = zero
    for k in range(tab.counts[2, x]):
        w = tab.weights[2, k, x]
        s = tab.sources[2, k, x]
        mirror = tab.mirrors[2, k, x]
        if mirror == PLAIN:
            total += w * u[ui, uj, s]
        else:
            if vector:
                w = w * tab.signs[2, mirror]
            total += w * u[tab.perm[2, mirror, 0, i], tab.perm[2, mirror, 1, j], s]
    return total


@njit(cache=True, nogil=True)
def _inner_sum(acc, u, tab, i, j, ui, uj, x0, x1, io2, vector, zero):
    """``acc[2, :m] +=`` the innermost axis's taps at points ``x0 .. x1`` of row ``(i, j)``."""
    start, stop, half = tab.fast[2, 0], tab.fast[2, 1], tab.fast[2, 2]
    c0 = min(max(start, x0), x1)  # the central windows of this tile
    c1 = max(min(stop, x1), c0)
    m, o, b = UINT(c1 - c0), UINT(c0 - x0), UINT(c0)
    for k in range(2 * half + 1 if c1 > c0 else 0):
        tap = UINT(c0 + io2 - half + k)
        for x in range(m):
            acc[2, o + x] += tab.weights[2, k, b + x] * u[ui, uj, tap + x]
    for x in range(x0, c0):
        acc[2, x - x0] = _inner_point(u, tab, i, j, ui, uj, x, vector, zero)
    for x in range(c1, x1):
        acc[2, x - x0] = _inner_point(u, tab, i, j, ui, uj, x, vector, zero)


@njit(cache=True, nogil=True)
def general_row(out, mode, reg, tab, acc, u0, u1, u2, i, j, vector, r0, r1, r2, zero):
    """Every point of one row, axis by axis into the buffers ``acc``, a tile at a time."""
    ui, uj, io2 = i + reg.io0, j + reg.io1, reg.io2
    oi, oj = i - reg.lo0, j - reg.lo1
    along_inner = not tab.fast[2, 3]  # metric factors vary along the innermost axis
    for x0 in range(reg.lo2, reg.hi2, TILE):
        x1 = min(x0 + TILE, reg.hi2)
        m = UINT(x1 - x0)
        acc[:, : x1 - x0] = 0
        if reg.on0:
            _outer_sum(acc, 0, u0, tab, i, j, ui, uj, x0, m, io2, vector)
        if reg.on1:
            _outer_sum(acc, 1, u1, tab, i, j, ui, uj, x0, m, io2, vector)
        if reg.on2:
            _inner_sum(acc, u2, tab, i, j, ui, uj, x0, x1, io2, vector, zero)
        if along_inner:
            for a in range(VIEW_NDIM):
                for x in range(m):
                    acc[a, x] *= tab.factors[a, 2, UINT(x0) + x]
        _write(out, oi, oj, UINT(x0 - reg.lo2), m, mode, reg.first, acc, r0, r1, r2)


@njit(cache=True, nogil=True)
def _write(out, oi, oj, o, m, mode, first, acc, r0, r1, r2):
    """``m`` points of output row ``(oi, oj)`` from ``o`` on, from the per-axis sums
    ``acc`` and the row's metric factors; one loop per kind of output."""
    if mode == MODE_COMPONENTS:
        for a in range(first, VIEW_NDIM):
            r = r0 if a == 0 else (r1 if a == 1 else r2)
            for x in range(m):
                out[a - first, oi, oj, o + x] = acc[a, x] * r
    elif mode == MODE_SUM:
        for x in range(m):
            out[0, oi, oj, o + x] = acc[0, x] * r0 + acc[1, x] * r1 + acc[2, x] * r2
    elif mode == MODE_NORM2:
        for x in range(m):
            out[0, oi, oj, o + x] = norm2((acc[0, x] * r0, acc[1, x] * r1, acc[2, x] * r2))
    else:
        for x in range(m):
            g0, g1, g2 = acc[0, x] * r0, acc[1, x] * r1, acc[2, x] * r2
            out[0, oi, oj, o + x] = combined(mode, (g0, g1, g2))
