"""Plain gradient descent and Adam, updating parameter arrays in place."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["SGD", "Adam"]


class SGD:
    """Gradient descent, ``p -= lr * g``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import SGD
    >>> p = np.array([1.0])
    >>> SGD(0.1).step([p], [np.array([2.0])])
    >>> p
    array([0.8])
    """

    def __init__(self, lr: float) -> None:
        if not lr > 0:
            msg = f"lr must be > 0, got {lr!r}"
            raise ValueError(msg)
        self.lr = float(lr)

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every parameter array in place."""
        for p, g in zip(params, grads, strict=True):
            p -= self.lr * g


class Adam:
    """Adam (Kingma and Ba, 2015) with bias-corrected moment estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Adam
    >>> p = np.array([1.0])
    >>> Adam(0.1).step([p], [np.array([5.0])])   # the first step has length lr
    >>> p.round(6)
    array([0.9])
    """

    def __init__(
        self, lr: float, *, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
    ) -> None:
        if not lr > 0:
            msg = f"lr must be > 0, got {lr!r}"
            raise ValueError(msg)
        self.lr, self.betas, self.eps = float(lr), betas, eps
        self._m: list[np.ndarray] = []
        self._v: list[np.ndarray] = []
        self._t = 0

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every parameter array in place."""
        if not self._m:
            self._m = [np.zeros_like(p) for p in params]
            self._v = [np.zeros_like(p) for p in params]
        self._t += 1
        b1, b2 = self.betas
        for p, g, m, v in zip(params, grads, self._m, self._v, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g**2
            m_hat = m / (1 - b1**self._t)
            v_hat = v / (1 - b2**self._t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
