"""Assertions on fields, like ``numpy.testing`` on arrays, and the basis vectors they need."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.differentiate import derivative

from ..fields import ScalarField, VectorField
from ..grids import (
    Grid,
)

__all__ = ["assert_field_allclose", "basis_vectors"]


def assert_field_allclose(
    actual: ScalarField | VectorField,
    desired: ScalarField | VectorField,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
) -> None:
    """Assert that two fields share a grid and have close values.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import assert_field_allclose
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    >>> f = fg.ScalarField.from_function(grid, lambda x: x)
    >>> assert_field_allclose(f, f + 1e-12)
    """
    if type(actual) is not type(desired):
        msg = f"field types differ: {type(actual).__name__} != {type(desired).__name__}"
        raise AssertionError(msg)
    if actual.grid != desired.grid:
        msg = f"grids differ: {actual.grid!r} != {desired.grid!r}"
        raise AssertionError(msg)
    np.testing.assert_allclose(
        np.asarray(actual.data), np.asarray(desired.data), rtol=rtol, atol=atol
    )


def basis_vectors(grid: Grid) -> list[tuple[np.ndarray, ...]]:
    """Orthonormal basis vectors ``e_i`` (Cartesian components) at every grid point.

    Computed independently of the operators: ``e_i`` is the normalised
    derivative of :meth:`Grid.to_cartesian` along axis ``i``, by
    ``scipy.differentiate``.

    Examples
    --------
    On a polar grid ``e_r = (cos theta, sin theta)``:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import basis_vectors
    >>> grid = fg.PolarGrid(radius=(0.5, 1), shape=(4, 8))
    >>> e_r, e_theta = basis_vectors(grid)
    >>> theta = grid.mesh()[1]
    >>> bool(np.allclose(e_r[0], np.cos(theta)) and np.allclose(e_r[1], np.sin(theta)))
    True
    """
    mesh = [np.broadcast_to(m, grid.shape) for m in grid.mesh()]
    ncart = len(grid.to_cartesian(*[m.flat[:1] for m in mesh]))
    out = []
    for i in range(grid.ndim):
        others = [m for k, m in enumerate(mesh) if k != i]

        def component(c: int, i: int = i) -> Callable[..., np.ndarray]:
            def along(t: np.ndarray, *rest: np.ndarray) -> np.ndarray:
                pts = list(rest)
                pts.insert(i, t)
                return np.broadcast_to(grid.to_cartesian(*pts)[c], t.shape)

            return along

        cols = [derivative(component(c), mesh[i], args=tuple(others)).df for c in range(ncart)]
        norm = np.sqrt(sum(col**2 for col in cols))
        out.append(tuple(col / norm for col in cols))
    return out
