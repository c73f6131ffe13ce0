"""The Laplacian of any grid as a sparse matrix, with boundary conditions.

A conservative finite-volume discretisation: the Laplacian of cell ``k`` is
the net flux through the faces of the cell divided by its volume,

    (lap c)_k = (1 / V_k) * sum_faces  area * (dc/dn),

so the integral of the Laplacian over the grid is exactly the flux through
the domain boundary (zero with no-flux conditions), which is what mass
balances of diffusion problems need.  Everything comes from the grid's own
description (see :mod:`fieldgrad.grids.base`):

* cells are bounded by faces midway between points and by the domain bounds,
  their volumes are :meth:`Grid.cell_volumes`;
* a face normal to axis ``i`` has the exact area ``int J / h_i``, a product
  of 1-D integrals of the separable scale factors (the factor along ``i``
  evaluated at the face);
* the normal derivative across an inner face is the two-point difference
  divided by the distance between the points: the integral of ``h_i``'s own
  factor along the axis times the mean of its other factors over the cell;
* across r = 0 and the poles the face area is zero (regularity); periodic
  axes wrap.

The scheme is second order: solutions of problems built on the matrix
(diffusion, Poisson) converge at second order in the maximum norm over the
whole grid, cells next to r = 0, the poles and the edges included.  On faces
with a Dirichlet condition the normal derivative is taken from the boundary
value and the three nearest points, with the same leading error as the
inner faces, so that the local error of ``A @ c + b`` stays second order in
those cells too.  Two local errors are lower order, as in every
conservative cell-centred scheme: next to a Neumann side the prescribed flux
meets the two-point flux of the inner face (first order there); and next to
r = 0 and the poles the scheme yields the cell average of the Laplacian, not
its value at the cell centre, which for a field that is not symmetric about
the axis differs by O(h^2 / r) (first order next to the axis of the plane or
of a cylinder, order one in the innermost cells of a ball).  These errors
are local and do not spoil the second-order convergence of solutions.
Grids built from explicit coordinates with points *on* r = 0 or a pole
(rather than half a cell away, as every constructor places them) get thin
wedge cells there, one per angle, which only agree to first order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..discretization import fornberg_weights
from ..grids.base import Grid
from .boundary import BOUNDARY_KINDS, DEFAULT_BC, resolve_bc, side_values

__all__ = ["SparseLaplacian", "laplacian_matrix", "BOUNDARY_KINDS", "DEFAULT_BC"]
#: Gauss-Legendre points per cell for the integrals of the scale factors.
_QUADRATURE_POINTS = 6
#: Points besides the boundary value in the normal derivative on a Dirichlet face.
_DIRICHLET_POINTS = 3
#: A side whose face areas are all below this fraction of the largest is degenerate.
_ZERO_AREA = 1e-14


@dataclass(frozen=True)
class SparseLaplacian:
    """A sparse Laplacian and the contribution of inhomogeneous boundary conditions.

    ``lap c = matrix @ c.ravel() + rhs`` for grid-shaped data ``c`` (C order).
    Unpacks as a tuple: ``A, b = laplacian_matrix(grid, bc)``.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        Shape ``(grid.size, grid.size)``.
    rhs : ndarray
        Shape ``(grid.size,)``: Dirichlet values and Neumann fluxes, divided
        by the cell volumes.
    grid : Grid
        The grid.
    volumes : ndarray
        Cell volumes, flattened (``grid.cell_volumes().ravel()``).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators import laplacian_matrix
    >>> ball = fg.SphericalGrid(radius=(0, 1), shape=(16, 4, 8))
    >>> lap = laplacian_matrix(ball)
    >>> A, b = lap
    >>> r = ball.mesh()[0] + 0 * ball.mesh()[2]
    >>> bool(np.allclose(lap(r**2)[:-1], 6.0))     # lap r^2 = 6; the last shell has no flux out
    True
    """

    matrix: sp.csr_matrix
    rhs: np.ndarray
    grid: Grid
    volumes: np.ndarray

    def __iter__(self) -> Iterator[Any]:
        return iter((self.matrix, self.rhs))

    def __call__(self, data: Any) -> np.ndarray:
        """The Laplacian of grid-shaped data (with the boundary conditions), grid-shaped.

        ``data`` may also broadcast to the grid's shape (e.g. built from
        :meth:`Grid.mesh`).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.operators import laplacian_matrix
        >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
        >>> lap = laplacian_matrix(grid, {"x-": ("dirichlet", 0.0), "x+": ("dirichlet", 1.0)})
        >>> bool(np.allclose(lap(grid.coords["x"] ** 2), 2.0))
        True
        """
        c = np.asarray(data, dtype=float)
        try:
            c = np.broadcast_to(c, self.grid.shape)
        except ValueError:
            msg = f"data must broadcast to the grid's shape {self.grid.shape}, got {c.shape}"
            raise ValueError(msg) from None
        return (self.matrix @ c.ravel() + self.rhs).reshape(self.grid.shape)

    def boundary_flux(self, data: Any) -> float:
        """Total flux ``int (dc/dn) dA`` into the domain through its boundary.

        Equal to the integral of the Laplacian over the grid (the inner
        fluxes cancel), so it vanishes with no-flux conditions.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.operators import laplacian_matrix
        >>> disk = fg.PolarGrid(radius=(0, 2), shape=(8, 16))
        >>> lap = laplacian_matrix(disk, {"r+": ("neumann", 1.0)})
        >>> bool(np.isclose(lap.boundary_flux(np.zeros(disk.shape)), 4 * np.pi))  # 2 pi R
        True
        """
        return float(self.volumes @ self(data).ravel())


def _quadrature(lo: np.ndarray, hi: np.ndarray, func: Callable | None) -> np.ndarray:
    """``int_lo^hi func`` per interval (the interval length when ``func`` is None)."""
    if func is None:
        return hi - lo
    nodes, weights = np.polynomial.legendre.leggauss(_QUADRATURE_POINTS)
    mid, half = (hi + lo) / 2, (hi - lo) / 2
    pts = mid[:, None] + half[:, None] * nodes[None, :]
    return half * (np.asarray(func(pts), dtype=float) * weights).sum(axis=1)


class _Metric:
    """1-D integrals of the separable factors that the flux stencil needs."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.factors = grid.factor_functions()
        self.extra = grid.volume_functions()
        self.faces = []
        for x, (lo, hi) in zip(grid.coords.values(), grid.bounds, strict=True):
            self.faces.append(np.concatenate([[lo], (x[1:] + x[:-1]) / 2, [hi]]))

    def area_function(self, i: int, j: int) -> Callable | None:
        """The factor along ``j`` of ``J / h_i``: the other scale factors and the volume extra."""
        funcs = [f for (k, a), f in self.factors.items() if a == j and k != i]
        if j in self.extra:
            funcs.append(self.extra[j])
        if not funcs:
            return None

        def product(x: np.ndarray) -> np.ndarray:
            out = np.ones_like(np.asarray(x, dtype=float))
            for f in funcs:
                out = out * f(x)
            return out

        return product

    def transverse(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Per cell, ``prod_{j != i} int W_ij`` (face area without the normal factor)
        and ``prod_{j != i} mean h_ij`` (the transverse part of ``h_i``), broadcastable."""
        grid = self.grid
        area = np.ones([1] * grid.ndim)
        metric = np.ones([1] * grid.ndim)
        for j in range(grid.ndim):
            if j == i:
                continue
            lo, hi = self.faces[j][:-1], self.faces[j][1:]
            area = area * grid.broadcast(j, _quadrature(lo, hi, self.area_function(i, j)))
            h = self.factors.get((i, j))
            if h is not None:
                metric = metric * grid.broadcast(j, _quadrature(lo, hi, h) / (hi - lo))
        return area, metric

    def normal_area(self, i: int, x: np.ndarray) -> np.ndarray:
        """The factor of the face area along the normal axis, at face positions ``x``."""
        f = self.area_function(i, i)
        return np.ones_like(x) if f is None else np.asarray(f(x), dtype=float)

    def path(self, i: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``int_a^b`` of ``h_i``'s own factor along axis ``i``: the length between points."""
        return _quadrature(a, b, self.factors.get((i, i)))


def _take(arr: np.ndarray, axis: int, index: Any) -> np.ndarray:
    sl = [slice(None)] * arr.ndim
    sl[axis] = index
    return arr[tuple(sl)]


def _dirichlet_weights(dist: np.ndarray) -> np.ndarray:
    """Weights of the inward derivative on a Dirichlet face: boundary value, then the points.

    The two-point difference across an inner face carries the error
    ``d**2 / 24 * c_sss`` (``d`` the distance between the points); the
    boundary derivative carries the same term, so that it cancels in the
    first cell and leaves the cell second order.
    """
    pts = np.concatenate([[0.0], dist])
    w = fornberg_weights(0.0, pts, 1)
    if dist.size >= _DIRICHLET_POINTS:
        spacing = dist[1] - dist[0]
        w = w + spacing**2 / 24 * fornberg_weights(0.0, pts, 3)
    return w


def laplacian_matrix(grid: Grid, bc: Mapping[str, Any] | None = None) -> SparseLaplacian:
    """The Laplacian of a grid as a sparse matrix, with boundary conditions.

    Conservative finite volumes, second order (see :mod:`fieldgrad.operators.sparse`):
    ``lap c = A @ c.ravel() + b``.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    bc : dict, optional
        Conditions by side: keys ``"<axis>-"`` (lower end), ``"<axis>+"``
        (upper end) or ``"<axis>"`` (both ends); values

        * ``("dirichlet", value)``: ``c = value`` on the side;
        * ``("neumann", g)``: outward normal derivative ``dc/dn = g`` (a
          diffusive outflux ``-D g`` per area); ``g = 0`` means no flux;
        * ``("robin", (a, b, value))``: ``a c + b dc/dn = value`` (e.g. a
          membrane of permeability ``k``: ``(k, D, k c_outside)``);
        * ``"periodic"``: automatic on full-circle angles; allowed on an axis
          without metric factors (Cartesian axes, a pipe's ``z``).

        ``"dirichlet"`` and ``"neumann"`` alone mean the value 0.  A value is
        a number, an array that broadcasts to the side (the grid's shape
        without that axis), or a callable taking the coordinates by axis
        name (the side's own coordinate as its face position).
        Every side not named gets :data:`DEFAULT_BC`, no flux.  Sides on r = 0
        or a pole need no condition (regularity is built in) and accept none.

    Returns
    -------
    SparseLaplacian
        ``(A, b)``: unpacks as a tuple; ``A`` is CSR, ``b`` has shape
        ``(grid.size,)``.  Calling it on grid-shaped data returns the
        Laplacian.

    Raises
    ------
    ValueError
        Unknown side names or kinds, a condition on a periodic axis, on r = 0
        or a pole, or on a side of zero area; ``"periodic"`` on a radius or
        an angle range short of the full circle.

    Examples
    --------
    Dirichlet at the rim of a disk: ``c = 1 - r**2`` has ``lap c = -4``.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators import laplacian_matrix
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> A, b = laplacian_matrix(grid, {"r+": ("dirichlet", 0.0)})
    >>> A.shape
    (2048, 2048)
    >>> r = grid.mesh()[0] + 0 * grid.mesh()[1]
    >>> lap = (A @ (1 - r**2).ravel() + b).reshape(grid.shape)
    >>> bool(np.abs(lap + 4).max() < 1e-2)
    True

    Solve ``lap c = -1`` on a square with ``c = 0`` around it:

    >>> from scipy.sparse.linalg import spsolve
    >>> square = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(33, 33))
    >>> A, b = laplacian_matrix(square, {"x": "dirichlet", "y": "dirichlet"})
    >>> c = spsolve(A.tocsc(), -1 - b)
    >>> round(float(c.max()), 3)      # 0.07367 at the centre (series solution)
    0.074
    """
    if not isinstance(grid, Grid):
        msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
        raise TypeError(msg)
    sides = resolve_bc(grid, bc)
    metric = _Metric(grid)
    volumes = grid.cell_volumes()
    index = np.arange(grid.size).reshape(grid.shape)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    rhs = np.zeros(grid.shape)

    def couple(a: np.ndarray, b: np.ndarray, g: np.ndarray) -> None:
        g = np.broadcast_to(g, a.shape).ravel()
        a, b = a.ravel(), b.ravel()
        rows.extend([a, a, b, b])
        cols.extend([a, b, b, a])
        vals.extend([-g, g, -g, g])

    for i in range(grid.ndim):
        x = grid.coordinate(i)
        n = x.size
        lo, hi = grid.bounds[i]
        faces = metric.faces[i]
        area_t, metric_t = metric.transverse(i)
        # inner faces
        if n > 1:
            g = metric.normal_area(i, faces[1:-1]) / metric.path(i, x[:-1], x[1:])
            g = grid.broadcast(i, g) * area_t / metric_t
            couple(_take(index, i, slice(0, n - 1)), _take(index, i, slice(1, n)), g)
        # the periodic seam
        if sides[i][0].kind == "periodic":
            period = hi - lo
            g = metric.normal_area(i, np.array([lo])) / metric.path(
                i, np.array([x[-1]]), np.array([x[0] + period])
            )
            g = grid.broadcast(i, g) * area_t / metric_t
            couple(_take(index, i, slice(n - 1, n)), _take(index, i, slice(0, 1)), g)
        # boundary sides
        for s, side in enumerate(sides[i]):
            if side.kind in ("periodic", "mirror"):
                continue
            label = grid.axes[i] + "-+"[s]
            at = lo if s == 0 else hi
            area = metric.normal_area(i, np.array([at]))[0] * area_t
            area = np.broadcast_to(area, _take(index, i, slice(0, 1)).shape)
            a, b, raw = side.value if side.kind == "robin" else (1.0, 0.0, side.value)
            values = side_values(grid, i, at, raw, label)
            degenerate = np.all(np.abs(area) <= _ZERO_AREA * max(np.abs(area_t).max(), 1.0))
            if degenerate and (side.kind in ("dirichlet", "robin") or np.any(values != 0)):
                msg = (
                    f"bc[{label!r}] is impossible: the side {grid.axes[i]} = {at:g} has zero "
                    f"area (an axis or pole), expected no condition, got {side.kind!r}"
                )
                raise ValueError(msg)
            cell = 0 if s == 0 else n - 1
            vol = _take(volumes, i, slice(cell, cell + 1))
            if side.kind == "neumann":
                _take(rhs, i, slice(cell, cell + 1))[...] += area * values / vol
                continue
            # Dirichlet: outward normal derivative from the boundary value and the nearest points,
            # dc/dn = -(w0 c_b + sum_k w_k c_k) / h_t.  Robin a c_b + b dc/dn = value eliminates
            # c_b: the flux is -(area / h_t) (w0 value + a sum_k w_k c_k) / (a - b w0 / h_t).
            order = range(n) if s == 0 else range(n - 1, -1, -1)
            nearest = [k for k in order if x[k] != at][:_DIRICHLET_POINTS]
            ends = [(min(at, x[k]), max(at, x[k])) for k in nearest]
            dist = metric.path(i, *(np.array(e) for e in zip(*ends, strict=True)))
            w = _dirichlet_weights(dist)
            denominator = a - b * w[0] / metric_t
            if np.any(denominator == 0):
                msg = (
                    f"bc[{label!r}] robin coefficients make the condition singular: {side.value!r}"
                )
                raise ValueError(msg)
            coef = -area / metric_t / denominator  # flux = area dc/dn
            _take(rhs, i, slice(cell, cell + 1))[...] += coef * w[0] * values / vol
            row = _take(index, i, slice(cell, cell + 1))
            for wk, k in zip(w[1:], nearest, strict=True):
                rows.append(row.ravel())
                cols.append(_take(index, i, slice(k, k + 1)).ravel())
                vals.append(np.broadcast_to(a * coef * wk, row.shape).ravel())

    if not vals:  # a single cell without neighbours
        rows, cols, vals = [np.zeros(0, int)], [np.zeros(0, int)], [np.zeros(0)]
    flux = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(grid.size, grid.size),
    )
    flux.sum_duplicates()
    matrix = sp.diags_array(1.0 / volumes.ravel()) @ flux
    return SparseLaplacian(sp.csr_matrix(matrix), rhs.ravel(), grid, volumes.ravel())
