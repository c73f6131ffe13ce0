"""The compiled stencil kernel: one kernel for every grid, operator and dimension.

The kernel sees an array as 3-D (a grid of fewer axes fills the last view
axes) and walks it row by row along the innermost axis.  What each axis does
comes entirely from the tables of :mod:`fieldgrad.engines.tables`
(:class:`~fieldgrad.engines.tables.KernelArrays`); the kernel knows no grid.
A row takes one of two paths:

* **fused** - every axis that takes part reads a window of the same width
  (3 or 5) from unmirrored rows, and the innermost axis's window has the same
  weights at every point.  One loop then reads each input value once per tap,
  computes every derivative, applies the row's metric factors and writes the
  components, their 1-, 2- or inf-norm, or their sum (Laplacian,
  divergence, curl).  The taps are tuples of row views and weights, so the
  loop compiles to straight vector code.
* **general** - any other row (next to an axis or pole, at a one-sided edge,
  metric factors along the innermost axis, uneven spacing) is summed axis by
  axis into three small buffers, a tile at a time, taps seen through a mirror
  reading the other axes through the mirror's index map; the buffers are
  then combined.

:func:`fieldgrad.engines.reference.reference_kernel` computes the same from
the same tables one point at a time; a new operator is brought up there first.

The output region may be a part of the grid (the rows a fill across an axis
needs), and the input a chunk that already holds its ghosts (the dask
engine).  The kernel is compiled once per dtype (float32, float64), serially
and with ``prange``, and cached on disk.
"""

from __future__ import annotations

import os
import threading
from typing import NamedTuple

import numba
import numpy as np
from numba import njit, prange

from .tables import (
    MODE_COMPONENTS,
    MODE_NORM1,
    MODE_NORM2,
    MODE_NORMINF,
    MODE_SUM,
    NORM_MODES,
    PLAIN,
    VIEW_NDIM,
    FlatTables,  # noqa: F401 - the former name, which old on-disk caches look up here
    KernelArrays,
    KernelTables,
)

__all__ = [
    "MODE_COMPONENTS",
    "MODE_NORM1",
    "MODE_NORM2",
    "MODE_NORMINF",
    "MODE_SUM",
    "NORM_MODES",
    "FUSED_WIDTHS",
    "Region",
    "run_kernel",
]

#: Chunks of rows per thread of the parallel kernel.
CHUNKS_PER_THREAD = 2
#: Smallest output (points) worth running on several threads.
PARALLEL_MIN_SIZE = 100_000
#: Points of a row the general path handles at once (its buffers stay in L1).
TILE = 512
#: Stencil widths the fused path is compiled for (order 2 and 4 windows).
FUSED_WIDTHS = (3, 5)


class Region(NamedTuple):
    """Where and how the kernel works, in the 3-D view.

    The output region is ``lo .. hi`` (grid indices); ``io`` are the offsets
    from grid to input indices (a chunk holding ghosts and halo).  ``on``
    says which axes take part (an axis the grid lacks, or the curl's third
    axis, has no taps); ``first`` is the first view axis the grid occupies.
    Rows may be fused with windows of ``width`` taps (0: never) over the
    points ``f0 .. f1`` of the innermost axis.
    """

    lo0: int
    lo1: int
    lo2: int
    hi0: int
    hi1: int
    hi2: int
    io0: int
    io1: int
    io2: int
    on0: bool
    on1: bool
    on2: bool
    first: int
    width: int
    f0: int
    f1: int


_LAUNCH = threading.Lock()
#: Whether this process was forked from one whose OpenMP threads were running:
#: GNU OpenMP cannot start again in the child, so it runs the serial kernel.
_FORKED_FROM_OPENMP = False


def _after_fork_in_child() -> None:
    global _FORKED_FROM_OPENMP
    try:
        _FORKED_FROM_OPENMP = _FORKED_FROM_OPENMP or numba.threading_layer() == "omp"
    except ValueError:  # no thread pool was started before the fork
        pass


os.register_at_fork(after_in_child=_after_fork_in_child)


# ---------------------------------------------------------------- conventions
#
# Hot loops run over ``range(m)`` with ``m`` unsigned and index the 3-D
# arrays directly (no views: a view costs reference counting per row).  An
# unsigned index needs no negative-index wrap-around, so numba emits plain
# contiguous loads and the loops vectorise.  Every index of a row that does
# not change along it (``ui``, ``uj``, the outer taps' sources) stays signed.
# Small helpers are inlined (``inline="always"``): a call per row or point
# with array arguments would cost more than the work.

