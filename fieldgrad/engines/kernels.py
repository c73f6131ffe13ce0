"""The compiled stencil kernel: one kernel for every grid, operator and dimension.

The kernel sees an array as 3-D (a grid of fewer axes fills the last view
axes) and walks it row by row along the innermost axis.  What each axis does
comes entirely from the tables of :mod:`fieldgrad.engines.tables`; the
kernel knows no grid.  Two paths:

* fused: where every axis's stencil at a point is a central window of one
  width (3 or 5) read from unmirrored rows, one loop computes every
  derivative, applies the metric factors and writes the components, their
  1-, 2- or inf-norm, or their sum (Laplacian, divergence) - one read of the
  input and one write of the output, no temporaries;
* buffered: any other row (next to an axis or pole, at a one-sided edge,
  wider stencils) accumulates per axis into three small row buffers (taps
  seen through a mirror read the other axes through the mirror's index map),
  then combines them.

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
    FlatTables,
    KernelTables,
)

__all__ = [
    "MODE_COMPONENTS",
    "MODE_NORM1",
    "MODE_NORM2",
    "MODE_NORMINF",
    "MODE_SUM",
    "NORM_MODES",
    "FlatTables",
    "Region",
    "run_kernel",
]

#: Chunks of rows per thread of the parallel kernel.
CHUNKS_PER_THREAD = 2
#: Smallest output (points) worth running on several threads.
PARALLEL_MIN_SIZE = 100_000
#: Points of a row the buffered path handles at once (its buffers stay in L1).
TILE = 512


class Region(NamedTuple):
    """Where the kernel works, in the 3-D view: the output region ``lo .. hi``
    (grid indices), the offsets ``io`` from grid to input indices (a chunk
    holding ghosts and halo), the input's shape ``n`` and the first view axis
    the grid occupies (``3 - ndim``)."""

    lo0: int
    lo1: int
    lo2: int
    hi0: int
    hi1: int
    hi2: int
    io0: int
    io1: int
    io2: int
    n0: int
    n1: int
    n2: int
    first: int


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

# Inside the kernel every array is flat and every index of a hot loop is an
# unsigned integer: numba then emits neither views (reference counting) nor
# negative-index wrap-around, and the loops vectorise.


@njit(cache=True, nogil=True)
def _combined(mode, g0, g1, g2):
    """The norm (``mode`` 1, 2, 3) or the sum (4) of one point's three terms."""
    if mode == MODE_NORM2:
        return np.sqrt(g0 * g0 + g1 * g1 + g2 * g2)
    if mode == MODE_NORM1:
        return abs(g0) + abs(g1) + abs(g2)
    if mode == MODE_SUM:
        return g0 + g1 + g2
    big = abs(g0)
    g = abs(g1)
    if big == big and not g <= big:
        big = g
    g = abs(g2)
    if big == big and not g <= big:
        big = g
    return big


@njit(cache=True, nogil=True)
def _fused(
    out, ob, plane, u0, u1, u2, m, w0, b0, w1, b1, wt, w2, b2, r0, r1, r2, mode, three, z,
    ends, counts, sources,
):  # fmt: skip
    """``m`` outputs from ``out[ob]`` on, every axis and the combination in one loop.

    ``w0, b0, w1, b1`` are tuples (one entry per tap, a compile-time length)
    of the outer axes' weights and flat input offsets of the first point.
    The innermost axis's taps are consecutive from ``b2``, their weights at
    ``wt[w2[k] + x]``.  ``three`` says whether axis 0 takes part (else its
    tuples are placeholders).  Then the points ``x`` from ``ends[0]`` to
    ``ends[1]`` (relative to the first point, outside ``0 .. m``) whose
    innermost stencil is not a central window: ``ends[2]`` is the flat
    offset of their row, ``ends[3]`` the grid index of the first point.
    """
    K = len(w1)

    def grads(x):
        d0 = z
        if three:
            d0 = w0[0] * u0[b0[0] + x]
            for k in range(1, K):
                d0 = d0 + w0[k] * u0[b0[k] + x]
        d1 = w1[0] * u1[b1[0] + x]
        for k in range(1, K):
            d1 = d1 + w1[k] * u1[b1[k] + x]
        d2 = wt[w2[0] + x] * u2[b2 + x]
        for k in range(1, K):
            d2 = d2 + wt[w2[k] + x] * u2[b2 + np.uint64(k) + x]
        return d0 * r0, d1 * r1, d2 * r2

    if mode != MODE_COMPONENTS:
        for x in range(m):
            g0, g1, g2 = grads(x)
            out[ob + x] = _combined(mode, g0, g1, g2)
    elif three:
        for x in range(m):
            g0, g1, g2 = grads(x)
            out[ob + x] = g0
            out[ob + plane + x] = g1
            out[ob + plane + plane + x] = g2
    else:
        for x in range(m):
            g0, g1, g2 = grads(x)
            out[ob + x] = g1
            out[ob + plane + x] = g2
    # the ends of the row: the same outer taps, the innermost stencil from the table
    K2 = sources.shape[1]
    nmax = sources.shape[2]
    first = 0 if three else 1
    mi = np.int64(m)
    for q in range(ends[0], ends[1] - mi):
        if q >= 0:
            q += mi
        p = ends[3] + q
        d0 = z
        if three:
            d0 = w0[0] * u0[np.int64(b0[0]) + q]
            for k in range(1, K):
                d0 = d0 + w0[k] * u0[np.int64(b0[k]) + q]
        d1 = w1[0] * u1[np.int64(b1[0]) + q]
        for k in range(1, K):
            d1 = d1 + w1[k] * u1[np.int64(b1[k]) + q]
        d2 = z
        for k in range(counts[2, p]):
            d2 = d2 + wt[(2 * K2 + k) * nmax + p] * u2[ends[2] + sources[2, k, p]]
        _store(out, np.int64(ob) + q, np.int64(plane), mode, first, d0 * r0, d1 * r1, d2 * r2)


