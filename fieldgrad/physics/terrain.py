"""Terrain: slope, hillshade and the slope read off a contour map.

An elevation model is a scalar field ``z`` (metres) on a grid whose
coordinates are in metres too: a :class:`~fieldgrad.SphereSurface` patch of
the Earth's radius for data on a latitude/longitude grid, or a 2-D
:class:`~fieldgrad.CartesianGrid` with ``x`` east and ``y`` north for
projected data.  The gradient norm ``|grad z|`` is the rise per metre of
horizontal distance; the slope angle is ``arctan |grad z|``.

Before gradients were computed, slopes were read off topographic maps from
the spacing of contour lines: neighbouring contours ``Delta z`` apart and
``d`` apart on the map mean ``|grad z| ~ Delta z / d``
(:func:`contour_spacing_gradient`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..fields import ScalarField
from ..grids import CartesianGrid, SphereSurface

__all__ = [
    "ContourSpacing",
    "jacksboro_elevation",
    "contour_spacing_gradient",
    "east_north_gradient",
    "hillshade",
    "slope_degrees",
]

#: Azimuth of the light in hillshades, degrees clockwise from north (cartographic convention).
DEFAULT_AZIMUTH = 315.0
#: Elevation of the light above the horizon in hillshades, degrees.
DEFAULT_ALTITUDE = 45.0
#: Vertices of one contour processed at once when measuring spacings (bounds memory).
_VERTEX_BLOCK = 2048
#: A foot point this close to the open end of a contour is not a perpendicular foot.
_END_TOLERANCE = 1e-9


def jacksboro_elevation(*, every: int = 1) -> ScalarField:
    """The Jacksboro fault DEM that matplotlib ships, on a patch of the spherical Earth.

    About 30 km by 32 km of the Cumberland Mountains (Tennessee) at
    3 arc-seconds, elevation in metres.  Row 0 is the northernmost row (the
    grid's colatitude grows southward); the patch's bounds are the cells'
    outer edges.

    Parameters
    ----------
    every : int, keyword-only
        Keep every ``every``-th row and column (a coarser copy, same extent).

    Returns
    -------
    ScalarField
        Elevation on a :class:`~fieldgrad.SphereSurface` patch of the Earth's radius.

    Examples
    --------
    >>> from fieldgrad.physics import jacksboro_elevation
    >>> z = jacksboro_elevation(every=4)
    >>> z.grid.kind, z.units
    ('sphere', 'm')
    """
    import matplotlib.cbook as cbook

    from ..grids.sphere import EARTH_RADIUS

    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        msg = f"every must be a positive integer, got {every!r}"
        raise ValueError(msg)
    dem: Any = cbook.get_sample_data("jacksboro_fault_dem.npz")
    z = np.asarray(dem["elevation"], dtype=float)
    # "ymin" is the northern edge of the file (row 0 to the north); extents are cell edges.
    north, south = float(dem["ymin"]), float(dem["ymax"])
    west, east = float(dem["xmin"]), float(dem["xmax"])
    rows, cols = z.shape
    z = z[: rows - rows % every : every, : cols - cols % every : every]
    south = north + (south - north) * (rows - rows % every) / rows
    east = west + (east - west) * (cols - cols % every) / cols
    patch = SphereSurface(
        EARTH_RADIUS,
        z.shape,
        colatitude=tuple(np.deg2rad(90.0 - np.array([north, south]))),
        longitude=tuple(np.deg2rad([west, east])),
    )
    return ScalarField(patch, z, name="elevation", units="m")


def _check_elevation(elevation: Any) -> ScalarField:
    if not isinstance(elevation, ScalarField):
        msg = f"elevation must be a ScalarField, got {type(elevation).__name__}"
        raise TypeError(msg)
    grid = elevation.grid
    if not (
        isinstance(grid, SphereSurface) or (isinstance(grid, CartesianGrid) and grid.ndim == 2)
    ):
        msg = (
            "elevation must live on a SphereSurface or a 2-D CartesianGrid (x east, y north), "
            f"got {grid!r}"
        )
        raise TypeError(msg)
    return elevation


def east_north_gradient(elevation: ScalarField, *, order: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Rise per metre towards the east and towards the north.

    On a :class:`~fieldgrad.SphereSurface` the colatitude grows southwards,
    so the northward component is minus the ``theta`` component of the
    gradient; on a 2-D :class:`~fieldgrad.CartesianGrid` ``x`` is east and
    ``y`` is north.

    Parameters
    ----------
    elevation : ScalarField
        Elevation on a SphereSurface or a 2-D CartesianGrid, lengths in one unit.
    order : {2, 4}, keyword-only
        Accuracy order of the finite differences.

    Returns
    -------
    (ndarray, ndarray)
        ``dz/d(east)`` and ``dz/d(north)``, each of the grid's shape.

    Examples
    --------
    A surface rising 1 m per 100 m towards the north, on a patch of the Earth:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.terrain import east_north_gradient
    >>> R = 6.371e6
    >>> patch = fg.SphereSurface(R, (20, 20), colatitude=(0.9, 0.91), longitude=(0.1, 0.11))
    >>> z = fg.ScalarField.from_function(patch, lambda theta, phi: -0.01 * R * theta + 0 * phi)
    >>> east, north = east_north_gradient(z)
    >>> bool(np.allclose(east, 0)), bool(np.allclose(north, 0.01))
    (True, True)
    """
    g = _check_elevation(elevation).gradient(order=order).data
    if isinstance(elevation.grid, SphereSurface):
        return g[1], -g[0]
    return g[0], g[1]


def slope_degrees(elevation: ScalarField, *, order: int = 2) -> ScalarField:
    """Slope angle ``arctan |grad z|`` in degrees.

    Parameters
    ----------
    elevation : ScalarField
        Elevation on a SphereSurface or a 2-D CartesianGrid, horizontal
        lengths in the same unit as the elevation.
    order : {2, 4}, keyword-only
        Accuracy order of the finite differences.

    Returns
    -------
    ScalarField
        Slope in degrees (0 flat, 90 vertical), on the same grid.

    Examples
    --------
    A ramp rising 1 m per metre is inclined at 45 degrees:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.terrain import slope_degrees
    >>> grid = fg.CartesianGrid(bounds=[(0, 10), (0, 10)], shape=(16, 16))
    >>> ramp = fg.ScalarField.from_function(grid, lambda x, y: (x + y) / np.sqrt(2))
    >>> s = slope_degrees(ramp)
    >>> s.units, bool(np.allclose(s.data, 45.0))
    ('deg', True)
    """
    norm = _check_elevation(elevation).gradient_norm(order=order).data
    return ScalarField(elevation.grid, np.degrees(np.arctan(norm)), name="slope", units="deg")


def hillshade(
    elevation: ScalarField,
    *,
    azimuth: float = DEFAULT_AZIMUTH,
    altitude: float = DEFAULT_ALTITUDE,
    vert_exag: float = 1.0,
    order: int = 2,
) -> np.ndarray:
    """Illumination of the terrain by a distant light, from the field's own gradient.

    The surface normal ``(-dz/dx_east, -dz/dy_north, 1)`` comes from
    :func:`east_north_gradient`, so the shading knows the true metric of the
    grid (metres per degree of longitude shrink with latitude); the normals
    are lit by :meth:`matplotlib.colors.LightSource.shade_normals`.

    Parameters
    ----------
    elevation : ScalarField
        Elevation on a SphereSurface or a 2-D CartesianGrid.
    azimuth : float, keyword-only
        Direction the light comes from, degrees clockwise from north.
    altitude : float, keyword-only
        Angle of the light above the horizon, degrees.
    vert_exag : float, keyword-only
        Vertical exaggeration applied to the elevation before shading.
    order : {2, 4}, keyword-only
        Accuracy order of the gradient.

    Returns
    -------
    ndarray
        Intensity in [0, 1] of the grid's shape, contrast-stretched by
        matplotlib unless it is uniform; use it as a grey image or blend it
        with colours (``LightSource.blend_overlay``).

    Examples
    --------
    A uniform slope facing the light directly is lit at the cosine of the
    angle between its normal and the light (here 1, head-on):

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.terrain import hillshade
    >>> grid = fg.CartesianGrid(bounds=[(0, 10), (0, 10)], shape=(8, 8))
    >>> ramp = fg.ScalarField.from_function(grid, lambda x, y: (x - y) / np.sqrt(2))
    >>> shade = hillshade(ramp, azimuth=315.0, altitude=45.0)   # light from the north-west
    >>> bool(np.allclose(shade, 1.0))
    True
    """
    from matplotlib.colors import LightSource

    east, north = east_north_gradient(elevation, order=order)
    normals = np.stack([-vert_exag * east, -vert_exag * north, np.ones_like(east)], axis=-1)
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    return LightSource(azdeg=azimuth, altdeg=altitude).shade_normals(normals)


@dataclass(frozen=True)
class ContourSpacing:
    """Gradient norms estimated from the spacing of neighbouring contour lines.

    Attributes
    ----------
    midpoints : ndarray, shape (n, 2)
        ``(x, y)`` halfway between a vertex of one contour and the nearest
        point of the next contour: where the estimate is second-order accurate.
    spacing : ndarray, shape (n,)
        Distance between the two contours there.
    gradient_norm : ndarray, shape (n,)
        The estimate ``|Delta level| / spacing``.
    level : ndarray, shape (n,)
        The lower of the two contour levels of each estimate.

    Examples
    --------
    Returned by :func:`contour_spacing_gradient`; the arrays line up:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.terrain import contour_spacing_gradient
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(20, 20))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: 3 * x + 0 * y)
    >>> est = contour_spacing_gradient(f, levels=[0.6, 1.2, 1.8])
    >>> est.midpoints.shape[1], sorted(set(est.level.tolist()))
    (2, [0.6, 1.2])
    >>> bool(np.allclose(est.spacing * est.gradient_norm, 0.6))
    True
    """

    midpoints: np.ndarray
    spacing: np.ndarray
    gradient_norm: np.ndarray
    level: np.ndarray


def _nearest_on_lines(points: np.ndarray, lines: Sequence[np.ndarray]) -> tuple:
    """Distance and foot point from each point to a set of polylines, and whether the
    foot is a true perpendicular foot (not the open end of a polyline)."""
    starts, ends, open_start, open_end = [], [], [], []
    for line in lines:
        if len(line) < 2:
            continue
        closed = np.array_equal(line[0], line[-1])
        starts.append(line[:-1])
        ends.append(line[1:])
        first = np.zeros(len(line) - 1, dtype=bool)
        last = first.copy()
        first[0], last[-1] = not closed, not closed
        open_start.append(first)
        open_end.append(last)
    a, b = np.concatenate(starts), np.concatenate(ends)
    first, last = np.concatenate(open_start), np.concatenate(open_end)
    ab = b - a
    ab2 = np.maximum((ab**2).sum(axis=1), np.finfo(float).tiny)
    dist = np.empty(len(points))
    feet = np.empty_like(points)
    interior = np.empty(len(points), dtype=bool)
    for i in range(0, len(points), _VERTEX_BLOCK):
        p = points[i : i + _VERTEX_BLOCK, None, :]
        t = np.clip(((p - a) * ab).sum(axis=-1) / ab2, 0.0, 1.0)
        foot = a + t[..., None] * ab
        d2 = ((p - foot) ** 2).sum(axis=-1)
        k = np.argmin(d2, axis=1)
        rows = np.arange(len(k))
        tk = t[rows, k]
        dist[i : i + len(k)] = np.sqrt(d2[rows, k])
        feet[i : i + len(k)] = foot[rows, k]
        at_end = (first[k] & (tk <= _END_TOLERANCE)) | (last[k] & (tk >= 1 - _END_TOLERANCE))
        interior[i : i + len(k)] = ~at_end
    return dist, feet, interior


def contour_spacing_gradient(field: ScalarField, levels: Sequence[float]) -> ContourSpacing:
    """Estimate ``|grad f|`` from the spacing of neighbouring contour lines.

    The contours are traced by matplotlib's contour generator (``contourpy``).
    From every vertex of the contour at one level the nearest point of the
    contour at the next level is found; their distance ``d`` gives the
    estimate ``|Delta level| / d`` at the midpoint between them.  Along the
    normal the estimate is the mean of ``|grad f|`` over the gap, so at the
    midpoint its relative error is ``g'' d^2 / (24 g)`` (``g = |grad f|``
    along the normal): second order in the spacing, exact where the field
    is linear.  Vertices whose nearest point is the open end of the next
    contour (at the edge of the domain) are left out.

    Parameters
    ----------
    field : ScalarField
        A field on a 2-D :class:`~fieldgrad.CartesianGrid`.
    levels : sequence of float
        Increasing contour levels; estimates come from each adjacent pair.

    Returns
    -------
    ContourSpacing
        Midpoints, spacings and estimates of all adjacent-level pairs.

    Examples
    --------
    Contours of a plane of steepness 2, tilted against the grid:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.terrain import contour_spacing_gradient
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(50, 50))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: 1.2 * x + 1.6 * y)
    >>> est = contour_spacing_gradient(f, levels=np.linspace(0.2, 2.6, 7))
    >>> bool(np.allclose(est.gradient_norm, 2.0)), bool(np.allclose(est.spacing, 0.2))
    (True, True)
    """
    import contourpy

    if not isinstance(field, ScalarField) or not (
        isinstance(field.grid, CartesianGrid) and field.grid.ndim == 2
    ):
        msg = f"field must be a ScalarField on a 2-D CartesianGrid, got {field!r}"
        raise TypeError(msg)
    values = np.asarray(levels, dtype=float)
    if values.ndim != 1 or values.size < 2 or np.any(np.diff(values) <= 0):
        msg = f"levels must be at least 2 increasing values, got {levels!r}"
        raise ValueError(msg)
    x, y = field.grid.coords["x"], field.grid.coords["y"]
    # contourpy wants z[j, i] at (x[i], y[j]); fieldgrad stores data[i, j]
    gen = contourpy.contour_generator(x, y, np.asarray(field.data).T, line_type="Separate")
    traced = [[np.asarray(line, dtype=float) for line in gen.lines(lv)] for lv in values]
    parts: list[tuple] = []
    for k in range(values.size - 1):
        lower, upper = traced[k], traced[k + 1]
        if not lower or not upper:
            continue
        points = np.concatenate(lower)
        dist, feet, interior = _nearest_on_lines(points, upper)
        keep = interior & (dist > 0)
        step = values[k + 1] - values[k]
        parts.append(
            (
                (points[keep] + feet[keep]) / 2,
                dist[keep],
                step / dist[keep],
                np.full(int(keep.sum()), values[k]),
            )
        )
    if not parts:
        empty = np.empty(0)
        return ContourSpacing(np.empty((0, 2)), empty, empty, empty)
    mids, spacing, estimate, level = (np.concatenate(c) for c in zip(*parts, strict=True))
    return ContourSpacing(mids, spacing, estimate, level)
