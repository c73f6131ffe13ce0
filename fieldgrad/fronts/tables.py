"""Neighbour tables: who lies next to each grid point, and how far away.

Fast marching and upwind gradient norms need, for every grid point and every
axis, the first and second neighbour on either side and their physical
distance along the coordinate line.  The table is built once per grid in
numpy from the grid's public description: its coordinates, its separable
scale factors (``grid.factor``) and what lies beyond each edge
(``grid.edges``: nothing, the grid itself across a periodic seam, or the far
side of r = 0 or a pole, a :class:`~fieldgrad.grids.base.Mirror`).  The
compiled loops then see only indices and distances, the same on every grid.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..discretization import mirror_index
from ..grids.base import Grid, Mirror

__all__ = ["Neighbours", "neighbour_table", "MISSING"]

#: Index of a neighbour that does not exist (beyond a real edge).
MISSING = -1
#: Neighbours per side that second-order stencils reach.
DEPTH = 2


class Neighbours(NamedTuple):
    """Neighbours of every grid point (flat C-order indices).

    ``ids[p, axis, side, k]`` is the ``k+1``-th neighbour of point ``p``
    along ``axis`` on the lower (``side = 0``) or upper (``side = 1``) side,
    or :data:`MISSING`; ``dist`` holds its physical distance from ``p`` along
    the coordinate line (through r = 0, a pole or a seam where the line
    continues there).

    Examples
    --------
    On a sphere the points of the first ring meet their opposite across the pole:

    >>> import fieldgrad as fg
    >>> from fieldgrad.fronts.tables import neighbour_table
    >>> table = neighbour_table(fg.SphereSurface(radius=1.0, shape=(4, 8)))
    >>> table.ids.shape, int(table.ids[0, 0, 0, 0])     # (0, 0) -> (0, 4)
    ((32, 2, 2, 2), 4)
    """

    ids: np.ndarray
    dist: np.ndarray


def _line_targets(grid: Grid, axis: int, edge: object, offset: int) -> tuple:
    """For every position along ``axis``, the index and coordinate ``offset`` steps away.

    Returns ``(index, coord, crossed)``: the target index along the axis (or
    MISSING), its coordinate continued along the line, and the mirror crossed
    (None when the target is on the same side).
    """
    x = grid.coords[grid.axes[axis]]
    n = x.size
    lo, hi = grid.bounds[axis]
    pos = np.arange(n) + offset
    index = np.full(n, MISSING, dtype=np.int64)
    coord = np.full(n, np.nan)
    inside = (pos >= 0) & (pos < n)
    index[inside] = pos[inside]
    coord[inside] = x[pos[inside]]
    out = ~inside
    if not out.any():
        return index, coord, None
    below = offset < 0
    if edge == "periodic":
        wrapped = np.mod(pos[out], n)
        index[out] = wrapped
        coord[out] = x[wrapped] + (-(hi - lo) if below else hi - lo)
        return index, coord, None
    if isinstance(edge, Mirror):
        # ghost positions continue through the axis: coordinate 2 at - x[j]
        at = edge.at
        if below:
            start = 0 if x[0] > at else 1
            j = start + (-pos[out] - 1)
        else:
            start = n - 1 if x[-1] < at else n - 2
            j = start - (pos[out] - n)
        ok = (j >= 0) & (j < n)
        idx = np.where(ok, j, MISSING)
        index[out] = idx
        coord[out] = np.where(ok, 2 * at - x[np.clip(j, 0, n - 1)], np.nan)
        return index, coord, edge
    return index, coord, None


def _scale(grid: Grid, axis: int, mid: np.ndarray) -> np.ndarray:
    """``h_axis`` on the whole grid, its own-axis factor taken at the midpoints ``mid``.

    ``mid`` is a 1-D array along ``axis``; the result broadcasts to the grid.
    """
    h = np.ones([1] * grid.ndim)
    for j in range(grid.ndim):
        if j == axis:
            f = grid.factor(axis, j, mid)
            values = np.ones(mid.size) if f is None else np.abs(f)
        else:
            f = grid.factor(axis, j)
            if f is None:
                continue
            values = np.asarray(f)
        shape = [1] * grid.ndim
        shape[j] = values.size
        h = h * values.reshape(shape)
    return h


def neighbour_table(grid: Grid) -> Neighbours:
    """Build the :class:`Neighbours` of every point of ``grid``.

    Examples
    --------
    Across r = 0 of a polar disk the neighbour below ``(r_0, theta)`` is
    ``(r_0, theta + pi)``, at distance ``2 r_0``:

    >>> import fieldgrad as fg
    >>> from fieldgrad.fronts.tables import neighbour_table
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    >>> table = neighbour_table(disk)
    >>> int(table.ids[0, 0, 0, 0]), float(table.dist[0, 0, 0, 0])   # point (0, 0)
    (4, 0.25)
    """
    shape = grid.shape
    ndim = grid.ndim
    size = grid.size
    grids = np.indices(shape)
    index = np.full((size, ndim, 2, DEPTH), MISSING, dtype=np.int64)
    dist = np.full((size, ndim, 2, DEPTH), np.inf)
    for axis in range(ndim):
        x = grid.coords[grid.axes[axis]]
        edges = grid.edges(axis)
        for side, sign in enumerate((-1, 1)):
            for k in range(DEPTH):
                line, coord, mirror = _line_targets(grid, axis, edges[side], sign * (k + 1))
                sub = [g.copy() for g in grids]
                target = line.reshape([-1 if j == axis else 1 for j in range(ndim)])
                sub[axis] = np.broadcast_to(target, shape).copy()
                missing = sub[axis] == MISSING
                if mirror is not None:
                    crossed = np.broadcast_to((coord < x[0]) | (coord > x[-1]), x.shape).reshape(
                        [-1 if j == axis else 1 for j in range(ndim)]
                    )
                    crossed = np.broadcast_to(crossed, shape)
                    for b in sorted({*mirror.shift, *mirror.flip}):
                        seen = mirror_index(mirror, shape, b)
                        sub[b] = np.where(crossed, seen[sub[b]], sub[b])
                sub[axis] = np.where(missing, 0, sub[axis])
                flat = np.ravel_multi_index(tuple(sub), shape)
                flat = np.where(missing, MISSING, flat)
                mid = 0.5 * (coord + x)
                step = np.abs(coord - x)
                h = _scale(grid, axis, np.where(np.isfinite(mid), mid, x))
                shape_line = [-1 if j == axis else 1 for j in range(ndim)]
                d = np.broadcast_to(h * step.reshape(shape_line), shape)
                d = np.where(missing, np.inf, d)
                index[:, axis, side, k] = flat.ravel()
                dist[:, axis, side, k] = d.ravel()
    return Neighbours(index, dist)
