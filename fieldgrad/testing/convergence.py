"""The convergence harness: measured orders of every operator on every grid.

:data:`CONVERGENCE_CASES` puts the analytic fields of
:mod:`fieldgrad.testing.analytic` on every grid kind, :func:`measure` fits the
order from successive refinements in the max norm over the whole grid (axes
and poles included), and ``python -m fieldgrad.testing`` prints the table of
docs/convergence.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..fields import ScalarField, VectorField
from ..grids import (
    CartesianGrid,
    CylindricalGrid,
    Grid,
    PolarGrid,
    SphereSurface,
    SphericalGrid,
)
from .analytic import AnalyticField, AxisymmetricGaussian, PlaneWaves, PointSource
from .assertions import basis_vectors

__all__ = [
    "CONVERGENCE_CASES",
    "OPERATORS",
    "ConvergenceCase",
    "convergence_order",
    "convergence_table",
    "measure",
]


def convergence_order(spacings: Sequence[float], errors: Sequence[float]) -> float:
    """Slope of ``log(error)`` against ``log(spacing)`` (least squares).

    Examples
    --------
    >>> from fieldgrad.testing import convergence_order
    >>> round(convergence_order([0.1, 0.05, 0.025], [1e-2, 2.5e-3, 6.25e-4]), 6)
    2.0
    """
    return float(np.polyfit(np.log(spacings), np.log(errors), 1)[0])


#: Operators checked by the convergence table.
OPERATORS = ("gradient", "gradient_norm", "divergence", "laplacian")


@dataclass
class ConvergenceCase:
    """An analytic field on a family of grids refined by ``make_grid(n)``.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import ConvergenceCase, PlaneWaves, measure
    >>> case = ConvergenceCase(
    ...     "disk", lambda n: fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n)),
    ...     PlaneWaves([(1.0, (1.0, 0.5), 0.2)]), resolutions=(16, 32), orders=(2,),
    ...     operators=("gradient_norm",))
    >>> exact = case.exact(case.make_grid(16))
    >>> sorted(exact)
    ['components', 'laplacian', 'norm', 'value']
    """

    name: str
    make_grid: Callable[[int], Grid]
    function: AnalyticField
    resolutions: Sequence[int]
    orders: Sequence[int] = (2, 4)
    operators: Sequence[str] = field(default_factory=lambda: list(OPERATORS))

    def exact(self, grid: Grid) -> dict[str, Any]:
        """Exact field values, gradient components, gradient norm and Laplacian."""
        xyz = [np.broadcast_to(c, grid.shape) for c in grid.to_cartesian()]
        f = self.function
        g3 = [np.broadcast_to(g, grid.shape) for g in f.grad(*xyz)]
        basis = basis_vectors(grid)
        comps = [sum(e * g for e, g in zip(ei, g3, strict=True)) for ei in basis]
        hess = f.hessian(*xyz)
        lap = sum(hess[i][i] for i in range(len(xyz)))
        if isinstance(grid, SphereSurface):
            radius = grid.radius
            n = [c / radius for c in xyz]
            nhn = sum(n[i] * hess[i][j] * n[j] for i in range(3) for j in range(3))
            ngrad = sum(ni * gi for ni, gi in zip(n, g3, strict=True))
            lap = lap - nhn - 2 / radius * ngrad
        return {
            "value": f.value(*xyz),
            "components": comps,
            "norm": np.sqrt(sum(c**2 for c in comps)),
            "laplacian": np.broadcast_to(lap, grid.shape),
        }


def _max_error(a: Any, b: Any) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def _error(op: str, grid: Grid, exact: dict[str, Any], order: int) -> float:
    f = ScalarField(grid, exact["value"])
    if op == "gradient":
        g = f.gradient(order=order)
        return max(_max_error(g.data[i], c) for i, c in enumerate(exact["components"]))
    if op == "gradient_norm":
        return _max_error(f.gradient_norm(order=order).data, exact["norm"])
    if op == "laplacian":
        return _max_error(f.laplacian(order=order).data, exact["laplacian"])
    if op == "divergence":
        v = VectorField(grid, list(exact["components"]))
        return _max_error(v.divergence(order=order).data, exact["laplacian"])
    msg = f"op must be one of {OPERATORS}, got {op!r}"
    raise ValueError(msg)


def measure(case: ConvergenceCase) -> dict[tuple[str, int], tuple[list[float], float]]:
    """Max-norm errors over the whole grid at each resolution, and the fitted order.

    Returns ``{(operator, order): (errors, fitted_order)}`` for every operator
    and accuracy order of the case.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import ConvergenceCase, PlaneWaves, measure
    >>> case = ConvergenceCase(
    ...     "disk", lambda n: fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n)),
    ...     PlaneWaves([(1.0, (1.0, 0.5), 0.2)]), resolutions=(16, 32, 64), orders=(2,),
    ...     operators=("gradient_norm",))
    >>> errors, order = measure(case)["gradient_norm", 2]
    >>> len(errors), order > 1.9
    (3, True)
    """
    spacings = [1.0 / n for n in case.resolutions]
    errors: dict[tuple[str, int], list[float]] = {}
    for n in case.resolutions:
        grid = case.make_grid(n)
        exact = case.exact(grid)
        for op in case.operators:
            for order in case.orders:
                errors.setdefault((op, order), []).append(_error(op, grid, exact, order))
    return {key: (errs, convergence_order(spacings, errs)) for key, errs in errors.items()}


def _waves(dim: int) -> PlaneWaves:
    ks = [(1.1, -0.7, 0.9), (-0.4, 1.6, 0.5), (0.8, 0.3, -1.4)]
    return PlaneWaves([(1.0, ks[0][:dim], 0.3), (0.6, ks[1][:dim], 1.1), (0.4, ks[2][:dim], -0.5)])


def _stretched(n: int, lo: float, hi: float) -> np.ndarray:
    t = (np.arange(n) + 0.5) / n
    return lo + (hi - lo) * (t + 0.15 * np.sin(np.pi * t) ** 2 * (1 - 2 * t))


#: The analytic fields on every grid; each covers the whole grid, axis and poles included.
CONVERGENCE_CASES: list[ConvergenceCase] = [
    ConvergenceCase(
        "cartesian 2-D", lambda n: CartesianGrid([(0, 2), (-1, 1)], (n, n)), _waves(2), (16, 32, 64)
    ),
    ConvergenceCase(
        "cartesian 3-D periodic",
        lambda n: CartesianGrid([(0, 2 * math.pi)] * 3, (n, n, n), periodic=True),
        PlaneWaves([(1.0, (1, -2, 1), 0.3), (0.5, (2, 1, -1), 1.0)]),
        (12, 24, 48),
    ),
    ConvergenceCase(
        "cartesian 2-D non-uniform",
        lambda n: CartesianGrid.from_coords({"x": _stretched(n, 0, 2), "y": _stretched(n, -1, 1)}),
        _waves(2),
        (16, 32, 64),
        orders=(2,),
    ),
    ConvergenceCase(
        "polar disk", lambda n: PolarGrid(radius=(0, 1), shape=(n, 2 * n)), _waves(2), (16, 32, 64)
    ),
    ConvergenceCase(
        "polar annular sector",
        lambda n: PolarGrid(radius=(0.5, 1.5), shape=(n, n), angle=(0.3, 2.0)),
        _waves(2),
        (16, 32, 64),
    ),
    ConvergenceCase(
        "polar log-spaced radius",
        lambda n: PolarGrid.from_coords(
            {"r": np.geomspace(0.2, 2.0, n), "theta": (np.arange(2 * n) + 0.5) * np.pi / n}
        ),
        _waves(2),
        (16, 32, 64),
        orders=(2,),
    ),
    ConvergenceCase(
        "spherical ball",
        lambda n: SphericalGrid(radius=(0, 1), shape=(n, n, 2 * n)),
        _waves(3),
        (12, 24, 48),
    ),
    ConvergenceCase(
        "spherical shell, 1/r",
        # 1/r varies only with r: the angular resolution stays fixed
        lambda n: SphericalGrid(radius=(1, 2), shape=(n, 8, 16)),
        PointSource(),
        (16, 32, 64),
    ),
    ConvergenceCase(
        "sphere surface", lambda n: SphereSurface(1.3, (n, 2 * n)), _waves(3), (16, 32, 64)
    ),
    ConvergenceCase(
        "sphere patch",
        lambda n: SphereSurface(1.3, (n, n), colatitude=(0.4, 2.0), longitude=(-1.0, 1.5)),
        _waves(3),
        (16, 32, 64),
    ),
    ConvergenceCase(
        "sphere from lat/lon",
        lambda n: SphereSurface.from_latlon(
            90 - (np.arange(n) + 0.5) * 180 / n, np.arange(2 * n) * 180 / n, radius=2.0
        ),
        _waves(3),
        (16, 32, 64),
    ),
    ConvergenceCase(
        "cylindrical (r, z)",
        lambda n: CylindricalGrid(radius=(0, 1.5), z=(0, 2), shape=(n, n)),
        AxisymmetricGaussian(),
        (16, 32, 64),
    ),
    ConvergenceCase(
        "cylindrical (r, theta, z)",
        lambda n: CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(n, 2 * n, n)),
        _waves(3),
        (12, 24, 48),
    ),
]


def convergence_table(cases: Sequence[ConvergenceCase] = CONVERGENCE_CASES) -> str:
    """The measured convergence orders as a Markdown table.

    Rows: grid x operator; columns: the fitted order and the finest error per
    accuracy order.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import ConvergenceCase, PlaneWaves, convergence_table
    >>> case = ConvergenceCase(
    ...     "line", lambda n: fg.CartesianGrid(bounds=[(0, 1)], shape=(n,)),
    ...     PlaneWaves([(1.0, (2.0,), 0.0)]), resolutions=(16, 32, 64),
    ...     operators=("gradient",))
    >>> row = convergence_table([case]).splitlines()[2].split("|")
    >>> row[1:3], float(row[3]) > 1.9, float(row[5]) > 3.9
    ([' line ', ' gradient '], True, True)
    """
    lines = [
        "| grid | operator | order 2: measured | finest error | order 4: measured | finest error |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case in cases:
        results = measure(case)
        for op in case.operators:
            cells = []
            for order in (2, 4):
                if (op, order) in results:
                    errors, slope = results[op, order]
                    cells += [f"{slope:.2f}", f"{errors[-1]:.1e}"]
                else:
                    cells += ["-", "-"]
            lines.append(f"| {case.name} | {op} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
