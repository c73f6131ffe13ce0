"""Test landscapes with analytic gradients and Hessians: Rosenbrock, Müller–Brown, quadratics.

All are vectorised: they accept coordinates of any broadcastable shape and
return values of that shape, so they can be sampled on a grid
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
    "Quadratic",
    "muller_brown",
    "muller_brown_gradient",
    "muller_brown_hessian",
    "rosenbrock",
    "rosenbrock_gradient",
    "rosenbrock_hessian",
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


def muller_brown_hessian(x: ArrayLike, y: ArrayLike) -> NDArray:
    """Analytic Hessian of :func:`muller_brown`.

    Each term ``A exp(Q)`` with ``Q = a dx^2 + b dx dy + c dy^2`` contributes
    ``A exp(Q) (grad Q grad Q^T + Hess Q)``.

    Parameters
    ----------
    x, y : array_like
        Coordinates, broadcast against each other.

    Returns
    -------
    ndarray
        Shape ``(2, 2, *broadcast_shape)``: ``[[V_xx, V_xy], [V_xy, V_yy]]``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import muller_brown_hessian
    >>> h = muller_brown_hessian(-0.822, 0.624)   # near the first saddle
    >>> h.shape
    (2, 2)
    >>> np.linalg.eigvalsh(h).round(-1).tolist()   # one negative eigenvalue
    [-750.0, 490.0]
    """
    terms, dx, dy = _muller_brown_terms(x, y)
    qx = 2 * MULLER_BROWN_a * dx + MULLER_BROWN_b * dy
    qy = MULLER_BROWN_b * dx + 2 * MULLER_BROWN_c * dy
    vxx = (terms * (qx**2 + 2 * MULLER_BROWN_a)).sum(axis=-1)
    vxy = (terms * (qx * qy + MULLER_BROWN_b)).sum(axis=-1)
    vyy = (terms * (qy**2 + 2 * MULLER_BROWN_c)).sum(axis=-1)
    return np.stack([np.stack([vxx, vxy]), np.stack([vxy, vyy])])


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


def rosenbrock_hessian(
    x: ArrayLike, *, a: float = ROSENBROCK_A, b: float = ROSENBROCK_B
) -> NDArray:
    """Analytic Hessian of :func:`rosenbrock`: tridiagonal.

    Parameters
    ----------
    x : array_like
        Shape ``(n, ...)`` as for :func:`rosenbrock`.
    a, b : float, keyword-only
        Valley parameters (the Hessian does not depend on `a`).

    Returns
    -------
    ndarray
        Shape ``(n, n, *x.shape[1:])``.

    Examples
    --------
    >>> from fieldgrad.landscapes import rosenbrock_hessian
    >>> rosenbrock_hessian([1.0, 1.0]).tolist()   # at the minimum
    [[802.0, -400.0], [-400.0, 200.0]]
    """
    x = _as_rosenbrock_input(x)
    n = x.shape[0]
    hess = np.zeros((n, n, *x.shape[1:]))
    i = np.arange(n - 1)
    # d2f/dx_i^2 from the term of index i (x_i^2 inside) and of index i - 1 (x_i outside)
    hess[i, i] = 2 + 12 * b * x[:-1] ** 2 - 4 * b * x[1:]
    hess[i + 1, i + 1] += 2 * b
    hess[i, i + 1] = hess[i + 1, i] = -4 * b * x[:-1]
    return hess


def _as_rosenbrock_input(x: ArrayLike) -> NDArray:
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[0] < 2:
        msg = f"x must have shape (n, ...) with n >= 2, got shape {x.shape!r}"
        raise ValueError(msg)
    return x


class Quadratic:
    """The quadratic landscape f(x) = 1/2 (x - c)^T A (x - c), with its gradient and Hessian.

    Parameters
    ----------
    matrix : array_like
        The symmetric ``(n, n)`` matrix A (the Hessian).
    center : array_like, optional
        The point c, shape ``(n,)``; the origin by default.  For a positive
        definite A it is the minimiser.

    Attributes
    ----------
    matrix, center : ndarray
    eigenvalues : ndarray
        Eigenvalues of A, ascending: the curvatures along its eigenvectors.

    Notes
    -----
    The object is callable like the other landscapes and has ``grad`` and
    ``hessian`` methods, which :func:`minimize` and
    :func:`gradient_norm_penalty` use when no other is given.  Points have
    the layout ``(n, ...)`` of :func:`rosenbrock`.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import Quadratic
    >>> f = Quadratic([[2.0, 0.0], [0.0, 6.0]])   # x^2 + 3 y^2
    >>> float(f(np.array([2.0, 1.0]))), f.grad(np.array([2.0, 1.0])).tolist()
    (7.0, [4.0, 6.0])
    >>> f.eigenvalues.tolist()
    [2.0, 6.0]
    """

    def __init__(self, matrix: ArrayLike, center: ArrayLike | None = None) -> None:
        a = np.array(matrix, dtype=float)
        if a.ndim != 2 or a.shape[0] != a.shape[1] or not np.isfinite(a).all():
            msg = f"matrix must be a finite square (n, n) array, got shape {a.shape!r}"
            raise ValueError(msg)
        if not np.allclose(a, a.T, rtol=1e-12, atol=0.0):
            msg = "matrix must be symmetric"
            raise ValueError(msg)
        n = a.shape[0]
        c = np.zeros(n) if center is None else np.array(center, dtype=float)
        if c.shape != (n,) or not np.isfinite(c).all():
            msg = f"center must be a finite point of shape ({n},), got {center!r}"
            raise ValueError(msg)
        self.matrix = a
        self.center = c
        self.eigenvalues = np.linalg.eigvalsh(a)

    def _offset(self, x: ArrayLike) -> NDArray:
        x = np.asarray(x, dtype=float)
        n = self.center.shape[0]
        if x.ndim == 0 or x.shape[0] != n:
            msg = f"x must have shape ({n}, ...), got shape {x.shape!r}"
            raise ValueError(msg)
        return x - self.center.reshape(n, *[1] * (x.ndim - 1))

    def __call__(self, x: ArrayLike) -> NDArray:
        """f at points of shape ``(n, ...)``: shape ``x.shape[1:]``."""
        d = self._offset(x)
        return 0.5 * np.einsum("i...,ij,j...->...", d, self.matrix, d)

    def grad(self, x: ArrayLike) -> NDArray:
        """``A (x - c)``, the same shape as `x`."""
        return np.einsum("ij,j...->i...", self.matrix, self._offset(x))

    def hessian(self, x: ArrayLike) -> NDArray:
        """A at every point: shape ``(n, n, *x.shape[1:])``."""
        d = self._offset(x)
        n = d.shape[0]
        return np.broadcast_to(
            self.matrix.reshape(n, n, *[1] * (d.ndim - 1)), (n, n, *d.shape[1:])
        ).copy()
