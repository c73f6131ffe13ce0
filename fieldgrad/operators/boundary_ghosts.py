"""Boundary conditions for the finite-difference operators, by ghost layers.

``bc`` takes the form of :func:`fieldgrad.operators.laplacian_matrix` plus
Robin conditions: keys are sides (``"x-"``, ``"r+"``) or axes (``"y"``);
values ``"periodic"``, ``("dirichlet", value)``, ``("neumann", outward
derivative)`` or ``("robin", (a, b, value))`` meaning ``a u + b du/dn =
value``; a value is a number, an array over the side or a function of the
coordinates by axis name.

Beyond each constrained edge the data get ghost layers (one for order 2,
two for order 4) at the mirror images of the nearest points.  Their values
come from the polynomial through the nearest ``order + 2`` points and the
condition on the boundary face (its value, its outward normal derivative
with the metric, or their Robin combination), so that the centred stencils
of the operator keep their order up to the edge.  The grid extended by the
ghosts is built with the public :meth:`Grid.rebuild`; the operator runs
there with the ordinary engines, and the result is cropped back.  Sides
with no condition keep today's one-sided stencils; r = 0, the poles and
full-circle angles take none.  A lazy (dask) field is computed first: the
extended copy is an in-memory array.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..grids.base import Grid
from .boundary import BOUNDARY_KINDS, named_sides, resolve_bc, side_values

__all__ = ["GHOST_KINDS", "GhostSide", "parse_ghost_bc", "with_ghosts", "ghost_layers"]

#: Kinds of condition the operators accept (those of ``laplacian_matrix``).
GHOST_KINDS = BOUNDARY_KINDS
#: ``(a, b, value)`` of ``a u + b du/dn = value`` for each kind with a value.
COEFFICIENTS: dict[str, Any] = {
    "dirichlet": lambda v: (1.0, 0.0, v),
    "neumann": lambda v: (0.0, 1.0, v),
    "robin": lambda v: v,
}
#: Ghost layers per accuracy order of the operator.
GHOST_LAYERS = {2: 1, 4: 2}


@dataclass(frozen=True)
class GhostSide:
    """A condition ``a u + b du/dn = value`` on one side (``kind`` kept for messages).

    Examples
    --------
    >>> from fieldgrad.operators.boundary_ghosts import GhostSide
    >>> GhostSide("neumann", 0.0, 1.0, 2.0)
    GhostSide(kind='neumann', a=0.0, b=1.0, value=2.0)
    """

    kind: str
    a: float
    b: float
    value: Any


def parse_ghost_bc(grid: Grid, bc: Mapping[str, Any]) -> list[list[GhostSide | str | None]]:
    """The condition on each side of each axis: a GhostSide, ``"periodic"`` or None.

    ``bc`` is checked by :func:`fieldgrad.operators.boundary.resolve_bc` (the
    rules of :func:`fieldgrad.operators.laplacian_matrix`); sides it does not
    name get None (one-sided stencils), and so do sides that are periodic or
    an axis or pole by the grid's own geometry.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary_ghosts import parse_ghost_bc
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    >>> parse_ghost_bc(disk, {"r+": ("robin", (1.0, 2.0, 0.0))})[0][1]
    GhostSide(kind='robin', a=1.0, b=2.0, value=0.0)
    """
    sides = resolve_bc(grid, bc)
    named = named_sides(grid, bc)
    out: list[list[GhostSide | str | None]] = [[None, None] for _ in grid.axes]
    for i, pair in enumerate(sides):
        for s, side in enumerate(pair):
            if (i, s) not in named or side.kind == "mirror":
                continue
            if side.kind == "periodic":
                out[i][s] = None if grid.edges(i)[s] == "periodic" else "periodic"
                continue
            a, b, value = COEFFICIENTS[side.kind](side.value)
            out[i][s] = GhostSide(side.kind, a, b, value)
    return out


def _weights(nodes: np.ndarray, at: float, deriv: int) -> np.ndarray:
    """Weights of the interpolating polynomial's value (deriv 0) or slope (1) at ``at``."""
    scale = np.max(np.abs(nodes - nodes[0])) or 1.0
    z = (nodes - nodes[0]) / scale
    x = (at - nodes[0]) / scale
    k = np.arange(nodes.size)
    vander = z[None, :] ** k[:, None]
    target = x**k if deriv == 0 else np.where(k > 0, k * x ** np.maximum(k - 1, 0), 0.0) / scale
    return np.linalg.solve(vander, target)


def _normal_scale(grid: Grid, axis: int, at: float) -> np.ndarray:
    """``h_axis`` on the side ``axis = at``, shaped like the side."""
    shape = list(grid.shape)
    shape[axis] = 1
    h = np.ones(shape)
    coords = list(grid.coords.values())
    for j in range(grid.ndim):
        x = np.array([at]) if j == axis else coords[j]
        f = grid.factor(axis, j, x)
        if f is not None:
            view = [1] * grid.ndim
            view[j] = x.size
            h = h * np.asarray(f).reshape(view)
    return h


def _take(arr: np.ndarray, axis: int, index: Any) -> np.ndarray:
    sl = [slice(None)] * arr.ndim
    sl[axis] = index
    return arr[tuple(sl)]