_U = np.uint64


# ---------------------------------------------------------------- one point


@njit(cache=True, nogil=True, inline="always")
def _norm2(g0, g1, g2):
    return np.sqrt(g0 * g0 + g1 * g1 + g2 * g2)


@njit(cache=True, nogil=True, inline="always")
def _norm1(g0, g1, g2):
    return abs(g0) + abs(g1) + abs(g2)


@njit(cache=True, nogil=True, inline="always")
def _norminf(g0, g1, g2):
    """The largest magnitude; a NaN term makes it NaN."""
    big = abs(g0)
    g = abs(g1)
    if big == big and not g <= big:
        big = g
    g = abs(g2)
    if big == big and not g <= big:
        big = g
    return big


@njit(cache=True, nogil=True, inline="always")
def _combined(mode, g0, g1, g2):
    """The norm (``mode`` 1, 2, 3) or the sum (4) of one point's three terms."""
    if mode == MODE_NORM2:
        return _norm2(g0, g1, g2)
    if mode == MODE_NORM1:
        return _norm1(g0, g1, g2)
    if mode == MODE_SUM:
        return g0 + g1 + g2
    return _norminf(g0, g1, g2)


@njit(cache=True, nogil=True, inline="always")
def _store(out, oi, oj, x, mode, first, g0, g1, g2):
    """Write point ``x`` of output row ``(oi, oj)``: the combination, or the
    components of the axes from ``first`` on (one slab each)."""
    if mode != MODE_COMPONENTS:
        out[0, oi, oj, x] = _combined(mode, g0, g1, g2)
    elif first == 0:
        out[0, oi, oj, x], out[1, oi, oj, x], out[2, oi, oj, x] = g0, g1, g2
    elif first == 1:
        out[0, oi, oj, x], out[1, oi, oj, x] = g1, g2
    else:
        out[0, oi, oj, x] = g2


# ---------------------------------------------------------------- fused rows


@njit(cache=True, nogil=True)
def _across0(w, s, u, uj, x):
    """``sum_k w[k] u[s[k], uj, x]``: the taps of axis 0 at point ``x``."""
    total = w[0] * u[s[0], uj, x]
    for k in range(1, len(w)):
        total += w[k] * u[s[k], uj, x]
    return total


@njit(cache=True, nogil=True)
def _across1(w, s, u, ui, x):
    """``sum_k w[k] u[ui, s[k], x]``: the taps of axis 1 at point ``x``."""
    total = w[0] * u[ui, s[0], x]
    for k in range(1, len(w)):
        total += w[k] * u[ui, s[k], x]
    return total


@njit(cache=True, nogil=True)
def _along(w, u, ui, uj, x):
    """``sum_k w[k] u[ui, uj, x + k]``: the innermost window whose first tap is ``x``."""
    total = w[0] * u[ui, uj, x]
    for k in range(1, len(w)):
        total += w[k] * u[ui, uj, x + _U(k)]
    return total


@njit(cache=True, nogil=True, inline="always")
def _taps3(tab, a, x):
    """Sources and weights of the three taps of axis ``a`` at ``x``, as tuples
    (a compile-time length, so the tap loops unroll)."""
    s, w = tab.sources, tab.weights
    return (s[a, 0, x], s[a, 1, x], s[a, 2, x]), (w[a, 0, x], w[a, 1, x], w[a, 2, x])


@njit(cache=True, nogil=True, inline="always")
def _taps5(tab, a, x):
    """Sources and weights of the five taps of axis ``a`` at ``x``, as tuples."""
    s, w = tab.sources, tab.weights
    return (
        (s[a, 0, x], s[a, 1, x], s[a, 2, x], s[a, 3, x], s[a, 4, x]),
        (w[a, 0, x], w[a, 1, x], w[a, 2, x], w[a, 3, x], w[a, 4, x]),
    )


@njit(cache=True, nogil=True)
def _terms(u0, u1, u2, row, x):
    """The three axes' terms at point ``x`` of a fused window (see :func:`_fused_window`)."""
    oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, on, r0, r1, r2, zero = row
    s0, w0 = taps0
    s1, w1 = taps1
    g0 = _across0(w0, s0, u0, uj, start + x) * r0 if on[0] else zero
    g1 = _across1(w1, s1, u1, ui, start + x) * r1 if on[1] else zero
    g2 = _along(w2, u2, ui, uj, first_tap + x) * r2 if on[2] else zero
    return g0, g1, g2


