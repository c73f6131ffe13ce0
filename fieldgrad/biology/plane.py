"""The compiled fast path of agents on an evenly spaced 2-D Cartesian grid.

Many agents in the plane are moved and exchanged by two compiled parallel
passes over them per step (and one over the cells), allocating nothing per
step but the new field:

* the move (:meth:`PlanePath.advance`): bilinear drift lookup, Brownian
  noise from a counter-based stream (words of the splitmix64 sequence keyed
  by the step and the slot, turned into normal numbers by the ziggurat: the
  same numbers whatever the number of threads), the step, and the edges
  (wrapped, clipped or mirrored);
* the exchange (:meth:`PlanePath.scatter`): each thread samples the field at
  its agents and spreads their secretion and uptake request over the four
  cells around them into its own buffer, finished by the per-cell limit of
  :class:`~fieldgrad.biology.deposition.CloudInCell`.

The positions are *stored* cell by cell, row by row (slot ``s`` holds agent
``ids[s]``, re-sorted every :data:`RESORT_STEPS` steps by a counting sort):
each thread then reads and writes a narrow band of rows, which stays in
cache, and its deposition buffer is touched, summed and cleared only over
that band.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from ..grids.base import Grid
from .deposition import PARALLEL_WORK, CloudInCell, counting_order
from .noise import gaussian_pair
from .sampling import FieldSampler, take_rows

__all__ = ["PlanePath", "PARALLEL_AGENTS", "RESORT_STEPS"]

#: Agents above which the fast path runs in parallel (below, starting threads costs more).
PARALLEL_AGENTS = 100_000
#: Steps between re-sorting the stored agents by cell.
RESORT_STEPS = 16


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


def _advance_py(
    table, shape, origin, step, pos, dt, scale, key, lo, hi, periodic, reflect, moving, flags
):  # pragma: no cover
    # One Euler-Maruyama step of 2-D agents in a Cartesian drift table, in place,
    # of those moving (empty: all).  flags[k]: 1 stalled (non-finite drift: it does
    # not move), 2 clipped at an edge.
    n1 = shape[1]
    last0, last1 = shape[0] - 2, shape[1] - 2
    o0, o1 = origin[0], origin[1]
    inv0, inv1 = 1.0 / step[0], 1.0 / step[1]
    lo0, lo1, hi0, hi1 = lo[0], lo[1], hi[0], hi[1]
    per0, per1 = periodic[0], periodic[1]
    everyone = moving.shape[0] == 0
    nstalled = 0
    nleft = 0
    for k in numba.prange(pos.shape[0]):
        if not (everyone or moving[k]):
            flags[k] = 0
            continue
        x, y = pos[k, 0], pos[k, 1]
        tx = (x - o0) * inv0
        ty = (y - o1) * inv1
        # truncation is the floor wherever the clamp to >= 0 does not decide
        i = min(max(int(tx), 0), last0)
        j = min(max(int(ty), 0), last1)
        fx, fy = tx - i, ty - j
        b = i * n1 + j
        a0, a1, c0, c1 = table[b, 0], table[b + 1, 0], table[b + n1, 0], table[b + n1 + 1, 0]
        vx = (1.0 - fx) * (a0 + fy * (a1 - a0)) + fx * (c0 + fy * (c1 - c0))
        a0, a1, c0, c1 = table[b, 1], table[b + 1, 1], table[b + n1, 1], table[b + n1 + 1, 1]
        vy = (1.0 - fx) * (a0 + fy * (a1 - a0)) + fx * (c0 + fy * (c1 - c0))
        if not math.isfinite(vx + vy):
            flags[k] = 1
            nstalled += 1
            continue
        x += dt * vx
        y += dt * vy
        if scale > 0.0:
            g0, g1 = gaussian_pair(key, k)
            x += scale * g0
            y += scale * g1
        x, out0 = _edge(x, lo0, hi0, per0, reflect)
        y, out1 = _edge(y, lo1, hi1, per1, reflect)
        pos[k, 0] = x
        pos[k, 1] = y
        if out0 or out1:
            flags[k] = 2
            nleft += 1
        else:
            flags[k] = 0
    return nstalled, nleft


@numba.njit(cache=True, nogil=True, inline="always")
def _axis_cells(t, n, periodic):  # pragma: no cover
    # The two cells along one evenly spaced axis whose centres bracket the point t
    # (in cells from the first centre), and the weight of the upper one: wrapped
    # on a periodic axis (where t > -1), else held at the edge cell within half
    # a cell of the boundary.
    if periodic:
        i = int(t + 1.0) - 1
        f = t - i
        if i < 0:
            i += n
        elif i >= n:
            i -= n
        return i, i + 1 if i + 1 < n else 0, f
    i = min(max(int(t), 0), n - 2)
    return i, i + 1, min(max(t - i, 0.0), 1.0)


@numba.njit(cache=True, nogil=True, inline="always")
def _uptake(law, u, local, half, dt):  # pragma: no cover
    # Amount one agent asks for in dt at the sampled value local (finite).
    if law == 0:
        return u * dt
    local = max(local, 0.0)
    if law == 1:
        return u * local * dt
    return u * local / (half + local) * dt


def _scatter_py(
    pos, origin, step, shape, periodic, c, srate, urate, law, half, dt, present, buffers, ranges
):  # pragma: no cover
    # Each thread spreads its contiguous share of the agents (stored by cell) into
    # its own buffer: buffers[t, j, 0] secreted into cell j, [t, j, 1] uptake asked
    # of it; ranges[t] the flat cells it touched.  Buffers are zero on entry.
    n = pos.shape[0]
    n0, n1 = shape[0], shape[1]
    nchunks = buffers.shape[0]
    chunk = (n + nchunks - 1) // nchunks
    per_s = srate.shape[0] > 1
    per_u = urate.shape[0] > 1
    everyone = present.shape[0] == 0
    o0, o1 = origin[0], origin[1]
    inv0, inv1 = 1.0 / step[0], 1.0 / step[1]
    per0, per1 = periodic[0], periodic[1]
    s0, u0 = srate[0], urate[0]
    for t in numba.prange(nchunks):
        buf = buffers[t]
        first = n0
        last = -1
        for k in range(t * chunk, min(n, (t + 1) * chunk)):
            if not (everyone or present[k]):
                continue
            i0, i1, fx = _axis_cells((pos[k, 0] - o0) * inv0, n0, per0)
            j0, j1, fy = _axis_cells((pos[k, 1] - o1) * inv1, n1, per1)
            w00, w01 = (1.0 - fx) * (1.0 - fy), (1.0 - fx) * fy
            w10, w11 = fx * (1.0 - fy), fx * fy
            a = i0 * n1
            b = i1 * n1
            s = (srate[k] if per_s else s0) * dt
            u = urate[k] if per_u else u0
            take = 0.0
            if u > 0.0:
                local = w00 * c[a + j0] + w01 * c[a + j1] + w10 * c[b + j0] + w11 * c[b + j1]
                if not math.isfinite(local):  # a cell of weight 0 must not count
                    local = 0.0
                    for w, cell in ((w00, a + j0), (w01, a + j1), (w10, b + j0), (w11, b + j1)):
                        if w != 0.0:
                            local += w * c[cell]
                if math.isfinite(local):  # else it takes nothing
                    take = _uptake(law, u, local, half, dt)
            first = min(first, i0, i1)
            last = max(last, i0, i1)
            buf[a + j0, 0] += w00 * s
            buf[a + j0, 1] += w00 * take
            buf[a + j1, 0] += w01 * s
            buf[a + j1, 1] += w01 * take
            buf[b + j0, 0] += w10 * s
            buf[b + j0, 1] += w10 * take
            buf[b + j1, 0] += w11 * s
            buf[b + j1, 1] += w11 * take
        ranges[t, 0] = first * n1
        ranges[t, 1] = last * n1 + n1 - 1


@numba.njit(cache=True)
def _cell_order(pos, origin, step, shape):  # pragma: no cover
    # The points in order of the cell (row by row) they lie in (stable).
    n0, n1 = shape[0], shape[1]
    inv0, inv1 = 1.0 / step[0], 1.0 / step[1]
    cells = np.empty(pos.shape[0], dtype=np.int64)
    for k in range(pos.shape[0]):
        i = min(max(int((pos[k, 0] - origin[0]) * inv0), 0), n0 - 1)
        j = min(max(int((pos[k, 1] - origin[1]) * inv1), 0), n1 - 1)
        cells[k] = i * n1 + j
    return counting_order(cells, n0 * n1)


@numba.njit(cache=True, parallel=True)
def _permute(pos, ids, order, new_pos, new_ids, slots):  # pragma: no cover
    # new_pos = pos[order], new_ids = ids[order], slots = the inverse of new_ids.
    for m in numba.prange(order.shape[0]):
        k = order[m]
        new_pos[m, 0] = pos[k, 0]
        new_pos[m, 1] = pos[k, 1]
        new_ids[m] = ids[k]
        slots[ids[k]] = m


_advance = numba.njit(cache=True, parallel=True)(_advance_py)
_advance_serial = numba.njit(cache=True)(_advance_py)
_scatter = numba.njit(cache=True, parallel=True)(_scatter_py)
_scatter_serial = numba.njit(cache=True)(_scatter_py)


class PlanePath:
    """Agents on an evenly spaced 2-D Cartesian grid, stored by cell, moved by compiled kernels.

    Parameters
    ----------
    grid : Grid
        An evenly spaced 2-D Cartesian grid.

    Attributes
    ----------
    ids : ndarray of int64 or None
        Slot ``s`` of the stored positions holds agent ``ids[s]`` (None: not permuted).
    slots : ndarray of int64 or None
        The inverse: agent ``a`` is stored in slot ``slots[a]``.

    Examples
    --------
    Two agents in a uniform drift of 1 along x, moved for 0.1 (the second is
    clipped at the wall x = 1 and flagged):

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology.plane import PlanePath
    >>> from fieldgrad.biology.sampling import FieldSampler
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    >>> drift = FieldSampler(grid, [np.ones(grid.shape), np.zeros(grid.shape)])
    >>> path = PlanePath(grid)
    >>> pos = path.store(np.array([[0.95, 0.5], [0.5, 0.5]]))
    >>> path.ids.tolist()                    # stored by cell: agent 1 first
    [1, 0]
    >>> stalled, left = path.advance(drift, pos, 0.1)
    >>> path.agent_order(pos).round(12), stalled.tolist(), path.ids[left].tolist()
    (array([[1. , 0.5],
           [0.6, 0.5]]), [], [0])
    """

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        x, y = (np.asarray(c, dtype=float) for c in grid.coords.values())
        self.shape = np.array(grid.shape, dtype=np.int64)
        self.origin = np.array([x[0], y[0]])
        self.step = np.array([x[1] - x[0], y[1] - y[0]])
        self.periodic = np.array(grid.periodic, dtype=np.bool_)
        bounds = np.array(grid.bounds, dtype=float)
        self.lo, self.hi = bounds[:, 0].copy(), bounds[:, 1].copy()
        self.ids: np.ndarray | None = None
        self.slots: np.ndarray | None = None
        self.age = 0
        self._flags = np.zeros(0, dtype=np.uint8)
        self._spare: tuple[np.ndarray, np.ndarray] | None = None

    # ------------------------------------------------------------- storage
    def store(self, positions: np.ndarray) -> np.ndarray:
        """The positions stored by cell (re-sorted every :data:`RESORT_STEPS` calls).

        ``positions`` are the stored ones (in agent order when :attr:`ids` is None).
        """
        self.age += 1
        if self.ids is not None and self.age <= RESORT_STEPS:
            return positions
        n = len(positions)
        order = _cell_order(positions, self.origin, self.step, self.shape)
        ids = np.arange(n, dtype=np.int64) if self.ids is None else self.ids
        if self._spare is None or len(self._spare[0]) != n:
            self._spare = (np.empty((n, 2)), np.empty(n, dtype=np.int64))
        new_pos, new_ids = self._spare
        if self.slots is None or len(self.slots) != n:
            self.slots = np.empty(n, dtype=np.int64)
        _permute(positions, ids, order, new_pos, new_ids, self.slots)
        self._spare = (positions, ids) if self.ids is not None else None
        self.ids = new_ids
        self.age = 0
        return new_pos

    def agent_order(self, positions: np.ndarray) -> np.ndarray:
        """The stored ``positions`` in agent order (a new array, or the same when not permuted)."""
        return positions if self.slots is None else take_rows(positions, self.slots)

    def forget(self) -> None:
        """Drop the permutation (the caller stores the positions in agent order again)."""
        self.ids = self.slots = self._spare = None
        self.age = 0

    def in_slots(self, rate: Any) -> np.ndarray:
        """A rate per agent (or one number) as the kernels take it: per slot, or shape (1,)."""
        arr = np.asarray(rate, dtype=float)
        if arr.ndim == 0:
            return arr.reshape(1)
        return arr if self.ids is None else arr[self.ids]

    # ------------------------------------------------------------ kernels
    def advance(
        self,
        drift: FieldSampler,
        positions: np.ndarray,
        dt: float,
        *,
        noise: float = 0.0,
        key: int = 0,
        reflect: bool = False,
        moving: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Move the stored positions in place by ``dt * v + noise * N(0, 1)``.

        ``drift`` samples the two Cartesian drift components; ``moving``
        (per slot) says who moves (default: all).  Returns the
        agents (indices) that stalled (non-finite drift next to them: they do
        not move) and that were clipped at an edge, as slots of ``positions``.
        """
        n = len(positions)
        if len(self._flags) != n:
            self._flags = np.zeros(n, dtype=np.uint8)
        kernel = _advance if n >= PARALLEL_AGENTS else _advance_serial
        nstalled, nleft = kernel(
            drift.table,
            drift.shape,
            drift.origin,
            drift.step,
            positions,
            float(dt),
            float(noise),
            np.uint64(key),
            self.lo,
            self.hi,
            self.periodic,
            bool(reflect),
            np.zeros(0, dtype=np.bool_) if moving is None else moving,
            self._flags,
        )
        none = np.zeros(0, dtype=np.int64)
        stalled = np.flatnonzero(self._flags == 1) if nstalled else none
        left = np.flatnonzero(self._flags == 2) if nleft else none
        return stalled, left

    def exchange(
        self,
        cic: CloudInCell,
        c: np.ndarray,
        positions: np.ndarray,
        secretion: Any,
        uptake: Any,
        dt: float,
        *,
        law: int,
        half_saturation: float,
        removed: np.ndarray,
    ) -> tuple[np.ndarray, float, float]:
        """The flat field ``c`` after the stored agents' exchange, and the amounts
        secreted and taken (``secretion``, ``uptake`` and ``removed`` per agent)."""
        present = np.zeros(0, dtype=bool)
        if removed.any():
            present = ~(removed if self.ids is None else removed[self.ids])
        buffers, ranges = cic._workspace(len(positions) + c.size >= PARALLEL_WORK)
        self.scatter(
            c,
            positions,
            self.in_slots(secretion),
            self.in_slots(uptake),
            dt,
            law=law,
            half_saturation=half_saturation,
            present=present,
            buffers=buffers,
            ranges=ranges,
        )
        return cic._finish(c, buffers, ranges)

    def scatter(
        self,
        c: np.ndarray,
        positions: np.ndarray,
        secretion: np.ndarray,
        uptake: np.ndarray,
        dt: float,
        *,
        law: int,
        half_saturation: float,
        present: np.ndarray,
        buffers: np.ndarray,
        ranges: np.ndarray,
    ) -> None:
        """Spread secretion and uptake requests of the stored agents into ``buffers``.

        ``c`` the flat field, ``secretion``/``uptake`` per slot or shape (1,),
        ``law`` the uptake law's code, ``present`` per slot (empty: all);
        ``buffers`` (threads, cells, 2), zero on entry, and ``ranges`` as
        :class:`~fieldgrad.biology.deposition.CloudInCell` sums them.
        """
        kernel = _scatter if buffers.shape[0] > 1 else _scatter_serial
        kernel(
            positions,
            self.origin,
            self.step,
            self.shape,
            self.periodic,
            c,
            secretion,
            uptake,
            law,
            float(half_saturation),
            float(dt),
            present,
            buffers,
            ranges,
        )
