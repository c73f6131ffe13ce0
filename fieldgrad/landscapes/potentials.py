"""Test landscapes with analytic gradients: Rosenbrock and Müller–Brown.

Both functions are vectorised: they accept coordinates of any broadcastable
shape and return values of that shape, so they can be sampled on a grid
(``ScalarField.from_function``) as easily as evaluated at a single point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MULLER_BROWN_MINIMA",
    "MULLER_BROWN_MINIMUM_ENERGIES",
    "MULLER_BROWN_SADDLES",
    "MULLER_BROWN_SADDLE_ENERGIES",
    "muller_brown",
    "muller_brown_gradient",
    "rosenbrock",
    "rosenbrock_gradient",
]

# Müller & Brown, Theor. Chim. Acta 53, 75 (1979):
# V(x, y) = sum_k A_k exp(a_k (x - x0_k)^2 + b_k (x - x0_k)(y - y0_k) + c_k (y - y0_k)^2)
MULLER_BROWN_A = np.array([-200.0, -100.0, -170.0, 15.0])
MULLER_BROWN_a = np.array([-1.0, -1.0, -6.5, 0.7])
MULLER_BROWN_b = np.array([0.0, 0.0, 11.0, 0.6])
MULLER_BROWN_c = np.array([-10.0, -10.0, -6.5, 0.7])
MULLER_BROWN_X0 = np.array([1.0, 0.0, -0.5, -1.0])
MULLER_BROWN_Y0 = np.array([0.0, 0.5, 1.5, 1.0])

#: Published stationary points (rounded to three decimals) and their energies.
MULLER_BROWN_MINIMA = np.array([[-0.558, 1.442], [0.623, 0.028], [-0.050, 0.467]])
MULLER_BROWN_MINIMUM_ENERGIES = np.array([-146.699, -108.167, -80.768])
MULLER_BROWN_SADDLES = np.array([[-0.822, 0.624], [0.212, 0.293]])
MULLER_BROWN_SADDLE_ENERGIES = np.array([-40.665, -72.249])

ROSENBROCK_A = 1.0
ROSENBROCK_B = 100.0


def _muller_brown_terms(x: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray, NDArray]:
    x = np.asarray(x, dtype=float)[..., np.newaxis]
    y = np.asarray(y, dtype=float)[..., np.newaxis]
    dx = x - MULLER_BROWN_X0
    dy = y - MULLER_BROWN_Y0
    terms = MULLER_BROWN_A * np.exp(
        MULLER_BROWN_a * dx**2 + MULLER_BROWN_b * dx * dy + MULLER_BROWN_c * dy**2
    )
    return terms, dx, dy


def muller_brown(x: ArrayLike, y: ArrayLike) -> NDArray:
    """Müller–Brown potential energy surface.

    .. math::

        V(x, y) = \\sum_{k=1}^{4} A_k \\exp\\big(a_k (x - x^0_k)^2
                  + b_k (x - x^0_k)(y - y^0_k) + c_k (y - y^0_k)^2\\big)

    with the published parameters A = (-200, -100, -170, 15),
    a = (-1, -1, -6.5, 0.7), b = (0, 0, 11, 0.6), c = (-10, -10, -6.5, 0.7),
    x0 = (1, 0, -0.5, -1), y0 = (0, 0.5, 1.5, 1).  It has three minima
    (:data:`MULLER_BROWN_MINIMA`) joined through two saddle points
    (:data:`MULLER_BROWN_SADDLES`).

    Parameters
    ----------
    x, y : array_like
        Coordinates, broadcast against each other.

    Returns
    -------
    ndarray
        V at the broadcast points (a 0-d array for scalar input).

    Examples
    --------
    >>> from fieldgrad.landscapes import muller_brown
    >>> round(float(muller_brown(-0.558, 1.442)), 1)
    -146.7
    """
    terms, _, _ = _muller_brown_terms(x, y)
    return terms.sum(axis=-1)


def muller_brown_gradient(x: ArrayLike, y: ArrayLike) -> NDArray:
    """Analytic gradient of :func:`muller_brown`.

    Parameters
    ----------
    x, y : array_like
        Coordinates, broadcast against each other.

    Returns
    -------
    ndarray
        Shape ``(2, *broadcast_shape)``: ``(dV/dx, dV/dy)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import muller_brown_gradient
    >>> muller_brown_gradient(-0.558, 1.442).round(2)   # at the (rounded) minimum A
    array([-0. ,  0.2])
    >>> muller_brown_gradient([0.0, -0.5], [0.5, 1.5]).shape   # two points
    (2, 2)
    """
    terms, dx, dy = _muller_brown_terms(x, y)
    dvdx = terms * (2 * MULLER_BROWN_a * dx + MULLER_BROWN_b * dy)
    dvdy = terms * (MULLER_BROWN_b * dx + 2 * MULLER_BROWN_c * dy)
    return np.stack([dvdx.sum(axis=-1), dvdy.sum(axis=-1)])


def rosenbrock(x: ArrayLike, *, a: float = ROSENBROCK_A, b: float = ROSENBROCK_B) -> NDArray:
    """Rosenbrock's banana valley in n >= 2 dimensions.

    .. math::

        f(x) = \\sum_{i=1}^{n-1} b (x_{i+1} - x_i^2)^2 + (a - x_i)^2

    The minimum is f = 0 at x = (a, a^2, ...) (all ones for the default a = 1).

    Parameters
    ----------
    x : array_like
        Shape ``(n, ...)``: the first axis holds the coordinates, any further
        axes are evaluated point by point (the layout of
        :func:`scipy.optimize.rosen` and :mod:`scipy.differentiate`).
    a, b : float, keyword-only
        Valley parameters.

    Returns
    -------
    ndarray
        Shape ``x.shape[1:]``.

    Examples
    --------
    >>> from fieldgrad.landscapes import rosenbrock
    >>> float(rosenbrock([1.0, 1.0]))
    0.0
    >>> round(float(rosenbrock([-1.2, 1.0])), 10)
    24.2
    """
    x = _as_rosenbrock_input(x)
    return np.sum(b * (x[1:] - x[:-1] ** 2) ** 2 + (a - x[:-1]) ** 2, axis=0)


def rosenbrock_gradient(
    x: ArrayLike, *, a: float = ROSENBROCK_A, b: float = ROSENBROCK_B
) -> NDArray:
    """Analytic gradient of :func:`rosenbrock`.

    Parameters
    ----------
    x : array_like
        Shape ``(n, ...)`` as for :func:`rosenbrock`.
    a, b : float, keyword-only
        Valley parameters.

    Returns
    -------
    ndarray
        Same shape as `x`.

    Examples
    --------
    >>> from fieldgrad.landscapes import rosenbrock_gradient
    >>> rosenbrock_gradient([-1.2, 1.0]).round(1).tolist()
    [-215.6, -88.0]
    """
    x = _as_rosenbrock_input(x)
    inner = x[1:] - x[:-1] ** 2
    grad = np.zeros_like(x)
    grad[:-1] = -4 * b * x[:-1] * inner - 2 * (a - x[:-1])
    grad[1:] += 2 * b * inner
    return grad


def _as_rosenbrock_input(x: ArrayLike) -> NDArray:
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[0] < 2:
        msg = f"x must have shape (n, ...) with n >= 2, got shape {x.shape!r}"
        raise ValueError(msg)
    return x
