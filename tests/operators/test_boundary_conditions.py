"""bc= on every operator: Dirichlet, Neumann, Robin and periodic, on every grid with a real edge.

The condition is taken from the analytic field (its value, its outward normal
derivative with the metric, or ``u + du/dn / 2``), so the operator with
``bc`` must converge to the analytic result at the nominal order over the
whole grid, edges included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.testing import convergence_order

#: Allowed shortfall of the measured order from the nominal one.
MARGIN = 0.25
#: Robin coefficients (a, b) of a u + b du/dn.
ROBIN = (1.0, 0.5)


@dataclass
class Case:
    make: Callable[[int], fg.Grid]
    sizes: tuple[int, ...]
    f: Callable
    lap: Callable
    grad_norm: Callable
    dfdn: dict[str, Callable]  # outward normal derivative on each side with a condition


def _polar(func):
    return lambda r, theta: func(r * np.cos(theta), r * np.sin(theta), r, theta)


CASES = {
    "box": Case(
        lambda n: fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(n, n)),
        (16, 32, 64),
        lambda x, y: np.sin(2 * x) * np.cos(y),
        lambda x, y: -5 * np.sin(2 * x) * np.cos(y),
        lambda x, y: np.hypot(2 * np.cos(2 * x) * np.cos(y), np.sin(2 * x) * np.sin(y)),
        {
            "x-": lambda x, y: -2 * np.cos(2 * x) * np.cos(y),
            "x+": lambda x, y: 2 * np.cos(2 * x) * np.cos(y),
            "y-": lambda x, y: np.sin(2 * x) * np.sin(y),
            "y+": lambda x, y: -np.sin(2 * x) * np.sin(y),
        },
    ),
    "annulus": Case(
        lambda n: fg.PolarGrid(radius=(0.5, 1.5), shape=(n, 2 * n)),
        (16, 32, 64),
        _polar(lambda x, y, r, t: np.cos(x) + np.sin(y)),
        _polar(lambda x, y, r, t: -np.cos(x) - np.sin(y)),
        _polar(lambda x, y, r, t: np.hypot(np.sin(x), np.cos(y))),
        {
            "r-": _polar(lambda x, y, r, t: np.sin(x) * np.cos(t) - np.cos(y) * np.sin(t)),
            "r+": _polar(lambda x, y, r, t: -np.sin(x) * np.cos(t) + np.cos(y) * np.sin(t)),
        },
    ),
    "ball": Case(
        lambda n: fg.SphericalGrid(radius=(0, 2), shape=(n, 4, 8)),
        (16, 32, 64),
        lambda r, theta, phi: np.cos(r) + 0 * theta + 0 * phi,
        lambda r, theta, phi: -np.cos(r) - 2 * np.sin(r) / r + 0 * theta + 0 * phi,
        lambda r, theta, phi: np.abs(np.sin(r)) + 0 * theta + 0 * phi,
        {"r+": lambda r, theta, phi: -np.sin(r) + 0 * theta + 0 * phi},
    ),
    "sphere_patch": Case(
        lambda n: fg.SphereSurface(
            radius=1.0, colatitude=(0.6, 2.4), longitude=(0.0, 2.0), shape=(n, n)
        ),
        (16, 32, 64),
        lambda theta, phi: np.cos(theta) + np.sin(theta) * np.cos(phi),
        lambda theta, phi: -2 * (np.cos(theta) + np.sin(theta) * np.cos(phi)),
        lambda theta, phi: np.hypot(-np.sin(theta) + np.cos(theta) * np.cos(phi), np.sin(phi)),
        {
            "theta-": lambda theta, phi: np.sin(theta) - np.cos(theta) * np.cos(phi),
            "theta+": lambda theta, phi: -np.sin(theta) + np.cos(theta) * np.cos(phi),
            "phi-": lambda theta, phi: np.sin(phi) + 0 * theta,
            "phi+": lambda theta, phi: -np.sin(phi) + 0 * theta,
        },
    ),
    "pipe": Case(
        lambda n: fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(n, n)),
        (8, 16, 32),  # the order-4 errors reach rounding beyond
        lambda r, z: np.cos(r) + z**2,
        lambda r, z: -np.cos(r) - np.sin(r) / r + 2,
        lambda r, z: np.hypot(np.sin(r), 2 * z),
        {
            "r+": lambda r, z: -np.sin(r) + 0 * z,
            "z-": lambda r, z: -2 * z + 0 * r,
            "z+": lambda r, z: 2 * z + 0 * r,
        },
    ),
}


def conditions(case: Case, kind: str) -> dict:
    if kind == "dirichlet":
        return {side: ("dirichlet", case.f) for side in case.dfdn}
    if kind == "neumann":
        return {side: ("neumann", g) for side, g in case.dfdn.items()}
    a, b = ROBIN
    return {
        side: ("robin", (a, b, lambda *x, g=g, **k: a * case.f(*x, **k) + b * g(*x, **k)))
        for side, g in case.dfdn.items()
    }


def measured_order(case: Case, kind: str, op: str, order: int) -> tuple[float, list[float]]:
    errors = []
    for n in case.sizes:
        grid = case.make(n)
        u = fg.ScalarField.from_function(grid, case.f)
        if op == "laplacian":
            got, exact = u.laplacian(order, bc=conditions(case, kind)), case.lap
        else:
            got, exact = u.gradient_norm(order=order, bc=conditions(case, kind)), case.grad_norm
        errors.append(np.abs(got.data - fg.ScalarField.from_function(grid, exact).data).max())
    return convergence_order([1 / n for n in case.sizes], errors), errors


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("op", ["laplacian", "gradient_norm"])
@pytest.mark.parametrize("kind", ["dirichlet", "neumann", "robin"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_operator_with_bc_converges_at_nominal_order(name, kind, op, order) -> None:
    slope, errors = measured_order(CASES[name], kind, op, order)
    assert slope >= order - MARGIN, (slope, errors)


def test_the_condition_is_used_at_the_edge() -> None:
    """A Dirichlet value that disagrees with the data changes the edge, and only the edge."""
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(32,))
    u = fg.ScalarField.from_function(grid, lambda x: x**2)
    plain = u.laplacian()
    shifted = u.laplacian(bc={"x-": ("dirichlet", 1.0)})
    np.testing.assert_allclose(shifted.data[1:], plain.data[1:])
    assert abs(shifted.data[0] - 2.0) > 100  # the jump to 1 at the wall is seen
    consistent = u.laplacian(bc={"x-": ("dirichlet", 0.0), "x+": ("neumann", 2.0)})
    assert np.allclose(consistent.data, 2.0)  # exact for a quadratic


def test_periodic_bc_on_a_cartesian_axis_matches_a_periodic_grid() -> None:
    open_box = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(32, 16))
    closed = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(32, 16), periodic=(True, False))
    f = lambda x, y: np.sin(2 * np.pi * x) * np.cos(y)  # noqa: E731
    for order in (2, 4):
        a = fg.ScalarField.from_function(open_box, f).gradient(order, bc={"x": "periodic"})
        b = fg.ScalarField.from_function(closed, f).gradient(order)
        np.testing.assert_allclose(a.data, b.data, atol=1e-12)


def test_divergence_with_bc() -> None:
    errors = []
    sizes = (16, 32, 64)
    f = lambda x, y: np.sin(2 * x) * np.cos(y)  # noqa: E731
    for n in sizes:
        grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(n, n))
        u = fg.ScalarField.from_function(grid, f).data
        v = fg.VectorField(grid, [u, u])
        div = fg.divergence(v, bc={"x": ("dirichlet", f), "y": ("dirichlet", f)})
        x, y = grid.mesh()
        exact = 2 * np.cos(2 * x) * np.cos(y) - np.sin(2 * x) * np.sin(y)
        errors.append(np.abs(div.data - exact).max())
    assert convergence_order([1 / n for n in sizes], errors) >= 2 - MARGIN


@pytest.mark.parametrize(
    ("bc", "words"),
    [
        ({"r-": ("dirichlet", 0.0)}, "axis or pole"),
        ({"theta": ("dirichlet", 0.0)}, "periodic"),
        ({"r+": ("cauchy", 0.0)}, "kind"),
        ({"r+": ("robin", (0.0, 0.0, 1.0))}, "robin"),
        ({"q+": "dirichlet"}, "bc keys"),
    ],
)
def test_impossible_conditions_are_rejected(bc, words) -> None:
    disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    u = fg.ScalarField(disk, np.ones(disk.shape))
    with pytest.raises(ValueError, match=words):
        u.gradient(bc=bc)


def test_laplacian_matrix_robin_solution_converges_at_second_order() -> None:
    """Solve lap c = 2 on the disk with a c + b dc/dn given at the rim: c = x^2 + y."""
    from scipy.sparse.linalg import spsolve

    from fieldgrad.operators import laplacian_matrix

    a, b = 1.0, 0.5

    def rim(r, theta):
        return a * (np.cos(theta) ** 2 + np.sin(theta)) + b * (
            2 * np.cos(theta) ** 2 + np.sin(theta)
        )

    sizes, errors = (16, 32, 64), []
    for n in sizes:
        disk = fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n))
        r, theta = disk.mesh()
        exact = (r * np.cos(theta)) ** 2 + r * np.sin(theta)
        matrix, rhs = laplacian_matrix(disk, {"r+": ("robin", (a, b, rim))})
        c = spsolve(matrix.tocsc(), 2 - rhs).reshape(disk.shape)
        errors.append(np.abs(c - exact).max())
    assert convergence_order([1 / n for n in sizes], errors) >= 2 - MARGIN, errors
