"""Finite-difference stencils built from a grid's own description.

A derivative along one axis is a sparse matrix acting on that axis extended
by ghost points: copies across a periodic seam, or the far side of an axis or
pole (:class:`~fieldgrad.grids.base.Mirror`).  Weights come from Fornberg's
algorithm, so the same code serves uniform and non-uniform coordinates,
central and one-sided stencils, and every order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..grids.base import Grid, Mirror
from .cache import per_grid
from .mirrors import see_through

__all__ = [
    "AxisExtension",
    "SUPPORTED_ORDERS",
    "apply_along",
    "axis_extension",
    "axis_points",
    "check_order",
    "derivative_matrix",
    "extend",
    "fornberg_weights",
    "half_width",
    "stencil_size",
]

#: Accuracy orders of the public operators.
SUPPORTED_ORDERS = (2, 4)


def check_order(order: object) -> int:
    """Validate the accuracy order of a finite-difference operator.

    Examples
    --------
    >>> from fieldgrad.discretization import check_order
    >>> check_order(4)
    4
    >>> check_order(3)
    Traceback (most recent call last):
    ...
    ValueError: order must be one of (2, 4), got 3
    """
    if isinstance(order, bool) or order not in SUPPORTED_ORDERS:
        msg = f"order must be one of {SUPPORTED_ORDERS}, got {order!r}"
        raise ValueError(msg)
    return int(order)  # type: ignore[call-overload]


def fornberg_weights(x0: float, x: np.ndarray, m: int) -> np.ndarray:
    """Weights of the ``m``-th derivative at ``x0`` from values at points ``x``.

    Fornberg (1988), "Generation of finite difference formulas on arbitrarily
    spaced grids", Math. Comp. 51, 699-706.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.discretization import fornberg_weights
    >>> fornberg_weights(0.0, np.array([-1.0, 0.0, 1.0]), 1)
    array([-0.5,  0. ,  0.5])
    """
    n = len(x)
    c = np.zeros((n, m + 1))
    c1, c4 = 1.0, x[0] - x0
    c[0, 0] = 1.0
    for i in range(1, n):
        mn = min(i, m)
        c2, c5, c4 = 1.0, c4, x[i] - x0
        for j in range(i):
            c3 = x[i] - x[j]
            c2 *= c3
            if j == i - 1:
                for k in range(mn, 0, -1):
                    c[i, k] = c1 * (k * c[i - 1, k - 1] - c5 * c[i - 1, k]) / c2
                c[i, 0] = -c1 * c5 * c[i - 1, 0] / c2
            for k in range(mn, 0, -1):
                c[j, k] = (c4 * c[j, k] - k * c[j, k - 1]) / c3
            c[j, 0] = c4 * c[j, 0] / c3
        c1 = c2
    return c[:, m]


def half_width(m: int, order: int) -> int:
    """Half-width of the central stencil of derivative ``m`` at accuracy ``order``.

    Examples
    --------
    >>> from fieldgrad.discretization import half_width
    >>> half_width(1, 2), half_width(2, 4)
    (1, 2)
    """
    return (m + order - 1) // 2


def stencil_size(m: int, order: int) -> int:
    """Points of a one-sided stencil of derivative ``m`` at accuracy ``order``.

    Examples
    --------
    >>> from fieldgrad.discretization import stencil_size
    >>> stencil_size(1, 2)
    4
    """
    return m + order + 1


@dataclass(frozen=True)
class AxisExtension:
    """An axis extended by ghost points.

    ``sources[k]`` is the interior index whose value ghost ``k`` copies, and
    ``mirrors[k]`` the :class:`Mirror` it is seen through (None inside the
    grid or across a periodic seam).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import axis_extension
    >>> ext = axis_extension(fg.CartesianGrid(bounds=[(0, 1)], shape=(4,), periodic=True), 0, 1)
    >>> ext.sources.tolist(), ext.lo, ext.hi            # one periodic copy on each side
    ([3, 0, 1, 2, 3, 0], 1, 1)
    """

    coords: np.ndarray
    sources: np.ndarray
    mirrors: tuple[Mirror | None, ...]
    lo: int
    hi: int


def _side(grid: Grid, axis: int, width: int, upper: bool) -> tuple[list, list, list]:
    x = grid.coordinate(axis)
    n = x.size
    edge = grid.edges(axis)[1 if upper else 0]
    if edge is None or width == 0:
        return [], [], []
    if edge == "periodic":
        period = grid.bounds[axis][1] - grid.bounds[axis][0]
        if width > n:
            width = n
        idx = list(range(width)) if upper else list(range(n - width, n))
        xs = [x[i] + period if upper else x[i] - period for i in idx]
        return xs, idx, [None] * len(idx)
    assert isinstance(edge, Mirror)
    on_axis = (x[-1] if upper else x[0]) == edge.at
    start = 1 if on_axis else 0
    width = min(width, n - start)
    if upper:
        idx = [n - 1 - start - k for k in range(width)]
    else:
        idx = [start + k for k in range(width)][::-1]
    xs = [2 * edge.at - x[i] for i in idx]
    return xs, idx, [edge] * len(idx)


@per_grid
def axis_extension(grid: Grid, axis: int, width: int) -> AxisExtension:
    """Coordinates and sources of ``axis`` extended by up to ``width`` ghosts per side.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import axis_extension
    >>> ext = axis_extension(fg.PolarGrid(radius=(0, 1), shape=(4, 8)), 0, 2)
    >>> ext.coords.tolist(), ext.sources.tolist()     # r = -0.375, -0.125 mirror r = 0.375, 0.125
    ([-0.375, -0.125, 0.125, 0.375, 0.625, 0.875], [1, 0, 0, 1, 2, 3])
    """
    x = grid.coordinate(axis)
    lx, li, lm = _side(grid, axis, width, upper=False)
    hx, hi_, hm = _side(grid, axis, width, upper=True)
    coords = np.concatenate([np.asarray(lx, float), x, np.asarray(hx, float)])
    sources = np.concatenate([np.asarray(li, int), np.arange(x.size), np.asarray(hi_, int)])
    mirrors = tuple(lm) + (None,) * x.size + tuple(hm)
    return AxisExtension(coords, sources, mirrors, len(lx), len(hx))


def extend(
    data: np.ndarray, grid: Grid, axis: int, width: int, component: int | None = None
) -> tuple[np.ndarray, AxisExtension]:
    """Extend ``data`` along ``axis`` by ghost points (periodic copies, mirrored values).

    ``component`` names the orthonormal vector component ``data`` holds (its
    sign flips across a mirror as the mirror says); None for a scalar.
    Leading axes of ``data`` beyond the grid's are carried along.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import extend
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,), periodic=True)
    >>> extend(np.arange(4.0), grid, 0, 1)[0].tolist()
    [3.0, 0.0, 1.0, 2.0, 3.0, 0.0]
    """
    ext = axis_extension(grid, axis, width)
    lead = data.ndim - grid.ndim
    ax = axis + lead
    out = np.take(data, ext.sources, axis=ax)
    for part, mirrors in (
        (slice(0, ext.lo), ext.mirrors[: ext.lo]),
        (slice(out.shape[ax] - ext.hi, out.shape[ax]), ext.mirrors[len(ext.mirrors) - ext.hi :]),
    ):
        mirror = mirrors[0] if mirrors else None
        if mirror is None:
            continue
        index = [slice(None)] * out.ndim
        index[ax] = part
        out[tuple(index)] = see_through(
            out[tuple(index)], mirror, grid.shape, component=component, lead=lead
        )
    return out, ext


#: Relative spread of the spacings below which an axis counts as evenly spaced.
EVEN_SPACING_RTOL = 1e-9


def even_step(x: np.ndarray) -> float | None:
    """The spacing of evenly spaced coordinates ``x``, or None if they are not.

    Coordinates built by ``linspace`` differ from ``x[0] + k h`` in their last
    bits; stencils built from the one spacing ``h`` are the same at every
    point (and the compiled kernel can hold them in registers).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.discretization.stencils import even_step
    >>> even_step(np.linspace(0.0, 1.0, 5)), even_step(np.array([0.0, 1.0, 3.0]))
    (0.25, None)
    """
    if x.size < 2:
        return None
    step = (x[-1] - x[0]) / (x.size - 1)
    spread = np.abs(np.diff(x) - step).max()
    return float(step) if step != 0 and spread <= EVEN_SPACING_RTOL * abs(step) else None


@per_grid
def derivative_matrix(grid: Grid, axis: int, m: int, order: int) -> tuple[sp.csr_matrix, int]:
    """Sparse matrix of the ``m``-th derivative along ``axis`` at accuracy ``order``.

    Returns the matrix (interior points x extended points) and the ghost width
    the extension must use.  Central stencils where they fit (ghosts included),
    one-sided stencils of the same order at real edges.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import derivative_matrix
    >>> matrix, width = derivative_matrix(fg.CartesianGrid(bounds=[(0, 4)], shape=(4,)), 0, 1, 2)
    >>> matrix.shape, width
    ((4, 4), 1)
    >>> matrix.toarray()[1].tolist()               # the central difference (f2 - f0) / 2
    [-0.5, 0.0, 0.5, 0.0]
    """
    hw = half_width(m, order)
    ext = axis_extension(grid, axis, hw)
    x, n = ext.coords, grid.shape[axis]
    size = stencil_size(m, order)
    if x.size < min(size, 2 * hw + 1):
        msg = (
            f"too few points along axis {grid.axes[axis]!r} for derivative {m} at order "
            f"{order}: need at least {size}, got {n}"
        )
        raise ValueError(msg)
    step = even_step(x)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i in range(n):
        c = i + ext.lo
        if c - hw >= 0 and c + hw < x.size:
            window = np.arange(c - hw, c + hw + 1)
        else:
            if x.size < size:
                msg = (
                    f"too few points along axis {grid.axes[axis]!r} for a one-sided derivative "
                    f"{m} at order {order}: need at least {size}, got {n}"
                )
                raise ValueError(msg)
            start = min(max(c - size // 2, 0), x.size - size)
            window = np.arange(start, start + size)
        rows.extend([i] * window.size)
        cols.extend(window)
        if step is None:
            vals.extend(fornberg_weights(x[c], x[window], m))
        else:  # the same window gives the same weights wherever it sits
            vals.extend(fornberg_weights(0.0, (window - c) * step, m))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(n, x.size))
    return matrix, hw


def apply_along(matrix: sp.csr_matrix, data: np.ndarray, axis: int) -> np.ndarray:
    """Apply a sparse matrix along one axis of an array.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from fieldgrad.discretization import apply_along
    >>> apply_along(sp.csr_matrix([[1.0, 1.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), 1).tolist()
    [[3.0], [7.0]]
    """
    moved = np.moveaxis(data, axis, 0)
    flat = moved.reshape(moved.shape[0], -1)
    out = matrix.astype(data.dtype, copy=False) @ flat
    return np.moveaxis(np.asarray(out).reshape((matrix.shape[0],) + moved.shape[1:]), 0, axis)


def axis_points(grid: Grid, axis: int) -> list[tuple[int, Mirror]]:
    """Grid indices along ``axis`` that lie exactly on an axis or pole.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import axis_points
    >>> grid = fg.PolarGrid.from_coords({"r": np.linspace(0, 1, 5),
    ...                                  "theta": np.linspace(0, 2 * np.pi, 8, endpoint=False)})
    >>> [index for index, mirror in axis_points(grid, 0)]
    [0]
    """
    x = grid.coordinate(axis)
    found = []
    for upper, edge in enumerate(grid.edges(axis)):
        if isinstance(edge, Mirror) and (x[-1] if upper else x[0]) == edge.at:
            found.append((x.size - 1 if upper else 0, edge))
    return found
