"""One interface for the two kinds of landscape: a callable and a ScalarField.

An optimiser needs the value and the gradient at a point, and a way to move
the point.  For a callable on R^n these are ``fun(x)``, ``grad(x)`` (or a
numerical Jacobian) and ``x + step``.  For a field on a grid the value and
the gradient are interpolated from the field and its gradient field; the
gradient has orthonormal (physical) components, so a step is a physical
vector too.  On a curvilinear grid the step is taken in the Cartesian space
the grid lives in and the point is mapped back (``grid.from_cartesian``), so
a path may cross r = 0 or a pole, and on a sphere the point is projected
back onto the surface.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.differentiate import jacobian

from fieldgrad.fields import ScalarField

#: Absolute tolerance of the numerical gradient, as a fraction of the gtol in use.
JACOBIAN_ATOL_FRACTION = 1e-2

_EVAL_ERRORS = (OverflowError, FloatingPointError, ZeroDivisionError)


def loop_over_points(fun: Callable[[NDArray], Any]) -> Callable[[NDArray], NDArray]:
    """Wrap ``fun(x) -> float`` (x of shape (n,)) into the layout scipy.differentiate uses.

    The wrapper takes ``xi`` of shape ``(n, ...)`` and returns shape ``(...)``.
    """

    def wrapped(xi: NDArray) -> NDArray:
        points = xi.reshape(xi.shape[0], -1)
        out = np.array([_scalar(fun(points[:, j])) for j in range(points.shape[1])])
        return out.reshape(xi.shape[1:])

    return wrapped


class LandscapeError(ValueError):
    """A landscape returned something of the wrong shape."""


def _scalar(value: Any) -> float:
    arr = np.asarray(value, dtype=float)
    if arr.size != 1:
        msg = f"fun must return a scalar, got an array of shape {arr.shape!r}"
        raise LandscapeError(msg)
    return float(arr.reshape(()))


class Landscape:
    """Value and gradient of a landscape, and how a step moves a point on it."""

    ndim: int | None = None

    def __init__(self) -> None:
        self.nfev = 0
        self.njev = 0

    def value(self, x: NDArray) -> float:
        raise NotImplementedError

    def gradient(self, x: NDArray) -> NDArray:
        raise NotImplementedError

    def move(self, x: NDArray, step: NDArray) -> NDArray:
        """The point reached from `x` by the physical displacement `step`."""
        return x + step

    def transport(self, x: NDArray, x_new: NDArray, v: NDArray) -> NDArray:
        """Components at `x_new` of the vector with physical components `v` at `x`."""
        return v

    def outside(self, x: NDArray) -> bool:
        """Whether `x` lies outside the landscape's domain."""
        return False

    def check_point(self, x: NDArray, name: str) -> None:
        """Raise ValueError unless `x` is a finite point of the right dimension."""
        if x.ndim != 1 or (self.ndim is not None and x.shape[0] != self.ndim):
            n = "n" if self.ndim is None else self.ndim
            msg = f"{name} must have shape ({n},), got shape {x.shape!r}"
            raise ValueError(msg)
        if not np.isfinite(x).all():
            msg = f"{name} must be finite, got {x!r}"
            raise ValueError(msg)
        if self.outside(x):
            msg = f"{name} must lie inside the grid, got {x!r}"
            raise ValueError(msg)

    def safe_value(self, x: NDArray) -> float:
        """``value(x)``, or NaN where the landscape overflows or leaves its domain."""
        if not np.isfinite(x).all() or self.outside(x):
            return float("nan")
        try:
            with np.errstate(all="ignore"):
                return self.value(x)
        except _EVAL_ERRORS:
            return float("nan")

    def safe_gradient(self, x: NDArray) -> NDArray:
        """``gradient(x)``, or NaNs where the landscape overflows or leaves its domain."""
        if not np.isfinite(x).all() or self.outside(x):
            return np.full(x.shape, np.nan)
        try:
            with np.errstate(all="ignore"):
                g = self.gradient(x)
        except _EVAL_ERRORS:
            return np.full(x.shape, np.nan)
        if g.shape != x.shape:
            msg = f"grad must return an array of shape {x.shape!r}, got shape {g.shape!r}"
            raise LandscapeError(msg)
        return g

    def start(self, x: NDArray, name: str) -> tuple[float, NDArray]:
        """Value and gradient at a starting point, with clear errors for bad input."""
        self.check_point(x, name)
        try:
            f = self.safe_value(x)
            g = self.safe_gradient(x)
        except LandscapeError:
            raise
        except Exception as err:
            msg = f"fun could not be evaluated at {name} of shape {x.shape!r}: {err}"
            raise ValueError(msg) from err
        if not (np.isfinite(f) and np.isfinite(g).all()):
            msg = f"fun and its gradient must be finite at {name}, got f={f!r}, grad={g!r}"
            raise ValueError(msg)
        return f, g


