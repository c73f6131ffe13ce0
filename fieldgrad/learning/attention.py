"""Dot-product attention, scaled by 1/sqrt(d) or not, and the softmax it runs through.

With query and key entries of unit variance a logit ``q . k`` has variance
``d``, the key dimension. Unscaled, the logits spread as sqrt(d), the
softmax saturates and the gradient through it vanishes; the factor
1/sqrt(d) of Vaswani et al. (2017) keeps the logits, and the gradient, of
order one at every d.
"""

from __future__ import annotations

import numpy as np

from fieldgrad.learning.layers import Layer, as_rng

__all__ = ["DotProductAttention", "SelfAttention", "softmax", "softmax_backward"]


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax along `axis`.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import softmax
    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    >>> softmax(np.array([1000.0, 0.0]))
    array([1., 0.])
    """
    shifted = z - z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(p: np.ndarray, grad: np.ndarray, axis: int = -1) -> np.ndarray:
    """Gradient with respect to the logits, given ``p = softmax(z)`` and d loss / d p.

    The softmax Jacobian is ``diag(p) - p p^T``, so the result is
    ``p * (grad - sum(grad * p))``. It vanishes as p becomes one-hot.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import softmax_backward
    >>> softmax_backward(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    array([ 0.25, -0.25])
    >>> bool(np.all(softmax_backward(np.array([1.0, 0.0]), np.array([3.0, -2.0])) == 0))
    True
    """
    return p * (grad - np.sum(grad * p, axis=axis, keepdims=True))


class DotProductAttention:
    """``softmax(q k^T * s) v`` with ``s = 1/sqrt(d)`` (scaled) or ``s = 1`` (unscaled).

    Shapes: queries ``(..., n, d)``, keys ``(..., m, d)``, values
    ``(..., m, dv)``, output ``(..., n, dv)``. After :meth:`forward` the
    attributes ``logits`` and ``weights`` hold the scaled scores and their
    softmax; after :meth:`backward`, ``grad_logits`` holds the gradient that
    came through the softmax.

    Parameters
    ----------
    scaled : bool, keyword-only
        Divide the logits by sqrt(d).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import DotProductAttention
    >>> attention = DotProductAttention()
    >>> q = k = np.eye(4)
    >>> v = np.arange(8.0).reshape(4, 2)
    >>> out = attention.forward(q, k, v)
    >>> out.shape, attention.weights.sum(axis=-1)
    ((4, 2), array([1., 1., 1., 1.]))
    >>> [g.shape for g in attention.backward(np.ones_like(out))]
    [(4, 4), (4, 4), (4, 2)]
    """

    def __init__(self, *, scaled: bool = True) -> None:
        self.scaled = bool(scaled)

    def forward(self, query: np.ndarray, key: np.ndarray, value: np.ndarray) -> np.ndarray:
        """Attend from each query to all keys and average the values."""
        if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
            msg = (
                "expected query (..., n, d), key (..., m, d) and value (..., m, dv), got "
                f"{query.shape!r}, {key.shape!r}, {value.shape!r}"
            )
            raise ValueError(msg)
        self.scale = 1.0 / np.sqrt(query.shape[-1]) if self.scaled else 1.0
        self._q, self._k, self._v = query, key, value
        self.logits = (query @ key.swapaxes(-1, -2)) * self.scale
        self.weights = softmax(self.logits)
        return self.weights @ value

    def backward(self, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(d loss/d query, d loss/d key, d loss/d value)``."""
        grad_weights = grad @ self._v.swapaxes(-1, -2)
        grad_value = self.weights.swapaxes(-1, -2) @ grad
        self.grad_logits = softmax_backward(self.weights, grad_weights)
        grad_scores = self.grad_logits * self.scale
        grad_query = grad_scores @ self._k
        grad_key = grad_scores.swapaxes(-1, -2) @ self._q
        return grad_query, grad_key, grad_value


class SelfAttention(Layer):
    """Single-head self-attention ``attn(x Wq, x Wk, x Wv)`` on inputs ``(..., n, d_model)``.

    Parameters
    ----------
    d_model : int
        Feature size of the input.
    d_key : int
        Size of queries, keys and values.
    scaled : bool, keyword-only
        Scale the logits by 1/sqrt(d_key).
    rng : numpy.random.Generator, int or None, keyword-only
        Source of the initial projections, N(0, 1/d_model).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import SelfAttention
    >>> layer = SelfAttention(8, 4, rng=0)
    >>> y = layer.forward(np.ones((3, 5, 8)))
    >>> y.shape, layer.backward(np.ones_like(y)).shape, sorted(layer.grads)
    ((3, 5, 4), (3, 5, 8), ['Wk', 'Wq', 'Wv'])
    """

    def __init__(
        self,
        d_model: int,
        d_key: int,
        *,
        scaled: bool = True,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        gen = as_rng(rng)
        for name in ("Wq", "Wk", "Wv"):
            self.params[name] = gen.standard_normal((d_model, d_key)) / np.sqrt(d_model)
        self.attention = DotProductAttention(scaled=scaled)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        q, k, v = (x @ self.params[name] for name in ("Wq", "Wk", "Wv"))
        return self.attention.forward(q, k, v)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grads = self.attention.backward(grad)
        d_model = self._x.shape[-1]
        x2 = self._x.reshape(-1, d_model)
        grad_x = np.zeros_like(self._x, dtype=float)
        for name, g in zip(("Wq", "Wk", "Wv"), grads, strict=True):
            self.grads[name] = x2.T @ g.reshape(x2.shape[0], -1)
            grad_x = grad_x + g @ self.params[name].T
        return grad_x
