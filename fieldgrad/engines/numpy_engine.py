"""The numpy engine: the reference implementation of every operator.

Derivatives are sparse matrices (:mod:`fieldgrad.discretization`)
applied along each axis of the array extended by its ghost points.  The
metric enters through the grid's separable scale factors:

* gradient ``g_i = (1/h_i) d_i f``
* divergence ``sum_i (1/h_i) (d_i v_i + v_i d_i log(J/h_i))``
* Laplacian ``sum_i (1/h_i^2) (d_ii f + d_i f d_i log(J/h_i^2))``

with ``J`` the volume element.  On curvilinear grids the divergence and
Laplacian use stencils two orders higher than asked: their ``1/h`` and
``1/h^2`` weights grow like ``1/r`` next to an axis and would otherwise cost
one order of accuracy there (the maximum error would converge one order
slower).  Values exactly on an axis or pole are their limits from both sides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..discretization import (
    apply_along,
    component_norm,
    derivative_matrix,
    extend,
    fill_axis_points,
    log_derivatives,
    metric_order,
)
from ..grids.base import Grid
from .base import deliver, register_engine
from .curl import curl

__all__ = ["NumpyEngine", "axis_derivative"]


def axis_derivative(
    data: np.ndarray,
    grid: Grid,
    axis: int,
    *,
    m: int = 1,
    order: int = 2,
    component: int | None = None,
) -> np.ndarray:
    """The ``m``-th derivative of ``data`` along ``axis`` with respect to its coordinate.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.numpy_engine import axis_derivative
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(10,))
    >>> x = grid.coords["x"]
    >>> bool(np.allclose(axis_derivative(x**2, grid, 0), 2 * x))
    True
    """
    matrix, width = derivative_matrix(grid, axis, m, order)
    ext, _ = extend(data, grid, axis, width, component)
    return apply_along(matrix, ext, axis)


def _divide(numerator: np.ndarray, h: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return numerator / h


class NumpyEngine:
    """Reference engine: sparse stencil matrices applied with numpy and scipy.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> f = fg.ScalarField.from_function(grid, lambda r, theta: r * np.cos(theta))  # f = x
    >>> bool(np.abs(f.gradient_norm(order=4, engine="numpy").data - 1.0).max() < 1e-3)
    True
    """

    name = "numpy"

    def derivatives(
        self, grid: Grid, data: np.ndarray, *, order: int, component: int | None = None
    ) -> list[np.ndarray]:
        """``(1/h_i) d_i f`` along every axis, unfilled on an axis or pole.

        ``component`` is the orthonormal vector component ``data`` holds (its
        sign across a mirror), None for a scalar.
        """
        h = grid.scale_factors()
        return [
            _divide(
                axis_derivative(data, grid, i, order=order, component=component),
                h[i].astype(data.dtype),
            )
            for i in range(grid.ndim)
        ]

    def gradient(
        self, grid: Grid, data: np.ndarray, *, order: int, out: np.ndarray | None = None
    ) -> list[np.ndarray] | np.ndarray:
        """Orthonormal gradient components ``(1/h_i) d_i f``."""
        comps = self._components(grid, data, order)
        return comps if out is None else deliver(np.stack(comps), out)

    def _components(self, grid: Grid, data: np.ndarray, order: int) -> list[np.ndarray]:
        return [
            fill_axis_points(g, grid, order, component=i)
            for i, g in enumerate(self.derivatives(grid, data, order=order))
        ]

    def gradient_norm(
        self, grid: Grid, data: np.ndarray, *, order: int, ord: float, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Norm of the gradient components."""
        return deliver(component_norm(self._components(grid, data, order), ord), out)

    def curl(
        self,
        grid: Grid,
        components: Sequence[np.ndarray],
        *,
        order: int,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Curl of orthonormal components (see :mod:`fieldgrad.engines.curl`)."""

        def derivs(j: int, q: int) -> list[np.ndarray]:
            return self.derivatives(grid, components[j], order=q, component=j)

        return deliver(curl(grid, components, derivs, order), out)

    def divergence(
        self,
        grid: Grid,
        components: Sequence[np.ndarray],
        *,
        order: int,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Divergence ``sum_i (1/h_i)(d_i v_i + v_i d_i log(J/h_i))``."""
        q = metric_order(grid, order)
        h = grid.scale_factors()
        logs = log_derivatives(grid, 1)
        dtype = np.result_type(*components)
        total = np.zeros(grid.shape, dtype=dtype)
        for i, v in enumerate(components):
            term = axis_derivative(v, grid, i, order=q, component=i)
            log = logs[i]
            if log is not None:
                with np.errstate(invalid="ignore"):
                    term = term + v * log.astype(dtype)
            with np.errstate(invalid="ignore"):
                total = total + _divide(term, h[i].astype(dtype))
        return deliver(fill_axis_points(total, grid, order), out)

    def laplacian(
        self, grid: Grid, data: np.ndarray, *, order: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Laplace-Beltrami operator ``sum_i (1/h_i^2)(d_ii f + d_i f d_i log(J/h_i^2))``."""
        q = metric_order(grid, order)
        h = grid.scale_factors()
        logs = log_derivatives(grid, 2)
        total = np.zeros(grid.shape, dtype=data.dtype)
        for i in range(grid.ndim):
            term = axis_derivative(data, grid, i, m=2, order=q)
            log = logs[i]
            if log is not None:
                with np.errstate(invalid="ignore"):
                    term = term + axis_derivative(data, grid, i, order=q) * log.astype(data.dtype)
            with np.errstate(invalid="ignore"):
                total = total + _divide(term, (h[i] ** 2).astype(data.dtype))
        return deliver(fill_axis_points(total, grid, order), out)


NUMPY_ENGINE = register_engine(NumpyEngine())