@njit(cache=True, nogil=True)
def _fused_window(out, o, m, mode, first, u0, u1, u2, row):
    """``m`` points of a row whose axes all read windows of one width, written
    from ``out[:, oi, oj, o]`` on.

    ``row`` holds (no arrays: those are unpacked once, outside the loop) the
    output and input indices of the row ``oi, oj, ui, uj``, the outer
    axes' taps (sources, weights), the innermost window's weights (the same
    at every point), the input index of the first point and of its first
    innermost tap, which axes take part, the row's metric factors and a zero.
    One loop per kind of output, so that each compiles to straight vector code.
    """
    oi, oj = row[0], row[1]
    if mode == MODE_NORM2:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = _norm2(g0, g1, g2)
    elif mode == MODE_SUM:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = g0 + g1 + g2
    elif mode == MODE_NORM1:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = _norm1(g0, g1, g2)
    elif mode == MODE_NORMINF:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = _norminf(g0, g1, g2)
    elif first == 0:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x], out[1, oi, oj, o + x], out[2, oi, oj, o + x] = g0, g1, g2
    elif first == 1:
        for x in range(m):
            _, out[0, oi, oj, o + x], out[1, oi, oj, o + x] = _terms(u0, u1, u2, row, x)
    else:
        for x in range(m):
            out[0, oi, oj, o + x] = _terms(u0, u1, u2, row, x)[2]


@njit(cache=True, nogil=True, inline="always")
def _fused_row(reg, i, j, taps, r0, r1, r2, zero):
    """What :func:`_fused_window` needs of row ``(i, j)``: its indices, ``taps``
    (the outer axes' sources and weights and the innermost weights), metric
    factors and a zero."""
    taps0, taps1, w2 = taps
    start = reg.f0 + reg.io2
    first_tap = start - len(w2) // 2
    on = (reg.on0, reg.on1, reg.on2)
    return (i - reg.lo0, j - reg.lo1, i + reg.io0, j + reg.io1, taps0, taps1, w2, _U(start),
            _U(first_tap), on, r0, r1, r2, zero)  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def _fused_ends(out, mode, reg, tab, u0, u1, u2, i, j, r0, r1, r2, zero):
    """The points of a fused row outside the innermost window (one-sided edges),
    tap by tap from the tables."""
    counts, weights, sources = tab.counts, tab.weights, tab.sources
    ui, uj = i + reg.io0, j + reg.io1
    oi, oj = i - reg.lo0, j - reg.lo1
    lo2, f0, f1, io2, first = reg.lo2, reg.f0, reg.f1, reg.io2, reg.first
    before = f0 - lo2
    for p in range(before + reg.hi2 - f1):
        x = lo2 + p if p < before else f1 + p - before
        ux = x + io2
        g0 = g1 = g2 = zero
        for k in range(counts[0, i]):
            g0 += weights[0, k, i] * u0[sources[0, k, i], uj, ux]
        for k in range(counts[1, j]):
            g1 += weights[1, k, j] * u1[ui, sources[1, k, j], ux]
        for k in range(counts[2, x]):
            g2 += weights[2, k, x] * u2[ui, uj, sources[2, k, x]]
        _store(out, oi, oj, x - lo2, mode, first, g0 * r0, g1 * r1, g2 * r2)


# ---------------------------------------------------------------- general rows


@njit(cache=True, nogil=True)
def _outer_sum(acc, a, u, tab, i, j, ui, uj, x0, m, io2, vector):
    """``acc[a, :m] +=`` the taps of outer axis ``a`` at the ``m`` points from
    ``x0`` of row ``(i, j)``."""
    xa = i if a == 0 else j
    b = _U(x0 + io2)
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
                acc[a, x] += w * u[si, sj, tab.perm[a, mirror, 2, _U(x0) + x]]
        else:
            for x in range(m):
                acc[a, x] += w * u[si, sj, _U(x0) + x]


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
    m, o, b = _U(c1 - c0), _U(c0 - x0), _U(c0)
    for k in range(2 * half + 1 if c1 > c0 else 0):
        tap = _U(c0 + io2 - half + k)
        for x in range(m):
            acc[2, o + x] += tab.weights[2, k, b + x] * u[ui, uj, tap + x]
    for x in range(x0, c0):
        acc[2, x - x0] = _inner_point(u, tab, i, j, ui, uj, x, vector, zero)
    for x in range(c1, x1):
        acc[2, x - x0] = _inner_point(u, tab, i, j, ui, uj, x, vector, zero)


