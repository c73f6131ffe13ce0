"""The numba engine: fused single-pass kernels for in-memory arrays.

Each operator is one pass of the compiled kernel of
:mod:`fieldgrad.engines.kernels` over the input: every derivative, the
metric factors and the norm (or the sum of the Laplacian's and divergence's
terms) are computed per row of the innermost axis and written once into the
output.  The kernel is driven by the grid's stencil tables
(:mod:`fieldgrad.engines.tables`), built from the same stencil rows as the
numpy engine, so the numbers agree with the reference engine to rounding.

This engine is chosen automatically for float32 and float64 numpy arrays; the
numpy engine stays available as ``engine="numpy"``.  numba itself is imported
on first use, so ``import fieldgrad`` stays quick.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..discretization import apply_fill, component_norm, fill_plan, fill_rows
from ..grids.base import Grid
from .base import register_engine
from .numpy_engine import NUMPY_ENGINE
from .tables import MODE_COMPONENTS, MODE_SUM, NORM_MODES, kernel_tables

__all__ = ["NumbaEngine", "KERNEL_DTYPES", "accepts"]

#: dtypes the compiled kernel handles; others go to the numpy engine.
KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _kernels() -> Any:
    from . import kernels

    return kernels


def accepts(data: Any) -> bool:
    """Whether ``data`` is an in-memory float32 or float64 numpy array."""
    return type(data) is np.ndarray and data.dtype in KERNEL_DTYPES


def _inputs(arrays: Sequence[Any]) -> tuple[np.ndarray, ...] | None:
    """C-contiguous inputs of one kernel dtype, or None if the kernel can't take them."""
    dtype = np.result_type(*arrays)
    if dtype not in KERNEL_DTYPES:
        return None
    return tuple(np.ascontiguousarray(a, dtype=dtype) for a in arrays)


class NumbaEngine:
    """Fused single-pass engine: one compiled kernel for every grid and operator.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.SphereSurface(radius=1.0, shape=(32, 64))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    >>> fast = fg.gradient_norm(f, engine="numba").data
    >>> bool(np.allclose(fast, fg.gradient_norm(f, engine="numpy").data, rtol=1e-12))
    True
    """

    name = "numba"

    def gradient(self, grid: Grid, data: np.ndarray, *, order: int) -> Any:
        """Orthonormal gradient components, stacked along a leading axis."""
        inputs = _inputs([data])
        if inputs is None:
            return np.stack(NUMPY_ENGINE.gradient(grid, data, order=order))
        (u,) = inputs
        out = np.empty((grid.ndim,) + grid.shape, dtype=u.dtype)
        tables = kernel_tables(grid, "gradient", order, u.dtype.name)
        _kernels().run_kernel(tables, (u,), out, MODE_COMPONENTS)
        steps = fill_plan(grid, order)
        for c in range(grid.ndim) if steps else ():
            apply_fill(out[c], grid, steps, component=c)
        return out

    def gradient_norm(self, grid: Grid, data: np.ndarray, *, order: int, ord: float) -> np.ndarray:
        """Norm of the gradient components, fused: derivatives and norm in one pass."""
        inputs = _inputs([data])
        if inputs is None:
            return NUMPY_ENGINE.gradient_norm(grid, data, order=order, ord=ord)
        (u,) = inputs
        tables = kernel_tables(grid, "gradient", order, u.dtype.name)
        out = np.empty((1,) + grid.shape, dtype=u.dtype)
        _kernels().run_kernel(tables, (u,), out, NORM_MODES[float(ord)])
        result = out[0]
        steps = fill_plan(grid, order)
        if steps:
            _fill_norm(result, grid, u, tables, steps, ord)
        return result

    def divergence(self, grid: Grid, components: Sequence[np.ndarray], *, order: int) -> np.ndarray:
        """Divergence of orthonormal components, all axes in one pass."""
        inputs = _inputs(components)
        if inputs is None:
            return NUMPY_ENGINE.divergence(grid, components, order=order)
        return self._sum(grid, inputs, "divergence", order)

    def laplacian(self, grid: Grid, data: np.ndarray, *, order: int) -> np.ndarray:
        """Laplace-Beltrami operator, all axes in one pass."""
        inputs = _inputs([data])
        if inputs is None:
            return NUMPY_ENGINE.laplacian(grid, data, order=order)
        return self._sum(grid, inputs, "laplacian", order)

    @staticmethod
    def _sum(grid: Grid, inputs: tuple[np.ndarray, ...], operator: str, order: int) -> np.ndarray:
        dtype = inputs[0].dtype
        out = np.empty((1,) + grid.shape, dtype=dtype)
        tables = kernel_tables(grid, operator, order, dtype.name)
        _kernels().run_kernel(tables, inputs, out, MODE_SUM)
        steps = fill_plan(grid, order)
        return apply_fill(out[0], grid, steps) if steps else out[0]


def _fill_norm(
    result: np.ndarray, grid: Grid, u: np.ndarray, tables: Any, steps: tuple, ord: float
) -> None:
    """The norm on an axis or pole: the norm of the components' limits there.

    The components are computed only on the few rows each fill step reads.
    """
    filled: dict[tuple[int, int], np.ndarray] = {}
    for step in steps:
        r0, r1 = fill_rows(step)
        lo = [0] * grid.ndim
        hi = list(grid.shape)
        lo[step.axis], hi[step.axis] = r0, r1
        comps = np.empty((grid.ndim,) + tuple(b - a for a, b in zip(lo, hi, strict=True)), u.dtype)
        k = _kernels()
        k.run_kernel(tables, (u,), comps, MODE_COMPONENTS, lo=tuple(lo), hi=tuple(hi))
        at = (slice(None),) * (step.axis + 1)
        for (axis, index), row in filled.items():
            if axis == step.axis and r0 <= index < r1:
                comps[at + (index - r0,)] = row
        for c in range(grid.ndim):
            apply_fill(comps[c], grid, (step,), component=c, offset=r0)
        row = comps[at + (step.index - r0,)]
        filled[(step.axis, step.index)] = row
        result[at[1:] + (step.index,)] = component_norm(list(row), ord)


NUMBA_ENGINE = register_engine(NumbaEngine(), auto=accepts)