def ghost_layers(
    grid: Grid, data: np.ndarray, axis: int, side: int, cond: GhostSide, layers: int, order: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ghost coordinates (outward order) and values beyond one side.

    Examples
    --------
    Dirichlet 0 at x = 0 for ``u = x``: the ghost at -h/2 holds -h/2.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary_ghosts import GhostSide, ghost_layers
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> x, g = ghost_layers(line, line.coords["x"], 0, 0, GhostSide("dirichlet", 1, 0, 0.0), 1, 2)
    >>> x, np.round(g, 12)
    (array([-0.125]), array([-0.125]))
    """
    x = list(grid.coords.values())[axis]
    at = grid.bounds[axis][side]
    inner = np.arange(x.size) if side == 0 else np.arange(x.size)[::-1]
    inner = inner[np.abs(x[inner] - at) > 1e-12 * max(1.0, abs(at))]
    points = order + 2  # a ghost error O(h^(order+3)): the second derivative keeps its order
    if inner.size < points:
        msg = (
            f"bc on {grid.axes[axis]}{'-+'[side]} needs at least {points} points along "
            f"{grid.axes[axis]!r} for order {order}, got {inner.size}"
        )
        raise ValueError(msg)
    use = inner[:points]
    ghosts = 2 * at - x[inner[:layers]]
    nodes = np.concatenate([[at], x[use]])
    label = grid.axes[axis] + "-+"[side]
    value = side_values(grid, axis, at, cond.value, label)
    values_in = [_take(data, axis, slice(k, k + 1)) for k in use]
    outward = -1.0 if side == 0 else 1.0
    if cond.b == 0:
        boundary = value / cond.a
    else:
        slope = _weights(nodes, at, 1)
        coef = cond.b * outward / _normal_scale(grid, axis, at)
        rest = sum(w * v for w, v in zip(slope[1:], values_in, strict=True))
        boundary = (value - coef * rest) / (cond.a + coef * slope[0])
    out = []
    for g in ghosts:
        w = _weights(nodes, float(g), 0)
        out.append(w[0] * boundary + sum(wk * v for wk, v in zip(w[1:], values_in, strict=True)))
    return ghosts, np.concatenate(out, axis=axis)


def with_ghosts(
    grid: Grid, arrays: list[Any], bc: Mapping[str, Any], order: int
) -> tuple[Grid, list[np.ndarray], tuple[slice, ...]]:
    """The grid and data extended by ghost layers, and the slices that crop back.

    The corners where ghost layers of two axes meet are zero: the operators
    of orthogonal coordinates never reach them from a grid point.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.boundary_ghosts import with_ghosts
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> big, (u,), crop = with_ghosts(line, [line.coords["x"] ** 2], {"x": "dirichlet"}, 2)
    >>> big.shape, crop
    ((6,), (slice(1, 5, None),))
    """
    sides = parse_ghost_bc(grid, bc)
    layers = GHOST_LAYERS[order]
    data = [np.asarray(a, dtype=float) for a in arrays]
    coords = [np.asarray(c, dtype=float) for c in grid.coords.values()]
    info = grid.describe()
    bounds = [list(b) for b in grid.bounds]
    pads: list[tuple[int, int]] = []
    slabs: list[tuple[int, int, list[np.ndarray]]] = []  # (axis, side, one slab per array)
    for i, pair in enumerate(sides):
        x, n = coords[i], coords[i].size
        lo_n = hi_n = 0
        if pair == ["periodic", "periodic"]:
            period = grid.bounds[i][1] - grid.bounds[i][0]
            coords[i] = np.concatenate([x[n - layers :] - period, x, x[:layers] + period])
            slabs.append((i, 0, [_take(a, i, slice(n - layers, n)) for a in data]))
            slabs.append((i, 1, [_take(a, i, slice(0, layers)) for a in data]))
            lo_n = hi_n = layers
            info["periodic"][i] = False
        else:
            for s, cond in enumerate(pair):
                if not isinstance(cond, GhostSide):
                    continue
                parts = [ghost_layers(grid, a, i, s, cond, layers, order) for a in data]
                gx = parts[0][0]
                if s == 0:
                    coords[i] = np.concatenate([gx[::-1], coords[i]])
                    slabs.append((i, 0, [np.flip(g, axis=i) for _, g in parts]))
                    lo_n = layers
                else:
                    coords[i] = np.concatenate([coords[i], gx])
                    slabs.append((i, 1, [g for _, g in parts]))
                    hi_n = layers
        c = coords[i]
        if lo_n:
            bounds[i][0] = float(c[0] - (c[1] - c[0]) / 2)
        if hi_n:
            bounds[i][1] = float(c[-1] + (c[-1] - c[-2]) / 2)
        pads.append((lo_n, hi_n))
    crop = tuple(slice(lo, c.size - hi) for (lo, hi), c in zip(pads, coords, strict=True))
    out = []
    for k, a in enumerate(data):
        ext = np.zeros(tuple(c.size for c in coords))
        ext[crop] = a
        for i, s, slab in slabs:
            where = list(crop)
            where[i] = slice(0, pads[i][0]) if s == 0 else slice(coords[i].size - pads[i][1], None)
            ext[tuple(where)] = slab[k]
        out.append(ext)
    info["bounds"] = bounds
    try:
        extended = Grid.rebuild(coords, info)
    except ValueError as err:
        msg = f"bc cannot be applied on this grid: the ghost points leave its domain ({err})"
        raise ValueError(msg) from None
    return extended, out, crop
