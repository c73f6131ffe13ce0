"""Fast multilinear lookup of precomputed grid quantities at many moving points.

Agents query the same few fields at every step.  :class:`FieldSampler`
extends the arrays once by their ghost points (periodic copies, the far side
of r = 0 and of the poles, exactly as :func:`fieldgrad.operators.interpolate`
does), stacks them into one table and answers each query with a compiled
(numba) kernel: one pass over the points, no temporaries, evenly spaced axes
located by arithmetic and others by bisection.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..discretization import extend
from ..grids.base import Grid

__all__ = ["FieldSampler", "locate", "take_rows"]

#: Relative tolerance for an evenly spaced (extended) axis.
_UNIFORM_RTOL = 1e-9


@numba.njit(cache=True, nogil=True, inline="always")
def locate(x, a, shape, origin, step, coords):  # pragma: no cover
    """The interval of an extended axis ``a`` holding ``x``: its lower index and
    the fraction of the way to the next point (outside [0, 1] beyond the outermost
    points, where the table has no ghosts)."""
    size = shape[a]
    if size == 1:
        return 0, 0.0
    if step[a] > 0:
        t = (x - origin[a]) / step[a]
        i = min(max(int(math.floor(t)), 0), size - 2)
        return i, t - i
    c = coords[a]
    i = min(max(np.searchsorted(c, x, side="right") - 1, 0), size - 2)
    return i, (x - c[i]) / (c[i + 1] - c[i])


@numba.njit(cache=True, nogil=True, inline="always")
def corner_weight(corner, frac, shape, strides, base):  # pragma: no cover
    """The multilinear weight of one corner (bit a set: the upper point along axis
    a) of the cell at flat index ``base`` with fractions ``frac``, and the corner's
    flat index; weight 0 for the upper side of an axis with a single point."""
    w = 1.0
    offset = base
    for a in range(frac.size):
        if (corner >> a) & 1:
            if shape[a] == 1:
                return 0.0, offset
            w *= frac[a]
            offset += strides[a]
        else:
            w *= 1.0 - frac[a]
    return w, offset


@numba.njit(cache=True, nogil=True)
def _multilinear(table, shape, strides, origin, step, coords, pts, out):  # pragma: no cover
    n, ndim = pts.shape
    ncomp = table.shape[1]
    frac = np.empty(ndim)
    for k in range(n):
        base = 0
        for a in range(ndim):
            i, frac[a] = locate(pts[k, a], a, shape, origin, step, coords)
            base += i * strides[a]
        for q in range(ncomp):
            out[k, q] = 0.0
        for corner in range(1 << ndim):
            w, offset = corner_weight(corner, frac, shape, strides, base)
            if w != 0.0:
                for q in range(ncomp):
                    out[k, q] += w * table[offset, q]


@numba.njit(cache=True, nogil=True, inline="always")
def _plane_cell(x, y, shape, origin, step):  # pragma: no cover
    # The cell of an evenly spaced 2-D table holding (x, y), as the flat index of
    # its lower corner and the four bilinear weights.
    tx = (x - origin[0]) / step[0]
    ty = (y - origin[1]) / step[1]
    i = min(max(int(math.floor(tx)), 0), shape[0] - 2)
    j = min(max(int(math.floor(ty)), 0), shape[1] - 2)
    fx, fy = tx - i, ty - j
    return i * shape[1] + j, (1 - fx) * (1 - fy), (1 - fx) * fy, fx * (1 - fy), fx * fy


@numba.njit(cache=True, nogil=True)
def _bilinear(table, shape, origin, step, pts, out):  # pragma: no cover
    n1 = shape[1]
    ncomp = table.shape[1]
    for k in range(pts.shape[0]):
        b, w00, w01, w10, w11 = _plane_cell(pts[k, 0], pts[k, 1], shape, origin, step)
        for q in range(ncomp):
            out[k, q] = (
                w00 * table[b, q]
                + w01 * table[b + 1, q]
                + w10 * table[b + n1, q]
                + w11 * table[b + n1 + 1, q]
            )


@numba.njit(cache=True, parallel=True)
def _take_rows(src, index, out):  # pragma: no cover
    for k in numba.prange(index.shape[0]):
        for a in range(src.shape[1]):
            out[k, a] = src[index[k], a]


def take_rows(src: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``src[index]`` for a 2-D array, gathered in parallel (many agents).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.biology.sampling import take_rows
    >>> take_rows(np.arange(6.0).reshape(3, 2), np.array([2, 0]))
    array([[4., 5.],
           [0., 1.]])
    """
    if len(index) < PARALLEL_ROWS:
        return src[index]
    out = np.empty((len(index), src.shape[1]), dtype=src.dtype)
    _take_rows(src, np.asarray(index, dtype=np.int64), out)
    return out


