"""Finite-difference checks of backward passes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fieldgrad.learning.layers import Layer, as_rng

__all__ = ["gradient_errors", "numerical_gradient", "relative_error"]


def numerical_gradient(
    func: Callable[[], float], x: np.ndarray, *, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference gradient of ``func()`` with respect to the array `x`, changed in place.

    Each entry of `x` is moved by ``+eps`` and ``-eps`` in turn and restored.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import numerical_gradient
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(x**2)), x).round(6)
    array([2., 4.])
    """
    grad = np.zeros_like(x, dtype=float)
    flat, out = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        msg = "x must be a contiguous array that can be changed in place"
        raise ValueError(msg)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = func()
        flat[i] = saved - eps
        down = func()
        flat[i] = saved
        out[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``|a - b| / max(|a|, |b|)`` in the 2-norm (0 when both vanish).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import relative_error
    >>> round(relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.1])), 6)
    0.019684
    """
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b)) / scale


def gradient_errors(
    layer: Layer,
    x: np.ndarray,
    *,
    eps: float = 1e-6,
    rng: np.random.Generator | int | None = 0,
) -> dict[str, float]:
    """Compare a layer's backward pass with finite differences.

    The scalar loss is ``sum(forward(x) * R)`` for a fixed random ``R``, so
    every output entry matters.

    Returns
    -------
    dict of str to float
        :func:`relative_error` of the input gradient (key ``"input"``) and of
        each parameter gradient (keys of ``layer.params``).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Dense, gradient_errors
    >>> errors = gradient_errors(Dense(3, 2, rng=0), np.ones((4, 3)))
    >>> max(errors.values()) < 1e-8
    True
    """
    x = np.array(x, dtype=float)
    weights = as_rng(rng).standard_normal(layer.forward(x).shape)

    def loss() -> float:
        return float(np.sum(layer.forward(x) * weights))

    loss()
    analytic = {"input": layer.backward(weights)}
    analytic.update({name: g.copy() for name, g in layer.grads.items()})
    errors = {"input": relative_error(analytic["input"], numerical_gradient(loss, x, eps=eps))}
    for name, p in layer.params.items():
        errors[name] = relative_error(analytic[name], numerical_gradient(loss, p, eps=eps))
    return errors
