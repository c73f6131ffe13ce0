"""Travel times, distances and signed distances: ``|grad T| = 1 / speed`` on any grid.

A point source's arrival time has a cone-shaped singularity that spoils the
order of any finite-difference scheme.  It is factored out: ``T = T0 * tau``
with ``T0`` the straight-line distance from the source (in the Cartesian
space the grid lives in, a chord on a sphere) divided by the speed at the
source.  ``tau`` is smooth there and fast marching solves for it, so second
order holds over the whole grid.  Points within three cells of the source
start from the trapezoid-rule time along the straight ray (an error of third
order in the ball's radius, so the ball may shrink with the grid).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..fields import ScalarField
from ..grids.base import Grid
from .marching import march
from .sweeping import sweep
from .tables import Neighbours, neighbour_table

__all__ = ["travel_time", "distance", "signed_distance"]

#: Orders of the upwind differences.
ORDERS = (1, 2)
#: Radius, in local cell sizes, of the ball around a point source that starts known.
INIT_CELLS = 3.0

Speed = float | ScalarField | Callable[..., Any]


def check_order(order: Any) -> int:
    """``order`` as an int in :data:`ORDERS` (else a message naming ``order``)."""
    if isinstance(order, bool) or not isinstance(order, int | np.integer):
        msg = f"order must be 1 or 2, got {order!r}"
        raise TypeError(msg)
    if int(order) not in ORDERS:
        msg = f"order must be 1 or 2, got {order!r}"
        raise ValueError(msg)
    return int(order)


def speed_array(grid: Grid, speed: Speed, name: str = "speed", *, positive: bool = True):
    """Values of ``speed`` (number, ScalarField or function of the coordinates by axis
    name) at every grid point, validated: finite, and > 0 when ``positive``."""
    if isinstance(speed, ScalarField):
        if speed.grid != grid:
            msg = f"{name} must be a ScalarField on the same grid, got one on {speed.grid!r}"
            raise ValueError(msg)
        values = np.asarray(speed.data, dtype=float)
    elif callable(speed):
        values = np.asarray(speed(**dict(zip(grid.axes, grid.mesh(), strict=True))), dtype=float)
    elif isinstance(speed, bool) or not isinstance(speed, int | float | np.number):
        msg = f"{name} must be a number, a ScalarField or a function of {grid.axes}, got {speed!r}"
        raise TypeError(msg)
    else:
        values = np.asarray(float(speed))
    values = np.broadcast_to(values, grid.shape)
    if not np.all(np.isfinite(values)):
        msg = f"{name} must be finite everywhere, got NaN or inf"
        raise ValueError(msg)
    if positive and not np.all(values > 0):
        msg = f"{name} must be > 0 everywhere, got a minimum of {values.min()!r}"
        raise ValueError(msg)
    return values


def _speed_at(grid: Grid, speed: Speed, points: np.ndarray) -> np.ndarray:
    """The speed at arbitrary points (grid coordinates)."""
    if isinstance(speed, ScalarField):
        return np.asarray(speed.interpolate(points), dtype=float)
    if callable(speed):
        kwargs = {a: points[:, i] for i, a in enumerate(grid.axes)}
        return np.broadcast_to(np.asarray(speed(**kwargs), dtype=float), points.shape[:1])
    return np.full(points.shape[0], float(speed))


def _check_points(grid: Grid, sources: Any) -> np.ndarray:
    pts = np.asarray(sources, dtype=float)
    if pts.ndim == 1 and pts.size == grid.ndim:
        pts = pts[None, :]
    if pts.ndim != 2 or pts.shape[1] != grid.ndim:
        msg = (
            f"sources must be points of shape (n, {grid.ndim}) in grid coordinates "
            f"{grid.axes} or a boolean mask of shape {grid.shape}, got shape {pts.shape}"
        )
        raise ValueError(msg)
    if pts.shape[0] == 0:
        msg = "sources must contain at least one point, got none"
        raise ValueError(msg)
    if not np.all(np.isfinite(pts)):
        msg = "sources must be finite points"
        raise ValueError(msg)
    pts = pts.copy()
    for i, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
        if per:
            pts[:, i] = lo + np.mod(pts[:, i] - lo, hi - lo)
        elif np.any((pts[:, i] < lo) | (pts[:, i] > hi)):
            msg = (
                f"sources must lie within the grid: {grid.axes[i]!r} in [{lo:g}, {hi:g}], "
                f"got {pts[:, i].tolist()}"
            )
            raise ValueError(msg)
    return pts


def _check_mask(grid: Grid, mask: np.ndarray) -> np.ndarray:
    if mask.shape != grid.shape:
        msg = f"sources mask must have the grid's shape {grid.shape}, got {mask.shape}"
        raise ValueError(msg)
    if not mask.any():
        msg = "sources mask must select at least one grid point, got none"
        raise ValueError(msg)
    return mask.ravel()


def _periodic_images(grid: Grid, points: np.ndarray, v_src: np.ndarray) -> tuple:
    """The sources and their copies one period away along every periodic axis
    that is not an angle (angles are periodic in Cartesian space already)."""
    for axis, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
        if per and grid.axes[axis] not in grid.angular_axes:
            shifted = [points.copy() for _ in range(3)]
            for k, offset in enumerate((-(hi - lo), 0.0, hi - lo)):
                shifted[k][:, axis] += offset
            points = np.concatenate(shifted)
            v_src = np.concatenate([v_src] * 3)
    return points, v_src


def _point_factor(grid: Grid, table: Neighbours, points: np.ndarray, v_src: np.ndarray):
    """``T0``, its physical gradient and the known ball around each point source."""
    points, v_src = _periodic_images(grid, points, v_src)
    xyz = [np.broadcast_to(c, grid.shape).ravel() for c in grid.to_cartesian()]
    src = grid.to_cartesian(*points.T)
    t0 = np.full(grid.size, np.inf)
    grad_cart = np.zeros((grid.size, len(xyz)))
    known = np.zeros(grid.size, dtype=bool)
    v_known = np.empty(grid.size)

    def cell(p: int) -> float:
        """The largest step from grid point ``p`` to a neighbour."""
        steps = table.dist[p, :, :, 0]
        return float(steps[np.isfinite(steps)].max())

    for k in range(points.shape[0]):
        diff = np.stack([x - s[k] for x, s in zip(xyz, src, strict=True)], axis=1)
        dist = np.sqrt((diff**2).sum(axis=1))
        t_k = dist / v_src[k]
        closer = t_k < t0
        t0 = np.where(closer, t_k, t0)
        safe = np.where(dist > 0, dist, 1.0)[:, None]
        grad_cart = np.where(closer[:, None], diff / safe / v_src[k], grad_cart)
        ball = dist <= INIT_CELLS * cell(int(np.argmin(dist)))
        v_known = np.where(ball & (~known | closer), v_src[k], v_known)
        known |= ball
    basis = grid.basis(*(np.broadcast_to(c, grid.shape).ravel() for c in grid.mesh()))
    grad0 = np.einsum("pac,pc->pa", basis, grad_cart)
    return t0, np.ascontiguousarray(grad0), known, v_known


def travel_time(grid: Grid, sources: Any, speed: Speed = 1.0, order: int = 2) -> ScalarField:
    """Arrival time ``T`` of a front leaving ``sources``: ``|grad T| = 1 / speed``.

    Solved by fast marching with upwind (Godunov) differences on the grid's
    own coordinates, so periodic seams, r = 0 and the poles are crossed like
    any other neighbour.  A point source's singularity is factored out
    (``T = T0 tau``), so ``order=2`` is second order over the whole grid.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    sources : array_like or ndarray of bool
        Points of shape ``(n, ndim)`` (or one point ``(ndim,)``) in grid
        coordinates, anywhere in the domain (not only grid points), or a
        boolean mask of the grid's shape (T = 0 on the selected points).
    speed : float, ScalarField or callable
        Front speed > 0: a number, a field on ``grid`` or a function of the
        coordinates by axis name (``lambda x, y: 1 + y``).
    order : {1, 2}
        Order of the upwind differences.

    Returns
    -------
    ScalarField
        The travel time on ``grid``.

    Examples
    --------
    From the centre of a disk the travel time at speed 2 is r / 2, also
    across r = 0:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import fronts
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> T = fronts.travel_time(disk, [[0.3, 0.5]], speed=2.0)
    >>> x, y = disk.to_cartesian()
    >>> exact = np.hypot(x - 0.3 * np.cos(0.5), y - 0.3 * np.sin(0.5)) / 2
    >>> bool(np.abs(T.data - exact).max() < 1e-6)
    True
    """
    if not isinstance(grid, Grid):
        msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
        raise TypeError(msg)
    order = check_order(order)
    values = speed_array(grid, speed)
    slowness = np.ascontiguousarray(1.0 / values.ravel())
    table = neighbour_table(grid)
    if isinstance(sources, np.ndarray) and sources.dtype == bool:
        known = _check_mask(grid, sources)
        tau = march(table, np.zeros(grid.size), known, slowness, order=order)
        t = tau
    else:
        points = _check_points(grid, sources)
        v_src = _speed_at(grid, speed, points)
        if not np.all(np.isfinite(v_src) & (v_src > 0)):
            msg = f"speed must be > 0 at the sources, got {v_src.tolist()}"
            raise ValueError(msg)
        t0, grad0, known, v_known = _point_factor(grid, table, points, v_src)
        # trapezoid rule along the straight ray: T = |x - s| (1/v(s) + 1/v(x)) / 2
        tau_known = np.where(known, 0.5 * (1.0 + v_known * slowness), 1.0)
        t0_safe = np.where(t0 > 0, t0, 1.0)
        tau = march(table, tau_known, known, slowness, t0=t0_safe, grad0=grad0, order=order)
        sweep(table, tau, known, slowness, grid.shape, t0=t0_safe, grad0=grad0, order=order)
        t = np.where(t0 > 0, t0 * tau, 0.0)
    return ScalarField(grid, t.reshape(grid.shape), name="travel time")


def distance(grid: Grid, sources: Any, order: int = 2) -> ScalarField:
    """Distance from ``sources`` along the grid's geometry: travel time at speed 1.

    On a sphere this is the geodesic (great-circle) distance; in a polar,
    cylindrical or spherical grid the Euclidean distance, obtained without
    ever leaving the grid's coordinates.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    sources : array_like or ndarray of bool
        Points ``(n, ndim)`` in grid coordinates or a boolean mask (see
        :func:`travel_time`).
    order : {1, 2}
        Order of the upwind differences.

    Returns
    -------
    ScalarField
        The distance on ``grid``.

    Examples
    --------
    On the unit sphere the distance from the North Pole is the colatitude:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import fronts
    >>> sphere = fg.SphereSurface(radius=1.0, shape=(45, 90))
    >>> d = fronts.distance(sphere, [[0.0, 0.0]])
    >>> theta, phi = sphere.mesh()
    >>> bool(np.abs(d.data - theta).max() < 1e-3)
    True
    """
    out = travel_time(grid, sources, speed=1.0, order=order)
    out.name = "distance"
    return out


def _interface_distance(field: ScalarField, f: np.ndarray, table: Neighbours) -> tuple:
    """Points next to the level set and their distance to it (sub-cell accurate)."""
    flat = f.ravel()
    idx = table.ids[..., 0]
    nb = np.where(idx >= 0, flat[np.clip(idx, 0, None)], np.nan)
    crossing = (flat[:, None, None] * nb <= 0) & (idx >= 0)
    near = crossing.any(axis=(1, 2)) | (flat == 0)
    # per axis: the nearest crossing by linear interpolation along the line
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = flat[:, None, None] / (flat[:, None, None] - nb)
        step = np.where(crossing, frac * table.dist[..., 0], np.inf).min(axis=2)
        per_axis = 1.0 / np.sqrt((1.0 / step**2).sum(axis=1))
    # a smooth field: |f| / |grad f| is second-order accurate
    norm = np.asarray(field.gradient_norm().data, dtype=float).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        by_gradient = np.abs(flat) / norm
    good = np.isfinite(by_gradient) & (norm > 0) & (by_gradient <= 1.5 * per_axis)
    d = np.where(good, by_gradient, per_axis)
    d = np.where(flat == 0, 0.0, d)
    return near, np.where(near, d, 0.0)


def signed_distance(field: ScalarField, level: float = 0.0, *, order: int = 2) -> ScalarField:
    """Signed distance to the contour ``field = level``: negative where ``field < level``.

    The points next to the contour start from a sub-cell estimate of their
    distance (``|f - level| / |grad f|``, or the crossings along the grid
    lines where that is not reliable); fast marching carries the distance
    outward on both sides.  ``|grad s| = 1`` and ``s = 0`` on the contour.

    Parameters
    ----------
    field : ScalarField
        The field whose contour is wanted.
    level : float
        The contour's value.
    order : {1, 2}, keyword-only
        Order of the upwind differences.

    Returns
    -------
    ScalarField
        The signed distance on the field's grid.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import fronts
    >>> grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(64, 64))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: x**2 + y**2)
    >>> s = fronts.signed_distance(f, level=0.25)       # the circle of radius 0.5
    >>> x, y = grid.to_cartesian()
    >>> bool(np.abs(s.data - (np.hypot(x, y) - 0.5)).max() < 0.01)
    True
    """
    if not isinstance(field, ScalarField):
        msg = f"field must be a ScalarField, got {type(field).__name__}"
        raise TypeError(msg)
    order = check_order(order)
    try:
        level = float(level)
    except (TypeError, ValueError):
        msg = f"level must be a number, got {level!r}"
        raise TypeError(msg) from None
    f = np.asarray(field.data, dtype=float) - level
    if not np.all(np.isfinite(f)):
        msg = "field must be finite everywhere"
        raise ValueError(msg)
    if not (np.any(f < 0) and np.any(f >= 0)) and not np.any(f == 0):
        msg = (
            f"field must cross level {level!r} somewhere, "
            f"got values in [{f.min() + level}, {f.max() + level}]"
        )
        raise ValueError(msg)
    grid = field.grid
    table = neighbour_table(grid)
    near, d0 = _interface_distance(ScalarField(grid, f), f, table)
    inside = f.ravel() < 0
    s0 = np.where(inside, -d0, d0)
    s = s0.copy()
    ones = np.ones(grid.size)
    # march each side on its own: the other side's band carries the signed values
    # across the contour (smooth for second-order stencils), the rest is blocked
    for side, sign in ((~inside, 1.0), (inside, -1.0)):
        known = near | ~side
        start = np.where(near, sign * s0, np.inf)
        d = march(table, start, known, ones, order=order)
        s = np.where(side & ~near, sign * d, s)
    return ScalarField(grid, s.reshape(grid.shape), name="signed distance")