#: Rows above which :func:`take_rows` gathers in parallel.
PARALLEL_ROWS = 100_000


class FieldSampler:
    """Multilinear interpolation of several grid-shaped arrays at many points.

    Outside the outermost points (within half a cell of a real edge) values
    are extrapolated linearly from the two nearest points.

    Parameters
    ----------
    grid : Grid
        The grid the arrays live on.
    arrays : sequence of ndarray
        Scalar quantities of the grid's shape.  Vector components must be
        Cartesian ones, which keep their sign across r = 0 and the poles.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology.sampling import FieldSampler
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> x, y = grid.to_cartesian()
    >>> sampler = FieldSampler(grid, [x + 2 * y])
    >>> pts = np.array([[0.0, 0.0], [0.5, np.pi / 2]])     # the origin, and (0, 0.5)
    >>> np.round(sampler(pts)[:, 0], 2) + 0.0
    array([0., 1.])
    """

    def __init__(self, grid: Grid, arrays: list[np.ndarray]) -> None:
        self.grid = grid
        data = np.stack([np.broadcast_to(np.asarray(a, dtype=float), grid.shape) for a in arrays])
        coords = []
        for axis in range(grid.ndim):
            data, ext = extend(data, grid, axis, 1)
            coords.append(np.ascontiguousarray(ext.coords, dtype=float))
        self.coords = tuple(coords)
        self.shape = np.array([c.size for c in coords], dtype=np.int64)
        self.table = np.ascontiguousarray(np.moveaxis(data, 0, -1).reshape(-1, len(arrays)))
        self.strides = np.array(
            [math.prod(self.shape[k + 1 :]) for k in range(grid.ndim)], dtype=np.int64
        )
        self.origin = np.array([c[0] for c in coords])
        self.step = np.zeros(grid.ndim)
        for a, c in enumerate(coords):
            if c.size > 1:
                h = (c[-1] - c[0]) / (c.size - 1)
                if np.allclose(np.diff(c), h, rtol=_UNIFORM_RTOL, atol=0):
                    self.step[a] = h

    @property
    def components(self) -> int:
        """Number of arrays sampled."""
        return self.table.shape[1]

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Values at points (shape ``(n, ndim)``, in grid coordinates): shape ``(n, narrays)``."""
        pts = np.ascontiguousarray(points, dtype=float)
        if pts.ndim != 2 or pts.shape[1] != self.grid.ndim:
            msg = f"points must have shape (n, {self.grid.ndim}), got {pts.shape}"
            raise ValueError(msg)
        out = np.empty((len(pts), self.components))
        if self.uniform and self.grid.ndim == 2:
            _bilinear(self.table, self.shape, self.origin, self.step, pts, out)
        else:
            _multilinear(
                self.table, self.shape, self.strides, self.origin, self.step, self.coords, pts, out
            )
        return out

    @property
    def uniform(self) -> bool:
        """Whether every (extended) axis is evenly spaced."""
        return bool(np.all((self.step > 0) | (self.shape == 1)))
