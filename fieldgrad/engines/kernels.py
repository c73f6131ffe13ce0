"""The compiled stencil kernel: one kernel for every grid, operator and dimension.

The kernel sees an array as 3-D (a grid of fewer axes fills the last view
axes) and walks it row by row along the innermost axis.  What each axis does
comes entirely from the tables of :mod:`fieldgrad.engines.tables`
(:class:`~fieldgrad.engines.tables.KernelArrays`); the kernel knows no grid.
A row takes one of two paths:

* **fused** - every axis that takes part reads a window of the same width
  (3 or 5) from unmirrored rows, and the innermost axis's window has the same
  weights at every point.  Consecutive fused rows run together: per row one
  loop reads each input value once per tap, computes every derivative,
  applies the row's metric factors and writes the components, their 1-, 2-
  or inf-norm, or their sum (Laplacian, divergence, curl).  The taps are
  tuples of sources and weights (a compile-time length), and the axes
  computed are fixed per compiled function (those of a 3-D, 2-D or 1-D
  grid, or any, checked per point, for sums), so the loop compiles to
  straight vector code.
* **general** - any other row (:mod:`fieldgrad.engines.general_rows`).

What the kernel does at one point, and the conventions of its loops, are in
:mod:`fieldgrad.engines.points`.

:func:`fieldgrad.engines.reference.reference_kernel` computes the same from
the same tables one point at a time; a new operator is brought up there first.

The output region may be a part of the grid (the rows a fill across an axis
needs), and the input a chunk that already holds its ghosts (the dask
engine).  The kernel is compiled once per dtype (float32, float64) and
cached on disk; it releases the GIL, and large outputs run in chunks of rows
on a thread pool (numba's thread count, :func:`numba.get_num_threads`).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import NamedTuple

import numba
import numpy as np
from numba import njit

from .general_rows import TILE, general_row
from .points import UINT, components, put_norm1, put_norm2, put_norminf, put_total, store
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

#: Chunks of rows per thread of a parallel run (threads take them as they come
#: free: rows next to an axis or pole cost more).
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


#: Held while a call runs on the thread pool; a call that finds it taken (from
#: another thread, e.g. dask's) runs serially in its own thread instead.
_LAUNCH = threading.Lock()
_POOL: ThreadPoolExecutor | None = None
_POOL_KEY = (0, 0)


def _pool(threads: int) -> ThreadPoolExecutor:
    """The kernel's thread pool, made again in a forked child (whose threads did
    not survive the fork) or for another thread count."""
    global _POOL, _POOL_KEY
    key = (os.getpid(), threads)
    if _POOL is None or _POOL_KEY != key:
        if _POOL is not None and _POOL_KEY[0] == key[0]:
            _POOL.shutdown(wait=False)
        _POOL = ThreadPoolExecutor(threads, thread_name_prefix="fieldgrad-kernel")
        _POOL_KEY = key
    return _POOL


# ---------------------------------------------------------------- fused rows


@njit(cache=True, nogil=True, inline="always")
def _across0(w, s, u, uj, x):
    """``sum_k w[k] u[s[k], uj, x]``: the taps of axis 0 at point ``x``."""
    total = w[0] * u[s[0], uj, x]
    for k in range(1, len(w)):
        total += w[k] * u[s[k], uj, x]
    return total


@njit(cache=True, nogil=True, inline="always")
def _across1(w, s, u, ui, x):
    """``sum_k w[k] u[ui, s[k], x]``: the taps of axis 1 at point ``x``."""
    total = w[0] * u[ui, s[0], x]
    for k in range(1, len(w)):
        total += w[k] * u[ui, s[k], x]
    return total


@njit(cache=True, nogil=True, inline="always")
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


@njit(cache=True, nogil=True, inline="always")
def _terms3(u0, u1, u2, row, x, reg, zero):
    """The terms of a fused window at point ``x`` on a 3-D grid."""
    oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, r0, r1, r2 = row
    s0, w0 = taps0
    s1, w1 = taps1
    g0 = _across0(w0, s0, u0, uj, start + x) * r0
    g1 = _across1(w1, s1, u1, ui, start + x) * r1
    return g0, g1, _along(w2, u2, ui, uj, first_tap + x) * r2


@njit(cache=True, nogil=True, inline="always")
def _terms2(u0, u1, u2, row, x, reg, zero):
    """The terms of a fused window at point ``x`` on a 2-D grid (view axes 1, 2)."""
    oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, r0, r1, r2 = row
    s1, w1 = taps1
    return _across1(w1, s1, u1, ui, start + x) * r1, _along(w2, u2, ui, uj, first_tap + x) * r2


@njit(cache=True, nogil=True, inline="always")
def _terms1(u0, u1, u2, row, x, reg, zero):
    """The term of a fused window at point ``x`` on a 1-D grid (view axis 2)."""
    oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, r0, r1, r2 = row
    return (_along(w2, u2, ui, uj, first_tap + x) * r2,)


@njit(cache=True, nogil=True, inline="always")
def _terms_on(u0, u1, u2, row, x, reg, zero):
    """The terms of the axes that take part, zero for the others (the curl's
    second and third components in 3-D): the flags are checked per point."""
    oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, r0, r1, r2 = row
    s0, w0 = taps0
    s1, w1 = taps1
    g0 = _across0(w0, s0, u0, uj, start + x) * r0 if reg.on0 else zero
    g1 = _across1(w1, s1, u1, ui, start + x) * r1 if reg.on1 else zero
    g2 = _along(w2, u2, ui, uj, first_tap + x) * r2 if reg.on2 else zero
    return g0, g1, g2


@njit(cache=True, nogil=True, inline="always")
def _row_factors(tab, i, j):
    """The metric factors of row ``(i, j)``, one per axis's term (the products of
    the 1-D factors along the two outer axes)."""
    f = tab.factors
    return f[0, 0, i] * f[0, 1, j], f[1, 0, i] * f[1, 1, j], f[2, 0, i] * f[2, 1, j]


@njit(cache=True, nogil=True, inline="always")
def _fused_row(reg, tab, i, j, taps_of):
    """What the fused loops need of row ``(i, j)``: its output and input
    indices, the outer axes' taps (sources, weights) and the innermost
    window's weights, the input index of the first point and of its first
    innermost tap, and the row's metric factors (no arrays: those are
    unpacked once, outside the loops)."""
    r0, r1, r2 = _row_factors(tab, i, j)
    taps0 = taps_of(tab, 0, i if reg.on0 else 0)
    taps1 = taps_of(tab, 1, j if reg.on1 else 0)
    w2 = taps_of(tab, 2, reg.f0)[1]
    start = reg.f0 + reg.io2
    first_tap = start - len(w2) // 2
    return (i - reg.lo0, j - reg.lo1, i + reg.io0, j + reg.io1, taps0, taps1, w2, UINT(start),
            UINT(first_tap), r0, r1, r2)  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def _next_row(reg, i, j):
    """The row after ``(i, j)`` in the region."""
    j += 1
    if j == reg.hi1:
        return i + 1, reg.lo1
    return i, j


@njit(cache=True, nogil=True, inline="always")
def _end_along(tab, u2, ui, uj, x, zero):
    """The innermost axis's taps at point ``x`` of a row outside its window
    (one-sided, or across the periodic seam), from the tables."""
    total = zero
    for k in range(tab.counts[2, x]):
        total += tab.weights[2, k, x] * u2[ui, uj, tab.sources[2, k, x]]
    return total


@njit(cache=True, nogil=True, inline="always")
def _window(out, reg, u0, u1, u2, row, terms, put, zero):
    """The innermost window of a fused row, in one vector loop.  ``put`` writes a
    point's terms (the components, their norm or their sum:
    :mod:`fieldgrad.engines.points`)."""
    oi, oj = row[0], row[1]
    o, m = UINT(reg.f0 - reg.lo2), UINT(reg.f1 - reg.f0)
    for x in range(m):
        put(out, oi, oj, o + x, terms(u0, u1, u2, row, x, reg, zero))


@njit(cache=True, nogil=True, inline="always")
def _sum_rows(out, reg, tab, u0, u1, u2, i, j, n, taps_of, terms, zero):
    """The sums of the terms (Laplacian, divergence, curl) of ``n`` fused rows
    from ``(i, j)`` on (see :func:`_fused_rows`)."""
    for _ in range(n):
        row = _fused_row(reg, tab, i, j, taps_of)
        _window(out, reg, u0, u1, u2, row, terms, put_total, zero)
        i, j = _next_row(reg, i, j)


@njit(cache=True, nogil=True, inline="always")
def _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, taps_of, terms, zero):
    """``n`` fused rows from ``(i, j)`` on.

    ``taps_of`` reads one axis's taps as tuples (:func:`_taps3`,
    :func:`_taps5`) and ``terms`` computes the terms of the grid's axes at a
    point (:func:`_terms3`, :func:`_terms2`, :func:`_terms1`); both are
    compile-time choices, so that each loop compiles to straight vector code.
    One loop per kind of output.
    """
    if mode == MODE_SUM:
        _sum_rows(out, reg, tab, u0, u1, u2, i, j, n, taps_of, terms, zero)
        return
    for _ in range(n):
        row = _fused_row(reg, tab, i, j, taps_of)
        if mode == MODE_NORM2:
            _window(out, reg, u0, u1, u2, row, terms, put_norm2, zero)
        elif mode == MODE_NORM1:
            _window(out, reg, u0, u1, u2, row, terms, put_norm1, zero)
        elif mode == MODE_NORMINF:
            _window(out, reg, u0, u1, u2, row, terms, put_norminf, zero)
        else:
            _window(out, reg, u0, u1, u2, row, terms, components, zero)
        i, j = _next_row(reg, i, j)


@njit(cache=True, nogil=True, inline="always")
def _fused_ends(out, mode, reg, tab, u0, u1, u2, i, j, n, taps_of, zero):
    """The points of ``n`` fused rows from ``(i, j)`` on outside their windows
    (one-sided, or across the periodic seam): the outer axes' taps from the
    row's tuples, read at the point, and the innermost axis's from the tables."""
    before = reg.f0 - reg.lo2
    for _ in range(n):
        oi, oj, ui, uj, taps0, taps1, w2, start, first_tap, r0, r1, r2 = _fused_row(
            reg, tab, i, j, taps_of
        )
        s0, w0 = taps0
        s1, w1 = taps1
        for p in range(before + reg.hi2 - reg.f1):
            x = reg.lo2 + p if p < before else reg.f1 + p - before
            ux = x + reg.io2
            g0 = _across0(w0, s0, u0, uj, ux) * r0 if reg.on0 else zero
            g1 = _across1(w1, s1, u1, ui, ux) * r1 if reg.on1 else zero
            g2 = _end_along(tab, u2, ui, uj, x, zero) * r2 if reg.on2 else zero
            store(out, oi, oj, x - reg.lo2, mode, reg.first, g0, g1, g2)
        i, j = _next_row(reg, i, j)


# One compiled function per width and set of axes, so that each inner loop
# compiles to straight vector code: every axis taking part (a 3-D grid), view
# axes 1 and 2 (a 2-D grid, the curl's first component in 3-D), view axis 2
# (a 1-D grid), and sums of any axes (the curl's other components in 3-D),
# checked per point.


@njit(cache=True, nogil=True)
def _rows3_w3(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps3, _terms3, zero)


@njit(cache=True, nogil=True)
def _rows3_w5(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps5, _terms3, zero)


@njit(cache=True, nogil=True)
def _rows2_w3(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps3, _terms2, zero)


@njit(cache=True, nogil=True)
def _rows2_w5(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps5, _terms2, zero)


@njit(cache=True, nogil=True)
def _rows1_w3(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps3, _terms1, zero)


@njit(cache=True, nogil=True)
def _rows1_w5(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_rows(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps5, _terms1, zero)


@njit(cache=True, nogil=True)
def _sums_w3(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _sum_rows(out, reg, tab, u0, u1, u2, i, j, n, _taps3, _terms_on, zero)


@njit(cache=True, nogil=True)
def _sums_w5(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _sum_rows(out, reg, tab, u0, u1, u2, i, j, n, _taps5, _terms_on, zero)


@njit(cache=True, nogil=True)
def _ends_w3(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_ends(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps3, zero)


@njit(cache=True, nogil=True)
def _ends_w5(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    _fused_ends(out, mode, reg, tab, u0, u1, u2, i, j, n, _taps5, zero)


@njit(cache=True, nogil=True, inline="always")
def _fused(out, mode, reg, tab, u0, u1, u2, i, j, n, zero):
    """``n`` fused rows from ``(i, j)`` on: the windows, then the ends."""
    args = (out, mode, reg, tab, u0, u1, u2, i, j, n, zero)
    if reg.on0 and reg.on1 and reg.on2:
        _rows3_w3(*args) if reg.width == 3 else _rows3_w5(*args)
    elif not reg.on0 and reg.on1 and reg.on2:
        _rows2_w3(*args) if reg.width == 3 else _rows2_w5(*args)
    elif not reg.on0 and not reg.on1 and reg.on2:
        _rows1_w3(*args) if reg.width == 3 else _rows1_w5(*args)
    else:
        _sums_w3(*args) if reg.width == 3 else _sums_w5(*args)
    if reg.lo2 < reg.f0 or reg.f1 < reg.hi2:
        _ends_w3(*args) if reg.width == 3 else _ends_w5(*args)


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
    """Rows ``t0 .. t1`` (counted over the two outer axes) of the output region,
    runs of fused rows together.

    ``out`` is ``(components, m0, m1, m2)`` for the region; ``u*`` are the
    inputs of the three axes' terms (the same array for a scalar field).
    """
    m1 = reg.hi1 - reg.lo1
    acc = np.zeros((VIEW_NDIM, TILE), dtype=out.dtype)
    zero = acc[0, 0]
    i, j = reg.lo0 + t0 // m1, reg.lo1 + t0 % m1
    t = t0
    while t < t1:
        n, ni, nj = 0, i, j
        while t + n < t1 and _fusable(tab, reg, ni, nj):
            n += 1
            ni, nj = _next_row(reg, ni, nj)
        if n > 0:
            _fused(out, mode, reg, tab, u0, u1, u2, i, j, n, zero)
        else:
            r0, r1, r2 = _row_factors(tab, i, j)
            general_row(out, mode, reg, tab, acc, u0, u1, u2, i, j, vector, r0, r1, r2, zero)
            n = 1
            ni, nj = _next_row(reg, i, j)
        t += n
        i, j = ni, nj


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
    own indices.  Large outputs run on the thread pool unless another thread
    is already running a call there; then this call runs serially in its own
    thread.
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
    # fused rows: all modes on the axes of the grid, sums on any axes
    grid_axes = (on0, on1, on2) == (pad == 0, pad <= 1, True)
    width = plan.width if grid_axes or mode == MODE_SUM else 0
    lo0, lo1, lo2 = (int(v) for v in lows)
    hi0, hi1, hi2 = (int(v) for v in highs)
    io0, io1, io2 = ioffs
    reg = Region(lo0, lo1, lo2, hi0, hi1, hi2, io0, io1, io2, on0, on1, on2, pad, width, f0, f1)
    region = tuple(h - s for s, h in zip(lows, highs, strict=True))
    args = (u0, u1, u2, out.reshape((out.shape[0], *region)), mode, len(inputs) > 1, reg, tab)
    rows = region[0] * region[1]
    threads = numba.get_num_threads()
    big = out.size >= PARALLEL_MIN_SIZE * out.shape[0] and rows > 1 and threads > 1
    if parallel and big and _LAUNCH.acquire(blocking=False):
        try:  # chunks of rows taken by the threads as they come free
            nchunks = min(rows, CHUNKS_PER_THREAD * threads)
            bounds = [c * rows // nchunks for c in range(nchunks + 1)]
            pool = _pool(threads)
            done = [pool.submit(_rows, *args, t0, t1) for t0, t1 in pairwise(bounds)]
            for future in done:
                future.result()
        finally:
            _LAUNCH.release()
    else:
        _rows(*args, 0, rows)
    return out
