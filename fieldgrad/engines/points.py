"""What the compiled kernel does at one point: the norms and the sum of the
axes' terms, and writing a point of the output.

Conventions of every compiled loop of the kernel
(:mod:`fieldgrad.engines.kernels`, :mod:`fieldgrad.engines.general_rows`):

Hot loops run over ``range(m)`` with ``m`` unsigned and index the 3-D
arrays directly (no views: a view costs reference counting per row).  An
unsigned index needs no negative-index wrap-around, so numba emits plain
contiguous loads and the loops vectorise.  Every index of a row that does
not change along it (``ui``, ``uj``, the outer taps' sources) stays signed.
Small helpers are inlined (``inline="always"``): a call per row or point
with array arguments would cost more than the work.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .tables import MODE_COMPONENTS, MODE_NORM1, MODE_NORM2, MODE_SUM

__all__ = ["UINT", "combined", "norm1", "norm2", "norminf", "store"]

#: The type of the index of a hot loop (see the module docstring).
UINT = np.uint64


@njit(cache=True, nogil=True, inline="always")
def norm2(g0, g1, g2):
    """The Euclidean norm of one point's three terms."""
    return np.sqrt(g0 * g0 + g1 * g1 + g2 * g2)


@njit(cache=True, nogil=True, inline="always")
def norm1(g0, g1, g2):
    """The sum of the magnitudes of one point's three terms."""
    return abs(g0) + abs(g1) + abs(g2)


@njit(cache=True, nogil=True, inline="always")
def norminf(g0, g1, g2):
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
def combined(mode, g0, g1, g2):
    """The norm (``mode`` 1, 2, 3) or the sum (4) of one point's three terms."""
    if mode == MODE_NORM2:
        return norm2(g0, g1, g2)
    if mode == MODE_NORM1:
        return norm1(g0, g1, g2)
    if mode == MODE_SUM:
        return g0 + g1 + g2
    return norminf(g0, g1, g2)


@njit(cache=True, nogil=True, inline="always")
def store(out, oi, oj, x, mode, first, g0, g1, g2):
    """Write point ``x`` of output row ``(oi, oj)``: the combination, or the
    components of the axes from ``first`` on (one slab each)."""
    if mode != MODE_COMPONENTS:
        out[0, oi, oj, x] = combined(mode, g0, g1, g2)
    elif first == 0:
        out[0, oi, oj, x], out[1, oi, oj, x], out[2, oi, oj, x] = g0, g1, g2
    elif first == 1:
        out[0, oi, oj, x], out[1, oi, oj, x] = g1, g2
    else:
        out[0, oi, oj, x] = g2
