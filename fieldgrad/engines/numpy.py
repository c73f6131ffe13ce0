"""The numpy engine: the reference implementation of every operator.

Derivatives are sparse matrices (:mod:`fieldgrad.operators.stencils`)
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
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.differentiate import derivative as scipy_derivative

from ..grids.base import Grid
from ..operators.stencils import apply_along, derivative_matrix, extend, fill_axis_points
from .base import register_engine

__all__ = ["NumpyEngine", "axis_derivative", "metric_order", "log_derivatives"]


def metric_order(grid: Grid, order: int) -> int:
    """Stencil order of the second-order operators (divergence, Laplacian)."""
    return order if grid.is_cartesian else order + 2


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
    >>> from fieldgrad.engines.numpy import axis_derivative
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(10,))
    >>> x = grid.coords["x"]
    >>> bool(np.allclose(axis_derivative(x**2, grid, 0), 2 * x))
    True
    """
    matrix, width = derivative_matrix(grid, axis, m, order)
    ext, _ = extend(data, grid, axis, width, component)
    return apply_along(matrix, ext, axis)


def _log_derivative(func: Any, x: np.ndarray) -> np.ndarray:
    """``d/dx log|f(x)|`` by scipy.differentiate (inf where f = 0)."""
    df = scipy_derivative(func, x).df
    with np.errstate(divide="ignore", invalid="ignore"):
        return df / func(x)


@lru_cache(maxsize=128)
def log_derivatives(grid: Grid, power: int) -> tuple[np.ndarray | None, ...]:
    """Per axis i, ``d/dx_i log(J / h_i**power)`` as a broadcastable array (None if zero)."""
    out: list[np.ndarray | None] = []
    funcs = grid._factor_functions()
    extra = grid._volume_functions()
    for i in range(grid.ndim):
        x = grid._coords[i]
        total = np.zeros_like(x)
        used = False
        for k in range(grid.ndim):
            f = funcs.get((k, i))
            if f is not None:
                weight = 1 - power if k == i else 1
                if weight:
                    total = total + weight * _log_derivative(f, x)
                    used = True
        if i in extra:
            total = total + _log_derivative(extra[i], x)
            used = True
        out.append(grid._broadcast(i, total) if used else None)
    return tuple(out)


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

    def gradient(self, grid: Grid, data: np.ndarray, *, order: int) -> list[np.ndarray]:
        """Orthonormal gradient components ``(1/h_i) d_i f``."""
        h = grid.scale_factors()
        comps = []
        for i in range(grid.ndim):
            g = _divide(axis_derivative(data, grid, i, order=order), h[i].astype(data.dtype))
            comps.append(fill_axis_points(g, grid, order, component=i))
        return comps

    def gradient_norm(self, grid: Grid, data: np.ndarray, *, order: int, ord: float) -> np.ndarray:
        """Norm of the gradient components."""
        return component_norm(self.gradient(grid, data, order=order), ord)

    def divergence(self, grid: Grid, components: Sequence[np.ndarray], *, order: int) -> np.ndarray:
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
        return fill_axis_points(total, grid, order)

    def laplacian(self, grid: Grid, data: np.ndarray, *, order: int) -> np.ndarray:
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
        return fill_axis_points(total, grid, order)


def component_norm(components: Sequence[Any], ord: float) -> Any:
    """Norm over vector components: ord 1 (sum of ``|g_i|``), 2 or inf (largest ``|g_i|``).

    Works on numpy and dask arrays alike.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.engines.numpy import component_norm
    >>> [float(component_norm([np.array(3.0), np.array(-4.0)], o)) for o in (1, 2, np.inf)]
    [7.0, 5.0, 4.0]
    """
    if ord == 2:
        total = components[0] * components[0]
        for c in components[1:]:
            total = total + c * c
        return np.sqrt(total)
    if ord == 1:
        total = abs(components[0])
        for c in components[1:]:
            total = total + abs(c)
        return total
    total = abs(components[0])
    for c in components[1:]:
        total = np.maximum(total, abs(c))
    return total


NUMPY_ENGINE = register_engine(NumpyEngine())
