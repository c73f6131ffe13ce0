"""Values of fields between grid points.

The field is extended by its ghost points first (periodic copies, the far
side of an axis or pole), so interpolation works across the periodic seam,
near r = 0 and near the poles exactly as in the interior; scipy's
``RegularGridInterpolator`` does the rest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from ..fields import ScalarField, VectorField
from ..grids.base import Grid
from .stencils import extend

__all__ = ["interpolate", "INTERPOLATION_METHODS"]

#: Interpolation methods and the ghost points each needs per side.
INTERPOLATION_METHODS = {"linear": 1, "cubic": 2}


def _extended(grid: Grid, data: np.ndarray, width: int, component: int | None):
    coords = []
    for axis in range(grid.ndim):
        data, ext = extend(data, grid, axis, width, component)
        coords.append(ext.coords)
    return coords, data


def check_points(grid: Grid, points: Any) -> np.ndarray:
    """Validate points in grid coordinates and wrap periodic coordinates into their period."""
    pts = np.asarray(points, dtype=float)
    if grid.ndim == 1 and (pts.ndim == 0 or pts.shape[-1] != 1):
        pts = pts[..., None]
    if pts.ndim == 0 or pts.shape[-1] != grid.ndim:
        msg = (
            f"points must have shape (..., {grid.ndim}) in grid coordinates {grid.axes}, "
            f"got {pts.shape}"
        )
        raise ValueError(msg)
    pts = pts.copy()
    for i, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
        if per:
            pts[..., i] = lo + np.mod(pts[..., i] - lo, hi - lo)
        else:
            tol = 1e-12 * max(1.0, abs(lo), abs(hi))
            bad = ~((pts[..., i] >= lo - tol) & (pts[..., i] <= hi + tol))
            if np.any(bad):
                msg = (
                    f"points must lie within the grid: {grid.axes[i]!r} in [{lo:g}, {hi:g}], "
                    f"got {pts[..., i][bad].ravel()[:3]}"
                )
                raise ValueError(msg)
    return pts


def interpolate(
    field: ScalarField | VectorField, points: Any, *, method: str = "linear"
) -> np.ndarray:
    """Values of a field at points given in grid coordinates.

    Parameters
    ----------
    field : ScalarField or VectorField
        The field.
    points : array_like, shape (..., ndim)
        Points in the grid's coordinates (e.g. ``(r, theta)``); periodic
        coordinates may lie outside their period.
    method : {"linear", "cubic"}, keyword-only
        Interpolation method.

    Returns
    -------
    ndarray
        Shape ``(...)`` for a scalar field, ``(..., ndim)`` for a vector field.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(64, 128))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: x + 2 * y, coords="cartesian")
    >>> float(np.round(f.interpolate([0.5, np.pi / 2]), 3))   # x = 0, y = 0.5
    1.0
    """
    if method not in INTERPOLATION_METHODS:
        msg = f"method must be one of {tuple(INTERPOLATION_METHODS)}, got {method!r}"
        raise ValueError(msg)
    grid = field.grid
    pts = check_points(grid, points)
    width = INTERPOLATION_METHODS[method]
    data = np.asarray(field.compute().data)
    comps = [data] if isinstance(field, ScalarField) else list(data)
    out = []
    for i, comp in enumerate(comps):
        component = None if isinstance(field, ScalarField) else i
        coords, ext = _extended(grid, comp, width, component)
        axes = [k for k in range(grid.ndim) if coords[k].size > 1]
        if any(coords[k].size < 4 for k in axes) and method == "cubic":
            msg = "method 'cubic' needs at least 4 points along every axis"
            raise ValueError(msg)
        squeezed = ext.reshape([ext.shape[k] for k in axes])
        rgi = RegularGridInterpolator(
            [coords[k] for k in axes], squeezed, method=method, bounds_error=False, fill_value=None
        )
        flat = pts[..., axes].reshape(-1, len(axes))
        out.append(rgi(flat).reshape(pts.shape[:-1]))
    return out[0] if isinstance(field, ScalarField) else np.stack(out, axis=-1)
