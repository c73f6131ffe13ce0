"""Analytic fields with exact derivatives: the references of the convergence table.

Each field (plane waves, a point source, an axisymmetric Gaussian) comes with
exact gradients and Hessians in Cartesian coordinates, from which the exact
gradient components in any grid's orthonormal basis, the gradient norm, the
Laplacian (Laplace-Beltrami on a sphere surface) and the divergence of the
gradient follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["AnalyticField", "AxisymmetricGaussian", "PlaneWaves", "PointSource"]


class AnalyticField:
    """A scalar function of Cartesian coordinates with exact derivatives.

    Subclasses give ``value``, ``grad`` (a list of the Cartesian partial
    derivatives) and ``hessian`` (a nested list); :class:`ConvergenceCase`
    turns them into exact operator results on any grid.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import AnalyticField
    >>> class Paraboloid(AnalyticField):
    ...     def value(self, x, y):
    ...         return x**2 + y**2
    ...     def grad(self, x, y):
    ...         return [2 * x, 2 * y]
    ...     def hessian(self, x, y):
    ...         two = 2 + 0 * x
    ...         return [[two, 0 * x], [0 * x, two]]
    >>> [float(g) for g in Paraboloid().grad(np.array(1.0), np.array(2.0))]
    [2.0, 4.0]
    """

    def value(self, *x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        raise NotImplementedError


@dataclass
class PlaneWaves(AnalyticField):
    """``f(X) = sum_k a_k sin(k . X + p_k)`` in any dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import PlaneWaves
    >>> f = PlaneWaves([(2.0, (1.0, 0.0), 0.0)])      # 2 sin(x)
    >>> x, y = np.array(0.0), np.array(5.0)
    >>> float(f.value(x, y)), [float(g) for g in f.grad(x, y)]
    (0.0, [2.0, 0.0])
    """

    waves: Sequence[tuple[float, Sequence[float], float]]

    def _terms(self, x: Sequence[np.ndarray], fn: Callable) -> Any:
        return [
            (a, np.asarray(k), fn(sum(ki * xi for ki, xi in zip(k, x, strict=True)) + p))
            for a, k, p in self.waves
        ]

    def value(self, *x: np.ndarray) -> np.ndarray:
        return sum(a * s for a, _, s in self._terms(x, np.sin))

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        terms = self._terms(x, np.cos)
        return [sum(a * k[i] * c for a, k, c in terms) for i in range(len(x))]

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        terms = self._terms(x, np.sin)
        n = len(x)
        return [
            [sum(-a * k[i] * k[j] * s for a, k, s in terms) for j in range(n)] for i in range(n)
        ]


@dataclass
class PointSource(AnalyticField):
    """``f(X) = q / |X|``, the potential of a point source at the origin (3-D).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.testing import PointSource
    >>> x, y, z = np.array(0.0), np.array(0.0), np.array(2.0)
    >>> float(PointSource(q=4.0).value(x, y, z)), float(PointSource(q=4.0).grad(x, y, z)[2])
    (2.0, -1.0)
    """

    q: float = 1.0

    def value(self, *x: np.ndarray) -> np.ndarray:
        return self.q / np.sqrt(sum(xi**2 for xi in x))

    def grad(self, *x: np.ndarray) -> list[np.ndarray]:
        r = np.sqrt(sum(xi**2 for xi in x))
        return [-self.q * xi / r**3 for xi in x]

    def hessian(self, *x: np.ndarray) -> list[list[np.ndarray]]:
        r = np.sqrt(sum(xi**2 for xi in x))
        n = len(x)
        return [
            [self.q * (3 * x[i] * x[j] - (i == j) * r**2) / r**5 for j in range(n)]
            for i in range(n)
        ]


@dataclass
class AxisymmetricGaussian(AnalyticField):
    """``f = exp(-(x^2 + y^2)) sin(z)``: independent of the angle about the z-axis.

    Examples
    --------
    The trace of the Hessian is the Laplacian, ``(4 r^2 - 5) f``:

    >>> import numpy as np
    >>> from fieldgrad.testing import AxisymmetricGaussian
    >>> f = AxisymmetricGaussian()
    >>> x, y, z = np.array(0.3), np.array(0.4), np.array(1.0)
    >>> hessian = f.hessian(x, y, z)
    >>> lap = sum(hessian[i][i] for i in range(3))
    >>> bool(np.isclose(lap, (4 * 0.25 - 5) * f.value(x, y, z)))
    True
    """

    def value(self, *xyz: np.ndarray) -> np.ndarray:
        x, y, z = xyz
        return np.exp(-(x**2 + y**2)) * np.sin(z)

    def grad(self, *xyz: np.ndarray) -> list[np.ndarray]:
        x, y, z = xyz
        e = np.exp(-(x**2 + y**2))
        return [-2 * x * e * np.sin(z), -2 * y * e * np.sin(z), e * np.cos(z)]

    def hessian(self, *xyz: np.ndarray) -> list[list[np.ndarray]]:
        x, y, z = xyz
        e = np.exp(-(x**2 + y**2))
        s, c = e * np.sin(z), e * np.cos(z)
        return [
            [(4 * x**2 - 2) * s, 4 * x * y * s, -2 * x * c],
            [4 * x * y * s, (4 * y**2 - 2) * s, -2 * y * c],
            [-2 * x * c, -2 * y * c, -s],
        ]
