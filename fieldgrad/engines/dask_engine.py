"""The dask engine: the compiled kernel chunk by chunk, lazily.

A field whose data is a dask array stays lazy: every operator returns a dask
array whose chunks the kernel of :mod:`fieldgrad.engines.kernels` computes
when they are asked for.  A chunk needs a halo (its stencils' reach) and, at
the edges of the grid, what lies beyond them.  ``map_overlap``'s built-in
boundaries cannot say "the far side of the axis, half a turn round", so the
ghost layers are built lazily from the grid's own description (periodic
copies; rolled, flipped and sign-changed slices across an axis or pole) and
joined to the array before the halos are exchanged by
:func:`~fieldgrad.engines.halo.halo_map`: each chunk's output is cut into an
interior, which needs the chunk alone, and thin boundary parts, which read
copies of the chunk's outer layers and of its neighbours' faces, so an input
chunk is freed early (dask's own overlap hands on views, which keep whole
input chunks alive until every neighbour has run).  Each part runs the
serial kernel on a box that holds everything it reads, with the stencil
tables moved to the box's own indices, so the numbers are those of the
in-memory engines.

Chunks smaller than the halo are merged with their neighbours first.  Values
exactly on an axis or pole are filled lazily from the few rows involved.
The graph holds the stencil tables once, so it works on ``dask.distributed``
as well as with the threaded scheduler.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import is_dask
from ..discretization import AxisExtension, apply_fill, component_norm, fill_plan, see_through
from ..grids.base import Grid, Mirror
from .base import deliver, register_engine
from .curl import curl_fill_component, curl_shape, curl_tables
from .halo import halo_map
from .numba_engine import KERNEL_DTYPES
from .tables import (
    MODE_COMPONENTS,
    MODE_SUM,
    NORM_MODES,
    VIEW_NDIM,
    KernelTables,
    axis_stencil,
    dtype_name,
    kernel_tables,
)

__all__ = ["DaskEngine", "accepts", "halo_chunks"]


def accepts(data: Any) -> bool:
    """Whether ``data`` is a dask array (checked without importing dask).

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> from fieldgrad.engines.dask_engine import accepts
    >>> accepts(da.zeros(4, chunks=2)), accepts(np.zeros(4))
    (True, False)
    """
    return is_dask(data)


def halo_chunks(chunks: Sequence[int], depth: int) -> tuple[int, ...]:
    """Merge neighbouring chunks until each holds at least ``depth`` points.

    Examples
    --------
    >>> from fieldgrad.engines.dask_engine import halo_chunks
    >>> halo_chunks((4, 1, 1, 4), 2)
    (4, 2, 4)
    """
    out: list[int] = []
    pending = 0
    for c in chunks:
        pending += int(c)
        if pending >= depth:
            out.append(pending)
            pending = 0
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return tuple(out)


@dataclass(frozen=True)
class _Layout:
    """What the kernel writes (mode, components) and the ghosts below each axis."""

    mode: int
    ncomp: int
    lows: tuple[int, ...]


def _run_part(
    boxes: list[np.ndarray],
    begin: tuple[int, ...],
    out_ranges: tuple[tuple[int, int], ...],
    tables: KernelTables,
    *,
    layout: _Layout,
) -> np.ndarray:
    """One output part: the serial kernel on input boxes that hold everything it reads."""
    from .kernels import run_kernel

    ndim = len(begin)
    pad = VIEW_NDIM - ndim
    start = np.zeros(VIEW_NDIM, dtype=np.intp)
    start[pad:] = begin
    ioff = np.zeros(VIEW_NDIM, dtype=np.intp)
    ioff[pad:] = np.asarray(layout.lows) - np.asarray(begin)
    lo = tuple(r0 - low for (r0, _), low in zip(out_ranges, layout.lows, strict=True))
    hi = tuple(r1 - low for (_, r1), low in zip(out_ranges, layout.lows, strict=True))
    out = np.empty(
        (layout.ncomp,) + tuple(h - s for s, h in zip(lo, hi, strict=True)), boxes[0].dtype
    )
    block = (ioff, tables.columns - start[:, None, None], tables.fast_ghosts)
    run_kernel(tables, tuple(boxes), out, layout.mode, lo=lo, hi=hi, block=block, parallel=False)
    return out if layout.mode == MODE_COMPONENTS else out[0]


def _ghosts(x: Any, grid: Grid, axis: int, sources: np.ndarray, edge: Any, component: Any) -> Any:
    """The ghost layers beyond one edge of ``axis``: ``sources`` seen through ``edge``."""
    index: list[Any] = [slice(None)] * grid.ndim
    index[axis] = sources.tolist()
    slab = x[tuple(index)]
    if isinstance(edge, Mirror):
        slab = see_through(slab, edge, grid.shape, component=component)
    return slab


def _with_ghosts(x: Any, grid: Grid, exts: list[AxisExtension], component: int | None) -> Any:
    """``x`` extended along every axis by its ghost layers, lazily.

    The ghosts of each axis are taken from the unextended array; where they
    meet the ghosts of an earlier axis (corners, which no stencil reads) they
    hold zeros.
    """
    import dask.array as da

    out = x
    for a, ext in enumerate(exts):
        n = grid.shape[a]
        pieces: list[Any] = []
        for edge, sources in zip(
            grid.edges(a), (ext.sources[: ext.lo], ext.sources[ext.lo + n :]), strict=True
        ):
            if sources.size == 0:
                pieces.append(None)
                continue
            slab = _ghosts(x, grid, a, sources, edge, component)
            widths = [(e.lo, e.hi) if b < a else (0, 0) for b, e in enumerate(exts)]
            if any(w != (0, 0) for w in widths):
                slab = da.pad(slab, widths)
            pieces.append(slab)
        parts = [p for p in (pieces[0], out, pieces[1]) if p is not None]
        if len(parts) > 1:
            out = da.concatenate(parts, axis=a)
    return out


def _apply(
    grid: Grid,
    arrays: Sequence[Any],
    operator: str,
    order: int,
    mode: int,
    *,
    component: int | None = None,
) -> Any:
    """The kernel's output over the grid as a lazy dask array.

    Several arrays are the components of a vector; one array is a scalar, or
    vector ``component`` (its ghosts across a mirror take that component's sign).
    """
    xs, dtype = _inputs(arrays)
    tables: KernelTables = kernel_tables(grid, operator, order, dtype_name(dtype))
    exts = [axis_stencil(grid, a, operator, order).ext for a in range(grid.ndim)]
    components = list(range(len(xs))) if len(xs) > 1 else [component]
    return _run_tables(grid, xs, components, tables, exts, mode, operator)


def _inputs(arrays: Sequence[Any]) -> tuple[list[Any], np.dtype]:
    import dask.array as da

    xs = [da.asarray(x) for x in arrays]
    dtype = np.result_type(*xs)
    if dtype not in KERNEL_DTYPES:
        msg = f"data must be float32 or float64 for the dask engine, got {dtype}"
        raise TypeError(msg)
    return [x.astype(dtype) for x in xs], dtype


def _run_tables(
    grid: Grid,
    xs: Sequence[Any],
    components: Sequence[int | None],
    tables: KernelTables,
    exts: Sequence[AxisExtension],
    mode: int,
    label: str,
) -> Any:
    """The kernel with ``tables`` over arrays ``xs`` holding vector ``components``."""
    from dask.base import tokenize

    dtype = xs[0].dtype
    pad = VIEW_NDIM - grid.ndim
    depth = tuple(int(tables.reach[a + pad]) for a in range(grid.ndim))
    chunks = tuple(halo_chunks(c, d) for c, d in zip(xs[0].chunks, depth, strict=True))
    blocks = []
    for x, component in zip(xs, components, strict=True):
        x = _with_ghosts(x.rechunk(chunks), grid, list(exts), component)
        merged = []
        for cs, e in zip(chunks, exts, strict=True):
            sizes = list(cs)
            sizes[0] += e.lo
            sizes[-1] += e.hi
            merged.append(tuple(sizes))
        blocks.append(x.rechunk(tuple(merged)))
    layout = _Layout(
        mode=mode, ncomp=grid.ndim if mode == MODE_COMPONENTS else 1, lows=tuple(e.lo for e in exts)
    )
    token = tokenize(*[x.name for x in blocks], layout, tables)
    return halo_map(
        blocks,
        lows=layout.lows,
        sizes=grid.shape,
        depth=depth,
        run=functools.partial(_run_part, layout=layout),
        tables=tables,
        ncomp=layout.ncomp if mode == MODE_COMPONENTS else None,
        dtype=dtype,
        name=f"fieldgrad-{label}-{token}",
    )


class DaskEngine:
    """Chunked engine for dask arrays: results stay lazy, numbers equal the in-memory ones.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> f = fg.ScalarField.from_function(grid, lambda r, theta: r * np.cos(theta), chunks=16)
    >>> n = f.gradient_norm()              # lazy
    >>> n.is_lazy
    True
    >>> reference = f.compute().gradient_norm(engine="numpy")
    >>> bool(np.allclose(n.data.compute(), reference.data, rtol=1e-12))
    True
    """

    name = "dask"

    def gradient(self, grid: Grid, data: Any, *, order: int, out: Any = None) -> Any:
        """Orthonormal gradient components, stacked along a leading axis (lazy)."""
        return deliver(self._gradient(grid, data, order), out)

    @staticmethod
    def _gradient(grid: Grid, data: Any, order: int) -> Any:
        import dask.array as da

        out = _apply(grid, [data], "gradient", order, MODE_COMPONENTS)
        steps = fill_plan(grid, order)
        if steps:
            comps = [apply_fill(out[c], grid, steps, component=c) for c in range(grid.ndim)]
            out = da.stack(comps)
        return out

    def gradient_norm(
        self, grid: Grid, data: Any, *, order: int, ord: float, out: Any = None
    ) -> Any:
        """Norm of the gradient components, fused per chunk (lazy)."""
        result = _apply(grid, [data], "gradient", order, NORM_MODES[float(ord)])
        steps = fill_plan(grid, order)
        if steps:
            comps = self._gradient(grid, data, order)
            for step in steps:
                at = (slice(None),) * step.axis + (step.index,)
                row = comps[(slice(None),) + at]
                result[at] = component_norm([row[c] for c in range(grid.ndim)], ord)
        return deliver(result, out)

    def divergence(
        self, grid: Grid, components: Sequence[Any], *, order: int, out: Any = None
    ) -> Any:
        """Divergence of orthonormal components (lazy)."""
        result = _apply(grid, components, "divergence", order, MODE_SUM)
        steps = fill_plan(grid, order)
        return deliver(apply_fill(result, grid, steps) if steps else result, out)

    def laplacian(self, grid: Grid, data: Any, *, order: int, out: Any = None) -> Any:
        """Laplace-Beltrami operator (lazy)."""
        result = _apply(grid, [data], "laplacian", order, MODE_SUM)
        steps = fill_plan(grid, order)
        return deliver(apply_fill(result, grid, steps) if steps else result, out)

    def curl(self, grid: Grid, components: Sequence[Any], *, order: int, out: Any = None) -> Any:
        """Curl (lazy): one kernel pass per curl component (see
        :func:`~fieldgrad.engines.curl.curl_tables`), chunk by chunk."""
        import dask.array as da

        curl_shape(grid)
        xs, dtype = _inputs(components)
        steps = fill_plan(grid, order)
        parts = []
        for k in range(1 if grid.ndim == 2 else 3):
            t = curl_tables(grid, order, dtype_name(dtype), k)
            arrays = [xs[c] for c in t.inputs]
            part = _run_tables(grid, arrays, t.inputs, t.tables, t.exts, MODE_SUM, "curl")
            if steps:
                part = apply_fill(part, grid, steps, component=curl_fill_component(grid, k))
            parts.append(part)
        return deliver(parts[0] if grid.ndim == 2 else da.stack(parts), out)


DASK_ENGINE = register_engine(DaskEngine(), auto=accepts)
