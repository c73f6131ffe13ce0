"""Cloud-in-cell exchange between points and a grid: conservative deposit, adjoint sample.

A point ``x`` spreads over the cells around it with the multilinear
("cloud-in-cell") weights ``w_j(x) >= 0``, ``sum_j w_j = 1``, of the table
:class:`~fieldgrad.biology.sampling.FieldSampler` builds: ghost points across
periodic seams, r = 0 and the poles are folded back onto the real cells they
copy, and within half a cell of a real edge the weight stays on the edge
cells (nearest value, never extrapolated).  An amount ``a`` deposited at
``x`` adds ``a w_j / V_j`` to cell ``j`` (``V_j`` from
:meth:`Grid.cell_volumes`, exact also at r = 0 and the poles), so the total
``sum_j c_j V_j`` grows by exactly ``a``; sampling ``c`` at ``x`` is
``sum_j w_j c_j``, the adjoint:
``sum_j deposit(a)_j c_j V_j = sum_k a_k sample(c)(x_k)``.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numba
import numpy as np

from .._checks import check_nonnegative
from ..grids.base import Grid
from ..operators.interpolation import check_points
from .sampling import FieldSampler, corner_weight, locate

__all__ = ["CloudInCell", "Exchange", "UPTAKE_LAWS", "check_rates"]

#: Uptake laws: amount per time one agent takes up at the local value ``c``
#: (``u`` its uptake coefficient, ``K`` the half-saturation value).
UPTAKE_LAWS = {
    "constant": "u (amount / time), as long as there is some",
    "linear": "u c (u: volume cleared per time)",
    "saturating": "u c / (K + c) (Michaelis-Menten, u: the maximal amount / time)",
}
_LAW_CODES = {name: code for code, name in enumerate(UPTAKE_LAWS)}


@numba.njit(cache=True, nogil=True, inline="always")
def _stencil(index, shape, strides, origin, step, coords, pts, k, frac, cells, weights):
    # The real cells around point k and their cloud-in-cell weights (>= 0, sum 1).
    ndim = pts.shape[1]
    if ndim == 2 and step[0] > 0 and step[1] > 0 and shape[0] > 1 and shape[1] > 1:
        # the common case, by arithmetic alone: an evenly spaced plane table
        tx = (pts[k, 0] - origin[0]) / step[0]
        ty = (pts[k, 1] - origin[1]) / step[1]
        i = min(max(int(math.floor(tx)), 0), shape[0] - 2)
        j = min(max(int(math.floor(ty)), 0), shape[1] - 2)
        fx = min(max(tx - i, 0.0), 1.0)
        fy = min(max(ty - j, 0.0), 1.0)
        b = i * strides[0] + j
        cells[0], weights[0] = index[b], (1.0 - fx) * (1.0 - fy)
        cells[1], weights[1] = index[b + strides[0]], fx * (1.0 - fy)
        cells[2], weights[2] = index[b + 1], (1.0 - fx) * fy
        cells[3], weights[3] = index[b + strides[0] + 1], fx * fy
        return
    base = 0
    for a in range(ndim):
        i, f = locate(pts[k, a], a, shape, origin, step, coords)
        frac[a] = min(max(f, 0.0), 1.0)
        base += i * strides[a]
    for corner in range(cells.shape[0]):
        w, offset = corner_weight(corner, frac, shape, strides, base)
        cells[corner] = index[offset]
        weights[corner] = w


@numba.njit(cache=True, nogil=True)
def _gather(index, shape, strides, origin, step, coords, pts, values, out):  # pragma: no cover
    ndim = pts.shape[1]
    frac = np.empty(ndim)
    cells = np.empty(1 << ndim, dtype=np.int64)
    weights = np.empty(1 << ndim)
    for k in range(pts.shape[0]):
        _stencil(index, shape, strides, origin, step, coords, pts, k, frac, cells, weights)
        s = 0.0
        for m in range(cells.shape[0]):
            if weights[m] != 0.0:
                s += weights[m] * values[cells[m]]
        out[k] = s


@numba.njit(cache=True, nogil=True)
def _corners(index, shape, strides, origin, step, coords, pts, cells, weights):  # pragma: no cover
    frac = np.empty(pts.shape[1])
    for k in range(pts.shape[0]):
        _stencil(index, shape, strides, origin, step, coords, pts, k, frac, cells[k], weights[k])


@numba.njit(cache=True, nogil=True)
def counting_order(keys, nkeys):  # pragma: no cover
    """The stable order that sorts ``keys`` (integers ``0 .. nkeys - 1``): a counting sort."""
    start = np.zeros(nkeys + 1, dtype=np.int64)
    for k in range(keys.shape[0]):
        start[keys[k] + 1] += 1
    for m in range(nkeys):
        start[m + 1] += start[m]
    order = np.empty(keys.shape[0], dtype=np.int64)
    for k in range(keys.shape[0]):
        order[start[keys[k]]] = k
        start[keys[k]] += 1
    return order


@numba.njit(cache=True, nogil=True)
def _row_order(shape, origin, step, coords, pts):  # pragma: no cover
    # The points in order of their interval along the first axis (stable):
    # the cells a run of them touches are then a few rows (local memory access).
    rows = np.empty(pts.shape[0], dtype=np.int64)
    for k in range(pts.shape[0]):
        rows[k] = locate(pts[k, 0], 0, shape, origin, step, coords)[0]
    return counting_order(rows, shape[0])


def _scatter_py(
    index,
    shape,
    strides,
    origin,
    step,
    coords,
    pts,
    order,
    present,
    rates,
    law,
    half,
    c,
    dt,
    buffers,
    ranges,
    requested,
    starved,
):  # pragma: no cover
    # Each chunk of the agents is spread into its own buffer (no races):
    # buffers[t, j, 0] secreted into cell j, buffers[t, j, 1] uptake requested from it,
    # ranges[t] the first and last cell chunk t touched.  Buffers are zero on entry.
    # Agents are visited in ``order`` (by cell: local reads and writes).
    n, ndim = pts.shape
    nchunks = buffers.shape[0]
    chunk = (n + nchunks - 1) // nchunks
    per_agent_s = rates.shape[1] > 1
    for t in numba.prange(nchunks):
        buf = buffers[t]
        first = buf.shape[0]
        last = -1
        frac = np.empty(ndim)
        cells = np.empty(1 << ndim, dtype=np.int64)
        weights = np.empty(1 << ndim)
        for m in range(t * chunk, min(n, (t + 1) * chunk)):
            k = order[m]
            requested[k] = 0.0
            if not present[k]:
                continue
            _stencil(index, shape, strides, origin, step, coords, pts, k, frac, cells, weights)
            q = k if per_agent_s else 0
            s, u = rates[0, q] * dt, rates[1, q]
            take = 0.0
            if u > 0.0:
                local = 0.0
                for corner in range(cells.shape[0]):
                    if weights[corner] != 0.0:
                        local += weights[corner] * c[cells[corner]]
                if not np.isfinite(local):
                    starved[k] = True
                elif law == 0:
                    take = u * dt
                elif law == 1:
                    take = u * max(local, 0.0) * dt
                else:
                    local = max(local, 0.0)
                    take = u * local / (half + local) * dt
            requested[k] = take
            for corner in range(cells.shape[0]):
                w = weights[corner]
                if w != 0.0:
                    buf[cells[corner], 0] += w * s
                    buf[cells[corner], 1] += w * take
            for corner in range(cells.shape[0]):  # apart: cheaper than in the loop above
                first = min(first, cells[corner])
                last = max(last, cells[corner])
        ranges[t, 0] = first
        ranges[t, 1] = last


@numba.njit(cache=True, nogil=True, inline="always")
def _limited(c, v, s, d):  # pragma: no cover
    # A cell of value c and volume v receiving s and asked for d: its new value
    # and what it gives, at most what it holds (nothing if empty, negative or nan).
    held = c * v + s
    if held >= d:
        return c + (s - d) / v, d
    if held > 0.0:  # the agents share out all the cell holds
        return 0.0, held
    return c + s / v, 0.0


def _apply_py(buffers, ranges, c, volumes, out):  # pragma: no cover
    # out = c + (secreted - taken) / V, the uptake of a cell limited to what it holds;
    # the chunks' buffers are summed over the cells each touched and left zero.
    secreted = 0.0
    taken = 0.0
    nchunks = buffers.shape[0]
    for j in numba.prange(c.shape[0]):
        s = 0.0
        d = 0.0
        for t in range(nchunks):
            inside = ranges[t, 0] <= j
            inside &= j <= ranges[t, 1]
            if inside:
                s += buffers[t, j, 0]
                d += buffers[t, j, 1]
                buffers[t, j, 0] = 0.0
                buffers[t, j, 1] = 0.0
        value, given = _limited(c[j], volumes[j], s, d)
        out[j] = value
        secreted += s
        taken += given
    return secreted, taken


# Each kernel twice: parallel for large work, serial below PARALLEL_WORK (where
# starting the threads costs more than it saves, worse on a busy machine).
_scatter = numba.njit(cache=True, parallel=True)(_scatter_py)
_scatter_serial = numba.njit(cache=True)(_scatter_py)
_apply = numba.njit(cache=True, parallel=True)(_apply_py)
_apply_serial = numba.njit(cache=True)(_apply_py)
#: Agents plus cells above which the exchange runs in parallel.
PARALLEL_WORK = 200_000
#: Points above which the exchange visits them row by row (a counting sort
#: first): local memory access instead of cache misses at every point.
SORT_POINTS = 20_000


def check_rates(name: str, value: Any, n: int) -> float | np.ndarray:
    """A rate per agent: a number >= 0, or one finite value >= 0 per agent (a copy).

    Examples
    --------
    >>> from fieldgrad.biology.deposition import check_rates
    >>> check_rates("uptake", 2, 3), check_rates("uptake", [1, 0, 2], 3)
    (2.0, array([1., 0., 2.]))
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        msg = f"{name} must be a number or one number per agent, got {value!r}"
        raise TypeError(msg) from None
    if arr.ndim == 0:
        return check_nonnegative(name, float(arr))
    if arr.shape != (n,):
        msg = f"{name} must be a number or one value per agent, shape ({n},), got {arr.shape}"
        raise ValueError(msg)
    bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        msg = f"{name} must be finite and >= 0 for every agent, got {arr[bad][:3]}"
        raise ValueError(msg)
    return arr.copy()


