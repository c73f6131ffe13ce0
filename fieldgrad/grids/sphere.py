"""The surface of a sphere of radius R, in colatitude theta and longitude phi."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import check_positive
from .base import (
    FULL_CIRCLE,
    Edge,
    Factor,
    Grid,
    _as_coordinate,
    angle_bounds,
    cell_centres,
    check_angle_range,
    check_range,
    check_shape,
    colatitude_bounds,
    covers_circle,
    ordered_coords,
    require_pairs,
    stack_basis,
    wrap_angle,
)
from .spherical import pole_mirrors

__all__ = ["SphereSurface", "EARTH_RADIUS"]

AXES = ("theta", "phi")
#: Mean radius of the Earth in metres (IUGG).
EARTH_RADIUS = 6_371_008.8


class SphereSurface(Grid):
    """The 2-D surface of a sphere of radius ``R``: the whole sphere or a patch.

    Axes are colatitude ``theta`` in ``[0, pi]`` and longitude ``phi``;
    ``h_theta = R`` and ``h_phi = R sin(theta)``.  On the whole sphere the
    stencils continue across both poles (phi shifted by pi).

    Parameters
    ----------
    radius : float
        Radius of the sphere, > 0.
    shape : (int, int)
        Number of cells in theta and phi.
    colatitude, longitude : (float, float), keyword-only
        Ranges in radians (a patch when smaller than the whole sphere).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> sphere = fg.SphereSurface(radius=1.0, shape=(90, 180))
    >>> sphere.axes, sphere.periodic
    (('theta', 'phi'), (False, True))
    """

    kind = "sphere"
    angular_axes = AXES
    xarray_dims = (AXES,)
    picture = "sphere"

    def __init__(
        self,
        radius: float = 1.0,
        shape: Sequence[int] = (90, 180),
        *,
        colatitude: tuple[float, float] = (0.0, math.pi),
        longitude: tuple[float, float] = (0.0, FULL_CIRCLE),
        units: str | None = None,
    ) -> None:
        n = check_shape(shape, 2)
        tb = check_range("colatitude", colatitude, lo=0.0, hi=math.pi)
        pb = check_angle_range("longitude", longitude)
        coords = [cell_centres(b[0], b[1], k) for b, k in zip((tb, pb), n, strict=True)]
        super().__init__(
            coords, AXES, [tb, pb], (False, covers_circle(*pb)), radius=radius, units=units
        )

    def configure(self, *, radius: Any = 1.0, **options: Any) -> None:
        """Store the radius (> 0); an even number of longitudes when a pole is an edge."""
        super().configure(**options)
        self.radius = check_positive("radius", radius)
        if any(self.edges(0)):
            require_pairs("phi", self.shape[1])

    def options(self) -> dict[str, Any]:
        """The radius."""
        return {"radius": self.radius}

    @classmethod
    def options_from_attrs(cls, attrs: Mapping[str, Any]) -> dict[str, Any]:
        """The radius from a DataArray's ``radius`` attribute (default 1)."""
        return {"radius": check_positive("attrs['radius']", attrs.get("radius", 1.0))}

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        radius: float = 1.0,
        bounds: Sequence | None = None,
        periodic: Sequence[bool] | None = None,
        **options: Any,
    ) -> SphereSurface:
        """Sphere surface from explicit ``theta`` (colatitude) and ``phi`` arrays.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> theta = (np.arange(45) + 0.5) * np.pi / 45
        >>> phi = np.arange(90) * np.pi / 45
        >>> fg.SphereSurface.from_coords({"theta": theta, "phi": phi}, radius=2.0).radius
        2.0
        """
        theta, phi = (
            _as_coordinate(n, c) for n, c in zip(AXES, ordered_coords(coords, AXES), strict=True)
        )
        pb, full = angle_bounds(phi)
        bnds = [colatitude_bounds(theta), pb] if bounds is None else bounds
        flags = (False, full) if periodic is None else periodic
        return cls.from_parts([theta, phi], AXES, bnds, flags, radius=radius, **options)

    @classmethod
    def from_latlon(cls, lat_deg: Any, lon_deg: Any, radius: float = EARTH_RADIUS) -> SphereSurface:
        """Sphere surface from latitude and longitude in degrees (e.g. read from a file).

        Latitude may run north to south or south to north; the grid's colatitude
        always increases (north to south), so data stored south to north must
        be flipped along the latitude axis (``data[::-1]``).  The default
        radius is the Earth's mean radius in metres.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> lat = np.arange(89.5, -90, -1.0)
        >>> lon = np.arange(0.0, 360.0, 1.0)
        >>> grid = fg.SphereSurface.from_latlon(lat, lon)
        >>> grid.shape, grid.periodic
        ((180, 360), (False, True))
        """
        lat = np.asarray(lat_deg, dtype=float)
        lon = np.asarray(lon_deg, dtype=float)
        if (
            lat.ndim != 1
            or lat.size < 2
            or not (np.all(np.diff(lat) > 0) or np.all(np.diff(lat) < 0))
        ):
            msg = "lat_deg must be a strictly monotonic 1-D array of at least 2 latitudes"
            raise ValueError(msg)
        if np.any(np.abs(lat) > 90):
            msg = f"lat_deg must lie within [-90, 90], got range [{lat.min()}, {lat.max()}]"
            raise ValueError(msg)
        theta = np.sort(np.deg2rad(90.0 - lat))
        return cls.from_coords({"theta": theta, "phi": np.deg2rad(lon)}, radius=radius)

    def factor_functions(self) -> dict[tuple[int, int], Factor]:
        """``h_theta = R``, ``h_phi = R sin(theta)``."""
        radius = self.radius
        return {(0, 0): lambda t: np.full_like(t, radius), (1, 0): lambda t: radius * np.sin(t)}

    def edges(self, axis: int | str) -> tuple[Edge, Edge]:
        """Beyond a pole the other side of it (phi shifted by pi) on the full circle."""
        if self.axis_index(axis) == 0:
            if not self.periodic[1]:
                return (None, None)
            return pole_mirrors(self.bounds[0], 1, (-1.0, -1.0))
        return super().edges(axis)

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """``(x, y, z)`` of the points on the sphere given as ``(theta, phi)``."""
        theta, phi = (np.asarray(c, dtype=float) for c in (coords if coords else self.mesh()))
        radius = self.radius
        return (
            radius * np.sin(theta) * np.cos(phi),
            radius * np.sin(theta) * np.sin(phi),
            radius * np.cos(theta) + 0 * phi,
        )

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """``(theta, phi)`` of the point of the sphere in the direction of ``(x, y, z)``.

        Points off the sphere are projected along the radius onto it.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> sphere = fg.SphereSurface(radius=2.0, shape=(8, 16))
        >>> [float(c / np.pi) for c in sphere.from_cartesian(0.0, 0.0, -5.0)]
        [1.0, 0.0]
        """
        x, y, z = (np.asarray(c, dtype=float) for c in xyz)
        theta = np.arctan2(np.hypot(x, y), z)
        return (theta, wrap_angle(np.arctan2(y, x), self.bounds[1][0]))

    def basis(self, *coords: Any) -> np.ndarray:
        """Unit tangent vectors ``e_theta``, ``e_phi`` in ``(x, y, z)``, shape ``(..., 2, 3)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> sphere = fg.SphereSurface(radius=1.0, shape=(8, 16))
        >>> np.round(sphere.basis(np.pi / 2, 0.0), 12) + 0.0   # on the equator
        array([[ 0.,  0., -1.],
               [ 0.,  1.,  0.]])
        """
        theta, phi = (np.asarray(c, dtype=float) for c in coords)
        st, ct, sp, cp = np.sin(theta), np.cos(theta), np.sin(phi), np.cos(phi)
        zero = 0 * (st + sp)
        return stack_basis([(ct * cp, ct * sp, -st + 0 * sp), (-sp + 0 * st, cp + 0 * st, zero)])