@njit(cache=True, nogil=True)
def _outer_taps(weights, sources, a, xa, nmax, stride, shift):
    """Weights and flat input offsets of point ``xa``'s taps along outer axis ``a``,
    as 7-tuples (repeating the last tap beyond the stencil)."""
    K = sources.shape[1]
    c = K - 1
    w = (
        weights[(a * K) * nmax + xa],
        weights[(a * K + min(1, c)) * nmax + xa],
        weights[(a * K + min(2, c)) * nmax + xa],
        weights[(a * K + min(3, c)) * nmax + xa],
        weights[(a * K + min(4, c)) * nmax + xa],
        weights[(a * K + min(5, c)) * nmax + xa],
        weights[(a * K + min(6, c)) * nmax + xa],
    )
    b = (
        np.uint64(sources[a, 0, xa] * stride + shift),
        np.uint64(sources[a, min(1, c), xa] * stride + shift),
        np.uint64(sources[a, min(2, c), xa] * stride + shift),
        np.uint64(sources[a, min(3, c), xa] * stride + shift),
        np.uint64(sources[a, min(4, c), xa] * stride + shift),
        np.uint64(sources[a, min(5, c), xa] * stride + shift),
        np.uint64(sources[a, min(6, c), xa] * stride + shift),
    )
    return w, b


@njit(cache=True, nogil=True)
def _inner_offsets(K, nmax, x):
    """Flat offsets of the innermost axis's weights of point ``x``, as a 7-tuple."""
    base = 2 * K * nmax + x
    return (
        np.uint64(base),
        np.uint64(base + min(1, K - 1) * nmax),
        np.uint64(base + min(2, K - 1) * nmax),
        np.uint64(base + min(3, K - 1) * nmax),
        np.uint64(base + min(4, K - 1) * nmax),
        np.uint64(base + min(5, K - 1) * nmax),
        np.uint64(base + min(6, K - 1) * nmax),
    )


@njit(cache=True, nogil=True)
def _store(out, ob, plane, mode, first, g0, g1, g2):
    """Combine one point's terms into ``out[ob]`` (and the planes after it)."""
    if mode != MODE_COMPONENTS:
        out[ob] = _combined(mode, g0, g1, g2)
        return
    if first == 0:
        out[ob] = g0
        ob += plane
    if first <= 1:
        out[ob] = g1
        ob += plane
    out[ob] = g2


