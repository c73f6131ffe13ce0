"""Cylindrical coordinates: axisymmetric (r, z) or full (r, theta, z) - pipes."""

from __future__ import annotations

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
    check_range,
    check_shape,
    infer_bounds,
    ordered_coords,
    radial_bounds,
    require_pairs,
    stack_basis,
    wrap_angle,
)

__all__ = ["CylindricalGrid"]


def _axes(ndim: int) -> tuple[str, ...]:
    return ("r", "theta", "z") if ndim == 3 else ("r", "z")


def _periodic(ndim: int, full: bool) -> tuple[bool, ...]:
    return (False, full, False) if ndim == 3 else (False, False)


class CylindricalGrid(Grid):
    """Cylindrical grid: axisymmetric ``(r, z)`` or full ``(r, theta, z)``.

    With a 2-entry shape the field is taken to be independent of the angle
    (a pipe with axisymmetric flow): the volume element keeps its factor
    ``r``, so divergences and Laplacians are those of 3-D space.  With a
    3-entry shape theta covers ``[0, 2 pi)`` and is periodic.  Stencils
    continue across the axis r = 0.

    Parameters
    ----------
    radius : (float, float)
        Radial range, ``0 <= start < stop``.
    z : (float, float)
        Axial range.
    shape : (int, int) or (int, int, int)
        Cells in (r, z) or (r, theta, z).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> pipe = fg.CylindricalGrid(radius=(0, 1e-3), z=(0, 0.1), shape=(32, 64))
    >>> pipe.axes
    ('r', 'z')
    >>> fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(8, 16, 8)).axes
    ('r', 'theta', 'z')
    """

    kind = "cylindrical"
    angular_axes = ("theta",)
    xarray_dims = (("r", "z"), ("r", "theta", "z"))
    picture = "cylindrical"

    def __init__(
        self,
        radius: tuple[float, float],
        z: tuple[float, float],
        shape: Sequence[int],
        *,
        units: str | None = None,
    ) -> None:
        n = check_shape(shape, (2, 3))
        rb = check_range("radius", radius, lo=0.0)
        zb = check_range("z", z)
        if len(n) == 2:
            bounds = [rb, zb]
        else:
            bounds = [rb, (0.0, FULL_CIRCLE), zb]
        coords = [cell_centres(b[0], b[1], k) for b, k in zip(bounds, n, strict=True)]
        super().__init__(coords, _axes(len(n)), bounds, _periodic(len(n), True), units=units)

    def configure(self, **options: Any) -> None:
        """Check the grid: an even number of angles when it reaches the axis."""
        super().configure(**options)
        if self.axis_mirror() is not None and self.ndim == 3:
            require_pairs("theta", self.shape[1])

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        bounds: Sequence | None = None,
        periodic: Sequence[bool] | None = None,
        **options: Any,
    ) -> CylindricalGrid:
        """Cylindrical grid from explicit ``r``, (``theta``,) ``z`` arrays.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.CylindricalGrid.from_coords({"r": np.linspace(0, 1, 11),
        ...                                        "z": np.linspace(0, 5, 51)})
        >>> grid.edges("r")[0] is not None   # the axis r = 0 is a grid point
        True
        """
        names = (
            ("r", "theta", "z") if isinstance(coords, Mapping) and "theta" in coords else ("r", "z")
        )
        if not isinstance(coords, Mapping) and len(coords) == 3:
            names = ("r", "theta", "z")
        xs = [
            _as_coordinate(n, c) for n, c in zip(names, ordered_coords(coords, names), strict=True)
        ]
        full = False
        auto = [radial_bounds(xs[0])]
        if len(xs) == 3:
            tb, full = angle_bounds(xs[1])
            auto.append(tb)
        auto.append(infer_bounds(xs[-1]))
        bnds = auto if bounds is None else bounds
        flags = _periodic(len(xs), full) if periodic is None else periodic
        return cls.from_parts(xs, _axes(len(xs)), bnds, flags, **options)

    def axis_mirror(self) -> Mirror | None:
        """The axis r = 0 as a mirror (when the grid reaches it)."""
        if self.bounds[0][0] != 0.0:
            return None
        if self.ndim == 2:
            return Mirror(at=0.0, signs=(-1.0, 1.0))
        if self.periodic[1]:
            return Mirror(at=0.0, shift=(1,), signs=(-1.0, -1.0, 1.0))
        return None

    def factor_functions(self) -> dict[tuple[int, int], Factor]:
        """``h_theta = r`` (the full grid); none for the axisymmetric section."""
        return {(1, 0): lambda r: r} if self.ndim == 3 else {}

    def volume_functions(self) -> dict[int, Factor]:
        """``dV = 2 pi r dr dz`` for the axisymmetric section."""
        return {0: lambda r: FULL_CIRCLE * r} if self.ndim == 2 else {}

    def edges(self, axis: int | str) -> tuple[Edge, Edge]:
        """Beyond r = 0 the far side of the axis."""
        if self.axis_index(axis) == 0:
            return (self.axis_mirror(), None)
        return super().edges(axis)

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """``(x, y, z)`` of points given as ``(r, theta, z)``; ``(r, z)`` on the axisymmetric grid
        map to the half-plane ``y = 0``."""
        cs = [np.asarray(c, dtype=float) for c in (coords if coords else self.mesh())]
        if self.ndim == 2:
            r, z = cs
            return (r + 0 * z, 0 * (r + z), z + 0 * r)
        r, theta, z = cs
        return (r * np.cos(theta) + 0 * z, r * np.sin(theta) + 0 * z, z + 0 * r * theta)

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """``(r, theta, z)`` of points given as ``(x, y, z)``; ``(r, z)`` on the axisymmetric
        grid, where the angle is dropped (``r = hypot(x, y)``).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> pipe = fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(4, 8))
        >>> [float(c) for c in pipe.from_cartesian(-0.3, 0.4, 1.0)]
        [0.5, 1.0]
        """
        x, y, z = (np.asarray(c, dtype=float) for c in xyz)
        r = np.hypot(x, y)
        if self.ndim == 2:
            return (r, z + 0 * r)
        return (r, wrap_angle(np.arctan2(y, x), self.bounds[1][0]), z + 0 * r)

    def basis(self, *coords: Any) -> np.ndarray:
        """Unit vectors in ``(x, y, z)`` components: ``e_r``, (``e_theta``,) ``e_z``.

        On the axisymmetric grid the points lie in the half-plane ``y = 0``,
        where ``e_r = (1, 0, 0)``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> pipe = fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(4, 8))
        >>> pipe.basis(0.5, 1.0)
        array([[1., 0., 0.],
               [0., 0., 1.]])
        """
        cs = [np.asarray(c, dtype=float) for c in coords]
        zero = 0 * sum(cs)
        if self.ndim == 2:
            return stack_basis([(1 + zero, zero, zero), (zero, zero, 1 + zero)])
        c, s = np.cos(cs[1]) + zero, np.sin(cs[1]) + zero
        return stack_basis([(c, s, zero), (-s, c, zero), (zero, zero, 1 + zero)])
