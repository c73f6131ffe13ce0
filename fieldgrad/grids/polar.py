"""Polar coordinates (r, theta) on the full plane, a disk, an annulus or a sector."""

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
    check_angle_range,
    check_range,
    check_shape,
    covers_circle,
    ordered_coords,
    radial_bounds,
    require_pairs,
    stack_basis,
    wrap_angle,
)

__all__ = ["PolarGrid"]

AXES = ("r", "theta")


class PolarGrid(Grid):
    """Polar grid ``(r, theta)``: a disk, an annulus or a sector, points at cell centres.

    ``theta`` covers ``[0, 2 pi)`` by default and is then periodic.  When the
    radius starts at 0 the stencils continue across the origin,
    ``f(-r, theta) = f(r, theta + pi)``, which needs an even number of angles.

    Parameters
    ----------
    radius : (float, float)
        Radial range, ``0 <= start < stop``.
    shape : (int, int)
        Number of cells in r and theta.
    angle : (float, float), keyword-only
        Angular range in radians.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(64, 128))
    >>> grid.axes, grid.periodic
    (('r', 'theta'), (False, True))
    """

    kind = "polar"
    angular_axes = ("theta",)
    xarray_dims = (AXES,)
    picture = "polar"

    def __init__(
        self,
        radius: tuple[float, float],
        shape: Sequence[int],
        *,
        angle: tuple[float, float] = (0.0, FULL_CIRCLE),
        units: str | None = None,
    ) -> None:
        nr, nt = check_shape(shape, 2)
        (r0, r1) = check_range("radius", radius, lo=0.0)
        (t0, t1) = check_angle_range("angle", angle)
        full = covers_circle(t0, t1)
        coords = [cell_centres(r0, r1, nr), cell_centres(t0, t1, nt)]
        super().__init__(coords, AXES, [(r0, r1), (t0, t1)], (False, full), units=units)

    def configure(self, **options: Any) -> None:
        """Check the grid: an even number of angles when it reaches r = 0."""
        super().configure(**options)
        if self.axis_mirror() is not None:
            require_pairs("theta", self.shape[1])

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        bounds: Sequence | None = None,
        periodic: Sequence[bool] | None = None,
        **options: Any,
    ) -> PolarGrid:
        """Polar grid from explicit ``r`` and ``theta`` arrays (uniform or not).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid.from_coords({"r": np.geomspace(0.1, 1, 20),
        ...                                  "theta": np.linspace(0, 1, 10)})
        >>> grid.periodic
        (False, False)
        """
        r, theta = (
            _as_coordinate(n, c) for n, c in zip(AXES, ordered_coords(coords, AXES), strict=True)
        )
        tb, full = angle_bounds(theta)
        bnds = [radial_bounds(r), tb] if bounds is None else bounds
        flags = (False, full) if periodic is None else periodic
        return cls.from_parts([r, theta], AXES, bnds, flags, **options)

    def axis_mirror(self) -> Mirror | None:
        """The origin as a mirror (when the disk reaches r = 0 over the full circle)."""
        if self.bounds[0][0] == 0.0 and self.periodic[1]:
            return Mirror(at=0.0, shift=(1,), signs=(-1.0, -1.0))
        return None

    def factor_functions(self) -> dict[tuple[int, int], Factor]:
        """``h_theta = r``."""
        return {(1, 0): lambda r: r}

    def edges(self, axis: int | str) -> tuple[Edge, Edge]:
        """Beyond r = 0 the far side of the origin; theta is periodic on the full circle."""
        if self.axis_index(axis) == 0:
            return (self.axis_mirror(), None)
        return super().edges(axis)

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """``(x, y)`` of points given as ``(r, theta)`` (default: the grid's mesh).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
        >>> x, y = grid.to_cartesian(1.0, np.pi / 2)
        >>> float(np.round(x, 12)), float(y)
        (0.0, 1.0)
        """
        r, theta = coords if coords else self.mesh()
        r, theta = np.asarray(r, dtype=float), np.asarray(theta, dtype=float)
        return (r * np.cos(theta), r * np.sin(theta))

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """``(r, theta)`` of points given as ``(x, y)``; theta in ``[start, start + 2 pi)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
        >>> r, theta = grid.from_cartesian(0.0, -0.5)
        >>> float(r), float(theta / np.pi)
        (0.5, 1.5)
        """
        x, y = (np.asarray(c, dtype=float) for c in xyz)
        return (np.hypot(x, y), wrap_angle(np.arctan2(y, x), self.bounds[1][0]))

    def basis(self, *coords: Any) -> np.ndarray:
        """Unit vectors ``e_r``, ``e_theta`` in ``(x, y)`` components, shape ``(..., 2, 2)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
        >>> np.round(grid.basis(1.0, np.pi / 2), 12) + 0.0
        array([[ 0.,  1.],
               [-1.,  0.]])
        """
        r, theta = (np.asarray(c, dtype=float) for c in coords)
        c, s = np.cos(theta) + 0 * r, np.sin(theta) + 0 * r
        return stack_basis([(c, s), (-s, c)])