@njit(cache=True, nogil=True)
def _general_row(out, mode, reg, tab, acc, u0, u1, u2, i, j, vector, r0, r1, r2, zero):
    """Every point of one row, axis by axis into the buffers ``acc``, a tile at a time."""
    ui, uj, io2 = i + reg.io0, j + reg.io1, reg.io2
    oi, oj = i - reg.lo0, j - reg.lo1
    along_inner = not tab.fast[2, 3]  # metric factors vary along the innermost axis
    for x0 in range(reg.lo2, reg.hi2, TILE):
        x1 = min(x0 + TILE, reg.hi2)
        m = _U(x1 - x0)
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
                    acc[a, x] *= tab.factors[a, 2, _U(x0) + x]
        _write(out, oi, oj, _U(x0 - reg.lo2), m, mode, reg.first, acc, r0, r1, r2)


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
            out[0, oi, oj, o + x] = _norm2(acc[0, x] * r0, acc[1, x] * r1, acc[2, x] * r2)
    else:
        for x in range(m):
            g0, g1, g2 = acc[0, x] * r0, acc[1, x] * r1, acc[2, x] * r2
            out[0, oi, oj, o + x] = _combined(mode, g0, g1, g2)


# ---------------------------------------------------------------- the region


@njit(cache=True, nogil=True, inline="always")
def _fusable(tab, reg, i, j):
    """Whether row ``(i, j)`` takes the fused path: every outer axis that takes
    part reads ``width`` unmirrored taps there."""
    if reg.width == 0 or reg.f1 <= reg.f0:
        return False
    if reg.on0 and (tab.counts[0, i] != reg.width or not tab.plain[0, i]):
        return False
    return not (reg.on1 and (tab.counts[1, j] != reg.width or not tab.plain[1, j]))


@njit(cache=True, nogil=True)
def _rows(u0, u1, u2, out, mode, vector, reg, tab, t0, t1):
    """Rows ``t0 .. t1`` (counted over the two outer axes) of the output region.

    ``out`` is ``(components, m0, m1, m2)`` for the region; ``u*`` are the
    inputs of the three axes' terms (the same array for a scalar field).
    """
    m1 = reg.hi1 - reg.lo1
    acc = np.zeros((VIEW_NDIM, TILE), dtype=out.dtype)
    zero = acc[0, 0]
    f = tab.factors
    for t in range(t0, t1):
        i = reg.lo0 + t // m1
        j = reg.lo1 + t % m1
        r0, r1, r2 = f[0, 0, i] * f[0, 1, j], f[1, 0, i] * f[1, 1, j], f[2, 0, i] * f[2, 1, j]
        if not _fusable(tab, reg, i, j):
            _general_row(out, mode, reg, tab, acc, u0, u1, u2, i, j, vector, r0, r1, r2, zero)
            continue
        x0, x1 = (i if reg.on0 else 0), (j if reg.on1 else 0)
        o, m = _U(reg.f0 - reg.lo2), _U(reg.f1 - reg.f0)
        if reg.width == 3:
            taps = (_taps3(tab, 0, x0), _taps3(tab, 1, x1), _taps3(tab, 2, reg.f0)[1])
            row = _fused_row(reg, i, j, taps, r0, r1, r2, zero)
            _fused_window(out, o, m, mode, reg.first, u0, u1, u2, row)
        else:
            taps = (_taps5(tab, 0, x0), _taps5(tab, 1, x1), _taps5(tab, 2, reg.f0)[1])
            row = _fused_row(reg, i, j, taps, r0, r1, r2, zero)
            _fused_window(out, o, m, mode, reg.first, u0, u1, u2, row)
        if reg.lo2 < reg.f0 or reg.f1 < reg.hi2:
            _fused_ends(out, mode, reg, tab, u0, u1, u2, i, j, r0, r1, r2, zero)