class Exchange(NamedTuple):
    """What one exchange step did (amounts, not rates)."""

    #: The concentration after the step (an array of the grid's shape).
    concentration: np.ndarray
    #: Total amount the agents released.
    secreted: float
    #: Total amount the agents took up (at most what the cells held).
    taken: float
    #: Amount each agent asked for (before limiting to what the cells held).
    requested: np.ndarray
    #: Agents that met a non-finite value and took nothing.
    starved: np.ndarray


class CloudInCell:
    """Cloud-in-cell weights of points on a grid: conservative deposit, adjoint sample.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid (seams, r = 0 and the poles are handled).

    Examples
    --------
    An amount of 2 dropped near the centre of a disk: the total over the cells
    (values times the true cell volumes) is 2, and sampling is the adjoint.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology.deposition import CloudInCell
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    >>> cic = CloudInCell(disk)
    >>> rho = cic.deposit([[0.01, 1.0]], [2.0])
    >>> round(float((rho * disk.cell_volumes()).sum()), 12)
    2.0
    >>> c = np.random.default_rng(0).random(disk.shape)
    >>> bool(np.isclose((rho * c * disk.cell_volumes()).sum(), 2 * cic.sample(c, [[0.01, 1.0]])[0]))
    True
    """

    def __init__(self, grid: Grid) -> None:
        if not isinstance(grid, Grid):
            msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
            raise TypeError(msg)
        self.grid = grid
        # the ghost-extended table of flat cell indices: where each ghost comes from
        table = FieldSampler(grid, [np.arange(grid.size, dtype=float).reshape(grid.shape)])
        self._index = np.rint(table.table[:, 0]).astype(np.int64)
        self._layout = (table.shape, table.strides, table.origin, table.step, table.coords)
        self.volumes = np.ascontiguousarray(grid.cell_volumes(), dtype=float).ravel()
        self._buffers = np.zeros((0, grid.size, 2))
        self._ranges = np.zeros((0, 2), dtype=np.int64)

    def points(self, points: Any) -> np.ndarray:
        """Validated points, shape ``(n, ndim)``, periodic coordinates wrapped.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> CloudInCell(fg.PolarGrid(radius=(0, 1), shape=(4, 8))).points([[0.5, 7.0]]).round(4)
        array([[0.5   , 0.7168]])
        """
        pts = np.asarray(points, dtype=float)
        ndim = self.grid.ndim
        if pts.ndim != 2 or pts.shape[1] != ndim:
            msg = f"points must have shape (n, {ndim}) in grid coordinates, got {pts.shape}"
            raise ValueError(msg)
        if not np.all(np.isfinite(pts)):
            msg = "points must be finite"
            raise ValueError(msg)
        return np.ascontiguousarray(check_points(self.grid, pts).reshape(-1, ndim))

    def weights(self, points: Any) -> tuple[np.ndarray, np.ndarray]:
        """Cells (flat indices) and weights of each point, both shape ``(n, 2**ndim)``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> line = fg.CartesianGrid(bounds=[(0, 4)], shape=(4,))
        >>> cells, w = CloudInCell(line).weights([[1.75], [0.2]])
        >>> cells.tolist(), w.tolist()
        ([[1, 2], [0, 1]], [[0.75, 0.25], [1.0, 0.0]])
        """
        pts = self.points(points)
        corners = 1 << self.grid.ndim
        cells = np.zeros((len(pts), corners), dtype=np.int64)
        weights = np.zeros((len(pts), corners))
        _corners(self._index, *self._layout, pts, cells, weights)
        return cells, weights

    def sample(self, values: Any, points: Any) -> np.ndarray:
        """``sum_j w_j(x) values_j`` at each point: the adjoint of :meth:`deposit`.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> line = fg.CartesianGrid(bounds=[(0, 4)], shape=(4,))
        >>> CloudInCell(line).sample(np.array([0.0, 1.0, 2.0, 3.0]), [[1.75], [0.2], [4.0]])
        array([1.25, 0.  , 3.  ])
        """
        pts = self.points(points)
        c = self._values(values, "values")
        out = np.empty(len(pts))
        _gather(self._index, *self._layout, pts, c, out)
        return out

    def deposit(self, points: Any, amounts: Any) -> np.ndarray:
        """Amount per volume on the grid (grid's shape) holding ``amounts`` placed at ``points``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> line = fg.CartesianGrid(bounds=[(0, 4)], shape=(4,))
        >>> CloudInCell(line).deposit([[1.75], [0.2]], [4.0, 1.0])
        array([1., 3., 1., 0.])
        """
        pts = self.points(points)
        a = np.broadcast_to(np.asarray(amounts, dtype=float), (len(pts),))
        if not np.all(np.isfinite(a)):
            msg = "amounts must be finite"
            raise ValueError(msg)
        zero = np.zeros(self.grid.shape)
        return self.exchange(zero, pts, a, 0.0, 1.0).concentration

    def _values(self, values: Any, name: str) -> np.ndarray:
        c = np.asarray(values, dtype=float)
        if c.shape != self.grid.shape:
            msg = f"{name} must have the grid's shape {self.grid.shape}, got {c.shape}"
            raise ValueError(msg)
        return np.ascontiguousarray(c).ravel()

    def exchange(
        self,
        concentration: Any,
        points: np.ndarray,
        secretion: Any,
        uptake: Any,
        dt: float,
        *,
        law: str = "linear",
        half_saturation: float = 1.0,
        present: np.ndarray | None = None,
    ) -> Exchange:
        """Release ``secretion * dt`` and take up ``q(c) * dt`` at each point, conservatively.

        ``points`` in grid coordinates, shape ``(n, ndim)``; ``secretion``
        and ``uptake`` are numbers or one per point; ``q`` follows ``law``
        (:data:`UPTAKE_LAWS`), with ``c`` the adjoint sample at the point.
        Where the agents ask a cell for more than it holds (including what
        was released in it this step) each gets the same fraction of its
        request, so no concentration becomes negative.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> line = fg.CartesianGrid(bounds=[(0, 4)], shape=(4,))
        >>> ex = CloudInCell(line).exchange([1.0, 1.0, 1.0, 1.0], [[0.5], [3.5]], [2.0, 0.0],
        ...                                 [0.0, 3.0], 1.0, law="constant")
        >>> ex.concentration, ex.secreted, ex.taken
        (array([3., 1., 1., 0.]), 2.0, 1.0)
        """
        return self.exchange_checked(
            self._values(concentration, "concentration"),
            self.points(points),
            secretion,
            uptake,
            dt,
            law=law,
            half_saturation=half_saturation,
            present=present,
        )

    def exchange_checked(
        self,
        c: np.ndarray,
        points: np.ndarray,
        secretion: Any,
        uptake: Any,
        dt: float,
        *,
        law: str = "linear",
        half_saturation: float = 1.0,
        present: np.ndarray | None = None,
        order: np.ndarray | None = None,
    ) -> Exchange:
        """:meth:`exchange` without the checks: ``c`` flat, ``points`` valid and contiguous.

        ``order``: the order to visit the points in (sorted by cell is fastest;
        by default by row when there are more than :data:`SORT_POINTS`).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology.deposition import CloudInCell
        >>> line = fg.CartesianGrid(bounds=[(0, 4)], shape=(4,))
        >>> CloudInCell(line).exchange_checked(np.zeros(4), np.array([[2.0]]), 1.0, 0.0, 2.0).taken
        0.0
        """
        n = len(points)
        sec, upt = np.asarray(secretion, dtype=float), np.asarray(uptake, dtype=float)
        if sec.ndim == 0 and upt.ndim == 0:
            rates = np.array([[float(sec)], [float(upt)]])
        else:
            rates = np.stack([np.broadcast_to(sec, (n,)), np.broadcast_to(upt, (n,))])
        if present is None:
            present = np.ones(n, dtype=bool)
        parallel = n + self.grid.size >= PARALLEL_WORK
        buffers, ranges = self._workspace(parallel)
        if order is None:
            shape, _, origin, step, coords = self._layout
            order = (
                _row_order(shape, origin, step, coords, points) if n > SORT_POINTS else np.arange(n)
            )
        requested = np.zeros(n)
        starved = np.zeros(n, dtype=bool)
        (_scatter if parallel else _scatter_serial)(
            self._index,
            *self._layout,
            points,
            order,
            present,
            rates,
            _LAW_CODES[law],
            float(half_saturation),
            c,
            float(dt),
            buffers,
            ranges,
            requested,
            starved,
        )
        out, secreted, taken = self._finish(c, buffers, ranges)
        return Exchange(out.reshape(self.grid.shape), secreted, taken, requested, starved)

    def _workspace(self, parallel: bool) -> tuple[np.ndarray, np.ndarray]:
        """Per-thread deposition buffers ``(threads, cells, 2)``, all zero, kept between
        calls (:meth:`_finish` clears what a step touched), and the ranges of cells
        each thread touches ``(threads, 2)``."""
        chunks = numba.get_num_threads() if parallel else 1
        if self._buffers.shape[0] != chunks:
            self._buffers = np.zeros((chunks, self.grid.size, 2))
            self._ranges = np.zeros((chunks, 2), dtype=np.int64)
        return self._buffers, self._ranges

    def _finish(
        self, c: np.ndarray, buffers: np.ndarray, ranges: np.ndarray
    ) -> tuple[np.ndarray, float, float]:
        """The flat field after the deposits in ``buffers`` (then cleared), limited
        per cell, and the amounts secreted and taken."""
        out = np.empty(self.grid.size)
        apply = _apply if buffers.shape[0] > 1 else _apply_serial
        secreted, taken = apply(buffers, ranges, c, self.volumes, out)
        return out, float(secreted), float(taken)
