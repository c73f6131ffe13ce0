"""Intrinsic reaction coordinate: steepest-descent paths out of a saddle point.

From a first-order saddle the path leaves along the Hessian's eigenvector of
negative curvature (the transition vector), one branch in each direction, and
then follows -grad V / |grad V| parametrised by arc length until the gradient
norm vanishes at a minimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.differentiate import hessian as numerical_hessian

from fieldgrad.landscapes._landscape import CallableLandscape
from fieldgrad.landscapes.clip import array_norm

__all__ = ["IRCBranch", "IRCResult", "irc"]

#: A step shorter than this fraction of ``step`` ends a branch unconverged.
MIN_STEP_FRACTION = 1e-10
#: Factor by which a step that does not lower V is shortened.
STEP_SHRINK = 0.5
#: Factor by which the step grows back (up to ``step``) after an accepted step.
STEP_GROW = 2.0
#: Values closer than this many units in the last place count as equal.
TIE_ULPS = 8


@dataclass(frozen=True)
class IRCBranch:
    """One steepest-descent path from the saddle.

    Attributes
    ----------
    s : ndarray, shape (k,)
        Arc length from the saddle (``s[0] = 0``).
    points : ndarray, shape (k, n)
        Points along the path, the saddle first.
    values : ndarray, shape (k,)
        V along the path.
    grad_norms : ndarray, shape (k,)
        ``|grad V|`` (2-norm) along the path.
    converged : bool
        Whether the branch ended with ``|grad V| <= gtol``.
    message : str
        Why the branch ended.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import IRCBranch
    >>> b = IRCBranch(np.zeros(1), np.zeros((1, 2)), np.zeros(1), np.zeros(1), True, "")
    >>> b.minimum.tolist()
    [0.0, 0.0]
    """

    s: NDArray
    points: NDArray
    values: NDArray
    grad_norms: NDArray
    converged: bool
    message: str

    @property
    def minimum(self) -> NDArray:
        """The end point of the branch."""
        return self.points[-1]


@dataclass(frozen=True)
class IRCResult:
    """Both branches of an intrinsic reaction coordinate.

    Attributes
    ----------
    saddle : ndarray, shape (n,)
        The saddle point the paths start from.
    eigenvalues : ndarray, shape (n,)
        Eigenvalues of the Hessian at the saddle, ascending (exactly one < 0).
    direction : ndarray, shape (n,)
        Unit eigenvector of the negative eigenvalue; ``branches[0]`` leaves
        along ``+direction``, ``branches[1]`` along ``-direction``.
    branches : tuple of IRCBranch
        The two paths.

    Examples
    --------
    >>> from fieldgrad.landscapes import irc
    >>> res = irc(lambda p: p[0] ** 4 - 2 * p[0] ** 2 + p[1] ** 2, [0.0, 0.0], step=1e-2)
    >>> res.minima.round(4)[:, 0].tolist()
    [1.0, -1.0]
    """

    saddle: NDArray
    eigenvalues: NDArray
    direction: NDArray
    branches: tuple[IRCBranch, IRCBranch]

    @property
    def minima(self) -> NDArray:
        """End points of the two branches, shape (2, n)."""
        return np.array([b.minimum for b in self.branches])


def _hessian_at(
    land: CallableLandscape, x: NDArray, hessian: Callable[[NDArray], ArrayLike] | ArrayLike | None
) -> NDArray:
    n = x.size
    if hessian is None:
        res = numerical_hessian(land.batched, x)
        h = np.asarray(res.ddf, dtype=float)
    elif callable(hessian):
        h = np.asarray(hessian(x), dtype=float)
    else:
        h = np.asarray(hessian, dtype=float)
    if h.shape != (n, n):
        msg = f"hessian must have shape {(n, n)!r}, got shape {h.shape!r}"
        raise ValueError(msg)
    if not np.isfinite(h).all():
        msg = f"hessian at the saddle must be finite, got {h!r}"
        raise ValueError(msg)
    return 0.5 * (h + h.T)


def _lower(land: CallableLandscape, x_new: NDArray, f_new: float, f: float, gn: float) -> bool:
    """Whether a step to `x_new` goes downhill.

    Near a minimum V changes by less than its rounding error, so a step whose
    value ties with the current one within TIE_ULPS is judged by whether it
    lowers the gradient norm instead.
    """
    tie = TIE_ULPS * np.spacing(max(abs(f), abs(f_new)))
    if f_new < f - tie:
        return True
    if f_new <= f + tie:
        return array_norm(land.safe_gradient(x_new)) < gn
    return False


def _descend(
    land: CallableLandscape,
    saddle: NDArray,
    first: NDArray,
    step: float,
    gtol: float,
    maxiter: int,
) -> IRCBranch:
    points = [saddle, first]
    s = [0.0, step]
    values = [land.safe_value(saddle), land.safe_value(first)]
    norms = [array_norm(land.safe_gradient(saddle)), np.nan]
    x, f = first, values[-1]
    h = step
    message = f"maximum number of steps ({maxiter}) reached"
    for _ in range(maxiter):
        g = land.safe_gradient(x)
        gn = array_norm(g)
        norms[-1] = gn
        if not (np.isfinite(gn) and np.isfinite(f)):
            message = "non-finite value or gradient along the path"
            break
        if gn <= gtol:
            message = f"gradient norm <= gtol ({gtol:g})"
            break
        direction = -g / gn
        while h >= MIN_STEP_FRACTION * step:
            x_new = x + h * direction
            f_new = land.safe_value(x_new)
            if _lower(land, x_new, f_new, f, gn):
                break
            h *= STEP_SHRINK
        else:
            message = f"no step >= {MIN_STEP_FRACTION * step:.3g} lowers V (|grad V| = {gn:.3g})"
            break
        s.append(s[-1] + h)
        points.append(x_new)
        values.append(f_new)
        norms.append(np.nan)
        x, f = x_new, f_new
        h = min(step, STEP_GROW * h)
    if np.isnan(norms[-1]):
        norms[-1] = array_norm(land.safe_gradient(x))
    converged = bool(norms[-1] <= gtol)
    return IRCBranch(
        np.array(s), np.array(points), np.array(values), np.array(norms), converged, message
    )


def irc(
    fun: Callable[[NDArray], Any],
    saddle: ArrayLike,
    *,
    grad: Callable[[NDArray], ArrayLike] | None = None,
    hessian: Callable[[NDArray], ArrayLike] | ArrayLike | None = None,
    step: float = 1e-3,
    gtol: float = 1e-5,
    saddle_tol: float | None = None,
    maxiter: int = 100_000,
    vectorized: bool = False,
) -> IRCResult:
    """Follow the intrinsic reaction coordinate from a saddle to both minima.

    Each branch starts with a step of length `step` along ``±direction``
    (the Hessian's negative-curvature eigenvector) and then takes steps of
    length at most `step` along ``-grad V / |grad V|``.  A step that would not
    lower V is halved (and grows back afterwards), so the path settles into
    the minimum instead of bouncing around it; the branch ends when
    ``|grad V| <= gtol``.

    Parameters
    ----------
    fun : callable
        ``V(x) -> float`` for ``x`` of shape ``(n,)``.
    saddle : array_like
        A first-order saddle point, shape ``(n,)``.
    grad : callable, optional
        ``grad(x) -> (n,)``; by default :func:`scipy.differentiate.jacobian`.
    hessian : callable or array_like, optional
        ``hessian(x) -> (n, n)`` or the Hessian at the saddle; by default
        :func:`scipy.differentiate.hessian`.
    step : float
        Arc-length step (> 0), the resolution of the path.
    gtol : float
        A branch has reached its minimum when ``|grad V|_2 <= gtol``.
    saddle_tol : float, optional
        How far from stationary the saddle may be, measured as the length of
        the Newton step ``|H^-1 grad V|``; defaults to `step`.
    maxiter : int
        Maximum number of steps per branch.
    vectorized : bool
        Whether `fun` accepts ``(n, k)`` arrays of points (faster numerical
        derivatives).

    Returns
    -------
    IRCResult
        ``branches`` (two :class:`IRCBranch`), ``minima`` (their end points),
        ``eigenvalues`` and ``direction`` at the saddle.

    Raises
    ------
    ValueError
        If the saddle is not finite or of the wrong dimension, is not
        stationary within `saddle_tol`, or its Hessian does not have exactly
        one negative eigenvalue.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import irc
    >>> double_well = lambda p: (p[0] ** 2 - 1) ** 2 + 2 * p[1] ** 2
    >>> res = irc(double_well, [0.0, 0.0], step=1e-2)
    >>> res.eigenvalues.round(6).tolist()
    [-4.0, 4.0]
    >>> res.minima.round(4) + 0.0   # + 0.0 turns -0.0 into 0.0
    array([[ 1.,  0.],
           [-1.,  0.]])
    >>> bool(res.branches[0].grad_norms[-1] <= 1e-5)
    True
    """
    if not (np.isfinite(step) and step > 0):
        msg = f"step must be a finite number > 0, got {step!r}"
        raise ValueError(msg)
    if not gtol > 0:
        msg = f"gtol must be > 0, got {gtol!r}"
        raise ValueError(msg)
    saddle_tol = step if saddle_tol is None else saddle_tol
    land = CallableLandscape(fun, grad, vectorized=vectorized, gtol=gtol)
    x0 = np.array(saddle, dtype=float)
    _, g0 = land.start(x0, "saddle")
    h = _hessian_at(land, x0, hessian)
    eigenvalues, eigenvectors = np.linalg.eigh(h)
    n_negative = int(np.sum(eigenvalues < 0))
    if n_negative != 1:
        msg = (
            f"saddle must have exactly one negative Hessian eigenvalue, got {n_negative} "
            f"(eigenvalues {eigenvalues!r})"
        )
        raise ValueError(msg)
    newton = np.linalg.solve(h, g0)
    if array_norm(newton) > saddle_tol:
        msg = (
            f"saddle must be stationary: expected the Newton step |H^-1 grad V| <= "
            f"{saddle_tol:g}, got {array_norm(newton):.3g} (|grad V| = {array_norm(g0):.3g})"
        )
        raise ValueError(msg)
    direction = eigenvectors[:, 0]
    direction = direction * np.sign(direction[np.argmax(np.abs(direction))])
    branches = tuple(
        _descend(land, x0, x0 + sign * step * direction, step, gtol, maxiter) for sign in (1, -1)
    )
    return IRCResult(x0, eigenvalues, direction, (branches[0], branches[1]))
