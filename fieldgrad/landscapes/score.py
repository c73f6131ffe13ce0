"""Score functions: the gradient of a log-density, and its mean squared norm.

For a density p the score is s(x) = grad log p(x).  Its mean squared norm
E_p |s|^2 (the trace of the Fisher information with respect to location) is
how steep the log-density is on average; for a multivariate normal N(mu, Sigma)
it equals trace(Sigma^-1), so it grows without bound as the distribution
degenerates (for two unit variances with correlation rho: 2 / (1 - rho^2)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import cho_factor, cho_solve

__all__ = ["SCORE_METHODS", "expected_score_norm_sq", "gaussian_score"]

#: Ways :func:`expected_score_norm_sq` can compute E |grad log p|^2.
SCORE_METHODS = ("exact", "grid", "monte_carlo")
#: Half-width of the grid box in marginal standard deviations.
GRID_HALF_WIDTH = 8.0
#: Cells per axis of the grid box.
GRID_CELLS = 256
#: Samples drawn by the Monte-Carlo estimate.
MC_SAMPLES = 100_000


def _check_gaussian(mean: ArrayLike, cov: ArrayLike) -> tuple[NDArray, NDArray, tuple]:
    mean = np.atleast_1d(np.asarray(mean, dtype=float))
    cov = np.atleast_2d(np.asarray(cov, dtype=float))
    d = mean.shape[0]
    if mean.ndim != 1 or cov.shape != (d, d):
        msg = (
            f"mean must have shape (d,) and cov shape (d, d), got {mean.shape!r} and {cov.shape!r}"
        )
        raise ValueError(msg)
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov)) and np.allclose(cov, cov.T)):
        msg = f"cov must be a finite symmetric matrix, got {cov!r}"
        raise ValueError(msg)
    try:
        factor = cho_factor(cov)
    except np.linalg.LinAlgError:
        msg = f"cov must be positive definite, got {cov!r}"
        raise ValueError(msg) from None
    return mean, cov, factor


def gaussian_score(x: ArrayLike, mean: ArrayLike, cov: ArrayLike) -> NDArray:
    """Score grad log p(x) = -Sigma^-1 (x - mu) of a multivariate normal.

    Parameters
    ----------
    x : array_like
        Points, shape ``(..., d)``.
    mean : array_like
        Mean mu, shape ``(d,)``.
    cov : array_like
        Covariance Sigma, shape ``(d, d)``, symmetric positive definite.

    Returns
    -------
    ndarray
        Shape ``(..., d)``.

    Examples
    --------
    >>> from fieldgrad.landscapes import gaussian_score
    >>> gaussian_score([1.0, 0.0], [0.0, 0.0], [[2.0, 0.0], [0.0, 1.0]]).round(12) + 0.0
    array([-0.5,  0. ])
    """
    mean, _, factor = _check_gaussian(mean, cov)
    x = np.asarray(x, dtype=float)
    if x.shape[-1:] != mean.shape:
        msg = f"x must have shape (..., {mean.shape[0]}), got shape {x.shape!r}"
        raise ValueError(msg)
    diff = (x - mean).reshape(-1, mean.shape[0])
    return -cho_solve(factor, diff.T).T.reshape(x.shape)


def _log_density(x: NDArray, mean: NDArray, cov: NDArray, factor: tuple) -> NDArray:
    d = mean.shape[0]
    diff = (x - mean).reshape(-1, d)
    maha = np.sum(diff * cho_solve(factor, diff.T).T, axis=1).reshape(x.shape[:-1])
    logdet = 2 * np.sum(np.log(np.diag(factor[0])))
    return -0.5 * (maha + logdet + d * np.log(2 * np.pi))


def _grid_estimate(
    mean: NDArray, cov: NDArray, factor: tuple, cells: int, half_width: float
) -> float:
    from fieldgrad import CartesianGrid, ScalarField

    std = np.sqrt(np.diag(cov))
    bounds = [(m - half_width * s, m + half_width * s) for m, s in zip(mean, std, strict=True)]
    grid = CartesianGrid(bounds=bounds, shape=(cells,) * mean.shape[0])

    def log_p(**coords: NDArray) -> NDArray:
        axes = np.broadcast_arrays(*(coords[name] for name in grid.axes))
        return _log_density(np.stack(axes, axis=-1), mean, cov, factor)

    logp = ScalarField.from_function(grid, log_p)
    steepness = logp.gradient_norm(ord=2).data
    weight = np.exp(logp.data) * grid.cell_volumes()
    # Dividing by the summed weight makes the estimate exact for a constant
    # integrand, so the truncated tails and the quadrature error of the
    # normalisation do not enter.
    return float(np.sum(weight * steepness**2) / np.sum(weight))


def expected_score_norm_sq(
    mean: ArrayLike,
    cov: ArrayLike,
    *,
    method: str = "exact",
    cells: int = GRID_CELLS,
    half_width: float = GRID_HALF_WIDTH,
    n_samples: int = MC_SAMPLES,
    seed: int | np.random.Generator | None = 0,
) -> float:
    """Mean squared norm of the score, ``E_p |grad log p|^2``, for p = N(mean, cov).

    Parameters
    ----------
    mean : array_like
        Mean, shape ``(d,)``.
    cov : array_like
        Covariance, shape ``(d, d)``.
    method : {"exact", "grid", "monte_carlo"}, keyword-only
        ``"exact"``: trace(cov^-1).  ``"grid"``: log p sampled as a
        :class:`~fieldgrad.ScalarField` on a :class:`~fieldgrad.CartesianGrid`
        of ``cells`` per axis covering ``mean ± half_width`` marginal standard
        deviations (1 <= d <= 3); the squared ``gradient_norm`` is averaged
        with weights p * cell volume.  ``"monte_carlo"``: the average of
        ``|gaussian_score|^2`` over `n_samples` draws.
    cells, half_width : int, float, keyword-only
        Grid resolution and extent (``method="grid"``).
    n_samples : int, keyword-only
        Sample size (``method="monte_carlo"``).
    seed : int, Generator or None, keyword-only
        Random seed or generator (``method="monte_carlo"``).

    Returns
    -------
    float

    Examples
    --------
    >>> from fieldgrad.landscapes import expected_score_norm_sq
    >>> rho = 0.5
    >>> cov = [[1.0, rho], [rho, 1.0]]
    >>> round(expected_score_norm_sq([0, 0], cov), 6), round(2 / (1 - rho**2), 6)
    (2.666667, 2.666667)
    >>> round(expected_score_norm_sq([0, 0], cov, method="monte_carlo", seed=1), 1)
    2.7
    """
    mean, cov, factor = _check_gaussian(mean, cov)
    d = mean.shape[0]
    if method == "exact":
        return float(np.trace(cho_solve(factor, np.eye(d))))
    if method == "grid":
        if not 1 <= d <= 3:
            msg = f"method='grid' needs 1 <= d <= 3 dimensions, got d={d}"
            raise ValueError(msg)
        if int(cells) != cells or cells < 8:
            msg = f"cells must be an integer >= 8, got {cells!r}"
            raise ValueError(msg)
        if not half_width > 0:
            msg = f"half_width must be > 0, got {half_width!r}"
            raise ValueError(msg)
        return _grid_estimate(mean, cov, factor, int(cells), float(half_width))
    if method == "monte_carlo":
        if int(n_samples) != n_samples or n_samples < 2:
            msg = f"n_samples must be an integer >= 2, got {n_samples!r}"
            raise ValueError(msg)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((int(n_samples), d))
        samples = mean + z @ np.linalg.cholesky(cov).T
        score = gaussian_score(samples, mean, cov)
        return float(np.mean(np.sum(score**2, axis=-1)))
    msg = f"method must be one of {SCORE_METHODS}, got {method!r}"
    raise ValueError(msg)
