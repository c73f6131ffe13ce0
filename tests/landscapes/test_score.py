"""Score functions: grad log p of a normal and E|grad log p|^2 = trace(Sigma^-1)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.differentiate import jacobian
from scipy.stats import multivariate_normal

from fieldgrad.landscapes import expected_score_norm_sq, gaussian_score

MEAN = np.array([0.5, -1.0])
COV = np.array([[2.0, 0.6], [0.6, 1.0]])


def test_gaussian_score_is_the_gradient_of_the_log_density():
    pts = np.array([[0.0, 0.0], [1.0, -2.0], [3.0, 1.0]])
    dist = multivariate_normal(MEAN, COV)
    numerical = jacobian(lambda x: dist.logpdf(np.moveaxis(x, 0, -1)), pts.T).df.T
    assert np.allclose(gaussian_score(pts, MEAN, COV), numerical, rtol=1e-8, atol=1e-10)


def test_score_vanishes_at_the_mean_and_broadcasts():
    assert np.allclose(gaussian_score(MEAN, MEAN, COV), 0.0)
    x = np.zeros((4, 3, 2))
    assert gaussian_score(x, MEAN, COV).shape == (4, 3, 2)


def test_exact_is_the_trace_of_the_precision():
    assert expected_score_norm_sq(MEAN, COV) == pytest.approx(np.trace(np.linalg.inv(COV)))
    assert expected_score_norm_sq([0.0], [[4.0]]) == pytest.approx(0.25)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 0.99])
def test_grid_estimate_matches_two_over_one_minus_rho_squared(rho):
    cov = [[1.0, rho], [rho, 1.0]]
    exact = 2 / (1 - rho**2)
    assert expected_score_norm_sq([0, 0], cov, method="grid") == pytest.approx(exact, rel=1e-2)


def test_grid_estimate_in_one_and_three_dimensions():
    cov3 = np.array([[1.0, 0.3, 0.0], [0.3, 2.0, 0.5], [0.0, 0.5, 1.5]])
    exact3 = np.trace(np.linalg.inv(cov3))
    assert expected_score_norm_sq(np.zeros(3), cov3, method="grid", cells=40) == pytest.approx(
        exact3, rel=1e-2
    )
    assert expected_score_norm_sq([1.0], [[0.25]], method="grid") == pytest.approx(4.0, rel=1e-2)


def test_too_coarse_a_grid_misses_a_narrow_distribution():
    # rho = 0.99: the narrow direction has sd 0.1, wider than a cell only on fine grids
    cov = [[1.0, 0.99], [0.99, 1.0]]
    coarse = expected_score_norm_sq([0, 0], cov, method="grid", cells=32)
    fine = expected_score_norm_sq([0, 0], cov, method="grid", cells=128)
    exact = 2 / (1 - 0.99**2)
    assert abs(coarse / exact - 1) > 0.1
    assert abs(fine / exact - 1) < 1e-6


@pytest.mark.parametrize("rho", [0.0, 0.9])
def test_monte_carlo_is_within_four_standard_errors(rho):
    cov = np.array([[1.0, rho], [rho, 1.0]])
    n = 50_000
    precision = np.linalg.inv(cov)
    se = np.sqrt(2 * np.trace(precision @ precision) / n)
    estimate = expected_score_norm_sq([0, 0], cov, method="monte_carlo", n_samples=n, seed=3)
    assert abs(estimate - 2 / (1 - rho**2)) < 4 * se


def test_monte_carlo_is_reproducible_with_a_seed():
    a = expected_score_norm_sq(MEAN, COV, method="monte_carlo", n_samples=1000, seed=5)
    b = expected_score_norm_sq(MEAN, COV, method="monte_carlo", n_samples=1000, seed=5)
    c = expected_score_norm_sq(MEAN, COV, method="monte_carlo", n_samples=1000, seed=6)
    assert a == b != c


@pytest.mark.parametrize(
    ("cov", "match"),
    [
        ([[1.0, 2.0], [2.0, 1.0]], "cov must be positive definite"),
        ([[1.0, 0.5], [0.0, 1.0]], "cov must be a finite symmetric matrix"),
        ([[1.0, 0.0, 0.0]], r"cov shape \(d, d\)"),
    ],
)
def test_bad_covariances_are_refused(cov, match):
    with pytest.raises(ValueError, match=match):
        expected_score_norm_sq([0.0, 0.0], cov)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        expected_score_norm_sq(MEAN, COV, method="quadrature")
    with pytest.raises(ValueError, match="needs 1 <= d <= 3"):
        expected_score_norm_sq(np.zeros(4), np.eye(4), method="grid")
    with pytest.raises(ValueError, match=r"x must have shape \(\.\.\., 2\)"):
        gaussian_score([1.0, 2.0, 3.0], MEAN, COV)