class CallableLandscape(Landscape):
    """A landscape given as ``fun(x) -> float`` and optionally ``grad(x) -> (n,)``."""

    def __init__(
        self,
        fun: Callable[[NDArray], Any],
        grad: Callable[[NDArray], ArrayLike] | None = None,
        *,
        vectorized: bool = False,
        gtol: float = 1e-6,
    ) -> None:
        super().__init__()
        if not callable(fun):
            msg = f"fun must be a callable or a ScalarField, got {type(fun).__name__}"
            raise TypeError(msg)
        if grad is not None and not callable(grad):
            msg = f"grad must be a callable or None, got {type(grad).__name__}"
            raise TypeError(msg)
        self.fun = fun
        self.grad = grad
        self.vectorized = vectorized
        self.batched = fun if vectorized else loop_over_points(fun)
        self.jacobian_atol = JACOBIAN_ATOL_FRACTION * gtol

    def value(self, x: NDArray) -> float:
        self.nfev += 1
        return _scalar(self.fun(x))

    def gradient(self, x: NDArray) -> NDArray:
        self.njev += 1
        if self.grad is not None:
            return np.asarray(self.grad(x), dtype=float)
        res = jacobian(self.batched, x, tolerances={"atol": self.jacobian_atol})
        self.nfev += int(np.sum(res.nfev))  # stencil points along each axis
        return np.asarray(res.df, dtype=float)


class FieldLandscape(Landscape):
    """A landscape given as a ScalarField; points are in the grid's coordinates."""

    def __init__(self, field: ScalarField, *, interpolation: str = "linear") -> None:
        super().__init__()
        self.field = field
        self.interpolation = interpolation
        grid = field.grid
        self.grid = grid
        self.ndim = int(grid.ndim)
        self.gradient_field = field.gradient()
        self.lower = np.array([lo for lo, _ in grid.bounds], dtype=float)
        self.upper = np.array([hi for _, hi in grid.bounds], dtype=float)
        self.periodic = np.array(grid.periodic, dtype=bool)
        self.curvilinear = not grid.is_cartesian

    def outside(self, x: NDArray) -> bool:
        bounded = ~self.periodic
        return bool(np.any((x[bounded] < self.lower[bounded]) | (x[bounded] > self.upper[bounded])))

    def _basis(self, x: NDArray) -> NDArray:
        # rows: the Cartesian components of the unit vectors e_i at x
        return np.asarray(self.grid.basis(*x), dtype=float)

    def move(self, x: NDArray, step: NDArray) -> NDArray:
        if self.curvilinear:
            start = np.array(self.grid.to_cartesian(*x), dtype=float)
            x = np.array(self.grid.from_cartesian(*(start + step @ self._basis(x))), dtype=float)
        else:
            x = x + step
        p = self.periodic
        x[p] = self.lower[p] + np.mod(x[p] - self.lower[p], self.upper[p] - self.lower[p])
        return x

    def transport(self, x: NDArray, x_new: NDArray, v: NDArray) -> NDArray:
        if not self.curvilinear:
            return v
        # through Cartesian components; on a surface, projected onto the new tangent plane
        return self._basis(x_new) @ (v @ self._basis(x))

    def value(self, x: NDArray) -> float:
        self.nfev += 1
        values = self.field.interpolate(x[np.newaxis], method=self.interpolation)
        return float(np.asarray(values)[0])

    def gradient(self, x: NDArray) -> NDArray:
        self.njev += 1
        values = self.gradient_field.interpolate(x[np.newaxis], method=self.interpolation)
        return np.asarray(values, dtype=float)[0]


def as_landscape(
    fun: Any,
    grad: Callable[[NDArray], ArrayLike] | None = None,
    *,
    vectorized: bool = False,
    gtol: float = 1e-6,
    interpolation: str = "linear",
) -> Landscape:
    """Wrap a callable or a ScalarField as a :class:`Landscape`.

    Without `grad`, a callable that has a ``grad`` method (a penalised
    landscape, a quadratic) supplies its own gradient.
    """
    if isinstance(fun, Landscape):
        return fun
    if isinstance(fun, ScalarField):
        if grad is not None:
            msg = "grad must be None when fun is a ScalarField (the gradient comes from the field)"
            raise ValueError(msg)
        return FieldLandscape(fun, interpolation=interpolation)
    if grad is None and callable(getattr(fun, "grad", None)):
        grad = fun.grad
    return CallableLandscape(fun, grad, vectorized=vectorized, gtol=gtol)
