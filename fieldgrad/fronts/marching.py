"""Fast marching for the eikonal equation ``|grad T| = 1 / F`` on any fieldgrad grid.

The grid enters only through its :class:`~fieldgrad.fronts.tables.Neighbours`
(indices and physical distances), so r = 0, the poles and periodic seams are
ordinary neighbours.  The unknown is written ``T = T0 * tau`` with a known
factor ``T0`` and its physical gradient ``g`` (a point source's distance
divided by the speed there, which carries the source's singularity); with
``T0 = 1`` and ``g = 0`` this is plain fast marching.  Along each axis the
upwind derivative of ``tau`` is the first-order one-sided difference, or the
second-order one when the next point on that side is accepted and not later
than the first (Sethian's second-order fast marching), and the local
quadratic ``sum_a (d_a T)^2 = 1 / F^2`` is solved for ``tau``, dropping the
latest axes when the solution is not upwind.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .tables import Neighbours

__all__ = ["march", "FAR", "TRIAL", "ACCEPTED"]

#: Status of a point: not reached yet, in the narrow band, final.
FAR, TRIAL, ACCEPTED = 0, 1, 2
#: Slack on the upwind test of a local solution (relative to 1 / F).
UPWIND_SLACK = 1e-9


# ------------------------------------------------------------ indexed binary heap
@njit(cache=True, nogil=True)
def _sift_up(heap, pos, key, i):
    item = heap[i]
    while i > 0:
        parent = (i - 1) // 2
        if key[heap[parent]] <= key[item]:
            break
        heap[i] = heap[parent]
        pos[heap[i]] = i
        i = parent
    heap[i] = item
    pos[item] = i


@njit(cache=True, nogil=True)
def _sift_down(heap, pos, key, i, n):
    item = heap[i]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and key[heap[child + 1]] < key[heap[child]]:
            child += 1
        if key[heap[child]] >= key[item]:
            break
        heap[i] = heap[child]
        pos[heap[i]] = i
        i = child
    heap[i] = item
    pos[item] = i


# ------------------------------------------------------------------ local solve
@njit(cache=True, nogil=True)
def _solve(alpha, beta, upwind, count, slowness):
    """The larger root of ``sum_a (alpha_a tau + beta_a)^2 = slowness^2`` over the
    first ``count`` axes that is upwind on each of them (NaN if neither is)."""
    a = 0.0
    b = 0.0
    c = -slowness * slowness
    for m in range(count):
        a += alpha[m] * alpha[m]
        b += 2.0 * alpha[m] * beta[m]
        c += beta[m] * beta[m]
    disc = b * b - 4.0 * a * c
    if a <= 0.0 or disc < 0.0:
        return np.nan
    root = np.sqrt(disc)
    for tau in ((-b + root) / (2.0 * a), (-b - root) / (2.0 * a)):
        ok = True
        for m in range(count):
            # the derivative along the axis must point away from the upwind side
            if upwind[m] * (alpha[m] * tau + beta[m]) > UPWIND_SLACK * slowness:
                ok = False
        if ok:
            return tau
    return np.nan


@njit(cache=True, nogil=True)
def _update(q, tau, t0, grad0, status, index, dist, slowness, order, work):
    """New value of ``tau`` at point ``q`` from its accepted neighbours.

    ``work`` is scratch space of shape ``(5, ndim)``.
    """
    ndim = index.shape[1]
    alpha = work[0]
    beta = work[1]
    upwind = work[2]
    t_near = work[3]
    d_near = work[4]
    count = 0
    for axis in range(ndim):
        best = -1
        best_t = np.inf
        for side in range(2):
            n1 = index[q, axis, side, 0]
            if n1 >= 0 and status[n1] == ACCEPTED and dist[q, axis, side, 0] > 0.0:
                t1 = t0[n1] * tau[n1]
                if t1 < best_t:
                    best_t = t1
                    best = side
        if best < 0:
            continue
        n1 = index[q, axis, best, 0]
        s1 = dist[q, axis, best, 0]
        coef = 1.0 / s1
        rhs = tau[n1] / s1
        if order == 2:
            n2 = index[q, axis, best, 1]
            if n2 >= 0 and status[n2] == ACCEPTED:
                s2 = dist[q, axis, best, 1]
                if s2 > s1 and t0[n2] * tau[n2] < best_t:
                    w1 = s2 / (s1 * (s2 - s1))
                    w2 = -s1 / (s2 * (s2 - s1))
                    coef = w1 + w2
                    rhs = w1 * tau[n1] + w2 * tau[n2]
        sign = 2.0 * best - 1.0  # -1: the upwind points lie below q
        m = count
        while m > 0 and t_near[m - 1] > best_t:  # keep axes sorted by arrival
            alpha[m] = alpha[m - 1]
            beta[m] = beta[m - 1]
            upwind[m] = upwind[m - 1]
            t_near[m] = t_near[m - 1]
            d_near[m] = d_near[m - 1]
            m -= 1
        # physical derivative of T = t0 tau along +axis: alpha tau + beta
        alpha[m] = grad0[q, axis] - sign * t0[q] * coef
        beta[m] = sign * t0[q] * rhs
        upwind[m] = sign
        t_near[m] = best_t
        d_near[m] = s1
        count += 1
    if count == 0:
        return np.inf
    for used in range(count, 0, -1):
        value = _solve(alpha, beta, upwind, used, slowness)
        if not np.isnan(value):
            return value
    # no upwind solution of the quadratic: the one-sided first-order value
    return (t_near[0] + d_near[0] * slowness) / t0[q]


@njit(cache=True, nogil=True)
def _relax(p, tau, t0, grad0, status, index, dist, slowness, order, heap, pos, key, n, work):
    """Update the neighbours of the newly accepted point ``p``; return the heap size.

    A value only ever decreases, as in Sethian's fast marching.
    """
    for axis in range(index.shape[1]):
        for side in range(2):
            q = index[p, axis, side, 0]
            if q < 0 or status[q] == ACCEPTED:
                continue
            value = _update(q, tau, t0, grad0, status, index, dist, slowness[q], order, work)
            if not t0[q] * value < key[q]:
                continue
            tau[q] = value
            key[q] = t0[q] * value
            if status[q] == FAR:
                status[q] = TRIAL
                heap[n] = q
                pos[q] = n
                n += 1
            _sift_up(heap, pos, key, pos[q])
    return n


@njit(cache=True, nogil=True)
def _march(tau, t0, grad0, status, index, dist, slowness, order):
    size = tau.size
    heap = np.empty(size, dtype=np.int64)
    pos = np.full(size, -1, dtype=np.int64)
    key = np.full(size, np.inf)
    work = np.empty((5, index.shape[1]))
    n = 0
    for p in range(size):
        if status[p] == ACCEPTED:
            key[p] = t0[p] * tau[p]
    for p in range(size):
        if status[p] == ACCEPTED:
            n = _relax(
                p, tau, t0, grad0, status, index, dist, slowness, order, heap, pos, key, n, work
            )
    while n > 0:
        p = heap[0]
        n -= 1
        heap[0] = heap[n]
        pos[heap[0]] = 0
        pos[p] = -1
        if n > 0:
            _sift_down(heap, pos, key, 0, n)
        status[p] = ACCEPTED
        n = _relax(p, tau, t0, grad0, status, index, dist, slowness, order, heap, pos, key, n, work)
    return tau


def march(
    table: Neighbours,
    tau: np.ndarray,
    accepted: np.ndarray,
    slowness: np.ndarray,
    *,
    t0: np.ndarray | None = None,
    grad0: np.ndarray | None = None,
    order: int = 2,
) -> np.ndarray:
    """March ``T = t0 * tau`` out of the ``accepted`` points (flat arrays).

    Parameters
    ----------
    table : Neighbours
        The grid's neighbour table.
    tau : ndarray
        Values at the accepted points (others are ignored), flat.
    accepted : ndarray of bool
        Points whose value is known.
    slowness : ndarray
        ``1 / F`` at every point, flat.
    t0, grad0 : ndarray, keyword-only
        Factor ``T0`` (flat) and its physical gradient ``(size, ndim)``;
        default 1 and 0 (no factoring).
    order : {1, 2}, keyword-only
        Order of the upwind differences.

    Returns
    -------
    ndarray
        ``tau`` everywhere (``inf`` where no accepted point is reachable).

    Examples
    --------
    The distance from the left end of a line of ten unit cells:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.fronts.marching import march
    >>> from fieldgrad.fronts.tables import neighbour_table
    >>> grid = fg.CartesianGrid(bounds=[(0, 10)], shape=(10,))
    >>> start = np.zeros(10, dtype=bool); start[0] = True
    >>> march(neighbour_table(grid), np.zeros(10), start, np.ones(10)).tolist()
    [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    """
    size = tau.size
    ndim = table.ids.shape[1]
    t0 = np.ones(size) if t0 is None else np.ascontiguousarray(t0, dtype=float)
    grad0 = np.zeros((size, ndim)) if grad0 is None else np.ascontiguousarray(grad0, dtype=float)
    status = np.where(accepted, ACCEPTED, FAR).astype(np.int8)
    values = np.where(accepted, tau, np.inf).astype(float)
    return _march(
        values,
        t0,
        grad0,
        status,
        table.ids,
        table.dist,
        np.ascontiguousarray(slowness, dtype=float),
        int(order),
    )