@njit(cache=True, nogil=True)
def _buffered(
    u0, u1, u2, vector, acc0, acc1, acc2, x0, x1, i, j, ui, uj, io2, st0, n2, first,
    counts, weights, sources, mirrors, perm, inner, signs, factors, fa, fb, half, flat,
):  # fmt: skip
    """Per-axis sums of points ``x0 .. x1`` of row ``(i, j)`` into the buffers ``acc*``."""
    K = sources.shape[1]
    nmax = sources.shape[2]
    m = np.uint64(x1 - x0)
    rowbase = ui * st0 + uj * n2
    # the two outer axes: a segment of a row per tap
    for a in range(first, 2):
        xa = i if a == 0 else j
        buf = acc0 if a == 0 else acc1
        u = u0 if a == 0 else u1
        nk = counts[a, xa]
        for x in range(m):
            buf[x] = 0
        for k in range(nk):
            wk = weights[(a * K + k) * nmax + xa]
            s = sources[a, k, xa]
            mid = mirrors[a, k, xa]
            if mid == 0:
                start = s * st0 + uj * n2 if a == 0 else ui * st0 + s * n2
                b = np.uint64(start + x0 + io2)
                for x in range(m):
                    buf[x] += wk * u[b + x]
                continue
            if vector:
                wk = wk * signs[a, mid]
            if a == 0:
                start = s * st0 + perm[(mid * 3 + 1) * nmax + j] * n2
            else:
                start = perm[(9 + mid * 3) * nmax + i] * st0 + s * n2
            if inner[a, mid]:
                b = np.uint64(start)
                pb = np.uint64(((a * 3 + mid) * 3 + 2) * nmax + x0)
                for x in range(m):
                    buf[x] += wk * u[b + np.uint64(perm[pb + x])]
            else:
                b = np.uint64(start + x0)
                for x in range(m):
                    buf[x] += wk * u[b + x]
    # the innermost axis: a central window where it fits, the table elsewhere
    f0 = min(max(fa, x0), x1)
    f1 = max(min(fb, x1), f0)
    nf = f1 - f0
    boff = np.uint64(f0 - x0)
    ub = rowbase + f0 + io2 - half
    for k in range(2 * half + 1 if nf > 0 else 0):
        wb = np.uint64((2 * K + k) * nmax + f0)
        b = np.uint64(ub + k)
        if k == 0:
            for x in range(np.uint64(nf)):
                acc2[boff + x] = weights[wb + x] * u2[b + x]
        else:
            for x in range(np.uint64(nf)):
                acc2[boff + x] = acc2[boff + x] + weights[wb + x] * u2[b + x]
    for p in range(x0, x1 - nf):
        if p >= f0:
            p += nf
        q = p - x0
        acc2[q] = 0
        for k in range(counts[2, p]):
            wk = weights[(2 * K + k) * nmax + p]
            s = sources[2, k, p]
            mid = mirrors[2, k, p]
            if mid == 0:
                acc2[q] += wk * u2[rowbase + s]
            else:
                if vector:
                    wk = wk * signs[2, mid]
                ii = perm[(18 + mid * 3) * nmax + i]
                jj = perm[(19 + mid * 3) * nmax + j]
                acc2[q] += wk * u2[ii * st0 + jj * n2 + s]
    # metric factors along the innermost axis, if any
    if not flat:
        for a in range(first, 3):
            buf = acc0 if a == 0 else (acc1 if a == 1 else acc2)
            cb = np.uint64((a * 3 + 2) * nmax + x0)
            for x in range(m):
                buf[x] = buf[x] * factors[cb + x]


@njit(cache=True, nogil=True)
def _rows(u0, u1, u2, out, mode, vector, geo, tab, t0, t1):
    """Rows ``t0 .. t1`` (flat index over the two outer axes) of the output region.

    ``geo`` is a :class:`Region`, ``tab`` the :class:`FlatTables`; ``u*`` and
    ``out`` are flat.
    """
    counts, weights, sources, mirrors, plain = (
        tab.counts,
        tab.weights,
        tab.sources,
        tab.mirrors,
        tab.plain,
    )
    perm, inner, signs, factors, fast = tab.perm, tab.inner, tab.signs, tab.factors, tab.fast
    nmax = sources.shape[2]
    lo0, lo1, lo2 = geo.lo0, geo.lo1, geo.lo2
    hi2 = geo.hi2
    m0, m1, m2 = geo.hi0 - lo0, geo.hi1 - lo1, hi2 - lo2
    io0, io1, io2 = geo.io0, geo.io1, geo.io2
    n1, n2 = geo.n1, geo.n2
    st0 = n1 * n2
    plane = np.uint64(m0 * m1 * m2)
    acc0 = np.zeros(TILE, dtype=out.dtype)
    acc1 = np.zeros(TILE, dtype=out.dtype)
    acc2 = np.zeros(TILE, dtype=out.dtype)
    z = acc0[0]
    first = geo.first
    fa, fb, half, flat = fast[2, 0], fast[2, 1], fast[2, 2], fast[2, 3]
    width = 2 * half + 1
    # the fused range of every row, if its outer stencils allow (widths 3 and 5:
    # each width is one more compiled loop)
    F0 = min(max(fa, lo2), hi2)
    F1 = max(min(fb, hi2), F0)
    if not (flat and first <= 1 and (width == 3 or width == 5)):
        F1 = F0
    w2 = _inner_offsets(sources.shape[1], nmax, F0)
    wf = weights
    ends = np.zeros(4, dtype=np.int64)
    for t in range(t0, t1):
        i = lo0 + t // m1
        j = lo1 + t % m1
        ui = i + io0
        uj = j + io1
        r0 = factors[i] * factors[nmax + j]
        r1 = factors[3 * nmax + i] * factors[4 * nmax + j]
        r2 = factors[6 * nmax + i] * factors[7 * nmax + j]
        ob = (((i - lo0) * m1) + j - lo1) * m2 - lo2
        g0, g1 = F0, F1
        for a in range(first, 2):
            xa = i if a == 0 else j
            if not plain[a, xa] or counts[a, xa] != width:
                g1 = g0
        if g1 > g0:
            wa, ba = _outer_taps(weights, sources, 1, j, nmax, n2, ui * st0 + io2 + g0)
            wz, bz = wa, ba
            if first == 0:
                wz, bz = _outer_taps(weights, sources, 0, i, nmax, st0, uj * n2 + io2 + g0)
            b2 = np.uint64(ui * st0 + uj * n2 + io2 + g0 - half)
            o = np.uint64(ob + g0)
            m = np.uint64(g1 - g0)
            ends[0], ends[1], ends[2], ends[3] = lo2 - g0, hi2 - g0, ui * st0 + uj * n2, g0
            if width == 3:
                _fused(
                    out, o, plane, u0, u1, u2, m, wz[:3], bz[:3], wa[:3], ba[:3], wf, w2[:3], b2,
                    r0, r1, r2, mode, first == 0, z, ends, counts, sources,
                )  # fmt: skip
            else:
                _fused(
                    out, o, plane, u0, u1, u2, m, wz[:5], bz[:5], wa[:5], ba[:5], wf, w2[:5], b2,
                    r0, r1, r2, mode, first == 0, z, ends, counts, sources,
                )  # fmt: skip
            continue
        # any other row: per-axis buffers, a tile at a time
        for x0 in range(lo2, hi2, TILE):
            x1 = min(x0 + TILE, hi2)
            _buffered(
                u0, u1, u2, vector, acc0, acc1, acc2, x0, x1, i, j, ui, uj, io2, st0, n2,
                first, counts, weights, sources, mirrors, perm, inner, signs, factors,
                fa, fb, half, flat,
            )  # fmt: skip
            _combine(
                out, mode, first, acc0, acc1, acc2, r0, r1, r2, np.uint64(x1 - x0),
                np.uint64(ob + x0), plane,
            )  # fmt: skip


