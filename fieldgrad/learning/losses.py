"""Losses with their gradients: mean squared error and softmax cross-entropy."""

from __future__ import annotations

import numpy as np

from fieldgrad.learning.attention import softmax

__all__ = ["CrossEntropyLoss", "MSELoss"]


class MSELoss:
    """Mean over all entries of ``(prediction - target)^2``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import MSELoss
    >>> loss = MSELoss()
    >>> loss.forward(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    5.0
    >>> loss.backward()
    array([1., 3.])
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:
        """Return the loss and remember the residual."""
        if np.shape(prediction) != np.shape(target):
            expected, got = np.shape(prediction), np.shape(target)
            msg = f"target must have the prediction's shape {expected!r}, got {got!r}"
            raise ValueError(msg)
        self._residual = prediction - target
        return float(np.mean(self._residual**2))

    def backward(self) -> np.ndarray:
        """Gradient of the loss with respect to the prediction."""
        return 2.0 * self._residual / self._residual.size


class CrossEntropyLoss:
    """Mean negative log-likelihood of integer class labels under ``softmax(logits)``.

    Logits have shape ``(N, K)``, labels shape ``(N,)`` with values in ``[0, K)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import CrossEntropyLoss
    >>> loss = CrossEntropyLoss()
    >>> round(loss.forward(np.zeros((2, 4)), np.array([0, 3])), 6)   # log 4
    1.386294
    >>> loss.backward()[0]
    array([-0.375,  0.125,  0.125,  0.125])
    """

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """Return the loss and remember the class probabilities."""
        labels = np.asarray(labels)
        if logits.ndim != 2 or labels.shape != logits.shape[:1]:
            msg = f"expected logits (N, K) and labels (N,), got {logits.shape!r}, {labels.shape!r}"
            raise ValueError(msg)
        if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
            msg = f"labels must be integers in [0, {logits.shape[1]}), got {labels!r}"
            raise ValueError(msg)
        if labels.max() >= logits.shape[1]:
            msg = f"labels must be integers in [0, {logits.shape[1]}), got max {labels.max()!r}"
            raise ValueError(msg)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self._p = softmax(logits)
        self._labels = labels
        return float(-np.mean(log_p[np.arange(labels.size), labels]))

    def backward(self) -> np.ndarray:
        """Gradient with respect to the logits: ``(softmax - one_hot) / N``."""
        grad = self._p.copy()
        grad[np.arange(self._labels.size), self._labels] -= 1.0
        return grad / self._labels.size
