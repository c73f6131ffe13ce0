"""Boundary conditions of the sparse Laplacian: what may hold on each side of a grid.

A condition is given per side (``"x-"``, ``"r+"``) or per axis (``"theta"``,
both ends): a Dirichlet value, a Neumann derivative, or periodicity.  What a
grid allows follows from its own description: a full-circle angle is
periodic, r = 0 and the poles are regular (no condition), an axis without
metric factors may be made periodic.  :func:`resolve_bc` checks a ``bc``
dict against the grid and fills in the default, no flux.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..grids.base import Grid, Mirror
from ..grids.values import grid_values

__all__ = [
    "BOUNDARY_KINDS",
    "DEFAULT_BC",
    "Side",
    "named_sides",
    "resolve_bc",
    "robin_coefficients",
    "side_values",
]

#: Boundary condition kinds accepted in ``bc``; ``("robin", (a, b, value))``
#: means ``a c + b dc/dn = value``.
BOUNDARY_KINDS = ("dirichlet", "neumann", "robin", "periodic")
#: The condition of every side not named in ``bc``: no flux.
DEFAULT_BC = ("neumann", 0.0)


@dataclass(frozen=True)
class Side:
    """The condition on one side of an axis.

    Attributes
    ----------
    kind : str
        ``"dirichlet"``, ``"neumann"``, ``"periodic"`` or ``"mirror"`` (r = 0
        or a pole: regular, nothing to impose).
    value : number, array_like or callable
        The Dirichlet value or the outward normal derivative.

    Examples
    --------
    >>> from fieldgrad.operators.boundary import DEFAULT_BC, Side
    >>> Side(*DEFAULT_BC)
    Side(kind='neumann', value=0.0)
    """

    kind: str
    value: Any = 0.0


def _parse_condition(key: str, spec: Any) -> Side:
    if isinstance(spec, str):
        kind, value = spec.lower(), 0.0
    elif isinstance(spec, tuple | list) and len(spec) == 2 and isinstance(spec[0], str):
        kind, value = spec[0].lower(), spec[1]
    else:
        msg = (
            f"bc[{key!r}] must be 'periodic', 'dirichlet', 'neumann' or a (kind, value) pair "
            f"with kind in {BOUNDARY_KINDS}, got {spec!r}"
        )
        raise ValueError(msg)
    if kind not in BOUNDARY_KINDS:
        msg = f"bc[{key!r}] kind must be one of {BOUNDARY_KINDS}, got {kind!r}"
        raise ValueError(msg)
    if kind == "periodic" and not isinstance(spec, str):
        msg = f"bc[{key!r}] 'periodic' takes no value, got {spec!r}"
        raise ValueError(msg)
    if kind == "robin":
        return Side(kind, robin_coefficients(key, value))
    return Side(kind, value)


def robin_coefficients(key: str, value: Any) -> tuple[float, float, Any]:
    """``(a, b, value)`` of a Robin condition ``a c + b dc/dn = value``, checked.

    Examples
    --------
    >>> from fieldgrad.operators.boundary import robin_coefficients
    >>> robin_coefficients("r+", (1, 0.5, 2.0))
    (1.0, 0.5, 2.0)
    """
    try:
        a, b, v = value
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        msg = (
            f"bc[{key!r}] robin value must be (a, b, value) for a u + b du/dn = value, "
            f"got {value!r}"
        )
        raise ValueError(msg) from None
    if a == 0 and b == 0:
        msg = f"bc[{key!r}] robin needs a or b nonzero, got {value!r}"
        raise ValueError(msg)
    return (a, b, v)


def _axis_has_metric(grid: Grid, axis: int) -> bool:
    factors = grid.factor_functions()
    return any(j == axis for (_, j) in factors) or axis in grid.volume_functions()


def _key_sides(grid: Grid, name: str) -> list[tuple[int, int]]:
    """(axis, side) pairs a ``bc`` key names: ``"x-"`` one side, ``"x"`` both."""
    if name in grid.axes:
        return [(grid.axes.index(name), 0), (grid.axes.index(name), 1)]
    if name[-1:] in ("-", "+") and name[:-1] in grid.axes:
        return [(grid.axes.index(name[:-1]), 0 if name[-1] == "-" else 1)]
    keys = [a + s for a in grid.axes for s in ("-", "+")] + list(grid.axes)
    msg = f"bc keys must be among {keys}, got {name!r}"
    raise ValueError(msg)


def named_sides(grid: Grid, bc: Mapping[str, Any] | None) -> set[tuple[int, int]]:
    """The (axis, side) pairs that ``bc`` names explicitly (0: lower, 1: upper).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary import named_sides
    >>> box = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    >>> sorted(named_sides(box, {"x": "dirichlet", "y+": "neumann"}))
    [(0, 0), (0, 1), (1, 1)]
    """
    return {side for key in (bc or {}) for side in _key_sides(grid, str(key))}


def resolve_bc(grid: Grid, bc: Mapping[str, Any] | None) -> list[tuple[Side, Side]]:
    """The condition on both sides of every axis, checked against the grid's geometry.

    Parameters
    ----------
    grid : Grid
        The grid.
    bc : dict or None
        Conditions by side or axis name (see
        :func:`fieldgrad.operators.laplacian_matrix`).

    Returns
    -------
    list of (Side, Side)
        Lower and upper side of each axis, defaults filled in.

    Raises
    ------
    ValueError
        Unknown sides or kinds, or a condition the geometry does not allow.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary import resolve_bc
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    >>> [(lo.kind, hi.kind) for lo, hi in resolve_bc(disk, {"r+": ("dirichlet", 1.0)})]
    [('mirror', 'dirichlet'), ('periodic', 'periodic')]
    """
    if bc is None:
        bc = {}
    if not isinstance(bc, Mapping):
        msg = f"bc must be a dict such as {{'x-': ('dirichlet', 0.0)}} or None, got {bc!r}"
        raise TypeError(msg)
    given: dict[tuple[int, int], Side] = {}
    for key, spec in bc.items():
        name = str(key)
        for side in _key_sides(grid, name):
            if side in given:
                msg = f"bc gives two conditions for side {grid.axes[side[0]] + '-+'[side[1]]!r}"
                raise ValueError(msg)
            given[side] = _parse_condition(name, spec)

    out = []
    for i, axis in enumerate(grid.axes):
        edges = grid.edges(i)
        pair = []
        for s, edge in enumerate(edges):
            label = axis + "-+"[s]
            cond = given.get((i, s))
            if isinstance(edge, Mirror):
                if cond is not None:
                    msg = (
                        f"bc[{label!r}] is impossible: that side is the axis or pole at "
                        f"{axis} = {edge.at:g}, where regularity is automatic (no condition "
                        f"expected), got {cond.kind!r}"
                    )
                    raise ValueError(msg)
                pair.append(Side("mirror"))
            elif edge == "periodic":
                if cond is not None and cond.kind != "periodic":
                    msg = (
                        f"bc[{label!r}] is impossible: axis {axis!r} is periodic (it covers "
                        f"the full circle), expected 'periodic' or nothing, got {cond.kind!r}"
                    )
                    raise ValueError(msg)
                pair.append(Side("periodic"))
            else:
                pair.append(cond if cond is not None else Side(*DEFAULT_BC))
        kinds = [p.kind for p in pair]
        if "periodic" in kinds and edges[0] != "periodic":
            if kinds != ["periodic", "periodic"]:
                msg = f"bc for axis {axis!r}: 'periodic' must hold on both sides, got {kinds}"
                raise ValueError(msg)
            if axis in grid.angular_axes:
                msg = (
                    f"bc for axis {axis!r}: an angle can be periodic only when it covers the "
                    f"full circle, got the range {grid.bounds[i]}"
                )
                raise ValueError(msg)
            if _axis_has_metric(grid, i):
                msg = (
                    f"bc for axis {axis!r}: only an axis without metric factors (Cartesian "
                    f"x, y, z or a pipe's z) can be made periodic, got {axis!r} of a "
                    f"{type(grid).__name__}"
                )
                raise ValueError(msg)
        out.append((pair[0], pair[1]))
    return out


def side_values(grid: Grid, axis: int, at: float, value: Any, label: str) -> np.ndarray:
    """A boundary value as an array of the face's shape (the grid's, size 1 along ``axis``).

    ``value`` is a number, an array broadcasting to the side (the grid's shape
    without ``axis``, or with size 1 there) or a callable of the coordinates
    by axis name, the side's own coordinate set to ``at``; ``label`` names
    the side in error messages.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary import side_values
    >>> square = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 2))
    >>> side_values(square, 0, 0.0, lambda x, y: x + y, "x-")
    array([[0.25, 0.75]])
    """
    if not callable(value) and np.ndim(value) == grid.ndim - 1:
        value = np.expand_dims(value, axis)  # an array over the side's own axes
    mesh = list(grid.mesh())
    mesh[axis] = np.full([1] * grid.ndim, at)
    return grid_values(grid, value, name=f"bc[{label!r}] value", mesh=mesh, finite=True)
