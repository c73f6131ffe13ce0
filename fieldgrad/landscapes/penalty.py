"""The gradient-norm penalty: J(x) = f(x) + lambda |grad f(x)|^2.

Penalising the gradient norm favours flat regions.  Its gradient is

    grad J = grad f + 2 lambda H grad f = (I + 2 lambda H) grad f,

with H the Hessian of f.  So J is stationary wherever f is (its minimisers
stay where they are), and also wherever grad f is an eigenvector of H with
eigenvalue -1 / (2 lambda): new stationary points where f curves down
strongly enough.  Near a minimum with Hessian H, J has the Hessian
H (I + 2 lambda H): a well of curvature k steepens to k (1 + 2 lambda k), so
sharp wells are raised far more than flat ones.

The Hessian-vector product comes from the landscape's analytic Hessian when
it has one, otherwise from a central difference of the gradient along
grad f.  For a :class:`~fieldgrad.ScalarField` the penalised landscape is a
field again, built from fieldgrad's gradient on the field's grid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from fieldgrad.fields import ScalarField
from fieldgrad.landscapes._landscape import CallableLandscape

__all__ = ["GradientNormPenalty", "gradient_norm_penalty"]

#: Relative step of the central difference of the gradient (about the cube root of
#: the machine epsilon, which balances truncation ~ step^2 and rounding ~ eps / step).
HVP_STEP = float(np.finfo(float).eps) ** (1 / 3)


class GradientNormPenalty:
    """A landscape penalised by its squared gradient norm; made by :func:`gradient_norm_penalty`.

    Calling it gives ``J(x) = f(x) + lam * |grad f(x)|^2``; :meth:`grad`
    gives ``grad f + 2 lam H grad f``.  Points have shape ``(n,)``, or
    ``(n, ...)`` when `func`, `grad` and `hess` accept that layout (the
    layout of :func:`rosenbrock`).

    Attributes
    ----------
    func : callable
        The landscape f.
    lam : float
        The penalty weight lambda >= 0.
    analytic_hessian : bool
        Whether H comes from a Hessian function (otherwise from differences
        of the gradient).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import Quadratic, gradient_norm_penalty
    >>> f = Quadratic([[2.0, 0.0], [0.0, 6.0]])        # x^2 + 3 y^2
    >>> J = gradient_norm_penalty(f, 0.5)               # + 0.5 (4 x^2 + 36 y^2)
    >>> x = np.array([2.0, 1.0])
    >>> float(J(x)), J.grad(x).tolist()                 # 7 + 26, (4 + 8, 6 + 36)
    (33.0, [12.0, 42.0])
    """

    def __init__(
        self,
        func: Callable[[NDArray], Any],
        lam: float,
        grad: Callable[[NDArray], ArrayLike],
        hess: Callable[[NDArray], ArrayLike] | None,
    ) -> None:
        self.func = func
        self.lam = lam
        self._grad_f = grad
        self._hess = hess
        self.analytic_hessian = hess is not None
        self._last: tuple[tuple[tuple[int, ...], bytes], NDArray] | None = None

    def gradient_f(self, x: ArrayLike) -> NDArray:
        """grad f at `x` (the unpenalised gradient)."""
        x = np.asarray(x, dtype=float)
        # J(x) and J.grad(x) both need grad f(x): keep the last one
        key = (x.shape, x.tobytes())
        if self._last is None or self._last[0] != key:
            self._last = (key, self._evaluate_grad(x))
        return self._last[1].copy()

    def _evaluate_grad(self, x: NDArray) -> NDArray:
        return np.asarray(self._grad_f(x), dtype=float)

    def hessian_vector_product(self, x: ArrayLike, v: ArrayLike) -> NDArray:
        """H(x) v: from the Hessian if given, else ``(grad f(x + t u) - grad f(x - t u)) / 2t``.

        The difference is taken along the unit vector ``u = v / |v|`` with
        ``t = HVP_STEP * max(1, |x|)`` and scaled by ``|v|``; its error is
        of order ``t^2`` times the third derivatives.
        """
        x = np.asarray(x, dtype=float)
        v = np.asarray(v, dtype=float)
        if self._hess is not None:
            h = np.asarray(self._hess(x), dtype=float)
            return np.einsum("ij...,j...->i...", h, v)
        size = np.sqrt(np.sum(v**2, axis=0))
        u = v / np.where(size > 0, size, 1.0)
        t = HVP_STEP * np.maximum(1.0, np.sqrt(np.sum(x**2, axis=0)))
        diff = self._evaluate_grad(x + t * u) - self._evaluate_grad(x - t * u)
        return diff * (size / (2 * t))

    def __call__(self, x: ArrayLike) -> NDArray:
        """J at `x`: ``f(x) + lam * |grad f(x)|^2``."""
        x = np.asarray(x, dtype=float)
        g = self.gradient_f(x)
        return np.asarray(self.func(x), dtype=float) + self.lam * np.sum(g**2, axis=0)

    def grad(self, x: ArrayLike) -> NDArray:
        """grad J at `x`: ``grad f + 2 lam H grad f``."""
        x = np.asarray(x, dtype=float)
        g = self.gradient_f(x)
        if self.lam == 0:
            return g
        return g + 2 * self.lam * self.hessian_vector_product(x, g)

    def __repr__(self) -> str:
        how = "analytic Hessian" if self.analytic_hessian else "Hessian-vector differences"
        return f"GradientNormPenalty(lam={self.lam!r}, {how})"


def gradient_norm_penalty(
    func: Any,
    lam: float,
    *,
    grad: Callable[[NDArray], ArrayLike] | None = None,
    hess: Callable[[NDArray], ArrayLike] | None = None,
) -> Any:
    """The penalised landscape ``J(x) = f(x) + lam * |grad f(x)|^2``.

    Parameters
    ----------
    func : callable or ScalarField
        The landscape f: ``f(x) -> float`` for ``x`` of shape ``(n,)``, or a
        field on any fieldgrad grid.
    lam : float
        Penalty weight lambda >= 0 (0 gives f back, with f's gradient).
    grad : callable, optional
        ``grad(x) -> (n,)``.  Defaults to ``func.grad`` when `func` has one,
        else to :func:`scipy.differentiate.jacobian` of `func` (then H g is
        a difference of numerical gradients: give `grad` for accuracy).
    hess : callable, optional
        ``hess(x) -> (n, n)``, e.g. :func:`rosenbrock_hessian`.  Defaults to
        ``func.hessian`` when `func` has one, else H grad f is a central
        difference of `grad` along grad f.

    Returns
    -------
    GradientNormPenalty or ScalarField
        For a callable: J, callable, with ``J.grad(x) = grad f + 2 lam H grad f``
        (:func:`minimize` uses it when given no `grad`).  For a field: the
        field ``f + lam * |grad f|^2``, with ``|grad f|`` from
        :meth:`ScalarField.gradient_norm` on the field's own grid; its
        gradient, when :func:`minimize` walks it, is fieldgrad's gradient of
        that field.

    Raises
    ------
    ValueError
        If `lam` is negative or not finite, or `grad`/`hess` are given with
        a field.
    TypeError
        If `func` is neither callable nor a ScalarField, or `grad`/`hess`
        are not callable.

    Notes
    -----
    ``grad J = (I + 2 lam H) grad f`` vanishes wherever grad f does, so the
    minimisers of f are stationary points of J (minima still, when H is
    positive definite there).  It also vanishes where grad f is an
    eigenvector of H with eigenvalue ``-1 / (2 lam)``: J gains stationary
    points where f curves down steeply enough, for instance on the crest
    between two wells, and a saddle of f whose negative curvature h has
    ``1 + 2 lam h < 0`` becomes a minimum of J.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import (
    ...     gradient_norm_penalty, minimize, rosenbrock, rosenbrock_gradient, rosenbrock_hessian)
    >>> J = gradient_norm_penalty(rosenbrock, 1e-3, grad=rosenbrock_gradient,
    ...                           hess=rosenbrock_hessian)
    >>> x = np.array([-1.2, 1.0])
    >>> g = rosenbrock_gradient(x)
    >>> bool(np.isclose(J(x), rosenbrock(x) + 1e-3 * g @ g))
    True

    A well of curvature k steepens to k (1 + 2 lam k); its minimiser stays:

    >>> from fieldgrad.landscapes import Quadratic
    >>> f = Quadratic(np.diag([1.0, 10.0]), center=[0.5, -1.0])
    >>> Jq = gradient_norm_penalty(f, 0.05)             # uses f.grad and f.hessian
    >>> res = minimize(Jq, [3.0, 2.0], lr=0.05, gtol=1e-10)   # uses Jq.grad
    >>> res.x.round(9).tolist(), res.nit       # nit: the slow mode 1.1 contracts by 0.945
    ([0.5, -1.0], 425)

    Without a Hessian, H grad f is a difference of gradients:

    >>> J2 = gradient_norm_penalty(rosenbrock, 1e-3, grad=rosenbrock_gradient)
    >>> bool(np.allclose(J2.grad(x), J.grad(x), rtol=1e-8))
    True
    """
    lam = _check_lam(lam)
    if isinstance(func, ScalarField):
        if grad is not None or hess is not None:
            msg = "grad and hess must be None when func is a ScalarField"
            raise ValueError(msg)
        penalised = func + lam * func.gradient_norm() ** 2
        penalised.name = f"{func.name or 'f'} + {lam:g} |grad|^2"
        return penalised
    if not callable(func):
        msg = f"func must be a callable or a ScalarField, got {type(func).__name__}"
        raise TypeError(msg)
    for name, value in (("grad", grad), ("hess", hess)):
        if value is not None and not callable(value):
            msg = f"{name} must be a callable or None, got {type(value).__name__}"
            raise TypeError(msg)
    if grad is None:
        own = getattr(func, "grad", None)
        grad = own if callable(own) else CallableLandscape(func).gradient
    if hess is None:
        own = getattr(func, "hessian", None)
        hess = own if callable(own) else None
    return GradientNormPenalty(func, lam, grad, hess)


def _check_lam(lam: Any) -> float:
    try:
        value = float(lam)
    except (TypeError, ValueError):
        msg = f"lam must be a finite number >= 0, got {lam!r}"
        raise TypeError(msg) from None
    if not (np.isfinite(value) and value >= 0):
        msg = f"lam must be a finite number >= 0, got {lam!r}"
        raise ValueError(msg)
    return value
