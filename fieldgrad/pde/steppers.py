"""Time steppers for ``dy/dt = L y + b + N(t, y)`` with error control.

* :class:`ExplicitRK`: Bogacki-Shampine 3(2), embedded, with the step
  control of ``scipy.integrate.solve_ivp`` (RK23): the local error estimate,
  scaled by ``atol + rtol * |y|`` in the root-mean-square norm, stays <= 1.
* :class:`IMEX`: the L-stable second-order IMEX Runge-Kutta scheme ARS(2,2,2)
  (Ascher, Ruuth & Spiteri 1997): ``L`` implicit (one sparse LU of
  ``I - gamma dt L`` per step size, reused), ``N`` explicit.  The error is
  estimated by step doubling and the step sizes are dyadic fractions of each
  output interval, so only a handful of factorisations are ever made.
* :class:`Implicit`: ``scipy.integrate.BDF`` with the sparse Jacobian
  (exact ``L`` for linear problems, else finite differences on the sparsity
  pattern).

Each stepper's :meth:`step` advances to at most ``t_max`` and raises
:class:`StepCollapse` when the step size collapses or the state stops being
finite, leaving the last accepted state untouched.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.integrate import BDF
from scipy.sparse.linalg import splu

from .system import System

__all__ = ["ExplicitRK", "IMEX", "Implicit", "StepCollapse", "error_norm"]

#: Safety factor and bounds of the step-size update (as in scipy's solve_ivp).
SAFETY, MIN_FACTOR, MAX_FACTOR = 0.9, 0.2, 5.0
#: Bogacki-Shampine 3(2): stage weights, solution weights and error weights.
BS_C = (0.0, 0.5, 0.75)
BS_B = np.array([2 / 9, 1 / 3, 4 / 9])
BS_E = np.array([-5 / 72, 1 / 12, 1 / 9, -1 / 8])
#: ARS(2,2,2): gamma = 1 - 1/sqrt(2), delta = 1 - 1/(2 gamma).
ARS_GAMMA = 1 - 1 / math.sqrt(2)
ARS_DELTA = 1 - 1 / (2 * ARS_GAMMA)
#: A step below this fraction of the interval is a collapse.
MIN_STEP_FRACTION = 1e-12
#: Deepest halving of an output interval in the IMEX stepper.
MAX_LEVEL = 48
#: Factorisations kept by the IMEX stepper.
CACHED_FACTORS = 8


class StepCollapse(RuntimeError):
    """The step size collapsed or the state stopped being finite."""


def error_norm(err: np.ndarray, y0: np.ndarray, y1: np.ndarray, rtol: float, atol: float) -> float:
    """Root-mean-square of ``err / (atol + rtol max(|y0|, |y1|))`` (solve_ivp's measure).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.pde.steppers import error_norm
    >>> error_norm(np.array([1e-3]), np.array([1.0]), np.array([1.0]), 1e-3, 0.0)
    1.0
    """
    scale = atol + rtol * np.maximum(np.abs(y0), np.abs(y1))
    with np.errstate(all="ignore"):
        value = float(np.sqrt(np.mean((err / scale) ** 2)))
    return value if math.isfinite(value) else math.inf


class _Stepper:
    def __init__(self, system: System, rtol: float, atol: float, dt: float | None, adaptive: bool):
        self.system, self.rtol, self.atol = system, rtol, atol
        self.dt, self.adaptive = dt, adaptive
        self.steps = self.rejected = 0

    def explicit(self, t: float, y: np.ndarray) -> np.ndarray:
        f = self.system.explicit
        return np.zeros_like(y) if f is None else f(t, y)

    def first_step(self, t: float, y: np.ndarray, span: float, order: int) -> float:
        """solve_ivp's guess of the first step from the size of ``y`` and ``dy/dt``."""
        f0 = self.system.rhs(t, y)
        scale = self.atol + self.rtol * np.abs(y)
        d0, d1 = np.sqrt(np.mean((y / scale) ** 2)), np.sqrt(np.mean((f0 / scale) ** 2))
        h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
        h0 = min(h0, span)
        f1 = self.system.rhs(t + h0, y + h0 * f0)
        d2 = np.sqrt(np.mean(((f1 - f0) / scale) ** 2)) / h0
        h1 = (
            max(1e-6, h0 * 1e-3)
            if max(d1, d2) <= 1e-15
            else (0.01 / max(d1, d2)) ** (1 / (order + 1))
        )
        return float(min(100 * h0, h1, span))


class ExplicitRK(_Stepper):
    """Bogacki-Shampine 3(2) with error control; ``adaptive=False`` takes fixed steps ``dt``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.pde.steppers import ExplicitRK
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(1,))
    >>> system = pde.Diffusion(0.0, decay=1.0).system(line, ("u",))
    >>> stepper = ExplicitRK(system, rtol=1e-8, atol=1e-12, dt=None, adaptive=True)
    >>> t, y = 0.0, np.ones(1)
    >>> while t < 1.0:
    ...     t, y = stepper.step(t, y, 1.0)
    >>> bool(abs(y[0] - np.exp(-1)) < 1e-7)
    True
    """

    def step(self, t: float, y: np.ndarray, t_max: float) -> tuple[float, np.ndarray]:
        """One accepted step from ``t`` towards ``t_max``: ``(t_new, y_new)``."""
        span = t_max - t
        if self.dt is None:
            self.dt = self.first_step(t, y, span, order=3)
        h = min(self.dt, span)
        f = self.system.rhs
        rejected = False
        while True:
            with np.errstate(all="ignore"):
                k1 = f(t, y)
                k2 = f(t + BS_C[1] * h, y + BS_C[1] * h * k1)
                k3 = f(t + BS_C[2] * h, y + BS_C[2] * h * k2)
                y_new = y + h * (BS_B[0] * k1 + BS_B[1] * k2 + BS_B[2] * k3)
                finite = bool(np.all(np.isfinite(y_new)))
                if not self.adaptive:
                    if not finite:
                        msg = f"the state stopped being finite at t = {t + h:g} (fixed step {h:g})"
                        raise StepCollapse(msg)
                    self.steps += 1
                    return (t_max if h == span else t + h), y_new
                k4 = f(t + h, y_new) if finite else y_new
                err = error_norm(
                    h * (BS_E[0] * k1 + BS_E[1] * k2 + BS_E[2] * k3 + BS_E[3] * k4),
                    y, y_new, self.rtol, self.atol,
                )  # fmt: skip
            factor = MAX_FACTOR if err == 0 else SAFETY * err ** (-1 / 3)
            if err <= 1 and finite:
                self.steps += 1
                if rejected:  # no growth right after a rejection (as solve_ivp)
                    self.dt = h
                elif h < span or factor > 1:
                    self.dt = h * min(MAX_FACTOR, max(1.0, factor))
                return (t_max if h == span else t + h), y_new
            rejected = True
            self.rejected += 1
            h *= max(MIN_FACTOR, min(factor, 0.5))
            if h < MIN_STEP_FRACTION * max(abs(t), span, 1e-300):
                msg = (
                    f"the step size collapsed to {h:.3g} at t = {t:g}: the solution "
                    "blows up or the problem is too stiff for method='explicit'"
                )
                raise StepCollapse(msg)
            self.dt = h


class IMEX(_Stepper):
    """ARS(2,2,2): diffusion implicit, reactions and fluxes explicit; step doubling.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.pde.steppers import IMEX
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(1,))
    >>> system = pde.Diffusion(0.0, decay=1.0).system(line, ("u",))
    >>> stepper = IMEX(system, rtol=1e-8, atol=1e-12, dt=None, adaptive=True)
    >>> t, y = 0.0, np.ones(1)
    >>> while t < 1.0:
    ...     t, y = stepper.step(t, y, 1.0)
    >>> bool(abs(y[0] - np.exp(-1)) < 1e-6)
    True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._factors: dict[float, Any] = {}
        self._interval: tuple[float, float] | None = None
        self._level = self._position = 0
        self.factorisations = 0

    def _solve(self, h: float, rhs: np.ndarray) -> np.ndarray:
        if h not in self._factors:
            if len(self._factors) >= CACHED_FACTORS:
                self._factors.pop(next(iter(self._factors)))
            eye = sp.eye_array(self.system.linear.shape[0], format="csc")
            self._factors[h] = splu(sp.csc_matrix(eye - ARS_GAMMA * h * self.system.linear))
            self.factorisations += 1
        return self._factors[h].solve(rhs)

    def ars(self, t: float, y: np.ndarray, h: float) -> np.ndarray:
        """One ARS(2,2,2) step of size ``h`` (stiffly accurate: the last stage).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> from fieldgrad.pde.steppers import IMEX
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(1,))
        >>> system = pde.Diffusion(0.0, source=1.0).system(line, ("u",))
        >>> IMEX(system, 1e-4, 1e-6, None, True).ars(0.0, np.zeros(1), 0.5)   # u = t exactly
        array([0.5])
        """
        lin, b = self.system.linear, self.system.constant_at
        b2, b3 = b(t + ARS_GAMMA * h), b(t + h)
        n1 = self.explicit(t, y)
        y2 = self._solve(h, y + h * ARS_GAMMA * (n1 + b2))
        n2 = self.explicit(t + ARS_GAMMA * h, y2)
        stage = ARS_DELTA * n1 + (1 - ARS_DELTA) * n2 + (1 - ARS_GAMMA) * (lin @ y2 + b2)
        return self._solve(h, y + h * (stage + ARS_GAMMA * b3))

    def _start(self, t: float, y: np.ndarray, t_max: float) -> None:
        span = t_max - t
        if self.dt is None:
            self.dt = self.first_step(t, y, span, order=2)
        self._interval = (t, t_max)
        self._level = max(0, math.ceil(math.log2(span / self.dt) - 1e-9)) if self.dt < span else 0
        self._position = 0
        if not self.adaptive:
            self._level = -1  # marks fixed steps: n equal steps of the interval
            self._count = max(1, math.ceil(span / self.dt - 1e-9))

    def step(self, t: float, y: np.ndarray, t_max: float) -> tuple[float, np.ndarray]:
        """One accepted step from ``t`` towards ``t_max``: ``(t_new, y_new)``."""
        if self._interval is None or self._interval[1] != t_max or t == self._interval[0]:
            self._start(t, y, t_max)
        t0, t1 = self._interval  # type: ignore[misc]
        span = t1 - t0
        if not self.adaptive:
            h = span / self._count
            with np.errstate(all="ignore"):
                y_new = self.ars(t, y, h)
            if not np.all(np.isfinite(y_new)):
                msg = f"the state stopped being finite at t = {t + h:g} (fixed step {h:g})"
                raise StepCollapse(msg)
            self._position += 1
            self.steps += 1
            done = self._position == self._count
            return (t1 if done else t0 + self._position * h), y_new
        while True:
            h = span / 2**self._level
            with np.errstate(all="ignore"):
                big = self.ars(t, y, h)
                half = self.ars(t, y, h / 2)
                small = self.ars(t + h / 2, half, h / 2)
                err = error_norm((small - big) / 3, y, small, self.rtol, self.atol)
            if err <= 1 and np.all(np.isfinite(small)):
                break
            self.rejected += 1
            grow = 1 if not math.isfinite(err) else max(1, math.ceil(math.log2(err) / 3))
            self._level += grow
            self._position *= 2**grow
            if self._level > MAX_LEVEL or h < MIN_STEP_FRACTION * max(abs(t), span):
                msg = (
                    f"the step size collapsed to {h:.3g} at t = {t:g}: the solution "
                    "blows up or the explicit part is unstable at any step"
                )
                raise StepCollapse(msg)
        self.steps += 1
        self._position += 1
        if err < (SAFETY / 2) ** 3 and self._level > 0 and self._position % 2 == 0:
            self._level -= 1
            self._position //= 2
        self.dt = span / 2**self._level
        done = self._position == 2**self._level
        return (t1 if done else t0 + self._position * span / 2**self._level), small


class Implicit(_Stepper):
    """scipy's BDF (orders 1-5) with a sparse Jacobian.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.pde.steppers import Implicit
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(1,))
    >>> system = pde.Diffusion(0.0, decay=1.0).system(line, ("u",))
    >>> stepper = Implicit(system, rtol=1e-8, atol=1e-12, dt=None, adaptive=True)
    >>> t, y = 0.0, np.ones(1)
    >>> while t < 1.0:
    ...     t, y = stepper.step(t, y, 1.0)
    >>> bool(abs(y[0] - np.exp(-1)) < 1e-6)
    True
    """

    def __init__(self, *args: Any, t_end: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.t_end = t_end
        self._solver: Any = None

    def _jacobian(self) -> dict[str, Any]:
        lin = self.system.linear
        if self.system.explicit is None:
            return {"jac": sp.csc_matrix(lin)}
        n = self.system.grid.size
        k = len(self.system.names)
        one = (abs(lin) > 0).astype(float)
        near = one[:n, :n] if k > 1 else one
        for i in range(1, k):
            near = near + one[i * n : (i + 1) * n, i * n : (i + 1) * n]
        near = near + sp.eye_array(n)
        pattern = sp.kron(np.ones((k, k)), near, format="csc") + one
        return {"jac_sparsity": (abs(pattern) > 0).astype(float)}

    def step(self, t: float, y: np.ndarray, t_max: float) -> tuple[float, np.ndarray]:
        """One accepted step from ``t`` towards ``t_max``: ``(t_new, y_new)``."""
        if self._solver is None:
            bound = t_max if self.t_end is None else self.t_end
            first = self.dt if self.dt is not None else None
            self._solver = BDF(
                self.system.rhs, t, y, bound, rtol=self.rtol, atol=self.atol,
                first_step=first, **self._jacobian(),
            )  # fmt: skip
        solver = self._solver
        if solver.t < t_max:
            try:
                with np.errstate(all="ignore"):
                    message = solver.step()
            except (ValueError, ArithmeticError, np.linalg.LinAlgError) as err:
                msg = f"the implicit solver failed at t = {solver.t:g}: {err}"
                raise StepCollapse(msg) from None
            if solver.status == "failed" or not np.all(np.isfinite(solver.y)):
                why = message or "non-finite state"
                msg = f"the implicit solver failed at t = {solver.t:g}: {why}"
                raise StepCollapse(msg)
            self.steps += 1
        if solver.t >= t_max:
            y_out = solver.y if solver.t == t_max else solver.dense_output()(t_max)
            return t_max, np.asarray(y_out, dtype=float)
        return float(solver.t), np.array(solver.y, dtype=float)
