"""Müller–Brown and Rosenbrock: analytic gradients against scipy.differentiate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.differentiate import jacobian
from scipy.optimize import root, rosen, rosen_der

from fieldgrad.landscapes import (
    MULLER_BROWN_MINIMA,
    MULLER_BROWN_MINIMUM_ENERGIES,
    MULLER_BROWN_SADDLE_ENERGIES,
    MULLER_BROWN_SADDLES,
    muller_brown,
    muller_brown_gradient,
    rosenbrock,
    rosenbrock_gradient,
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
