"""What the compiled kernel does at one point: the norms and the sum of the
axes' terms, and writing a point of the output (``components`` and the
``put_*`` functions, which share one signature so that a loop can take any
of them).

Conventions of every compiled loop of the kernel
(:mod:`fieldgrad.engines.kernels`, :mod:`fieldgrad.engines.general_rows`):

Hot loops run over ``range(m)`` with ``m`` unsigned and index the 3-D
arrays directly (no views: a view costs reference counting per row).  An
unsigned index needs no negative-index wrap-around, so numba emits plain
contiguous loads and the loops vectorise.  Every index of a row that does
not change along it (``ui``, ``uj``, the outer taps' sources) stays signed.
Small helpers are inlined (``inline="always"``): a call per row or point
with array arguments would cost more than the work.  Leaving it to LLVM is
not enough: as a compiled function grows, LLVM's inliner stops inlining the
tap sums into the loops, which then no longer vectorise (seen here: adding a
loop to the Laplacian's rows made every fused loop of the function three
times slower).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .tables import MODE_COMPONENTS, MODE_NORM1, MODE_NORM2, MODE_SUM

__all__ = [
    "UINT",
    "combined",
    "components",
    "norm1",
    "norm2",
    "norminf",
    "put_norm1",
    "put_norm2",
    "put_norminf",
    "put_total",
    "store",
    "total",
]

#: The type of the index of a hot loop (see the module docstring).
UINT = np.uint64


@njit(cache=True, nogil=True, inline="always")
def norm2(g):
    """The Euclidean norm of one point's terms ``g`` (a tuple, one per axis)."""
    squares = g[0] * g[0]
    for k in range(1, len(g)):
        squares += g[k] * g[k]
    return np.sqrt(squares)


@njit(cache=True, nogil=True, inline="always")
def norm1(g):
    """The sum of the magnitudes of one point's terms."""
    magnitudes = abs(g[0])
    for k in range(1, len(g)):
        magnitudes += abs(g[k])
    return magnitudes


@njit(cache=True, nogil=True, inline="always")
def norminf(g):
    """The largest magnitude of one point's terms; a NaN term makes it NaN."""
    big = abs(g[0])
    for k in range(1, len(g)):
        v = abs(g[k])
        if big == big and not v <= big:
            big = v
    return big


@njit(cache=True, nogil=True, inline="always")
def total(g):
    """The sum of one point's terms (Laplacian, divergence, curl)."""
    s = g[0]
    for k in range(1, len(g)):
        s += g[k]
    return s


@njit(cache=True, nogil=True, inline="always")
def combined(mode, g):
    """The norm (``mode`` 1, 2, 3) or the sum (4) of one point's terms."""
    if mode == MODE_NORM2:
        return norm2(g)
    if mode == MODE_NORM1:
        return norm1(g)
    if mode == MODE_SUM:
        return total(g)
    return norminf(g)


@njit(cache=True, nogil=True, inline="always")
def components(out, oi, oj, x, g):
    """Write one point's terms ``g`` as the components ``out[:, oi, oj, x]`` (one
    slab per axis of the grid)."""
    for c in range(len(g)):
        out[c, oi, oj, x] = g[c]


def _put(combine):
    """A function writing ``combine(g)`` of one point's terms ``g`` at
    ``out[0, oi, oj, x]`` (the signature of :func:`components`)."""

    @njit(nogil=True, inline="always")
    def put(out, oi, oj, x, g):
        out[0, oi, oj, x] = combine(g)

    return put


#: Write the Euclidean norm, the 1-norm, the inf-norm or the sum (Laplacian,
#: divergence, curl) of one point's terms.
put_norm2, put_norm1, put_norminf, put_total = map(_put, (norm2, norm1, norminf, total))


@njit(cache=True, nogil=True, inline="always")
def store(out, oi, oj, x, mode, first, g0, g1, g2):
    """Write point ``x`` of output row ``(oi, oj)``: the combination, or the
    components of the axes from ``first`` on (one slab each)."""
    if mode != MODE_COMPONENTS:
        out[0, oi, oj, x] = combined(mode, (g0, g1, g2))
    elif first == 0:
        components(out, oi, oj, x, (g0, g1, g2))
    elif first == 1:
        components(out, oi, oj, x, (g1, g2))
    else:
        out[0, oi, oj, x] = g2
