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
from .base import deliver, register_engine
from .curl import curl_fill_component, curl_shape, curl_tables
from .numpy_engine import NUMPY_ENGINE
from .tables import MODE_COMPONENTS, MODE_SUM, NORM_MODES, dtype_name, kernel_tables

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

    def gradient(
        self, grid: Grid, data: np.ndarray, *, order: int, out: np.ndarray | None = None
    ) -> Any:
        """Orthonormal gradient components, stacked along a leading axis."""
        inputs = _inputs([data])
        if inputs is None:
            return NUMPY_ENGINE.gradient(grid, data, order=order, out=out)
        (u,) = inputs
        target = _target(out, (grid.ndim,) + grid.shape, u.dtype, inputs)
        tables = kernel_tables(grid, "gradient", order, dtype_name(u.dtype))
        _kernels().run_kernel(tables, (u,), target, MODE_COMPONENTS)
        steps = fill_plan(grid, order)
        for c in range(grid.ndim) if steps else ():
            apply_fill(target[c], grid, steps, component=c)
        return deliver(target, out)

    def gradient_norm(
        self, grid: Grid, data: np.ndarray, *, order: int, ord: float, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Norm of the gradient components, fused: derivatives and norm in one pass."""
        inputs = _inputs([data])
        if inputs is None:
            return NUMPY_ENGINE.gradient_norm(grid, data, order=order, ord=ord, out=out)
        (u,) = inputs
        tables = kernel_tables(grid, "gradient", order, dtype_name(u.dtype))
        result = _target(out, grid.shape, u.dtype, inputs)
        _kernels().run_kernel(tables, (u,), result[np.newaxis], NORM_MODES[float(ord)])
        steps = fill_plan(grid, order)
        if steps:
            _fill_norm(result, grid, u, tables, steps, ord)
        return deliver(result, out)

    def divergence(
        self,
        grid: Grid,
        components: Sequence[np.ndarray],
        *,
        order: int,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Divergence of orthonormal components, all axes in one pass."""
        inputs = _inputs(components)
        if inputs is None:
            return NUMPY_ENGINE.divergence(grid, components, order=order, out=out)
        return self._sum(grid, inputs, "divergence", order, out)

    def laplacian(
        self, grid: Grid, data: np.ndarray, *, order: int, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Laplace-Beltrami operator, all axes in one pass."""
        inputs = _inputs([data])
        if inputs is None:
            return NUMPY_ENGINE.laplacian(grid, data, order=order, out=out)
        return self._sum(grid, inputs, "laplacian", order, out)

    def curl(
        self,
        grid: Grid,
        components: Sequence[np.ndarray],
        *,
        order: int,
        out: np.ndarray | None = None,
    ) -> np.ndarray:
        """Curl, one pass of the kernel per curl component (:func:`curl_tables`)."""
        inputs = _inputs(components)
        if inputs is None:
            return NUMPY_ENGINE.curl(grid, components, order=order, out=out)
        dtype = inputs[0].dtype
        result = _target(out, curl_shape(grid), dtype, inputs)
        slabs = result[np.newaxis, np.newaxis] if grid.ndim == 2 else result[:, np.newaxis]
        steps = fill_plan(grid, order)
        for k, slab in enumerate(slabs):
            t = curl_tables(grid, order, dtype_name(dtype), k)
            _kernels().run_kernel(t.tables, tuple(inputs[c] for c in t.inputs), slab, MODE_SUM)
            if steps:
                apply_fill(slab[0], grid, steps, component=curl_fill_component(grid, k))
        return deliver(result, out)

    @staticmethod
    def _sum(
        grid: Grid,
        inputs: tuple[np.ndarray, ...],
        operator: str,
        order: int,
        out: np.ndarray | None,
    ) -> np.ndarray:
        dtype = inputs[0].dtype
        result = _target(out, grid.shape, dtype, inputs)
        tables = kernel_tables(grid, operator, order, dtype_name(dtype))
        _kernels().run_kernel(tables, inputs, result[np.newaxis], MODE_SUM)
        steps = fill_plan(grid, order)
        if steps:
            apply_fill(result, grid, steps)
        return deliver(result, out)


def _target(
    out: np.ndarray | None,
    shape: tuple[int, ...],
    dtype: np.dtype,
    inputs: Sequence[np.ndarray],
) -> np.ndarray:
    """Where the kernel writes: ``out`` itself if it is C-contiguous and shares no
    memory with the inputs, else a new array (copied into ``out`` afterwards)."""
    if (
        out is not None
        and out.flags.c_contiguous
        and not any(np.may_share_memory(out, u) for u in inputs)
    ):
        return out
    return np.empty(shape, dtype=dtype)


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
