"""Shortest paths: back-tracing a travel time down its gradient.

The fastest path from a point to the source follows ``-grad T``.  The path
is integrated in the Cartesian space the grid lives in (classic Runge-Kutta,
fourth order), with the gradient interpolated in the grid's coordinates and
turned into Cartesian components by the grid's basis; each point is mapped
back with ``from_cartesian``.  So the path crosses periodic seams, r = 0 and
the poles, where the grid's own coordinates would be singular.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_positive
from ..fields import ScalarField
from .tables import neighbour_table

__all__ = ["shortest_path"]

#: Default step, in units of the median grid spacing.
STEP_CELLS = 0.5
#: At most this many steps per grid spacing of the straight-line length scale.
MAX_STEPS_FACTOR = 50


def _grid_point(grid: Any, xyz: np.ndarray) -> np.ndarray:
    """Grid coordinates of Cartesian points ``(n, ncart)``, clipped into the domain."""
    coords = np.stack(grid.from_cartesian(*xyz.T), axis=-1)
    for i, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
        if not per:
            coords[:, i] = np.clip(coords[:, i], lo, hi)
    return coords


def shortest_path(T: ScalarField, start: Any, *, step: float | None = None) -> np.ndarray:
    """The path of steepest descent of ``T`` from ``start`` to the source.

    For a travel time (:func:`~fieldgrad.fronts.travel_time`) this is the
    fastest path, for a distance the shortest one (a straight line in the
    plane, a great circle on a sphere).

    Parameters
    ----------
    T : ScalarField
        Travel time or distance, with its minimum at the source.
    start : array_like
        Starting point ``(ndim,)`` in grid coordinates.
    step : float, keyword-only
        Step length (physical), > 0; by default half the median grid spacing.

    Returns
    -------
    ndarray
        Points ``(n, ndim)`` in grid coordinates, from ``start`` to within a
        step of the source.

    Examples
    --------
    On the plane the path to a point source is the straight segment:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import fronts
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(64, 64))
    >>> d = fronts.distance(grid, [[0.2, 0.3]])
    >>> path = fronts.shortest_path(d, [0.8, 0.9])
    >>> bool(np.abs(path[:, 0] - path[:, 1] + 0.1).max() < 1e-3)   # on y = x + 0.1
    True
    >>> bool(np.hypot(*(path[-1] - [0.2, 0.3])) < 0.02)
    True
    """
    if not isinstance(T, ScalarField):
        msg = f"T must be a ScalarField, got {type(T).__name__}"
        raise TypeError(msg)
    grid = T.grid
    point = np.asarray(start, dtype=float).reshape(-1)
    if point.size != grid.ndim or not np.all(np.isfinite(point)):
        msg = f"start must be a finite point of {grid.ndim} coordinates {grid.axes}, got {start!r}"
        raise ValueError(msg)
    for i, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
        if not per and not lo <= point[i] <= hi:
            msg = (
                f"start must lie within the grid: {grid.axes[i]!r} in [{lo:g}, {hi:g}], "
                f"got {point[i]!r}"
            )
            raise ValueError(msg)
    table = neighbour_table(grid)
    finite = table.dist[np.isfinite(table.dist) & (table.dist > 0)]
    spacing = float(np.median(finite))
    h = STEP_CELLS * spacing if step is None else check_positive("step", step)
    time_at = T.interpolator()
    grad_at = T.gradient().interpolator()

    def direction(xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coords = _grid_point(grid, xyz[None, :])
        g = grad_at(coords)[0]
        cart = np.einsum("a,ac->c", g, grid.basis(*coords[0]))
        norm = np.linalg.norm(cart)
        return (-cart / norm if norm > 0 else cart), coords[0]

    xyz = np.array([float(c) for c in grid.to_cartesian(*point)])
    path = [point]
    t_now = float(time_at(point))
    corners = [np.broadcast_to(c, grid.shape).ravel() for c in grid.to_cartesian()]
    extent = max(float(np.ptp(c)) for c in corners)
    for _ in range(int(MAX_STEPS_FACTOR * extent / h) + 10):
        k1, _ = direction(xyz)
        k2, _ = direction(xyz + 0.5 * h * k1)
        k3, _ = direction(xyz + 0.5 * h * k2)
        k4, _ = direction(xyz + h * k3)
        new = xyz + h * (k1 + 2 * k2 + 2 * k3 + k4) / 6
        coords = _grid_point(grid, new[None, :])[0]
        t_new = float(time_at(coords))
        if not t_new < t_now:  # no more descent: the source is within a step
            break
        xyz = np.array([float(c) for c in grid.to_cartesian(*coords)])
        path.append(coords)
        t_now = t_new
    return np.array(path)
