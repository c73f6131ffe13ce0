"""Cartesian grids in one to three dimensions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .base import (
    Grid,
    _as_coordinate,
    cell_centres,
    check_range,
    check_shape,
    infer_bounds,
    ordered_coords,
)

__all__ = ["CartesianGrid"]

CARTESIAN_AXES = ("x", "y", "z")


def _per_axis(name: str, value: Any, ndim: int) -> tuple[bool, ...]:
    values = [value] * ndim if np.ndim(value) == 0 else list(np.ravel(value))
    if (
        np.ndim(value) > 1
        or len(values) != ndim
        or not all(isinstance(v, (bool, np.bool_)) for v in values)
    ):
        msg = f"{name} must be a bool or one bool per axis ({ndim}), got {value!r}"
        raise TypeError(msg)
    return tuple(bool(v) for v in values)


class CartesianGrid(Grid):
    """A rectangular grid in 1, 2 or 3 Cartesian dimensions, points at cell centres.

    Parameters
    ----------
    bounds : sequence of (float, float)
        ``(start, stop)`` per axis.
    shape : sequence of int
        Number of cells per axis.
    periodic : bool or sequence of bool, keyword-only
        Whether each axis wraps around.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(4, 8))
    >>> grid.axes, grid.spacing
    (('x', 'y'), (0.25, 0.25))
    """

    kind = "cartesian"
    xarray_dims = tuple(CARTESIAN_AXES[:n] for n in (1, 2, 3))
    picture = "cartesian"

    def __init__(
        self,
        bounds: Sequence[tuple[float, float]],
        shape: Sequence[int],
        *,
        periodic: bool | Sequence[bool] = False,
        units: str | None = None,
    ) -> None:
        if isinstance(bounds, (str, bytes)) or not isinstance(bounds, Sequence | np.ndarray):
            msg = f"bounds must be a sequence of (start, stop) pairs, got {bounds!r}"
            raise TypeError(msg)
        bounds = list(bounds)
        if not 1 <= len(bounds) <= 3:
            msg = f"bounds must give 1 to 3 (start, stop) pairs, got {len(bounds)}"
            raise ValueError(msg)
        ndim = len(bounds)
        ranges = [check_range(f"bounds[{i}]", b) for i, b in enumerate(bounds)]
        shape = check_shape(shape, ndim)
        coords = [cell_centres(lo, hi, n) for (lo, hi), n in zip(ranges, shape, strict=True)]
        super().__init__(
            coords,
            CARTESIAN_AXES[:ndim],
            ranges,
            _per_axis("periodic", periodic, ndim),
            units=units,
        )

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        bounds: Sequence[tuple[float, float]] | None = None,
        periodic: bool | Sequence[bool] | None = False,
        **options: Any,
    ) -> CartesianGrid:
        """Cartesian grid from explicit coordinates (``x``, ``y``, ``z``), uniform or not.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> fg.CartesianGrid.from_coords({"x": np.linspace(0, 1, 11)}).shape
        (11,)
        """
        arrays = ordered_coords(coords, CARTESIAN_AXES)
        xs = [_as_coordinate(a, c) for a, c in zip(CARTESIAN_AXES, arrays, strict=False)]
        ndim = len(xs)
        flags = _per_axis("periodic", bool(periodic) if periodic is None else periodic, ndim)
        if bounds is None:
            bounds = []
            for x, per in zip(xs, flags, strict=True):
                if per:
                    step = x[1] - x[0]
                    bounds.append((x[0] - step / 2, x[-1] + step / 2))
                else:
                    bounds.append(infer_bounds(x))
        return cls.from_parts(xs, CARTESIAN_AXES[:ndim], bounds, flags, **options)

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """Cartesian coordinates: the grid coordinates themselves."""
        pts = coords if coords else self.mesh()
        return tuple(np.asarray(c, dtype=float) for c in pts)

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """Grid coordinates of Cartesian points: the coordinates themselves.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
        >>> [float(c) for c in grid.from_cartesian(0.25, 0.5)]
        [0.25, 0.5]
        """
        if len(xyz) != self.ndim:
            msg = f"from_cartesian expects {self.ndim} coordinates, got {len(xyz)}"
            raise ValueError(msg)
        return tuple(np.asarray(c, dtype=float) for c in xyz)

    def basis(self, *coords: Any) -> np.ndarray:
        """The unit vectors of the axes, shape ``(..., ndim, ndim)``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4)).basis(0.5, 0.5)
        array([[1., 0.],
               [0., 1.]])
        """
        shape = np.broadcast_shapes(*(np.shape(c) for c in coords))
        return np.broadcast_to(np.eye(self.ndim), shape + (self.ndim, self.ndim)).copy()
