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

from ..discretization import extend
from ..fields import ScalarField, VectorField
from ..grids.base import Grid

__all__ = ["Interpolator", "interpolate", "INTERPOLATION_METHODS"]

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


class Interpolator:
    """Interpolate one field at many sets of points: build once, call often.

    Building extends the field by its ghost points and sets up scipy's
    ``RegularGridInterpolator`` (for ``"cubic"`` this solves for the spline
    coefficients, the expensive part); each call then only evaluates.  The
    interpolator holds a snapshot of the field's values: build a new one
    after changing the data.

    Parameters
    ----------
    field : ScalarField or VectorField
        The field.
    method : {"linear", "cubic"}, keyword-only
        Interpolation method.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators import Interpolator
    >>> grid = fg.SphereSurface(radius=1.0, shape=(45, 90))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    >>> at = Interpolator(f, method="cubic")
    >>> bool(abs(at([0.3, 1.0]) - np.cos(0.3)) < 1e-5)
    True
    """

    def __init__(self, field: ScalarField | VectorField, *, method: str = "linear") -> None:
        if method not in INTERPOLATION_METHODS:
            msg = f"method must be one of {tuple(INTERPOLATION_METHODS)}, got {method!r}"
            raise ValueError(msg)
        grid = field.grid
        self.grid = grid
        self.method = method
        self._scalar = isinstance(field, ScalarField)
        width = INTERPOLATION_METHODS[method]
        data = np.asarray(field.compute().data)
        comps = [data] if self._scalar else list(data)
        self._axes: list[int] = []
        self._rgis = []
        for i, comp in enumerate(comps):
            coords, ext = _extended(grid, comp, width, None if self._scalar else i)
            axes = [k for k in range(grid.ndim) if coords[k].size > 1]
            if method == "cubic" and any(coords[k].size < 4 for k in axes):
                msg = "method 'cubic' needs at least 4 points along every axis"
                raise ValueError(msg)
            squeezed = ext.reshape([ext.shape[k] for k in axes])
            self._axes = axes
            self._rgis.append(
                RegularGridInterpolator(
                    [coords[k] for k in axes],
                    squeezed,
                    method=method,
                    bounds_error=False,
                    fill_value=None,
                )
            )

    def __call__(self, points: Any) -> np.ndarray:
        """Values at points in grid coordinates: shape ``(...)`` or ``(..., ndim)``."""
        pts = check_points(self.grid, points)
        flat = pts[..., self._axes].reshape(-1, len(self._axes))
        out = [rgi(flat).reshape(pts.shape[:-1]) for rgi in self._rgis]
        return out[0] if self._scalar else np.stack(out, axis=-1)


def interpolate(
    field: ScalarField | VectorField, points: Any, *, method: str = "linear"
) -> np.ndarray:
    """Values of a field at points given in grid coordinates.

    The field is extended across its periodic seams, axes and poles first, so
    points there are interpolated like any other.  To interpolate one field
    many times, build an :class:`Interpolator` once.

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
    return Interpolator(field, method=method)(points)
