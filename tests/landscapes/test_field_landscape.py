"""A landscape given as a ScalarField: same path as the callable, on any grid."""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.landscapes import minimize, muller_brown, muller_brown_gradient


def potential(p):
    return muller_brown(p[0], p[1])


def gradient(p):
    return muller_brown_gradient(p[0], p[1])


def muller_brown_field(n: int) -> fg.ScalarField:
    grid = fg.CartesianGrid(bounds=[(-1.5, 0.5), (0.0, 2.0)], shape=(n, n))
    return fg.ScalarField.from_function(grid, muller_brown)


def test_field_path_converges_to_the_callable_path_at_second_order():
    start, lr, steps = [-0.9, 1.1], 2e-4, 150
    exact = minimize(potential, start, grad=gradient, lr=lr, gtol=0, maxiter=steps)
    errors = []
    for n in (100, 200):
        res = minimize(muller_brown_field(n), start, lr=lr, gtol=0, maxiter=steps)
        assert res.nit == steps
        errors.append(np.max(np.linalg.norm(res.path - exact.path, axis=1)))
    # second-order differences, linear interpolation of the gradient: error ~ h^2
    order = np.log2(errors[0] / errors[1])
    assert 1.7 < order < 2.3
    assert errors[1] < 5e-4


def test_field_reaches_the_muller_brown_minimum():
    res = minimize(muller_brown_field(200), [-0.9, 1.1], lr=2e-4, gtol=1e-2)
    assert res.success
    assert np.linalg.norm(res.x - [-0.558, 1.442]) < 5e-3
    assert res.grad_norms[-1] <= 1e-2
    # the recorded norms are those of the interpolated gradient field
    field = muller_brown_field(200)
    assert res.grad_norms[-1] == pytest.approx(
        np.linalg.norm(field.gradient().interpolate(res.x[np.newaxis])[0])
    )


def test_polar_field_gives_the_cartesian_path_through_the_origin():
    # f = |p - (0.5, 0.2)|^2 as a field on the polar grid (r, theta) and as a callable of (x, y)
    def bowl(p):
        return (p[0] - 0.5) ** 2 + (p[1] - 0.2) ** 2

    grid = fg.PolarGrid(radius=(0, 1), shape=(64, 128))
    field = fg.ScalarField.from_function(grid, lambda x, y: bowl((x, y)), coords="cartesian")
    theta_min = np.arctan2(0.2, 0.5)
    start = np.array([0.5, theta_min + np.pi + 0.05])  # on the far side of the origin
    res = minimize(field, start, lr=0.1, gtol=1e-4)
    assert res.success, res.message
    # the same run in the plane
    xy0 = np.array(grid.to_cartesian(*start))
    plane = minimize(bowl, xy0, grad=lambda p: 2 * (p - [0.5, 0.2]), lr=0.1, gtol=1e-4)
    assert res.nit == plane.nit
    xy = np.stack(grid.to_cartesian(res.path[:, 0], res.path[:, 1]), axis=1)
    assert np.allclose(xy, plane.path, atol=1e-3)
    assert res.path[:, 0].min() < 0.05  # it passed by r = 0 ...
    assert abs(res.x[1] - theta_min) < 1e-2  # ... and came out on the other side
    assert np.all(np.diff(res.fun_values) < 0)
    # a line search keeps f decreasing through the crossing as well
    res = minimize(field, start, method="backtracking", lr=0.2, gtol=1e-3)
    assert np.allclose(res.x, [np.hypot(0.5, 0.2), theta_min], atol=1e-2)
    assert np.all(np.diff(res.fun_values) < 0)


def test_sphere_descent_crosses_the_pole():
    # f = -n . x on the unit sphere: minimum where n points, colatitude 0.2, longitude 0
    grid = fg.SphereSurface(radius=1.0, shape=(90, 180))
    n = np.array([np.sin(0.2), 0.0, np.cos(0.2)])
    field = fg.ScalarField.from_function(
        grid, lambda x, y, z: -(n[0] * x + n[2] * z), coords="cartesian"
    )
    res = minimize(field, [0.3, np.pi + 0.3], lr=0.5, gtol=1e-3, method="nesterov")
    assert res.success, res.message
    assert res.x[0] == pytest.approx(0.2, abs=2e-3)
    assert min(res.x[1], 2 * np.pi - res.x[1]) < 5e-3  # longitude 0 (mod 2 pi)
    assert np.all((res.path[:, 0] >= 0) & (res.path[:, 0] <= np.pi))
    assert np.all((res.path[:, 1] >= 0) & (res.path[:, 1] < 2 * np.pi))


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov"])
def test_leaving_the_grid_stops_cleanly(method):
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(32, 32))
    field = fg.ScalarField.from_function(grid, lambda x, y: -x)  # downhill towards x = 1
    res = minimize(field, [0.0, 0.0], method=method, lr=0.1, gtol=1e-6)
    assert not res.success and res.status == 4
    assert "left the grid" in res.message
    assert np.all(res.path[:, 0] <= 1.0)


def test_line_search_on_a_field_stops_at_the_interpolation_floor():
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(40, 40))
    field = fg.ScalarField.from_function(
        grid, lambda x, y: 1 - np.exp(-((x - 0.2) ** 2) - 2 * (y - 0.1) ** 2)
    )
    # linear interpolation of the values cannot resolve f - f_min ~ |grad f|^2 below ~1e-4
    res = minimize(field, [-0.5, 0.6], method="backtracking", gtol=1e-12)
    assert not res.success and res.status == 3
    assert "interpolation error" in res.message
    assert np.linalg.norm(res.x - [0.2, 0.1]) < 0.05  # within a cell
    assert res.nit < 100


def test_field_input_errors():
    field = muller_brown_field(32)
    with pytest.raises(ValueError, match=r"x0 must have shape \(2,\)"):
        minimize(field, [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="x0 must lie inside the grid"):
        minimize(field, [3.0, 1.0])
    with pytest.raises(ValueError, match="grad must be None when fun is a ScalarField"):
        minimize(field, [-0.5, 1.0], grad=gradient)