@njit(cache=True, nogil=True)
def _combine(out, mode, first, a0, a1, a2, r0, r1, r2, m, ob, plane):
    """``m`` outputs from ``out[ob]`` on from the per-axis sums ``a*`` and row factors ``r*``.

    Axes before ``first`` hold nothing (their sums are zero).
    """
    if mode == MODE_COMPONENTS:
        if first == 0:
            for x in range(m):
                out[ob + x] = a0[x] * r0
            ob += plane
        if first <= 1:
            for x in range(m):
                out[ob + x] = a1[x] * r1
            ob += plane
        for x in range(m):
            out[ob + x] = a2[x] * r2
    else:
        for x in range(m):
            out[ob + x] = _combined(mode, a0[x] * r0, a1[x] * r1, a2[x] * r2)


@njit(cache=True, nogil=True, parallel=True)
def _run_parallel(u0, u1, u2, out, mode, vector, geo, tab, nchunks):
    rows = (geo.hi0 - geo.lo0) * (geo.hi1 - geo.lo1)
    for c in prange(nchunks):
        _rows(
            u0, u1, u2, out, mode, vector, geo, tab, c * rows // nchunks, (c + 1) * rows // nchunks
        )


@njit(cache=True, nogil=True)
def _run_serial(u0, u1, u2, out, mode, vector, geo, tab):
    rows = (geo.hi0 - geo.lo0) * (geo.hi1 - geo.lo1)
    _rows(u0, u1, u2, out, mode, vector, geo, tab, np.int64(0), rows)


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
    pad = 3 - ndim
    flat = [u.reshape(-1) for u in inputs]
    u0, u1, u2 = (flat * 3)[:3] if len(flat) == 1 else [flat[0]] * pad + flat
    shape = (1,) * pad + tuple(inputs[0].shape)
    lows = (0,) * 3 if lo is None else (0,) * pad + tuple(lo)
    highs = shape if hi is None else (1,) * pad + tuple(hi)
    ioffs: tuple[int, ...] = (0, 0, 0)
    t = tables
    if block is None:
        tab = t.whole
    else:
        ioff, sources, fast = block
        ioffs = tuple(int(i) for i in ioff)
        tab = t.flat(sources, np.zeros_like(sources), np.ones_like(t.plain), fast)
    geo = Region(*(int(v) for v in (*lows, *highs, *ioffs, *shape, pad)))  # numba: intp
    args = (u0, u1, u2, out.reshape(-1), mode, len(inputs) > 1, geo, tab)
    rows = int((geo.hi0 - geo.lo0) * (geo.hi1 - geo.lo1))
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
