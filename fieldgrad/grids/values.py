"""Values on a grid from a number, an array or a function of the coordinates.

Sources, initial values, boundary values and fields built from functions all
arrive in one of three forms; :func:`grid_values` is the one place that turns
any of them into an array over (part of) a grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .base import Grid

__all__ = ["grid_values"]

#: Names of the Cartesian coordinates passed to functions with ``coords="cartesian"``.
CARTESIAN_NAMES = ("x", "y", "z")


def grid_values(
    grid: Grid,
    value: Any,
    *,
    name: str,
    mesh: Sequence[Any] | None = None,
    coords: str = "grid",
    finite: bool = False,
) -> np.ndarray:
    """``value`` as a float array over ``mesh`` (default: the whole grid).

    Parameters
    ----------
    grid : Grid
        The grid.
    value : number, array_like or callable
        A number, an array that broadcasts to the mesh's shape, or a function
        of the coordinates: by axis name (``coords="grid"``) or of the
        Cartesian ``x, y(, z)`` (``coords="cartesian"``).
    name : str, keyword-only
        What the value is, for error messages (e.g. ``"source"``).
    mesh : sequence of arrays, keyword-only
        Broadcastable coordinate arrays (default :meth:`Grid.mesh`); a part of
        the grid, a side or a chunk.
    coords : {"grid", "cartesian"}, keyword-only
        How a callable receives the coordinates.
    finite : bool, keyword-only
        Require every value to be finite.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.grids import grid_values
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(2, 2))
    >>> grid_values(grid, lambda x, y: x + 0 * y, name="source")
    array([[0.25, 0.25],
           [0.75, 0.75]])
    >>> grid_values(grid, [1.0, 2.0, 3.0], name="source")
    Traceback (most recent call last):
    ...
    ValueError: source must be a number or broadcast to the shape (2, 2), got shape (3,)
    """
    if coords not in ("grid", "cartesian"):
        msg = f"coords must be 'grid' or 'cartesian', got {coords!r}"
        raise ValueError(msg)
    mesh = grid.mesh() if mesh is None else tuple(mesh)
    shape = np.broadcast_shapes(*(np.shape(m) for m in mesh))
    if callable(value):
        if coords == "grid":
            kwargs = dict(zip(grid.axes, mesh, strict=True))
        else:
            kwargs = dict(zip(CARTESIAN_NAMES, grid.to_cartesian(*mesh), strict=False))
        try:
            value = value(**kwargs)
        except TypeError as err:
            msg = f"{name} must accept the coordinates {tuple(kwargs)} as keyword arguments ({err})"
            raise TypeError(msg) from None
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        msg = f"{name} must be a real number, an array or a function, got {type(value).__name__}"
        raise TypeError(msg) from None
    try:
        out = np.broadcast_to(arr, shape).copy()
    except ValueError:
        msg = f"{name} must be a number or broadcast to the shape {shape}, got shape {arr.shape}"
        raise ValueError(msg) from None
    if finite and not np.all(np.isfinite(out)):
        msg = f"{name} must be finite everywhere"
        raise ValueError(msg)
    return out
