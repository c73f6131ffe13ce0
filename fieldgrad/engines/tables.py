"""Stencil tables for the compiled engines, built from a grid's own description.

The numba and dask engines run one kernel per array, whatever the grid.  The
kernel never sees a grid: it sees, for each axis, a table of stencil taps per
grid point (weight, source index along the axis, and which mirror the source
is seen through), the permutations a mirror applies to the other axes, and
the separable metric factors as 1-D arrays.  These tables come from the same
:func:`~fieldgrad.discretization.derivative_matrix` rows as the numpy
engine's sparse matrices, so the numbers agree with the reference engine.

Every array is viewed as 3-D: a grid of ``ndim`` axes occupies the last
``ndim`` view axes, the leading view axes have length 1 and no taps.

Values exactly on an axis or pole are filled afterwards by
:func:`~fieldgrad.discretization.apply_fill`, with the same plan as the numpy
engine, touching only the few rows involved.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..discretization import (
    AxisExtension,
    axis_extension,
    derivative_matrix,
    log_derivatives,
    metric_order,
    mirror_index,
    per_grid,
)
from ..grids.base import Grid, Mirror

__all__ = [
    "MODE_COMPONENTS",
    "MODE_NORM1",
    "MODE_NORM2",
    "MODE_NORMINF",
    "MODE_SUM",
    "NORM_MODES",
    "OPERATORS",
    "VIEW_NDIM",
    "FAST_COLUMNS",
    "FUSED_WIDTHS",
    "AxisStencil",
    "FusedPlan",
    "KernelArrays",
    "KernelTables",
    "axis_stencil",
    "dtype_name",
    "fused_plan",
    "kernel_tables",
    "merged_stencil",
    "tables_from_stencils",
]

#: What a table computes per axis: ``(1/h_i) d_i``, the Laplacian terms
#: ``(1/h_i^2)(d_ii + d_i log(J/h_i^2) d_i)`` or the divergence terms
#: ``(1/h_i)(d_i + d_i log(J/h_i))``.
OPERATORS = ("gradient", "laplacian", "divergence")
#: Every array is handled as a 3-D view.
VIEW_NDIM = 3
#: Kernel output: every component (one slab per grid axis).
MODE_COMPONENTS = 0
#: Kernel output: sum of the magnitudes of the components.
MODE_NORM1 = 1
#: Kernel output: Euclidean norm of the components.
MODE_NORM2 = 2
#: Kernel output: largest magnitude of the components.
MODE_NORMINF = 3
#: Kernel output: sum of the components (Laplacian, divergence).
MODE_SUM = 4
#: Kernel mode of each vector norm.
NORM_MODES = {1.0: MODE_NORM1, 2.0: MODE_NORM2, float("inf"): MODE_NORMINF}
#: Stencil widths the kernel's fused rows are compiled for (order 2 and 4 windows).
FUSED_WIDTHS = (3, 5)
#: Columns of the ``fast`` tables: start, stop, half, flat, uniform.
FAST_COLUMNS = 5
#: Mirror ids in the tables: a plain source, the lower edge's, the upper edge's mirror.
PLAIN, LOWER, UPPER = 0, 1, 2


@dataclass(frozen=True)
class AxisStencil:
    """The stencil of one operator along one axis, one row of taps per grid point.

    ``columns[k, x]`` is the column of tap ``k`` of point ``x`` in the axis
    extended by ghosts (``ext``), ``weights[k, x]`` its weight; ``counts[x]``
    taps are used.  ``reach`` is the largest distance between a point and a
    column of its stencil: the halo a chunk needs.
    """

    counts: np.ndarray
    weights: np.ndarray
    columns: np.ndarray
    ext: AxisExtension
    reach: int

    @property
    def sources(self) -> np.ndarray:
        """Index along the axis of the (unextended) value each tap reads."""
        return self.ext.sources[self.columns]

    @property
    def mirror_ids(self) -> np.ndarray:
        """Per tap: PLAIN, or the LOWER / UPPER edge's mirror the source is seen through."""
        ext = self.ext
        mirrored = np.array([m is not None for m in ext.mirrors], dtype=bool)[self.columns]
        side = np.where(self.columns < ext.lo, LOWER, UPPER)
        return np.where(mirrored, side, PLAIN)

    def fast_range(self, *, ghosts: bool) -> tuple[int, int, int]:
        """``(start, stop, half)``: the longest run of points whose taps are the
        central window ``x - half .. x + half`` (of interior points only, unless
        ``ghosts``, i.e. ghost values are present in the array)."""
        n = self.counts.size
        middle = int(self.counts[n // 2])
        if middle % 2 == 0:
            return (0, 0, 0)
        half = (middle - 1) // 2
        x = np.arange(n)
        ok = self.counts == 2 * half + 1
        offsets = self.columns[: 2 * half + 1] - (x + self.ext.lo)
        ok &= np.all(offsets == np.arange(-half, half + 1)[:, None], axis=0)
        if not ghosts:
            cols = self.columns[: 2 * half + 1]
            ok &= np.all((cols >= self.ext.lo) & (cols < self.ext.lo + n), axis=0)
        if not ok.any():
            return (0, 0, half)
        start = int(np.argmax(ok))
        stop = start + int(np.argmin(np.append(ok[start:], False)))
        return (start, stop, half)


def _rows(grid: Grid, axis: int, m: int, order: int, ext: AxisExtension) -> list[dict]:
    """Rows of the derivative matrix as ``{column in ext: weight}``."""
    matrix, width = derivative_matrix(grid, axis, m, order)
    shift = ext.lo - axis_extension(grid, axis, width).lo
    rows = []
    for x in range(grid.shape[axis]):
        span = slice(matrix.indptr[x], matrix.indptr[x + 1])
        rows.append(dict(zip(matrix.indices[span] + shift, matrix.data[span], strict=True)))
    return rows


@per_grid
def axis_stencil(grid: Grid, axis: int, operator: str, order: int) -> AxisStencil:
    """Stencil rows of ``operator`` along ``axis`` (without the metric's 1/h factors).

    The Laplacian's two derivatives and the divergence's log-derivative term
    are merged into one row per point: ``d_ii + c d_i`` and ``d_i + c``.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import axis_stencil
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(5,))
    >>> st = axis_stencil(grid, 0, "gradient", 2)
    >>> int(st.counts[2]), st.columns[:3, 2] - st.ext.lo    # a central window around point 2
    (3, array([1, 2, 3]))
    >>> [round(float(w), 12) for w in st.weights[:3, 2]]
    [-2.5, 0.0, 2.5]
    """
    if operator not in OPERATORS:
        msg = f"operator must be one of {OPERATORS}, got {operator!r}"
        raise ValueError(msg)
    parts: list[tuple[int, int, np.ndarray | None]]
    if operator == "gradient":
        parts = [(1, order, None)]
    else:
        q = metric_order(grid, order)
        power = 2 if operator == "laplacian" else 1
        logs = log_derivatives(grid, power)[axis]
        coef = None if logs is None else np.ravel(logs)
        parts = [(2, q, None)] if operator == "laplacian" else [(1, q, None)]
        if coef is not None:
            parts.append((1 if operator == "laplacian" else 0, q, coef))
    return merged_stencil(grid, axis, parts)


def merged_stencil(
    grid: Grid, axis: int, parts: list[tuple[int, int, np.ndarray | None]]
) -> AxisStencil:
    """One row of taps per point: the sum of ``coef * d^m`` (accuracy ``q``) over
    ``parts = [(m, q, coef or None), ...]``; ``m = 0`` is the point itself.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import merged_stencil
    >>> grid = fg.CartesianGrid(bounds=[(0, 4)], shape=(5,))
    >>> st = merged_stencil(grid, 0, [(1, 2, None)])
    >>> [round(float(w), 12) for w in st.weights[: st.counts[2], 2]]   # spacing 0.8
    [-0.625, 0.0, 0.625]
    """
    n = grid.shape[axis]
    widths = [derivative_matrix(grid, axis, m, q)[1] for m, q, _ in parts if m > 0]
    ext = axis_extension(grid, axis, max(widths))
    merged: list[dict] = [{} for _ in range(n)]
    with np.errstate(invalid="ignore", over="ignore"):
        for m, q, coef in parts:
            rows = [{x + ext.lo: 1.0} for x in range(n)] if m == 0 else _rows(grid, axis, m, q, ext)
            for x, row in enumerate(rows):
                scale = 1.0 if coef is None else coef[x]
                for col, wt in row.items():
                    merged[x][col] = merged[x].get(col, 0.0) + scale * wt
    K = max(len(row) for row in merged)
    counts = np.array([len(row) for row in merged], dtype=np.intp)
    columns = np.zeros((K, n), dtype=np.intp)
    weights = np.zeros((K, n))
    for x, row in enumerate(merged):
        cols = sorted(row)
        columns[: len(cols), x] = cols
        columns[len(cols) :, x] = x + ext.lo
        weights[: len(cols), x] = [row[c] for c in cols]
    reach = int(np.max(np.abs(columns - (np.arange(n) + ext.lo))))
    return AxisStencil(counts, weights, columns, ext, reach)


def _factor(grid: Grid, operator: str, component: int, axis: int) -> np.ndarray | None:
    """The 1-D factor of ``1/h_component`` (``1/h^2`` for the Laplacian) along ``axis``."""
    f = grid.factor(component, axis)
    if f is None:
        return None
    with np.errstate(divide="ignore"):
        return 1.0 / (f * f) if operator == "laplacian" else 1.0 / f


@functools.cache
def dtype_name(dtype: np.dtype) -> str:
    """``dtype.name``, looked up once per dtype (numpy builds the string on every access).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.engines.tables import dtype_name
    >>> dtype_name(np.dtype(np.float32))
    'float32'
    """
    return dtype.name


class KernelArrays(NamedTuple):
    """The arrays of :class:`KernelTables` the compiled kernel reads (see there).

    Examples
    --------
    >>> from fieldgrad.engines.tables import KernelArrays
    >>> KernelArrays._fields[:3]
    ('counts', 'weights', 'sources')
    """

    counts: np.ndarray
    weights: np.ndarray
    sources: np.ndarray
    mirrors: np.ndarray
    plain: np.ndarray
    perm: np.ndarray
    inner: np.ndarray
    signs: np.ndarray
    factors: np.ndarray
    fast: np.ndarray


class FusedPlan(NamedTuple):
    """Which view axes take part (``on``), and where the kernel may fuse rows:
    windows of ``width`` taps (0: nowhere) over the points ``start .. stop``
    of the innermost axis.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import kernel_tables
    >>> kernel_tables(fg.PolarGrid(radius=(0, 1), shape=(8, 16)), "gradient", 2, "float64").plan
    FusedPlan(on=(False, True, True), width=3, start=1, stop=15)
    """

    on: tuple[bool, ...]
    width: int
    start: int
    stop: int


def fused_plan(arrays: KernelArrays) -> FusedPlan:
    """The :class:`FusedPlan` of a kernel's arrays (whole arrays or a chunk's).

    The innermost window must have the same weights at every point, no metric
    factor may vary along the innermost axis, and every axis that takes part
    must read windows of one of :data:`FUSED_WIDTHS`; an innermost axis that
    sits out (the curl's third component) leaves the whole row to the window.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import fused_plan, kernel_tables
    >>> grid = fg.CartesianGrid.from_coords({"x": [0.0, 1.0, 3.0, 4.0], "y": [0.0, 1.0, 3.0, 4.0]})
    >>> fused_plan(kernel_tables(grid, "gradient", 2, "float64").whole).width   # uneven
    0
    """
    on = tuple(bool(arrays.counts[a].any()) for a in range(VIEW_NDIM))
    start, stop, half, flat, uniform = (int(v) for v in arrays.fast[2])
    nowhere = FusedPlan(on, 0, 0, 0)
    if not flat:
        return nowhere
    if on[2]:
        width = 2 * half + 1
        return FusedPlan(on, width, start, stop) if uniform and width in FUSED_WIDTHS else nowhere
    # the width of the stencils in the middle of each outer axis that takes part
    counts = arrays.counts
    widths = {int(counts[a, np.count_nonzero(counts[a]) // 2]) for a in range(2) if on[a]}
    width = widths.pop() if len(widths) == 1 else 0
    return FusedPlan(on, width, 0, counts.shape[1]) if width in FUSED_WIDTHS else nowhere


#: The former name: numba's on-disk cache indexes of an earlier version pickle it,
#: and would fail to load (instead of recompiling) without it.
FlatTables = KernelArrays


@dataclass(frozen=True)
class KernelTables:
    """Everything the kernel needs, per view axis (see the module docstring).

    ``counts (3, n)``, ``weights (3, K, n)``, ``sources (3, K, n)`` (indices
    into the unextended array), ``columns (3, K, n)`` (into the array extended
    by ghosts), ``mirrors (3, K, n)`` (mirror id per tap), ``perm (3, 3, 3, n)``
    (for axis a and mirror id m, the source index along view axis b),
    ``inner (3, 3)`` (whether that mirror permutes the innermost axis),
    ``signs (3, 3)`` (sign of component a seen through the mirror),
    ``factors (3, 3, n)`` (1-D metric factors of component a along axis b),
    ``plain (3, n)`` (whether no tap of a point is seen through a mirror),
    ``fast (3, 5)`` and ``fast_ghosts (3, 5)`` (the central-window range
    ``start, stop, half`` for unextended and ghost-extended arrays; whether
    all metric factors along the axis are one and no mirror lies beyond its
    edges; whether the window's weights are the same at every point of the
    range: then the kernel may fuse the axes), ``lows (3,)``
    (ghosts below each axis) and ``reach (3,)``.
    """

    counts: np.ndarray
    weights: np.ndarray
    sources: np.ndarray
    columns: np.ndarray
    mirrors: np.ndarray
    plain: np.ndarray
    perm: np.ndarray
    inner: np.ndarray
    signs: np.ndarray
    factors: np.ndarray
    fast: np.ndarray
    fast_ghosts: np.ndarray
    lows: np.ndarray
    reach: np.ndarray

    def arrays(
        self,
        sources: np.ndarray | None = None,
        mirrors: np.ndarray | None = None,
        plain: np.ndarray | None = None,
        fast: np.ndarray | None = None,
    ) -> KernelArrays:
        """The arrays the kernel reads; a chunk of a dask array passes its own
        ``sources``, ``mirrors``, ``plain`` and ``fast`` (ghosts already in place).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.engines.tables import kernel_tables
        >>> t = kernel_tables(fg.PolarGrid(radius=(0, 1), shape=(8, 16)), "gradient", 2, "float64")
        >>> t.arrays().weights.shape, t.whole is t.whole
        ((3, 4, 16), True)
        """
        return KernelArrays(
            counts=self.counts,
            weights=self.weights,
            sources=self.sources if sources is None else sources,
            mirrors=self.mirrors if mirrors is None else mirrors,
            plain=self.plain if plain is None else plain,
            perm=self.perm,
            inner=self.inner,
            signs=self.signs,
            factors=self.factors,
            fast=self.fast if fast is None else fast,
        )

    @functools.cached_property
    def whole(self) -> KernelArrays:
        """:meth:`arrays` for a whole in-memory array, built once."""
        return self.arrays()

    @functools.cached_property
    def plan(self) -> FusedPlan:
        """:func:`fused_plan` of :attr:`whole`, built once."""
        return fused_plan(self.whole)


@per_grid
def kernel_tables(grid: Grid, operator: str, order: int, dtype: str) -> KernelTables:
    """Kernel tables of ``operator`` at accuracy ``order`` on ``grid`` in ``dtype``.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import kernel_tables
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    >>> t = kernel_tables(grid, "gradient", 2, "float64")
    >>> int(t.counts[0, 0]), int(t.counts[1, 3]), int(t.counts[2, 3])   # no axis 0 in 2-D
    (0, 3, 3)
    >>> int(t.mirrors[1, 0, 0])          # r = 0 lies below the first radius: the lower mirror
    1
    """
    stencils = [axis_stencil(grid, a, operator, order) for a in range(grid.ndim)]
    return tables_from_stencils(grid, stencils, operator, dtype)


def tables_from_stencils(
    grid: Grid, stencils: list[AxisStencil], operator: str, dtype: str
) -> KernelTables:
    """Kernel tables from one stencil per grid axis; the metric factors are those
    of ``operator`` (``1/h``, or ``1/h^2`` for the Laplacian).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.tables import axis_stencil, tables_from_stencils
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=(4, 5))
    >>> st = [axis_stencil(grid, a, "gradient", 2) for a in range(2)]
    >>> tables_from_stencils(grid, st, "gradient", "float64").counts.shape
    (3, 5)
    """
    off = VIEW_NDIM - grid.ndim
    nmax = max(grid.shape)
    K = max(s.weights.shape[0] for s in stencils)
    counts = np.zeros((3, nmax), dtype=np.intp)
    weights = np.zeros((3, K, nmax), dtype=dtype)
    sources = np.zeros((3, K, nmax), dtype=np.intp)
    columns = np.zeros((3, K, nmax), dtype=np.intp)
    mirrors = np.zeros((3, K, nmax), dtype=np.intp)
    perm = np.zeros((3, 3, 3, nmax), dtype=np.intp)
    inner = np.zeros((3, 3), dtype=np.intp)
    signs = np.ones((3, 3), dtype=dtype)
    factors = np.ones((3, 3, nmax), dtype=dtype)
    plain = np.ones((3, nmax), dtype=np.intp)
    fast = np.zeros((3, FAST_COLUMNS), dtype=np.intp)
    fast_ghosts = np.zeros((3, FAST_COLUMNS), dtype=np.intp)
    lows = np.zeros(3, dtype=np.intp)
    reach = np.zeros(3, dtype=np.intp)
    for a, st in enumerate(stencils):
        v, n, k = a + off, grid.shape[a], st.weights.shape[0]
        counts[v, :n] = st.counts
        weights[v, :k, :n] = st.weights
        sources[v, :k, :n] = st.sources
        columns[v, :k, :n] = st.columns
        mirrors[v, :k, :n] = st.mirror_ids
        mids = st.mirror_ids
        plain[v, :n] = np.all((mids == PLAIN) | (np.arange(k)[:, None] >= st.counts), axis=0)
        for table, ghosts in ((fast, False), (fast_ghosts, True)):
            start, stop, half = table[v, :3] = st.fast_range(ghosts=ghosts)
            window = st.weights[: 2 * half + 1, start:stop]
            table[v, 4] = stop > start and bool(np.all(window == window[:, :1]))
        lows[v], reach[v] = st.ext.lo, st.reach
        for mid, edge in ((LOWER, grid.edges(a)[0]), (UPPER, grid.edges(a)[1])):
            if not isinstance(edge, Mirror):
                continue
            signs[v, mid] = edge.signs[a]
            for b in range(grid.ndim):
                idx = mirror_index(edge, grid.shape, b)
                perm[v, mid, b + off, : idx.size] = idx
            last = grid.shape[-1]
            inner[v, mid] = not np.array_equal(perm[v, mid, 2, :last], np.arange(last))
        for b in range(grid.ndim):
            f = _factor(grid, operator, a, b)
            if f is not None:
                factors[v, b + off, : grid.shape[b]] = f
    flat = np.all(factors[:, 2, : grid.shape[-1]] == 1) and not isinstance(
        grid.edges(grid.ndim - 1)[0], Mirror
    )
    fast[2, 3] = fast_ghosts[2, 3] = flat and not isinstance(grid.edges(grid.ndim - 1)[1], Mirror)
    return KernelTables(
        counts, weights, sources, columns, mirrors, plain, perm, inner, signs, factors,
        fast, fast_ghosts, lows, reach,
    )  # fmt: skip
