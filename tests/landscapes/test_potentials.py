"""Müller–Brown, Rosenbrock, quadratics: analytic gradients and Hessians against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.differentiate import hessian, jacobian
from scipy.optimize import root, rosen, rosen_der, rosen_hess

from fieldgrad.landscapes import (
    MULLER_BROWN_MINIMA,
    MULLER_BROWN_MINIMUM_ENERGIES,
    MULLER_BROWN_SADDLE_ENERGIES,
    MULLER_BROWN_SADDLES,
    Quadratic,
    muller_brown,
    muller_brown_gradient,
    muller_brown_hessian,
    rosenbrock,
    rosenbrock_gradient,
    rosenbrock_hessian,
)

POINTS = np.array([[-1.2, 0.3], [-0.5, 1.5], [0.0, 0.5], [0.7, -0.1], [-0.822, 0.624]])


def test_muller_brown_gradient_matches_scipy_differentiate():
    res = jacobian(lambda p: muller_brown(p[0], p[1]), POINTS.T)
    assert np.all(res.success)
    # df has shape (2, k): d/dx and d/dy at each of the k points
    assert np.allclose(muller_brown_gradient(*POINTS.T), res.df, rtol=1e-9, atol=1e-9)


def test_muller_brown_broadcasts():
    x = np.linspace(-1.5, 1.0, 7)[:, None]
    y = np.linspace(-0.5, 2.0, 5)[None, :]
    assert muller_brown(x, y).shape == (7, 5)
    assert muller_brown_gradient(x, y).shape == (2, 7, 5)
    assert muller_brown(x, y)[3, 2] == pytest.approx(float(muller_brown(x[3, 0], y[0, 2])))


@pytest.mark.parametrize(
    ("points", "energies"),
    [
        (MULLER_BROWN_MINIMA, MULLER_BROWN_MINIMUM_ENERGIES),
        (MULLER_BROWN_SADDLES, MULLER_BROWN_SADDLE_ENERGIES),
    ],
)
def test_published_stationary_points(points, energies):
    # the published points are rounded to 3 decimals: the exact stationary point is
    # within 1e-3 and has the published energy to 1e-3
    for p, e in zip(points, energies, strict=True):
        exact = root(lambda q: muller_brown_gradient(q[0], q[1]), p, tol=1e-12).x
        assert np.linalg.norm(exact - p) < 1e-3
        assert float(muller_brown(*exact)) == pytest.approx(e, abs=1e-3)


def test_rosenbrock_matches_scipy(rng):
    for n in (2, 3, 5):
        x = rng.uniform(-2, 2, n)
        assert float(rosenbrock(x)) == pytest.approx(rosen(x))
        assert np.allclose(rosenbrock_gradient(x), rosen_der(x))


def test_rosenbrock_gradient_matches_scipy_differentiate():
    x = np.array([[-1.2, 0.0, 1.0, 0.5], [1.0, 0.0, 1.0, -0.3]])  # four 2-D points
    res = jacobian(rosenbrock, x)
    assert np.allclose(rosenbrock_gradient(x), res.df, rtol=1e-9, atol=1e-9)
    assert np.array_equal(rosenbrock_gradient([1.0, 1.0]), [0.0, 0.0])


def test_rosenbrock_needs_two_coordinates():
    with pytest.raises(ValueError, match=r"x must have shape \(n, \.\.\.\) with n >= 2"):
        rosenbrock([1.0])


def test_muller_brown_hessian_matches_scipy_differentiate():
    res = hessian(lambda p: muller_brown(p[0], p[1]), POINTS.T)
    assert np.all(res.success)
    # ddf has shape (2, 2, k)
    assert np.allclose(muller_brown_hessian(*POINTS.T), res.ddf, rtol=1e-7, atol=1e-6)
    x = np.linspace(-1.5, 1.0, 7)[:, None]
    y = np.linspace(-0.5, 2.0, 5)[None, :]
    assert muller_brown_hessian(x, y).shape == (2, 2, 7, 5)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_rosenbrock_hessian_matches_scipy(n, rng):
    points = rng.uniform(-1.5, 1.5, size=(n, 4))
    res = hessian(rosenbrock, points)  # (entries that are exactly 0 never report success)
    assert np.allclose(rosenbrock_hessian(points), res.ddf, rtol=1e-7, atol=1e-5)
    for j in range(points.shape[1]):  # scipy's own analytic Hessian
        assert np.allclose(rosenbrock_hessian(points[:, j]), rosen_hess(points[:, j]), rtol=1e-14)


def test_quadratic_value_gradient_and_hessian_are_the_closed_forms(rng):
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    a = q @ np.diag([0.5, 2.0, 7.0]) @ q.T
    a = 0.5 * (a + a.T)
    c = np.array([1.0, -2.0, 0.5])
    f = Quadratic(a, c)
    x = rng.normal(size=3)
    assert float(f(x)) == pytest.approx(0.5 * (x - c) @ a @ (x - c), rel=1e-14)
    assert np.allclose(f.grad(x), a @ (x - c), rtol=1e-14)
    assert np.array_equal(f.hessian(x), a)
    assert np.allclose(f.eigenvalues, [0.5, 2.0, 7.0], rtol=1e-12)
    # the (n, ...) layout: points along the trailing axes
    pts = rng.normal(size=(3, 4, 2))
    assert f(pts).shape == (4, 2) and f.grad(pts).shape == (3, 4, 2)
    assert f.hessian(pts).shape == (3, 3, 4, 2)
    assert float(f(pts)[1, 0]) == pytest.approx(float(f(pts[:, 1, 0])), rel=1e-14)
    assert np.allclose(jacobian(f, pts[:, 2, 1]).df, f.grad(pts[:, 2, 1]), rtol=1e-9)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([[1.0, 2.0]],), "matrix must be a finite square"),
        (([[1.0, 2.0], [0.0, 1.0]],), "matrix must be symmetric"),
        (([[1.0, 0.0], [0.0, np.nan]],), "matrix must be a finite square"),
        ((np.eye(2), [1.0, 2.0, 3.0]), "center must be a finite point of shape"),
    ],
)
def test_quadratic_refuses_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        Quadratic(*args)
    with pytest.raises(ValueError, match=r"x must have shape \(2, \.\.\.\)"):
        Quadratic(np.eye(2))(np.zeros(3))
