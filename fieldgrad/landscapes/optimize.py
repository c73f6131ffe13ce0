"""First-order optimisers that report the gradient norm at every step.

The step rules differ only in how they turn the gradient into a move:

=================== ======================================================
method              step
=================== ======================================================
gd                  ``x -= lr * g``
momentum            heavy ball: ``v = mu * v - lr * g;  x += v``
nesterov            ``v = mu * v - lr * g(x + mu * v);  x += v``
normalized          ``x -= lr * g / |g|_2``: a step of length lr whatever
                    the steepness; near a minimum it overshoots, and the
                    iterates stay within about lr of it
normalized_adaptive the same step of length h, but h starts at lr and is
                    halved whenever a step would not lower f
backtracking        Armijo line search: the step ``t * g`` starts at
                    ``t = lr`` and is halved until
                    ``f(x - t g) <= f(x) - c t |g|^2``
=================== ======================================================

Each rule is a small class registered in :data:`METHODS`; adding a rule does
not touch :func:`minimize`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import OptimizeResult

from fieldgrad.discretization import check_ord
from fieldgrad.landscapes._landscape import Landscape, as_landscape
from fieldgrad.landscapes.clip import array_norm, clip_by_norm

__all__ = ["DEFAULT_LR", "METHODS", "minimize"]

#: Learning rate (initial trial step for "backtracking", step length for
#: "normalized", initial step length for "normalized_adaptive") used when ``lr=None``.
DEFAULT_LR = {
    "gd": 1e-3,
    "momentum": 1e-3,
    "nesterov": 1e-3,
    "normalized": 1e-2,
    "normalized_adaptive": 1e-2,
    "backtracking": 1.0,
}
#: Sufficient-decrease constant c of the Armijo condition.
ARMIJO_C = 1e-4
#: Factor by which a rejected step is shortened ("normalized_adaptive", "backtracking").
STEP_SHRINK = 0.5
#: Shortenings tried before a step is declared impossible (2**-60 ~ 1e-18).
MAX_SHRINKS = 60
#: A decrease of f smaller than this many units in the last place is rounding noise.
ROUNDING_ULPS = 4

STATUS_CONVERGED = 0
STATUS_MAXITER = 1
STATUS_DIVERGED = 2
STATUS_NO_DECREASE = 3
STATUS_LEFT_GRID = 4
STATUS_CALLBACK = 5


def _lower(f_new: float, f: float) -> bool:
    """Whether f_new is below f by more than rounding (ROUNDING_ULPS units in the last place)."""
    return f_new < f - ROUNDING_ULPS * np.spacing(abs(f))


class _Step:
    """A step rule: ``step(x, f, g) -> (x_new, f_new or None)``.

    Gradients and steps are vectors of physical components; ``land.move``
    turns a step into a new point and ``land.transport`` carries a vector
    from one point to another (both trivial on R^n and Cartesian grids).
    """

    def __init__(self, land: Landscape, lr: float, momentum: float, clip: Callable) -> None:
        self.land = land
        self.lr = lr
        self.mu = momentum
        self.clip = clip
        self.failure = ""
        self.failure_status = STATUS_NO_DECREASE

    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        raise NotImplementedError


class _GradientDescent(_Step):
    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        return self.land.move(x, -self.lr * self.clip(g)), None


class _HeavyBall(_Step):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.v: NDArray | None = None

    def velocity(self, x: NDArray, g: NDArray) -> NDArray:
        v = np.zeros_like(g) if self.v is None else self.v
        return self.mu * v - self.lr * self.clip(g)

    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        v = self.velocity(x, g)
        x_new = self.land.move(x, v)
        self.v = self.land.transport(x, x_new, v)
        return x_new, None


class _Nesterov(_HeavyBall):
    def velocity(self, x: NDArray, g: NDArray) -> NDArray:
        v = np.zeros_like(g) if self.v is None else self.v
        ahead = self.land.move(x, self.mu * v)
        if self.land.outside(ahead):
            self.failure = f"the look-ahead point {ahead!r} left the grid"
            self.failure_status = STATUS_LEFT_GRID
        g_ahead = self.land.transport(ahead, x, self.land.safe_gradient(ahead))
        return self.mu * v - self.lr * self.clip(g_ahead)


class _Normalized(_Step):
    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        g2 = array_norm(g)
        if g2 == 0:
            return x, f
        return self.land.move(x, -self.lr / g2 * g), None


class _NormalizedAdaptive(_Step):
    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        g2 = array_norm(g)
        if g2 == 0:
            return x, f
        for _ in range(MAX_SHRINKS):
            x_new = self.land.move(x, -self.lr / g2 * g)
            f_new = self.land.safe_value(x_new)
            if _lower(f_new, f):
                return x_new, f_new
            self.lr *= STEP_SHRINK
        self.failure = (
            f"no step along -grad lowers f (step length shrunk to {self.lr:.3g}): "
            "f is flat to rounding or interpolation error here"
        )
        return x, f


class _Backtracking(_Step):
    def step(self, x: NDArray, f: float, g: NDArray) -> tuple[NDArray, float | None]:
        gc = self.clip(g)
        slope = float(np.dot(g, gc))  # directional derivative of f along -gc
        t = self.lr
        for _ in range(MAX_SHRINKS):
            x_new = self.land.move(x, -t * gc)
            f_new = self.land.safe_value(x_new)
            # a decrease beyond rounding too: once t * slope is below f's rounding,
            # Armijo alone would accept steps that only shuffle the last digits
            if f_new <= f - ARMIJO_C * t * slope and _lower(f_new, f):
                return x_new, f_new
            t *= STEP_SHRINK
        self.failure = (
            f"Armijo line search found no step (down to {t:.3g}) that lowers f enough: "
            "f is flat to rounding or interpolation error here"
        )
        return x, f


#: Step rules by name.
METHODS: dict[str, type[_Step]] = {
    "gd": _GradientDescent,
    "momentum": _HeavyBall,
    "nesterov": _Nesterov,
    "normalized": _Normalized,
    "normalized_adaptive": _NormalizedAdaptive,
    "backtracking": _Backtracking,
}


def _check_options(
    method: str,
    lr: float | None,
    momentum: float,
    clip: float | None,
    gtol: float,
    ord: float,
    maxiter: int,
) -> float:
    if method not in METHODS:
        msg = f"method must be one of {sorted(METHODS)}, got {method!r}"
        raise ValueError(msg)
    lr = DEFAULT_LR[method] if lr is None else lr
    if not (np.isfinite(lr) and lr > 0):
        msg = f"lr must be a finite number > 0, got {lr!r}"
        raise ValueError(msg)
    if not 0 <= momentum < 1:
        msg = f"momentum must be in [0, 1), got {momentum!r}"
        raise ValueError(msg)
    if clip is not None and not clip > 0:
        msg = f"clip must be None or > 0, got {clip!r}"
        raise ValueError(msg)
    if not gtol >= 0:
        msg = f"gtol must be >= 0, got {gtol!r}"
        raise ValueError(msg)
    check_ord(ord)
    if int(maxiter) != maxiter or maxiter < 0:
        msg = f"maxiter must be an integer >= 0, got {maxiter!r}"
        raise ValueError(msg)
    return float(lr)


def minimize(
    fun: Any,
    x0: ArrayLike,
    *,
    grad: Callable[[NDArray], ArrayLike] | None = None,
    method: str = "gd",
    lr: float | None = None,
    momentum: float = 0.9,
    clip: float | None = None,
    gtol: float = 1e-6,
    ord: float = 2,
    maxiter: int = 10_000,
    callback: Callable[[OptimizeResult], Any] | None = None,
    vectorized: bool = False,
    interpolation: str = "linear",
) -> OptimizeResult:
    """Minimise a landscape by a first-order method, recording the gradient norm.

    Parameters
    ----------
    fun : callable or ScalarField
        ``fun(x) -> float`` for ``x`` of shape ``(n,)``; or a field, whose
        value and gradient at a point come from ``field.interpolate`` and
        ``field.gradient().interpolate`` (points in grid coordinates, e.g.
        ``(x, y)`` on a Cartesian grid, ``(r, theta)`` on a polar one).  See
        Notes for curvilinear grids.
    x0 : array_like
        Starting point, shape ``(n,)``, finite.
    grad : callable, optional
        ``grad(x) -> (n,)``.  When omitted, a callable `fun` with a ``grad``
        method (such as :func:`gradient_norm_penalty`'s result or a
        :class:`Quadratic`) supplies it; otherwise the gradient is computed
        by :func:`scipy.differentiate.jacobian`.
    method : str
        Step rule: "gd", "momentum", "nesterov", "normalized",
        "normalized_adaptive" or "backtracking"; see the module docstring and
        :data:`METHODS`.
    lr : float, optional
        Learning rate (> 0): the gradient multiplier for "gd", "momentum" and
        "nesterov", the step length for "normalized", the initial step length
        for "normalized_adaptive", the first trial step of each line search
        for "backtracking".  Defaults to :data:`DEFAULT_LR` ``[method]``.
    momentum : float
        Momentum coefficient mu in [0, 1) ("momentum" and "nesterov").
    clip : float, optional
        Cap on the norm (in `ord`) of the gradient used for the step; the
        recorded gradient norms are those before clipping.
    gtol : float
        Stop successfully when the `ord`-norm of the gradient is <= gtol.
    ord : {1, 2, inf}
        Norm used for `gtol`, for `clip` and for the recorded ``grad_norms``.
    maxiter : int
        Maximum number of iterations.
    callback : callable, optional
        Called after each iteration as ``callback(intermediate_result)`` with
        an :class:`~scipy.optimize.OptimizeResult` holding ``x``, ``fun``,
        ``jac``, ``grad_norm`` and ``nit``; returning True stops the run.
    vectorized : bool
        Whether ``fun`` accepts an ``(n, k)`` array of k points and returns
        ``(k,)`` values; lets the numerical gradient evaluate all its
        stencil points in one call.
    interpolation : {"linear", "cubic"}
        How a ScalarField landscape is interpolated between grid points.

    Returns
    -------
    OptimizeResult
        ``x``, ``fun``, ``jac`` (gradient at ``x``), ``nit``, ``nfev``,
        ``njev``, ``success``, ``status``, ``message``, plus ``path``
        (``(nit + 1, n)`` iterates, ``x0`` first), ``fun_values`` (f along the
        path) and ``grad_norms`` (the `ord`-norm of the gradient along the
        path).  A run that produces a non-finite value stops with
        ``success=False`` at the last finite iterate.

    Raises
    ------
    ValueError
        For an unknown method, ``lr <= 0``, ``x0`` that is not a finite 1-D
        point of the landscape's dimension, or non-finite ``fun(x0)``.

    Notes
    -----
    "normalized" moves exactly `lr` per step, so it does not settle: once
    within about `lr` of a minimum it steps back and forth across it until
    `maxiter` (or until it lands where ``|grad| <= gtol``).  On a field,
    "normalized_adaptive" and "backtracking" compare interpolated values.
    Linear interpolation cannot resolve ``f - f_min ~ |grad f|^2 / curvature``
    below its own error, so these methods stop (status 3, "flat to rounding
    or interpolation error") within about a cell of the minimum; the
    gradient-only methods converge to the zero of the interpolated gradient.
    The gradient of a field has orthonormal (physical) components, and a
    step is the physical vector ``-lr * g``: on a curvilinear grid it is
    taken in the Cartesian space the grid lives in and mapped back with
    ``grid.from_cartesian``, so a path is the same as on a Cartesian grid,
    crosses r = 0 and the poles freely, and on a sphere is projected back
    onto the surface (momentum is carried along the same way).  Periodic
    coordinates are wrapped into their period; leaving the grid's range on
    another axis stops the run (status 4).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import minimize
    >>> res = minimize(lambda x: x @ x, [1.0, -2.0], grad=lambda x: 2 * x, lr=0.1)
    >>> res.success, res.nit
    (True, 69)
    >>> bool(np.linalg.norm(res.x) < 1e-6)
    True
    >>> bool(res.grad_norms[-1] <= 1e-6)
    True
    """
    lr = _check_options(method, lr, momentum, clip, gtol, ord, maxiter)
    land = as_landscape(fun, grad, vectorized=vectorized, gtol=gtol, interpolation=interpolation)
    x = np.array(x0, dtype=float)
    f, g = land.start(x, "x0")

    def clip_g(v: NDArray) -> NDArray:
        return v if clip is None else clip_by_norm(v, clip, ord, nonfinite="pass")

    stepper = METHODS[method](land, lr, momentum, clip_g)
    path, values, norms = [x], [f], [array_norm(g, ord)]
    status, message = STATUS_MAXITER, "maximum number of iterations reached"
    nit = 0
    while True:
        if norms[-1] <= gtol:
            status, message = STATUS_CONVERGED, f"gradient norm <= gtol ({gtol:g})"
            break
        if nit >= maxiter:
            break
        with np.errstate(all="ignore"):  # an overflowing step is caught as divergence below
            x_new, f_new = stepper.step(x, f, g)
        if stepper.failure:
            status, message = stepper.failure_status, stepper.failure
            break
        if np.isfinite(x_new).all() and land.outside(x_new):
            status, message = STATUS_LEFT_GRID, f"step {nit + 1} left the grid at {x_new!r}"
            break
        f_new = land.safe_value(x_new) if f_new is None else f_new
        g_new = land.safe_gradient(x_new)
        if not (np.isfinite(f_new) and np.isfinite(g_new).all()):
            status = STATUS_DIVERGED
            message = f"diverged: non-finite value or gradient at step {nit + 1}"
            break
        nit += 1
        x, f, g = x_new, f_new, g_new
        path.append(x)
        values.append(f)
        norms.append(array_norm(g, ord))
        if callback is not None:
            info = OptimizeResult(x=x.copy(), fun=f, jac=g.copy(), grad_norm=norms[-1], nit=nit)
            if callback(info) is True:
                status, message = STATUS_CALLBACK, "stopped by callback"
                break

    return OptimizeResult(
        x=x,
        fun=f,
        jac=g,
        nit=nit,
        nfev=land.nfev,
        njev=land.njev,
        success=status == STATUS_CONVERGED,
        status=status,
        message=message,
        method=method,
        path=np.array(path),
        fun_values=np.array(values),
        grad_norms=np.array(norms),
    )
