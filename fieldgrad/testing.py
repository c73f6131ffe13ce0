"""Testing helpers and the analytic fields behind fieldgrad's convergence table.

``assert_field_allclose`` compares fields like ``numpy.testing`` compares
arrays.  The analytic fields (plane waves, a point source, an axisymmetric
Gaussian) come with exact gradients and Hessians in Cartesian coordinates,
from which the exact gradient components in any grid's orthonormal basis,
the gradient norm, the Laplacian (Laplace-Beltrami on a sphere surface) and
the divergence of the gradient follow.  :data:`CONVERGENCE_CASES` puts them
on every grid; ``python -m fieldgrad.testing`` prints the measured orders.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.differentiate import derivative

from .fields import ScalarField, VectorField
from .grids import (
    CartesianGrid,
    CylindricalGrid,
    Grid,
    PolarGrid,
    SphereSurface,
    SphericalGrid,
)

__all__ = [
    "AnalyticField",
    "CONVERGENCE_CASES",
    "ConvergenceCase",
    "OPERATORS",
    "PlaneWaves",
    "PointSource",
    "AxisymmetricGaussian",
    "assert_field_allclose",
    "basis_vectors",
    "convergence_order",
    "convergence_table",
    "measure",
]


def assert_field_allclose(
    actual: ScalarField | VectorField,
    desired: ScalarField | VectorField,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
) -> None:
    """Assert that two fields share a grid and have close values.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import assert_field_allclose
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    >>> f = fg.ScalarField.from_function(grid, lambda x: x)
    >>> assert_field_allclose(f, f + 1e-12)
    """
    if type(actual) is not type(desired):
        msg = f"field types differ: {type(actual).__name__} != {type(desired).__name__}"
        raise AssertionError(msg)
    if actual.grid != desired.grid:
        msg = f"grids differ: {actual.grid!r} != {desired.grid!r}"
        raise AssertionError(msg)
    np.testing.assert_allclose(
        np.asarray(actual.data), np.asarray(desired.data), rtol=rtol, atol=atol
    )


def convergence_order(spacings: Sequence[float], errors: Sequence[float]) -> float:
    """Slope of ``log(error)`` against ``log(spacing)`` (least squares).

    Examples
    --------
    >>> from fieldgrad.testing import convergence_order
    >>> round(convergence_order([0.1, 0.05, 0.025], [1e-2, 2.5e-3, 6.25e-4]), 6)
    2.0
    """
    return float(np.polyfit(np.log(spacings), np.log(errors), 1)[0])


def basis_vectors(grid: Grid) -> list[tuple[np.ndarray, ...]]:
    """Orthonormal basis vectors ``e_i`` (Cartesian components) at every grid point.

    Computed independently of the operators: ``e_i`` is the normalised
    derivative of :meth:`Grid.to_cartesian` along axis ``i``, by
    ``scipy.differentiate``.

    Examples
    --------
    On a polar grid ``e_r = (cos theta, sin theta)``:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.testing import basis_vectors
    >>> grid = fg.PolarGrid(radius=(0.5, 1), shape=(4, 8))
    >>> e_r, e_theta = basis_vectors(grid)
    >>> theta = grid.mesh()[1]
    >>> bool(np.allclose(e_r[0], np.cos(theta)) and np.allclose(e_r[1], np.sin(theta)))
    True
    """
    mesh = [np.broadcast_to(m, grid.shape) for m in grid.mesh()]
    ncart = len(grid.to_cartesian(*[m.flat[:1] for m in mesh]))
    out = []
    for i in range(grid.ndim):
        others = [m for k, m in enumerate(mesh) if k != i]

        def component(c: int, i: int = i) -> Callable[..., np.ndarray]:
            def along(t: np.ndarray, *rest: np.ndarray) -> np.ndarray:
                pts = list(rest)
                pts.insert(i, t)
                return np.broadcast_to(grid.to_cartesian(*pts)[c], t.shape)

            return along

        cols = [derivative(component(c), mesh[i], args=tuple(others)).df for c in range(ncart)]
        norm = np.sqrt(sum(col**2 for col in cols))
        out.append(tuple(col / norm for col in cols))
    return out


class AnalyticField:
    """A scalar function of Cartesian coordinates with exact derivatives.

    Subclasses give ``value``, ``grad`` (a list of the Cartesian partial
    derivatives) and ``hessian`` (a nested list); :class:`ConvergenceCase`
    turns them into exact operator results on any grid.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import AnalyticField
    >>> class Paraboloid(AnalyticField):
    ...     def value(self, x, y):
    ...         return x**2 + y**2
    ...     def grad(self, x, y):
    ...         return [2 * x, 2 * y]
    ...     def hessian(self, x, y):
    ...         two = 2 + 0 * x
    ...         return [[two, 0 * x], [0 * x, two]]
    >>> [float(g) for g in Paraboloid().grad(np.array(1.0), np.array(2.0))]
    [2.0, 4.0]
    """

    def value(self, *x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        raise NotImplementedError


@dataclass
class PlaneWaves(AnalyticField):
    """``f(X) = sum_k a_k sin(k . X + p_k)`` in any dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import PlaneWaves
    >>> f = PlaneWaves([(2.0, (1.0, 0.0), 0.0)])      # 2 sin(x)
    >>> x, y = np.array(0.0), np.array(5.0)
    >>> float(f.value(x, y)), [float(g) for g in f.grad(x, y)]
    (0.0, [2.0, 0.0])
    """

    waves: Sequence[tuple[float, Sequence[float], float]]

    def _terms(self, x: Sequence[np.ndarray], fn: Callable) -> Any:
        return [
            (a, np.asarray(k), fn(sum(ki * xi for ki, xi in zip(k, x, strict=True)) + p))
            for a, k, p in self.waves
        ]

    def value(self, *x: np.ndarray) -> np.ndarray:
        return sum(a * s for a, _, s in self._terms(x, np.sin))

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        terms = self._terms(x, np.cos)
        return [sum(a * k[i] * c for a, k, c in terms) for i in range(len(x))]

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        terms = self._terms(x, np.sin)
        n = len(x)
        return [
            [sum(-a * k[i] * k[j] * s for a, k, s in terms) for j in range(n)] for i in range(n)
        ]


@dataclass
class PointSource(AnalyticField):
    """``f(X) = q / |X|``, the potential of a point source at the origin (3-D).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import PointSource
    >>> x, y, z = np.array(0.0), np.array(0.0), np.array(2.0)
    >>> float(PointSource(q=4.0).value(x, y, z)), float(PointSource(q=4.0).grad(x, y, z)[2])
    (2.0, -1.0)
    """

    q: float = 1.0

    def value(self, *x: np.ndarray) -> np.ndarray:
        return self.q / np.sqrt(sum(xi**2 for xi in x))

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        r = np.sqrt(sum(xi**2 for xi in x))
        return [-self.q * xi / r**3 for xi in x]

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        r = np.sqrt(sum(xi**2 for xi in x))
        n = len(x)
        return [
            [self.q * (3 * x[i] * x[j] - (i == j) * r**2) / r**5 for j in range(n)]
            for i in range(n)
        ]


@dataclass
class AxisymmetricGaussian(AnalyticField):
    """``f = exp(-(x^2 + y^2)) sin(z)``: independent of the angle about the z-axis.

    Examples
    --------
    The trace of the Hessian is the Laplacian, ``(4 r^2 - 5) f``:

    >>> import numpy as np
    >>> from fieldgrad.testing import AxisymmetricGaussian
    >>> f = AxisymmetricGaussian()
    >>> x, y, z = np.array(0.3), np.array(0.4), np.array(1.0)
    >>> hessian = f.hessian(x, y, z)
    >>> lap = sum(hessian[i][i] for i in range(3))
    >>> bool(np.isclose(lap, (4 * 0.25 - 5) * f.value(x, y, z)))
    True
    """

    def value(self, *xyz: np.ndarray) -> np.ndarray:
        x, y, z = xyz
        return np.exp(-(x**2 + y**2)) * np.sin(z)

    def grad(self, *xyz: np.ndarray) -> list[np.ndarray]:
        x, y, z = xyz
        e = np.exp(-(x**2 + y**2))
        return [-2 * x * e * np.sin(z), -2 * y * e * np.sin(z), e * np.cos(z)]

    def hessian(self, *xyz: np.ndarray) -> list[list[np.ndarray]]:
        x, y, z = xyz
        e = np.exp(-(x**2 + y**2))
        s, c = e * np.sin(z), e * np.cos(z)
        return [
            [(4 * x**2 - 2) * s, 4 * x * y * s, -2 * x * c],
            [4 * x * y * s, (4 * y**2 - 2) * s, -2 * y * c],
            [-2 * x * c, -2 * y * c, -s],
        ]


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


if __name__ == "__main__":  # pragma: no cover - prints the table for docs/convergence.md
    print(convergence_table())
