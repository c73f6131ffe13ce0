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
  divergence, curl).  The taps are tuples of sources and weights (a
  compile-time length), so the loop compiles to straight vector code.
* **general** - any other row (:mod:`fieldgrad.engines.general_rows`).

What the kernel does at one point, and the conventions of its loops, are in
:mod:`fieldgrad.engines.points`.

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

from .general_rows import TILE, general_row
from .points import UINT, norm1, norm2, norminf, store
from .tables import (
    FUSED_WIDTHS,
    MODE_COMPONENTS,
    MODE_NORM1,
    MODE_NORM2,
    MODE_NORMINF,
    MODE_SUM,
    NORM_MODES,
    VIEW_NDIM,
    FlatTables,  # noqa: F401 - the former name, which old on-disk caches look up here
    KernelTables,
    fused_plan,
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
        total += w[k] * u[ui, uj, x + UINT(k)]
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
            out[0, oi, oj, o + x] = norm2(g0, g1, g2)
    elif mode == MODE_SUM:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = g0 + g1 + g2
    elif mode == MODE_NORM1:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = norm1(g0, g1, g2)
    elif mode == MODE_NORMINF:
        for x in range(m):
            g0, g1, g2 = _terms(u0, u1, u2, row, x)
            out[0, oi, oj, o + x] = norminf(g0, g1, g2)
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
    return (i - reg.lo0, j - reg.lo1, i + reg.io0, j + reg.io1, taps0, taps1, w2, UINT(start),
            UINT(first_tap), on, r0, r1, r2, zero)  # fmt: skip


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
        store(out, oi, oj, x - lo2, mode, first, g0 * r0, g1 * r1, g2 * r2)


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
            general_row(out, mode, reg, tab, acc, u0, u1, u2, i, j, vector, r0, r1, r2, zero)
            continue
        x0, x1 = (i if reg.on0 else 0), (j if reg.on1 else 0)
        o, m = UINT(reg.f0 - reg.lo2), UINT(reg.f1 - reg.f0)
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
    plan = tables.plan if block is None else fused_plan(tab)
    on0, on1, on2 = plan.on
    f0 = min(max(plan.start, lows[2]), highs[2])  # the window's points in the region
    f1 = max(min(plan.stop, highs[2]), f0)
    width = plan.width
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
