"""minimize: every step rule reaches the minimum, gtol is honoured, bad input is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fieldgrad.landscapes import METHODS, minimize, rosenbrock, rosenbrock_gradient

# f(x) = 1/2 (x - c)^T A (x - c): eigenvalues 1 and 10, minimum at c
LAMBDA_MIN, LAMBDA_MAX = 1.0, 10.0
_Q = np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]])
A = _Q @ np.diag([LAMBDA_MIN, LAMBDA_MAX]) @ _Q.T
C = np.array([0.5, -1.0])
STARTS = [(3.0, 2.0), (-4.0, 0.5), (0.0, -5.0)]
#: learning rates that are stable on the quadratic (lr * lambda_max < 2 for gd)
QUADRATIC_LR = {
    "gd": 0.1,
    "momentum": 0.02,
    "nesterov": 0.02,
    "normalized_adaptive": 0.5,
    "backtracking": 1.0,
}
#: "normalized" moves a fixed length per step and never settles: tested on its own below
CONVERGENT_METHODS = sorted(set(METHODS) - {"normalized"})


def quadratic(x: np.ndarray) -> float:
    return 0.5 * (x - C) @ A @ (x - C)


def quadratic_gradient(x: np.ndarray) -> np.ndarray:
    return A @ (x - C)


def test_gd_on_the_quadratic_contracts_at_the_rate_of_its_slowest_mode():
    # Independent reference: plain gradient descent on a quadratic is linear,
    # e_k = (I - lr A)^k e_0, so late errors shrink by |1 - lr lambda_min| per step.
    lr = QUADRATIC_LR["gd"]
    res = minimize(quadratic, STARTS[0], grad=quadratic_gradient, method="gd", lr=lr, gtol=1e-10)
    errors = np.linalg.norm(res.path - C, axis=1)
    rate = errors[-1] / errors[-2]
    assert rate == pytest.approx(abs(1 - lr * LAMBDA_MIN), rel=1e-6)
    exact = np.linalg.matrix_power(np.eye(2) - lr * A, res.nit) @ (np.array(STARTS[0]) - C)
    np.testing.assert_allclose(res.x - C, exact, atol=1e-13)


@pytest.mark.parametrize("method", CONVERGENT_METHODS)
@pytest.mark.parametrize("x0", STARTS)
def test_every_method_reaches_the_minimum_of_a_quadratic(method, x0):
    gtol = 1e-8
    res = minimize(
        quadratic, x0, grad=quadratic_gradient, method=method, lr=QUADRATIC_LR[method], gtol=gtol
    )
    assert res.success, res.message
    assert res.grad_norms[-1] <= gtol
    # |x - c| <= |grad| / lambda_min for a quadratic
    assert np.linalg.norm(res.x - C) <= gtol / LAMBDA_MIN
    assert res.path.shape == (res.nit + 1, 2)
    assert np.array_equal(res.path[0], x0)
    assert np.array_equal(res.path[-1], res.x)
    assert res.fun_values[-1] == pytest.approx(quadratic(res.x))


@pytest.mark.parametrize("method", ["gd", "normalized_adaptive", "backtracking"])
def test_monotone_methods_never_raise_f(method):
    res = minimize(
        quadratic, STARTS[0], grad=quadratic_gradient, method=method, lr=QUADRATIC_LR[method]
    )
    assert np.all(np.diff(res.fun_values) <= 0)


ROSENBROCK_LR = {
    "gd": 1e-3,
    "momentum": 1e-3,
    "nesterov": 1e-3,
    "normalized_adaptive": 0.1,
    "backtracking": 1.0,
}


@pytest.mark.parametrize("method", CONVERGENT_METHODS)
@pytest.mark.parametrize("x0", [(-1.2, 1.0), (0.0, 0.0), (1.5, 1.5)])
def test_every_method_reaches_the_rosenbrock_minimum(method, x0):
    gtol = 1e-2
    res = minimize(
        rosenbrock,
        x0,
        grad=rosenbrock_gradient,
        method=method,
        lr=ROSENBROCK_LR[method],
        gtol=gtol,
        maxiter=20_000,
    )
    assert res.success, res.message
    # linearised bound |x - x*| <= gtol / lambda_min(H(1, 1)), lambda_min = 0.3994
    assert np.linalg.norm(res.x - 1.0) <= gtol / 0.3994 * 1.05


def test_momentum_gradient_norm_rises_on_rosenbrock_yet_converges():
    res = minimize(
        rosenbrock, [-1.2, 1.0], grad=rosenbrock_gradient, method="momentum", lr=1e-3, gtol=1e-4
    )
    assert res.success
    assert np.sum(np.diff(res.grad_norms) > 0) > 10


@pytest.mark.parametrize("ord", [1, 2, np.inf])
def test_gtol_is_honoured_in_each_norm(ord):
    gtol = 1e-5
    res = minimize(quadratic, STARTS[1], grad=quadratic_gradient, lr=0.1, gtol=gtol, ord=ord)
    assert res.success
    assert res.grad_norms[-1] == pytest.approx(np.linalg.norm(res.jac, ord))
    assert np.linalg.norm(res.jac, ord) <= gtol
    # ... and it did not stop early: the previous iterate was not yet converged
    assert res.grad_norms[-2] > gtol
    expected = [np.linalg.norm(quadratic_gradient(p), ord) for p in res.path]
    assert np.allclose(res.grad_norms, expected)


def test_norm_order_changes_where_gd_stops():
    stops = {
        o: minimize(quadratic, STARTS[0], grad=quadratic_gradient, lr=0.1, gtol=1e-3, ord=o).nit
        for o in (1, 2, np.inf)
    }
    # |g|_inf <= |g|_2 <= |g|_1, so the inf-norm criterion is met first
    assert stops[np.inf] <= stops[2] <= stops[1]
    assert stops[np.inf] < stops[1]


def quadratic_batched(x: np.ndarray) -> np.ndarray:
    """The quadratic for x of shape (2, ...) (the layout of scipy.differentiate)."""
    d = x - C.reshape(2, *[1] * (x.ndim - 1))
    return 0.5 * np.einsum("i...,ij,j...->...", d, A, d)


def test_numerical_gradient_gives_the_analytic_path():
    analytic = minimize(quadratic, STARTS[0], grad=quadratic_gradient, lr=0.1, gtol=1e-6)
    numerical = minimize(quadratic, STARTS[0], lr=0.1, gtol=1e-6)
    vectorized = minimize(quadratic_batched, STARTS[0], lr=0.1, gtol=1e-6, vectorized=True)
    assert numerical.nit == analytic.nit
    assert vectorized.nit == analytic.nit
    assert np.allclose(numerical.path, analytic.path, rtol=0, atol=1e-12)
    assert np.allclose(vectorized.path, analytic.path, rtol=0, atol=1e-12)
    assert numerical.nfev > 10 * analytic.nfev  # the stencil points were evaluated


def test_clip_caps_every_step():
    lr, cap = 0.05, 0.5
    res = minimize(
        quadratic,
        [30.0, -20.0],
        grad=quadratic_gradient,
        lr=lr,
        clip=cap,
        gtol=1e-6,
        maxiter=50_000,
    )
    assert res.success
    steps = np.linalg.norm(np.diff(res.path, axis=0), axis=1)
    assert np.all(steps <= lr * cap * (1 + 1e-12))
    # the first steps are clipped (|grad| is about 300 there) ...
    assert steps[0] == pytest.approx(lr * cap)
    # ... and the recorded norms are the unclipped ones
    assert res.grad_norms[0] == pytest.approx(np.linalg.norm(quadratic_gradient(res.path[0])))


def test_divergence_stops_cleanly():
    # lr * lambda_max = 3 > 2: every step grows the error by a factor 2
    res = minimize(quadratic, STARTS[0], grad=quadratic_gradient, lr=0.3, maxiter=100_000)
    assert not res.success
    assert res.message.startswith("diverged")
    assert np.all(np.isfinite(res.path)) and np.isfinite(res.fun)


def test_overflow_inside_fun_is_divergence_not_an_exception():
    # a step too long for exp(x^2) throws the point far out, where exp overflows
    res = minimize(lambda x: np.exp(x @ x), [1.0], grad=lambda x: 2 * x * np.exp(x @ x), lr=1.0)
    assert not res.success and res.message.startswith("diverged")
    assert np.all(np.isfinite(res.path))
    # Python floats raise OverflowError instead: the same outcome
    res = minimize(
        lambda x: math.exp(x[0] ** 2), [1.0], grad=lambda x: 2 * x * math.exp(x[0] ** 2), lr=1.0
    )
    assert not res.success and res.message.startswith("diverged")


def test_callback_sees_each_iteration_and_can_stop():
    seen = []

    def callback(info):
        seen.append((info.nit, info.grad_norm))
        return info.nit == 5

    res = minimize(quadratic, STARTS[0], grad=quadratic_gradient, lr=0.1, callback=callback)
    assert res.nit == 5 and not res.success and res.message == "stopped by callback"
    assert [n for n, _ in seen] == [1, 2, 3, 4, 5]
    assert np.allclose([g for _, g in seen], res.grad_norms[1:])


def test_maxiter_zero_returns_the_start():
    res = minimize(quadratic, STARTS[0], grad=quadratic_gradient, maxiter=0)
    assert res.nit == 0 and not res.success and np.array_equal(res.x, STARTS[0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x0": [[1.0, 2.0]]}, "x0 must have shape"),
        ({"x0": [1.0, np.nan]}, "x0 must be finite"),
        ({"x0": [1.0, np.inf]}, "x0 must be finite"),
        ({"method": "adam"}, "method must be one of"),
        ({"lr": -0.1}, "lr must be a finite number > 0"),
        ({"lr": 0.0}, "lr must be a finite number > 0"),
        ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
        ({"clip": -1.0}, "clip must be None or > 0"),
        ({"ord": 3}, "ord must be one of"),
        ({"gtol": -1.0}, "gtol must be >= 0"),
        ({"maxiter": 1.5}, "maxiter must be an integer"),
    ],
)
def test_bad_input_is_refused(kwargs, match):
    args = {"x0": [1.0, 2.0], "grad": quadratic_gradient} | kwargs
    with pytest.raises(ValueError, match=match):
        minimize(quadratic, **args)


def test_x0_of_the_wrong_dimension_is_refused():
    with pytest.raises(ValueError, match=r"could not be evaluated at x0 of shape \(3,\)"):
        minimize(quadratic, [1.0, 2.0, 3.0], grad=quadratic_gradient)
    with pytest.raises(ValueError, match=r"grad must return an array of shape \(3,\)"):
        minimize(lambda x: float(x @ x), [1.0, 2.0, 3.0], grad=lambda x: x[:2])


def test_non_finite_value_at_the_start_is_refused():
    with pytest.raises(ValueError, match="finite at x0"):
        minimize(lambda x: float(np.log(x[0])), [-1.0], grad=lambda x: 1 / x)


def test_fun_must_be_callable():
    with pytest.raises(TypeError, match="fun must be a callable or a ScalarField"):
        minimize(42, [1.0])
