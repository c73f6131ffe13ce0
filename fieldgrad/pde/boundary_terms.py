"""Boundary values that change in time: ``bc`` values that are functions of ``t``.

In an equation a ``bc`` value may be a function of the coordinates *and* of
``t`` (a parameter named ``t``), e.g. ``("dirichlet", lambda x, y, t:
np.sin(t))``.  The sparse Laplacian's boundary term is linear in the side
values and touches only the cells along that side, so it is
``unit * values(t)`` with ``unit`` the term of a unit value, computed once:
no matrix is rebuilt during the run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..grids.base import Grid
from ..operators.boundary import named_sides, side_values
from ..operators.sparse import laplacian_matrix

__all__ = ["FieldLaplacian", "field_laplacian", "depends_on_time", "timed_boundary"]


def depends_on_time(value: Any) -> bool:
    """Whether a boundary value is a function with a parameter named ``t``.

    Examples
    --------
    >>> from fieldgrad.pde.boundary_terms import depends_on_time
    >>> depends_on_time(lambda x, t: x * t), depends_on_time(lambda x: x), depends_on_time(1.0)
    (True, False, False)
    """
    if not callable(value):
        return False
    try:
        return "t" in inspect.signature(value).parameters
    except (TypeError, ValueError):
        return False


def _value(spec: Any) -> Any:
    if isinstance(spec, tuple | list) and len(spec) == 2 and isinstance(spec[0], str):
        kind, value = spec
        if kind.lower() == "robin" and isinstance(value, tuple | list) and len(value) == 3:
            return value[2]
        return value
    return None


def _with_value(spec: Any, new: Any) -> Any:
    if not (isinstance(spec, tuple | list) and len(spec) == 2 and isinstance(spec[0], str)):
        return spec  # "periodic", "dirichlet", "neumann": value 0 already
    kind, value = spec
    if kind.lower() == "robin" and isinstance(value, tuple | list) and len(value) == 3:
        return (kind, (value[0], value[1], new))
    return (kind, new)


@dataclass
class FieldLaplacian:
    """The Laplacian of one field with its boundary conditions, some of them timed.

    ``lap u = matrix @ u + rhs + timed(t)``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.pde.boundary_terms import field_laplacian
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> lap = field_laplacian(line, {"x-": ("neumann", lambda x, t: t)})
    >>> bool(np.isclose(lap.volumes @ lap.timed(2.0), 2.0))    # du/dn = 2: inflow 2 at x = 0
    True
    """

    matrix: Any
    rhs: np.ndarray
    volumes: np.ndarray
    grid: Grid
    terms: list[tuple[np.ndarray, int, float, Callable[..., Any], str]] = field(
        default_factory=list
    )

    @property
    def is_timed(self) -> bool:
        """Whether some boundary value depends on time."""
        return bool(self.terms)

    def timed(self, t: float) -> np.ndarray:
        """The boundary term of the time-dependent sides at time ``t`` (flat)."""
        out = np.zeros(self.grid.size)
        for unit, axis, at, func, label in self.terms:
            values = side_values(self.grid, axis, at, lambda func=func, **c: func(t=t, **c), label)
            out += (unit.reshape(self.grid.shape) * values).ravel()
        return out


def field_laplacian(grid: Grid, bc: Mapping[str, Any] | None) -> FieldLaplacian:
    """The sparse Laplacian of a field, with the boundary values that depend on ``t`` split off.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.pde.boundary_terms import field_laplacian
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> field_laplacian(line, {"x": ("dirichlet", lambda x, t: t)}).is_timed
    True
    """
    bc = dict(bc or {})
    timed_keys = [k for k, spec in bc.items() if depends_on_time(_value(spec))]
    static = {k: (_with_value(spec, 0.0) if k in timed_keys else spec) for k, spec in bc.items()}
    lap = laplacian_matrix(grid, static)
    out = FieldLaplacian(lap.matrix, lap.rhs, lap.volumes, grid)
    if not timed_keys:
        return out
    zero = {k: _with_value(spec, 0.0) for k, spec in bc.items()}
    for key in timed_keys:
        func = _value(bc[key])
        sides = sorted(named_sides(grid, {key: None}))
        labels = [grid.axes[axis] + "-+"[side] for axis, side in sides]
        others = {k: v for k, v in zero.items() if k != key}
        for (axis, side), label in zip(sides, labels, strict=True):
            unit_bc = dict(others)
            for other in labels:  # this side at 1, the other side of an axis key at 0
                unit_bc[other] = _with_value(bc[key], 1.0 if other == label else 0.0)
            unit = laplacian_matrix(grid, unit_bc).rhs
            out.terms.append((unit, axis, grid.bounds[axis][side], func, label))
    return out


def timed_boundary(
    grid: Grid, blocks: list[tuple[float, FieldLaplacian | None]]
) -> Callable[[float], np.ndarray] | None:
    """``t -> [D_1 timed_1(t), D_2 timed_2(t), ...]`` over the stacked fields, or None.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.pde.boundary_terms import field_laplacian, timed_boundary
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
    >>> lap = field_laplacian(line, {"x+": ("neumann", lambda x, t: t)})
    >>> timed_boundary(line, [(0.5, lap), (1.0, None)])(4.0)
    array([0., 4., 0., 0.])
    """
    if not any(lap is not None and lap.is_timed for _, lap in blocks):
        return None

    def boundary(t: float) -> np.ndarray:
        parts = [
            d * lap.timed(t) if lap is not None and lap.is_timed else np.zeros(grid.size)
            for d, lap in blocks
        ]
        return np.concatenate(parts)

    return boundary