@njit(cache=True, nogil=True, parallel=True)
def _run_parallel(u0, u1, u2, out, mode, vector, reg, tab, nchunks):
    rows = (reg.hi0 - reg.lo0) * (reg.hi1 - reg.lo1)
    for c in prange(nchunks):
        _rows(u0, u1, u2, out, mode, vector, reg, tab, c * rows // nchunks,
              (c + 1) * rows // nchunks)  # fmt: skip


@njit(cache=True, nogil=True)
def _run_serial(u0, u1, u2, out, mode, vector, reg, tab):
    rows = (reg.hi0 - reg.lo0) * (reg.hi1 - reg.lo1)
    _rows(u0, u1, u2, out, mode, vector, reg, tab, np.int64(0), rows)


def _fusing(tab: KernelArrays, on: tuple[bool, ...], lo2: int, hi2: int) -> tuple[int, int, int]:
    """``(width, f0, f1)``: the fused path's window width (0: none) and the
    points of each row where the innermost window applies."""
    start, stop, half, flat, uniform = (int(v) for v in tab.fast[2])
    if not flat:
        return 0, 0, 0
    if on[2]:
        width = 2 * half + 1
        if not uniform or width not in FUSED_WIDTHS:
            return 0, 0, 0
        f0 = min(max(start, lo2), hi2)
        return width, f0, max(min(stop, hi2), f0)
    # the width of the stencils in the middle of each outer axis that takes part
    widths = {int(tab.counts[a, np.count_nonzero(tab.counts[a]) // 2]) for a in range(2) if on[a]}
    width = widths.pop() if len(widths) == 1 else 0
    return (width, lo2, hi2) if width in FUSED_WIDTHS else (0, 0, 0)


def run_kernel(
    tables: KernelTables,
    inputs: tuple[np.ndarray, ...],
    out: np.ndarray,
    mode: int,
    *,
    lo: tuple[int, ...] | None = None,
    hi: tuple[int, ...] | None = None,
    block: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    parallel: bool = True,
) -> np.ndarray:
    """Run the kernel on C-contiguous arrays of the grid's ``ndim``.

    ``inputs`` is one scalar array, or one vector component per axis (their
    signs flip across mirrors).  ``out`` is C-contiguous with a leading axis
    (one slab per component, or one) and the shape of the region ``lo .. hi``
    (grid indices; the whole grid by default).  ``block`` runs on a chunk
    that already holds its ghosts and halo: ``(ioff, sources, fast)``, the
    offsets from grid to chunk indices per axis and the tables in the chunk's
    own indices.  Large outputs run on all threads unless another thread is
    already running the parallel kernel, or the process was forked from one
    running GNU OpenMP threads; then this call runs serially.
    """
    ndim = inputs[0].ndim
    pad = VIEW_NDIM - ndim
    views = [u.reshape((1,) * pad + u.shape) for u in inputs]
    u0, u1, u2 = (views * 3)[:3] if len(views) == 1 else [views[0]] * pad + views
    shape = (1,) * pad + tuple(inputs[0].shape)
    lows = (0,) * 3 if lo is None else (0,) * pad + tuple(lo)
    highs = shape if hi is None else (1,) * pad + tuple(hi)
    ioffs: tuple[int, ...] = (0, 0, 0)
    if block is None:
        tab = tables.whole
    else:
        ioff, sources, fast = block
        ioffs = tuple(int(i) for i in ioff)
        tab = tables.arrays(sources, np.zeros_like(sources), np.ones_like(tables.plain), fast)
    on0, on1, on2 = on = tuple(bool(tab.counts[a].any()) for a in range(VIEW_NDIM))
    width, f0, f1 = _fusing(tab, on, lows[2], highs[2])
    lo0, lo1, lo2 = (int(v) for v in lows)
    hi0, hi1, hi2 = (int(v) for v in highs)
    io0, io1, io2 = ioffs
    reg = Region(lo0, lo1, lo2, hi0, hi1, hi2, io0, io1, io2, on0, on1, on2, pad, width, f0, f1)
    region = tuple(h - s for s, h in zip(lows, highs, strict=True))
    args = (u0, u1, u2, out.reshape((out.shape[0], *region)), mode, len(inputs) > 1, reg, tab)
    rows = region[0] * region[1]
    big = out.size >= PARALLEL_MIN_SIZE * out.shape[0] and rows > 1
    if parallel and big and not _FORKED_FROM_OPENMP and _LAUNCH.acquire(blocking=False):
        try:
            nchunks = min(rows, CHUNKS_PER_THREAD * numba.get_num_threads())
            _run_parallel(*args, nchunks)
        finally:
            _LAUNCH.release()
    else:
        _run_serial(*args)
    return out
