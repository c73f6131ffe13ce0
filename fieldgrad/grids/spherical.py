"""Spherical coordinates (r, theta, phi): a ball, a shell or a cone."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .base import (
    FULL_CIRCLE,
    Edge,
    Factor,
    Grid,
    Mirror,
    _as_coordinate,
    angle_bounds,
    cell_centres,
    check_angle_range,
    check_range,
    check_shape,
    colatitude_bounds,
    covers_circle,
    ordered_coords,
    radial_bounds,
    require_pairs,
    stack_basis,
    wrap_angle,
)

__all__ = ["SphericalGrid", "pole_mirrors"]

AXES = ("r", "theta", "phi")


def pole_mirrors(
    bounds: tuple[float, float], phi_axis: int, signs: tuple[float, ...]
) -> tuple[Mirror | None, Mirror | None]:
    """Mirrors across the North (theta = 0) and South (theta = pi) poles.

    Across a pole the colatitude continues as ``-theta`` (or ``2 pi - theta``)
    at the longitude ``phi + pi``.
    """
    north = Mirror(at=0.0, shift=(phi_axis,), signs=signs) if bounds[0] == 0.0 else None
    south = Mirror(at=math.pi, shift=(phi_axis,), signs=signs) if bounds[1] == math.pi else None
    return (north, south)


class SphericalGrid(Grid):
    """Spherical grid ``(r, theta, phi)`` with colatitude theta and longitude phi.

    By default theta covers ``[0, pi]`` and phi ``[0, 2 pi)`` (periodic).
    Stencils continue across the poles (phi shifted by pi) and, for a ball,
    across the centre (``f(-r, theta, phi) = f(r, pi - theta, phi + pi)``).

    Parameters
    ----------
    radius : (float, float)
        Radial range, ``0 <= start < stop``.
    shape : (int, int, int)
        Number of cells in r, theta and phi.
    colatitude, longitude : (float, float), keyword-only
        Angular ranges in radians.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> grid = fg.SphericalGrid(radius=(0.5, 2), shape=(8, 8, 16))
    >>> grid.axes, grid.periodic
    (('r', 'theta', 'phi'), (False, False, True))
    """

    kind = "spherical"
    angular_axes = ("theta", "phi")
    xarray_dims = (AXES,)
    picture = "spherical"

    def __init__(
        self,
        radius: tuple[float, float],
        shape: Sequence[int],
        *,
        colatitude: tuple[float, float] = (0.0, math.pi),
        longitude: tuple[float, float] = (0.0, FULL_CIRCLE),
        units: str | None = None,
    ) -> None:
        n = check_shape(shape, 3)
        rb = check_range("radius", radius, lo=0.0)
        tb = check_range("colatitude", colatitude, lo=0.0, hi=math.pi)
        pb = check_angle_range("longitude", longitude)
        coords = [cell_centres(b[0], b[1], k) for b, k in zip((rb, tb, pb), n, strict=True)]
        super().__init__(
            coords, AXES, [rb, tb, pb], (False, False, covers_circle(*pb)), units=units
        )

    def configure(self, **options: Any) -> None:
        """Check the grid: an even number of longitudes at the centre or a pole, and not
        both r = 0 and a pole as grid points."""
        super().configure(**options)
        if self.periodic[2] and (self.edges(0)[0] or any(self.edges(1))):
            require_pairs("phi", self.shape[2])
        r, theta = self.coordinate(0), self.coordinate(1)
        touches_pole = theta[0] == 0.0 or theta[-1] == math.pi
        if r[0] == 0.0 and touches_pole:
            msg = (
                "a SphericalGrid cannot have both r = 0 and a pole as grid points; "
                "use cell-centred radii or colatitudes"
            )
            raise ValueError(msg)

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        bounds: Sequence | None = None,
        periodic: Sequence[bool] | None = None,
        **options: Any,
    ) -> SphericalGrid:
        """Spherical grid from explicit ``r``, ``theta``, ``phi`` arrays.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> theta = (np.arange(8) + 0.5) * np.pi / 8
        >>> phi = np.arange(16) * np.pi / 8
        >>> grid = fg.SphericalGrid.from_coords({"r": np.geomspace(1, 10, 5),
        ...                                      "theta": theta, "phi": phi})
        >>> grid.edges("theta")[0] is not None   # the North Pole continues the stencil
        True
        """
        r, theta, phi = (
            _as_coordinate(n, c) for n, c in zip(AXES, ordered_coords(coords, AXES), strict=True)
        )
        pb, full = angle_bounds(phi)
        bnds = [radial_bounds(r), colatitude_bounds(theta), pb] if bounds is None else bounds
        flags = (False, False, full) if periodic is None else periodic
        return cls.from_parts([r, theta, phi], AXES, bnds, flags, **options)

    def factor_functions(self) -> dict[tuple[int, int], Factor]:
        """``h_theta = r``, ``h_phi = r sin(theta)``."""
        return {(1, 0): lambda r: r, (2, 0): lambda r: r, (2, 1): np.sin}

    def edges(self, axis: int | str) -> tuple[Edge, Edge]:
        """Beyond r = 0 the far side of the centre, beyond a pole its other side."""
        axis = self.axis_index(axis)
        if axis == 2:
            return super().edges(axis)
        if not self.periodic[2]:
            return (None, None)
        if axis == 0:
            theta = self.coordinate(1)
            full_theta = self.bounds[1] == (0.0, math.pi) and np.allclose(
                theta + theta[::-1], math.pi
            )
            if self.bounds[0][0] == 0.0 and full_theta:
                return (Mirror(at=0.0, shift=(2,), flip=(1,), signs=(-1.0, 1.0, -1.0)), None)
            return (None, None)
        return pole_mirrors(self.bounds[1], 2, (1.0, -1.0, -1.0))

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """``(x, y, z)`` of points given as ``(r, theta, phi)`` (default: the mesh)."""
        r, theta, phi = (np.asarray(c, dtype=float) for c in (coords if coords else self.mesh()))
        return (
            r * np.sin(theta) * np.cos(phi),
            r * np.sin(theta) * np.sin(phi),
            r * np.cos(theta),
        )

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """``(r, theta, phi)`` of points given as ``(x, y, z)``; phi within its period.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.SphericalGrid(radius=(0, 1), shape=(4, 4, 8))
        >>> [round(float(c / np.pi), 6) for c in grid.from_cartesian(0.0, -1.0, 0.0)]
        [0.31831, 0.5, 1.5]
        """
        x, y, z = (np.asarray(c, dtype=float) for c in xyz)
        rho = np.hypot(x, y)
        return (
            np.hypot(rho, z),
            np.arctan2(rho, z),
            wrap_angle(np.arctan2(y, x), self.bounds[2][0]),
        )

    def basis(self, *coords: Any) -> np.ndarray:
        """Unit vectors ``e_r``, ``e_theta``, ``e_phi`` in ``(x, y, z)``, shape ``(..., 3, 3)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.SphericalGrid(radius=(0, 1), shape=(4, 4, 8))
        >>> np.round(grid.basis(1.0, np.pi / 2, 0.0), 12) + 0.0
        array([[ 1.,  0.,  0.],
               [ 0.,  0., -1.],
               [ 0.,  1.,  0.]])
        """
        r, theta, phi = (np.asarray(c, dtype=float) for c in coords)
        st, ct = np.sin(theta) + 0 * r, np.cos(theta) + 0 * r
        sp, cp = np.sin(phi), np.cos(phi)
        zero = 0 * (st + sp)
        return stack_basis([(st * cp, st * sp, ct), (ct * cp, ct * sp, -st), (-sp, cp, zero)])
