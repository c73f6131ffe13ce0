"""gradient_norm_penalty: J = f + lam |grad f|^2 against closed forms, scipy and fields."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.differentiate import jacobian
from scipy.optimize import minimize as scipy_minimize

import fieldgrad as fg
from fieldgrad.landscapes import (
    MULLER_BROWN_MINIMA,
    GradientNormPenalty,
    Quadratic,
    gradient_norm_penalty,
    minimize,
    muller_brown,
    muller_brown_gradient,
    muller_brown_hessian,
    rosenbrock,
    rosenbrock_gradient,
    rosenbrock_hessian,
)

_Q = np.array([[np.cos(0.4), -np.sin(0.4)], [np.sin(0.4), np.cos(0.4)]])
A = _Q @ np.diag([1.0, 10.0]) @ _Q.T
A = 0.5 * (A + A.T)
C = np.array([0.5, -1.0])
LAM = 0.05
POINTS = [np.array([3.0, 2.0]), np.array([-1.0, 0.5]), np.array([0.2, -4.0])]


def mb(p):
    return muller_brown(p[0], p[1])


def mb_grad(p):
    return muller_brown_gradient(p[0], p[1])


def mb_hess(p):
    return muller_brown_hessian(p[0], p[1])


def quadratic_penalised_closed_form(x):
    """J = 1/2 d^T (A + 2 lam A^2) d, grad J = (A + 2 lam A^2) d for f = 1/2 d^T A d."""
    m = A + 2 * LAM * A @ A
    d = x - C
    return 0.5 * d @ m @ d, m @ d


@pytest.mark.parametrize("x", POINTS)
def test_quadratic_penalty_is_the_closed_form(x):
    f = Quadratic(A, C)
    value, gradient = quadratic_penalised_closed_form(x)
    by_hessian = gradient_norm_penalty(f, LAM)  # f.grad and f.hessian
    by_differences = gradient_norm_penalty(lambda p: f(p), LAM, grad=f.grad)
    assert by_hessian.analytic_hessian and not by_differences.analytic_hessian
    for J in (by_hessian, by_differences):
        assert float(J(x)) == pytest.approx(value, rel=1e-14)
    assert np.allclose(by_hessian.grad(x), gradient, rtol=1e-14, atol=1e-14)
    # a central difference of a linear gradient is exact up to rounding
    assert np.allclose(by_differences.grad(x), gradient, rtol=1e-9, atol=1e-9)


def test_numerical_gradient_when_none_is_given():
    f = Quadratic(A, C)
    J = gradient_norm_penalty(lambda p: float(f(p)), LAM)
    x = POINTS[0]
    value, gradient = quadratic_penalised_closed_form(x)
    assert float(J(x)) == pytest.approx(value, rel=1e-9)
    assert np.allclose(J.grad(x), gradient, rtol=1e-4)


@pytest.mark.parametrize("x", [np.array([-1.2, 1.0]), np.array([0.3, -0.4]), np.array([1.1, 1.3])])
def test_rosenbrock_penalty_gradient_matches_scipy_differentiate_of_j(x):
    lam = 1e-3

    def j_analytic(p):  # written out, on the (2, ...) layout scipy.differentiate uses
        g = rosenbrock_gradient(p)
        return rosenbrock(p) + lam * np.sum(g**2, axis=0)

    reference = jacobian(j_analytic, x).df
    with_hessian = gradient_norm_penalty(
        rosenbrock, lam, grad=rosenbrock_gradient, hess=rosenbrock_hessian
    )
    with_differences = gradient_norm_penalty(rosenbrock, lam, grad=rosenbrock_gradient)
    assert float(with_hessian(x)) == pytest.approx(float(j_analytic(x)), rel=1e-14)
    assert np.allclose(with_hessian.grad(x), reference, rtol=1e-8, atol=1e-8)
    assert np.allclose(with_differences.grad(x), reference, rtol=1e-7, atol=1e-7)


def test_muller_brown_penalty_gradient_matches_scipy_differentiate_of_j():
    lam = 1e-4
    pts = np.array([[-1.2, 0.3], [-0.5, 1.5], [0.0, 0.5], [0.7, -0.1]]).T

    def j_analytic(p):
        g = muller_brown_gradient(p[0], p[1])
        return muller_brown(p[0], p[1]) + lam * np.sum(g**2, axis=0)

    reference = jacobian(j_analytic, pts).df
    J = gradient_norm_penalty(mb, lam, grad=mb_grad, hess=mb_hess)
    # the layout (2, k): J and J.grad evaluate all k points at once
    assert np.allclose(J(pts), j_analytic(pts), rtol=1e-14)
    assert np.allclose(J.grad(pts), reference, rtol=1e-7, atol=1e-6)
    J_diff = gradient_norm_penalty(mb, lam, grad=mb_grad)
    assert np.allclose(J_diff.grad(pts), reference, rtol=1e-6, atol=1e-5)


def test_minimize_keeps_the_muller_brown_minima_and_agrees_with_scipy():
    lam = 1e-4
    J = gradient_norm_penalty(mb, lam, grad=mb_grad, hess=mb_hess)

    def j_analytic(p):
        g = muller_brown_gradient(p[0], p[1])
        return float(muller_brown(p[0], p[1]) + lam * g @ g)

    for published in MULLER_BROWN_MINIMA:
        start = published + [0.03, -0.02]
        # gtol 1e-4: the minimum curvature is ~100, so x is within ~1e-6 of the minimiser
        ours = minimize(J, start, method="backtracking", lr=1e-3, gtol=1e-4, maxiter=5_000)
        assert ours.success, ours.message
        theirs = scipy_minimize(
            j_analytic,
            start,
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000},
        )
        plain = scipy_minimize(mb, start, jac=mb_grad, method="BFGS", options={"gtol": 1e-10})
        assert np.linalg.norm(ours.x - theirs.x) < 3e-6
        # the penalty keeps the minimiser of f
        assert np.linalg.norm(ours.x - plain.x) < 3e-6


def test_new_stationary_points_where_the_curvature_is_minus_one_over_two_lam():
    # f = cos x: f'' = -cos x = -1 / (2 lam) at cos x = 1 / (2 lam), where f' = -sin x != 0
    lam = 1.0
    J = gradient_norm_penalty(
        lambda p: np.cos(p[0]), lam, grad=lambda p: -np.sin(p), hess=lambda p: -np.cos(p)[None]
    )
    x_new = np.array([np.arccos(1 / (2 * lam))])  # pi / 3
    assert abs(np.sin(x_new[0])) > 0.8  # not a stationary point of f
    assert np.abs(J.grad(x_new)).max() < 1e-15
    J_diff = gradient_norm_penalty(lambda p: np.cos(p[0]), lam, grad=lambda p: -np.sin(p))
    assert np.abs(J_diff.grad(x_new)).max() < 1e-9
    # ... and it is a maximum of J: J' changes sign from + to -
    assert J.grad(x_new - 0.01)[0] > 0 > J.grad(x_new + 0.01)[0]


def test_minimize_uses_the_penalty_gradient():
    J = gradient_norm_penalty(Quadratic(A, C), LAM)
    implicit = minimize(J, POINTS[0], lr=0.04, gtol=1e-10)
    explicit = minimize(J, POINTS[0], grad=J.grad, lr=0.04, gtol=1e-10)
    assert implicit.success and implicit.njev == explicit.njev
    assert np.array_equal(implicit.path, explicit.path)
    assert np.allclose(implicit.x, C, atol=1e-10)
    assert implicit.nfev == explicit.nfev  # no numerical gradient was needed


def test_lam_zero_is_the_landscape_itself():
    J = gradient_norm_penalty(rosenbrock, 0.0, grad=rosenbrock_gradient)
    x = np.array([-1.2, 1.0])
    assert float(J(x)) == float(rosenbrock(x))
    assert np.array_equal(J.grad(x), rosenbrock_gradient(x))


def bowl_xy(x, y):
    return x**2 + 3 * y**2


def bowl_penalised_xy(x, y, lam):
    return x**2 + 3 * y**2 + lam * (4 * x**2 + 36 * y**2)


def test_field_penalty_is_exact_for_a_quadratic_on_a_cartesian_grid():
    grid = fg.CartesianGrid(bounds=[(-3, 3), (-2, 2)], shape=(61, 41))
    f = fg.ScalarField.from_function(grid, bowl_xy)
    J = gradient_norm_penalty(f, 0.5)
    assert isinstance(J, fg.ScalarField) and J.grid == grid
    exact = fg.ScalarField.from_function(grid, lambda x, y: bowl_penalised_xy(x, y, 0.5))
    # second-order differences are exact for a quadratic, boundaries included
    assert np.allclose(J.data, exact.data, rtol=1e-12, atol=1e-11)
    res = minimize(J, [2.0, 1.0], lr=0.02, gtol=1e-8)
    assert res.success and np.linalg.norm(res.x) < 1e-8


def test_field_penalty_converges_at_second_order_on_a_polar_grid():
    errors = []
    for n in (32, 64):
        grid = fg.PolarGrid(radius=(0, 2), shape=(n, 2 * n))
        f = fg.ScalarField.from_function(grid, bowl_xy, coords="cartesian")
        J = gradient_norm_penalty(f, 0.5)
        exact = fg.ScalarField.from_function(
            grid, lambda x, y: bowl_penalised_xy(x, y, 0.5), coords="cartesian"
        )
        errors.append(np.abs(J.data - exact.data).max())
    order = np.log2(errors[0] / errors[1])
    assert 1.7 < order < 2.5, (errors, order)
    # and minimize walks the penalised field on the polar grid to the origin
    res = minimize(J, [1.0, 0.5], lr=0.02, gtol=1e-3, maxiter=20_000)
    assert res.success and res.x[0] < 0.02


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((rosenbrock, -1.0), {}, ValueError, "lam must be a finite number >= 0"),
        ((rosenbrock, np.nan), {}, ValueError, "lam must be a finite number >= 0"),
        ((rosenbrock, "big"), {}, TypeError, "lam must be a finite number >= 0"),
        ((42, 1.0), {}, TypeError, "func must be a callable or a ScalarField"),
        ((rosenbrock, 1.0), {"grad": 3}, TypeError, "grad must be a callable or None"),
        ((rosenbrock, 1.0), {"hess": "H"}, TypeError, "hess must be a callable or None"),
    ],
)
def test_bad_input_is_refused(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_norm_penalty(*args, **kwargs)


def test_field_with_grad_is_refused():
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(8, 8))
    f = fg.ScalarField.from_function(grid, bowl_xy)
    with pytest.raises(ValueError, match="grad and hess must be None when func is a ScalarField"):
        gradient_norm_penalty(f, 1.0, grad=lambda p: p)
    assert isinstance(gradient_norm_penalty(Quadratic(A), 1.0), GradientNormPenalty)


def test_results_do_not_depend_on_the_order_of_calls():
    J = gradient_norm_penalty(Quadratic(A, C), LAM)
    lam0 = gradient_norm_penalty(Quadratic(A, C), 0.0)
    x1, x2 = POINTS[0], POINTS[1]
    value, gradient = quadratic_penalised_closed_form(x1)
    J.grad(x2)
    assert float(J(x1)) == pytest.approx(value, rel=1e-14)
    J(x2)
    g = J.grad(x1)
    assert np.allclose(g, gradient, rtol=1e-14)
    g[:] = 0.0  # the caller's array is its own
    lam0.grad(x1)[:] = 0.0
    assert np.allclose(J.grad(x1), gradient, rtol=1e-14)
    assert np.allclose(lam0.grad(x1), A @ (x1 - C), rtol=1e-14)


def test_field_penalty_on_a_sphere_converges_at_second_order():
    # f = z = cos(theta) on the unit sphere: |grad f|^2 = sin^2(theta), poles included
    lam, errors = 0.3, []
    for n in (45, 90):
        grid = fg.SphereSurface(radius=1.0, shape=(n, 2 * n))
        f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
        J = gradient_norm_penalty(f, lam)
        theta = grid.coords["theta"][:, None]
        errors.append(np.abs(J.data - (np.cos(theta) + lam * np.sin(theta) ** 2)).max())
    order = np.log2(errors[0] / errors[1])
    assert 1.7 < order < 2.5, (errors, order)
