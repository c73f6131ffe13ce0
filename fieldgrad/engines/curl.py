"""The curl from derivatives of the components: one formula for every engine.

On an orthogonal grid with scale factors ``h`` the curl of a vector field
given by its orthonormal components is, for ``(i, j, k)`` cyclic,

    (curl v)_k = (1/(h_i h_j)) [d_i(h_j v_j) - d_j(h_i v_i)]
               = D_ij - D_ji + v_j (1/h_i) d_i log h_j - v_i (1/h_j) d_j log h_i

with ``D_ij = (1/h_i) d_i v_j``.  An engine supplies the ``D`` (each
component differentiated with its own sign across an axis or pole) and
:func:`curl_from_derivatives` adds the metric terms and fills the values on
an axis or pole, for numpy and dask arrays alike.

In 2-D the curl is the scalar ``(1/(h_1 h_2)) [d_1(h_2 v_2) - d_2(h_1 v_1)]``
(the component along ``e_1 x e_2``; on the sphere surface the radial
vorticity).  On the axisymmetric ``(r, z)`` section of a cylinder it is the
azimuthal vorticity of the meridional flow, ``(curl v)_theta = d_z v_r - d_r
v_z``: the component along ``e_theta = e_z x e_r``, so the sign of the plain
2-D formula is turned round (:data:`PLANE_NORMAL_SIGN`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np

from ..discretization import (
    AxisExtension,
    apply_fill,
    fill_plan,
    metric_order,
    per_grid,
    scale_log_derivatives,
)
from ..grids.base import Grid, Mirror
from .tables import (
    LOWER,
    UPPER,
    VIEW_NDIM,
    KernelTables,
    axis_stencil,
    merged_stencil,
    tables_from_stencils,
)

__all__ = [
    "CURL_PAIRS",
    "PLANE_NORMAL_SIGN",
    "CurlTables",
    "curl",
    "curl_fill_component",
    "curl_from_derivatives",
    "curl_shape",
    "curl_tables",
]

#: The pairs ``(i, j)`` of each curl component, ``(i, j, k)`` cyclic; 2-D: one scalar.
CURL_PAIRS = {2: ((0, 1),), 3: ((1, 2), (2, 0), (0, 1))}
#: Sign of the reported 2-D curl relative to ``e_1 x e_2``, by the grid's axis names.
PLANE_NORMAL_SIGN: dict[tuple[str, ...], float] = {("r", "z"): -1.0}

#: ``derivatives(component, stencil_order) -> [(1/h_i) d_i v_component for every axis i]``.
Derivatives = Callable[[int, int], Sequence[Any]]


def curl_shape(grid: Grid) -> tuple[int, ...]:
    """Shape of the curl of a vector field on ``grid`` (scalar in 2-D, vector in 3-D).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl_shape
    >>> curl_shape(fg.PolarGrid(radius=(0, 1), shape=(4, 8)))
    (4, 8)
    """
    if grid.ndim not in CURL_PAIRS:
        msg = f"curl needs a field on a 2-D or 3-D grid, got a {grid.ndim}-D grid"
        raise ValueError(msg)
    return grid.shape if grid.ndim == 2 else (3,) + grid.shape


def curl_fill_component(grid: Grid, k: int) -> int | None:
    """The component whose signs across mirrors curl component ``k`` shares (for fills).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl_fill_component
    >>> curl_fill_component(fg.PolarGrid(radius=(0, 1), shape=(4, 8)), 0) is None  # even at r = 0
    True
    >>> curl_fill_component(fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(4, 4)), 0)
    0
    """
    return k if grid.ndim == 3 else _parity_component(grid)


def _parity_component(grid: Grid) -> int | None:
    """A component whose sign across every mirror is that of the 2-D curl (None: even)."""
    parities = set()
    signs = []
    for axis in range(grid.ndim):
        for edge in grid.edges(axis):
            if isinstance(edge, Mirror):
                parities.add(edge.signs[0] * edge.signs[1])
                signs.append(edge.signs)
    if parities <= {1.0}:
        return None
    for c in range(grid.ndim):
        if all(s[c] == s[0] * s[1] for s in signs):
            return c
    msg = "the 2-D curl's sign across this grid's mirrors is not that of any component"
    raise NotImplementedError(msg)


def curl_from_derivatives(
    grid: Grid, components: Sequence[Any], derivatives: Derivatives, order: int
) -> list[Any]:
    """Curl components (one in 2-D, three in 3-D) from an engine's derivatives.

    ``derivatives(j, q)`` returns ``[(1/h_i) d_i v_j for i in axes]`` at
    stencil order ``q``, with ghost values seen through mirrors with the sign
    of component ``j``; values on an axis or pole may be anything (they are
    filled here).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl_from_derivatives
    >>> from fieldgrad.engines.numpy_engine import NUMPY_ENGINE
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    >>> x, y = grid.mesh()
    >>> comps = [-y + 0 * x, x + 0 * y]                    # rigid rotation: curl 2
    >>> def derivs(j, q):
    ...     return NUMPY_ENGINE.derivatives(grid, comps[j], order=q, component=j)
    >>> bool(np.allclose(curl_from_derivatives(grid, comps, derivs, 2)[0], 2.0))
    True
    """
    curl_shape(grid)
    q = metric_order(grid, order)
    h = grid.scale_factors()
    logs = scale_log_derivatives(grid)
    dtype = np.result_type(*[c.dtype for c in components])
    cache: dict[int, Sequence[Any]] = {}

    def d(i: int, j: int) -> Any:
        if j not in cache:
            cache[j] = derivatives(j, q)
        return cache[j][i]

    def metric(i: int, j: int) -> Any:
        """``v_j (1/h_i) d_i log h_j``, or None."""
        log = logs.get((j, i))
        if log is None:
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            coef = log / h[i]
        # not finite only on an axis or pole, whose values are filled afterwards
        coef = np.where(np.isfinite(coef), coef, 0.0).astype(dtype)
        return components[j] * coef

    out = []
    sign = PLANE_NORMAL_SIGN.get(tuple(grid.axes), 1.0) if grid.ndim == 2 else 1.0
    steps = fill_plan(grid, order)
    for k, (i, j) in enumerate(CURL_PAIRS[grid.ndim]):
        with np.errstate(invalid="ignore"):
            total = d(i, j) - d(j, i)
            for term, s in ((metric(i, j), 1), (metric(j, i), -1)):
                if term is not None:
                    total = total + term if s > 0 else total - term
            if sign != 1.0:
                total = -total
        component = curl_fill_component(grid, k)
        out.append(apply_fill(total, grid, steps, component=component) if steps else total)
    return out


def curl(grid: Grid, components: Sequence[Any], derivatives: Derivatives, order: int) -> Any:
    """The curl as one array: 2-D scalar, or the three components stacked.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl
    >>> from fieldgrad.engines.numpy_engine import NUMPY_ENGINE
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    >>> x, y = grid.mesh()
    >>> comps = [np.broadcast_to(y, grid.shape), np.zeros(grid.shape)]   # shear: curl -1
    >>> def derivs(j, q):
    ...     return NUMPY_ENGINE.derivatives(grid, comps[j], order=q, component=j)
    >>> bool(np.allclose(curl(grid, comps, derivs, 2), -1.0))
    True
    """
    parts = curl_from_derivatives(grid, components, derivatives, order)
    if grid.ndim == 2:
        return parts[0]
    if all(isinstance(p, np.ndarray) for p in parts):
        return np.stack(parts)
    import dask.array as da

    return da.stack(parts)


class CurlTables(NamedTuple):
    """Kernel tables of one curl component, summed over axes (``MODE_SUM``).

    ``inputs[a]`` is the vector component differentiated along grid axis
    ``a``; ``exts`` are the axes' ghost extensions (for chunked engines).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl_tables
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(4, 5, 6))
    >>> curl_tables(grid, 2, "float64", 0).inputs    # d_y v_z - d_z v_y (x: nothing, any input)
    (1, 2, 1)
    """

    tables: KernelTables
    inputs: tuple[int, ...]
    exts: tuple[AxisExtension, ...]


@per_grid
def curl_tables(grid: Grid, order: int, dtype: str, k: int) -> CurlTables:
    """Tables computing curl component ``k`` in one pass of the kernel.

    Along axis ``i`` the kernel differentiates ``v_j`` with the row
    ``(1/h_i)(d_i + d_i log h_j)``, along axis ``j`` it differentiates ``v_i``
    with minus ``(1/h_j)(d_j + d_j log h_i)``, and nothing along axis ``k``;
    taps seen through a mirror take the sign of the component they read.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines.curl import curl_tables
    >>> t = curl_tables(fg.PolarGrid(radius=(0, 1), shape=(8, 16)), 2, "float64", 0)
    >>> t.inputs                             # d_r v_theta and d_theta v_r
    (1, 0)
    """
    curl_shape(grid)
    q = metric_order(grid, order)
    i, j = CURL_PAIRS[grid.ndim][k]
    logs = scale_log_derivatives(grid)
    stencils = []
    inputs = []
    for a in range(grid.ndim):
        if a in (i, j):
            partner = j if a == i else i
            log = logs.get((partner, a))
            parts: list[tuple[int, int, np.ndarray | None]] = [(1, q, None)]
            if log is not None:
                parts.append((0, q, np.ravel(log)))
            stencils.append(merged_stencil(grid, a, parts))
            inputs.append(partner)
        else:
            stencils.append(axis_stencil(grid, a, "gradient", q))
            inputs.append(i)
    tables = tables_from_stencils(grid, stencils, "gradient", dtype)
    off = VIEW_NDIM - grid.ndim
    sign = PLANE_NORMAL_SIGN.get(tuple(grid.axes), 1.0) if grid.ndim == 2 else 1.0
    weights = tables.weights.copy()
    weights[i + off] *= sign
    weights[j + off] *= -sign
    counts = tables.counts.copy()
    fast, fast_ghosts = tables.fast.copy(), tables.fast_ghosts.copy()
    signs = np.ones_like(tables.signs)
    for a in range(grid.ndim):
        if a not in (i, j):  # nothing along axis k
            counts[a + off] = 0
            fast[a + off, :3] = fast_ghosts[a + off, :3] = 0
        for mid, edge in zip((LOWER, UPPER), grid.edges(a), strict=True):
            if isinstance(edge, Mirror):
                signs[a + off, mid] = edge.signs[inputs[a]]
    tables = replace(
        tables, weights=weights, counts=counts, fast=fast, fast_ghosts=fast_ghosts, signs=signs
    )
    return CurlTables(tables, tuple(inputs), tuple(st.ext for st in stencils))
