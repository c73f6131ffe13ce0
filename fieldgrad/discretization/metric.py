"""The metric in the form the operators use: log-derivatives of the volume element.

On a grid with separable scale factors ``h_i`` and volume element ``J`` the
divergence and Laplacian are

* ``div v = sum_i (1/h_i) (d_i v_i + v_i d_i log(J/h_i))``
* ``lap f = sum_i (1/h_i^2) (d_ii f + d_i f d_i log(J/h_i^2))``

so each axis needs one 1-D coefficient, ``d_i log(J / h_i**power)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.differentiate import derivative as scipy_derivative

from ..grids.base import Grid
from .cache import per_grid

__all__ = ["log_derivatives", "metric_order", "scale_log_derivatives"]


def metric_order(grid: Grid, order: int) -> int:
    """Stencil order of the second-order operators (divergence, Laplacian).

    On curvilinear grids they use stencils two orders higher than asked: their
    ``1/h`` and ``1/h^2`` weights grow like ``1/r`` next to an axis and would
    otherwise cost one order of accuracy there.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import metric_order
    >>> metric_order(fg.CartesianGrid(bounds=[(0, 1)], shape=(8,)), 2)
    2
    >>> metric_order(fg.PolarGrid(radius=(0, 1), shape=(8, 16)), 2)
    4
    """
    return order if grid.is_cartesian else order + 2


def _log_derivative(func: Any, x: np.ndarray) -> np.ndarray:
    """``d/dx log|f(x)|`` by scipy.differentiate (inf where f = 0)."""
    df = scipy_derivative(func, x).df
    with np.errstate(divide="ignore", invalid="ignore"):
        return df / func(x)


@per_grid
def log_derivatives(grid: Grid, power: int) -> tuple[np.ndarray | None, ...]:
    """Per axis i, ``d/dx_i log(J / h_i**power)`` as a broadcastable array (None if zero).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import log_derivatives
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    >>> d_r, d_theta = log_derivatives(grid, 2)      # J = r: d_r log r = 1/r
    >>> bool(np.allclose(d_r.ravel(), 1 / grid.coords["r"])), d_theta is None
    (True, True)
    """
    out: list[np.ndarray | None] = []
    funcs = grid.factor_functions()
    extra = grid.volume_functions()
    for i in range(grid.ndim):
        x = grid.coordinate(i)
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
        out.append(grid.broadcast(i, total) if used else None)
    return tuple(out)


@per_grid
def scale_log_derivatives(grid: Grid) -> dict[tuple[int, int], np.ndarray]:
    """``{(j, i): d/dx_i log h_j}`` as broadcastable arrays, for every non-zero pair.

    The curl's metric terms: ``(1/(h_i h_j)) d_i(h_j v_j) = (1/h_i)(d_i v_j + v_j d_i log h_j)``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import scale_log_derivatives
    >>> grid = fg.PolarGrid(radius=(0.5, 1), shape=(4, 8))
    >>> logs = scale_log_derivatives(grid)            # h_theta = r: d_r log r = 1/r
    >>> list(logs), bool(np.allclose(logs[1, 0].ravel(), 1 / grid.coords["r"]))
    ([(1, 0)], True)
    """
    out = {}
    for (j, i), f in grid.factor_functions().items():
        out[j, i] = grid.broadcast(i, _log_derivative(f, grid.coordinate(i)))
    return out
