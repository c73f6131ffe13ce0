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
_UNIT = 2.0**-53
_TWO_PI = 2.0 * math.pi


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


@numba.njit(cache=True, nogil=True, inline="always")
def _mix(x):  # pragma: no cover
    # splitmix64: a counter-based generator, so each agent's noise depends only on
    # (seed, agent) and not on which thread draws it.
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True, inline="always")
def _gaussian_pair(key, k):  # pragma: no cover
    # Two independent standard normal numbers for agent k: Marsaglia's polar
    # method (no trigonometry), drawing again from the same stream if rejected.
    a = _mix(key ^ _mix(np.uint64(2 * k)))
    while True:
        b = _mix(a)
        u = np.int64(a >> np.uint64(11)) * _UNIT * 2.0 - 1.0
        v = np.int64(b >> np.uint64(11)) * _UNIT * 2.0 - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            f = math.sqrt(-2.0 * math.log(s) / s)
            return u * f, v * f
        a = _mix(b)


@numba.njit(cache=True, nogil=True, inline="always")
def _edge(x, lo, hi, periodic, reflect):  # pragma: no cover
    # A coordinate after a step: wrapped (periodic), mirrored at a wall (reflect)
    # or clipped to it; and whether it was clipped.
    if periodic:
        return lo + (x - lo) % (hi - lo), False
    if lo <= x <= hi:
        return x, False
    if reflect:
        x = 2.0 * lo - x if x < lo else 2.0 * hi - x
        return min(max(x, lo), hi), False
    return min(max(x, lo), hi), True


def _advance_plane_py(
    table, shape, origin, step, pos, order, dt, scale, key, lo, hi, periodic, reflect, left, stalled
):  # pragma: no cover
    # One Euler-Maruyama step of 2-D agents in a Cartesian drift table, in place,
    # in parallel, visiting the agents in ``order`` (sorted by cell: local reads).
    n1 = shape[1]
    for m in numba.prange(order.shape[0]):
        k = order[m]
        b, w00, w01, w10, w11 = _plane_cell(pos[k, 0], pos[k, 1], shape, origin, step)
        vx = w00 * table[b, 0] + w01 * table[b + 1, 0] + w10 * table[b + n1, 0]
        vx += w11 * table[b + n1 + 1, 0]
        vy = w00 * table[b, 1] + w01 * table[b + 1, 1] + w10 * table[b + n1, 1]
        vy += w11 * table[b + n1 + 1, 1]
        left[k] = False
        if not (math.isfinite(vx) and math.isfinite(vy)):
            stalled[k] = True  # a non-finite field next to it: it does not move
            continue
        stalled[k] = False
        new0 = pos[k, 0] + dt * vx
        new1 = pos[k, 1] + dt * vy
        if scale > 0.0:
            g0, g1 = _gaussian_pair(key, k)
            new0 += scale * g0
            new1 += scale * g1
        new0, out0 = _edge(new0, lo[0], hi[0], periodic[0], reflect)
        new1, out1 = _edge(new1, lo[1], hi[1], periodic[1], reflect)
        pos[k, 0] = new0
        pos[k, 1] = new1
        left[k] = out0 or out1


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
    if len(index) < PARALLEL_AGENTS:
        return src[index]
    out = np.empty((len(index), src.shape[1]), dtype=src.dtype)
    _take_rows(src, np.asarray(index, dtype=np.int64), out)
    return out


_advance_plane = numba.njit(cache=True, parallel=True)(_advance_plane_py)
_advance_plane_serial = numba.njit(cache=True)(_advance_plane_py)
#: Agents above which the fast path runs in parallel (below, starting threads costs more).
PARALLEL_AGENTS = 100_000


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

    def cell_order(self, points: np.ndarray) -> np.ndarray:
        """A permutation of the points sorted by the cell they lie in (for local reads).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.sampling import FieldSampler
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
        >>> sampler = FieldSampler(grid, [np.zeros(grid.shape)])
        >>> sampler.cell_order(np.array([[0.9, 0.9], [0.1, 0.1], [0.5, 0.5]]))
        array([1, 2, 0])
        """
        pts = np.asarray(points, dtype=float)
        key = np.zeros(len(pts), dtype=np.int64)
        for a in range(self.grid.ndim):
            c = self.coords[a]
            i = np.clip(np.searchsorted(c, pts[:, a]), 0, c.size - 1)
            key += i * self.strides[a]
        return np.argsort(key, kind="stable")

    def advance_plane(
        self,
        positions: np.ndarray,
        dt: float,
        *,
        noise: float = 0.0,
        key: int = 0,
        order: np.ndarray | None = None,
        reflect: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fast path: move 2-D agents in place by ``dt * v + noise * N(0, 1)`` on a Cartesian grid.

        The sampled arrays must be the two Cartesian drift components on an
        evenly spaced 2-D Cartesian grid.  Agents are moved in parallel,
        visited in ``order`` (default: as stored; :meth:`cell_order` makes
        the reads local).  The normal numbers come from a counter-based
        generator (splitmix64 and Marsaglia's polar method) keyed by ``key``
        and the agent's index, so they do not depend on the number of
        threads.  Coordinates are wrapped on periodic axes and clipped to the
        bounds on the others (mirrored at them with ``reflect=True``).  An
        agent whose drift is not finite (a nan in the field next to it) does
        not move.  Returns who was clipped and who stalled.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.sampling import FieldSampler
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
        >>> drift = FieldSampler(grid, [np.ones(grid.shape), np.zeros(grid.shape)])
        >>> pos = np.array([[0.5, 0.5], [0.95, 0.5]])
        >>> drift.advance_plane(pos, 0.1)
        (array([False,  True]), array([False, False]))
        >>> pos
        array([[0.6, 0.5],
               [1. , 0.5]])
        """
        if order is None:
            order = np.arange(len(positions))
        left = np.zeros(len(positions), dtype=bool)
        stalled = np.zeros(len(positions), dtype=bool)
        bounds = np.array(self.grid.bounds, dtype=float)
        kernel = _advance_plane if len(order) >= PARALLEL_AGENTS else _advance_plane_serial
        kernel(
            self.table,
            self.shape,
            self.origin,
            self.step,
            positions,
            np.asarray(order, dtype=np.int64),
            float(dt),
            float(noise),
            np.uint64(key),
            bounds[:, 0].copy(),
            bounds[:, 1].copy(),
            np.array(self.grid.periodic),
            bool(reflect),
            left,
            stalled,
        )
        return left, stalled
