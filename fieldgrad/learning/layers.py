"""Layers with explicit forward and backward passes: the base class, Dense, ReLU, Tanh, Flatten.

A layer maps its input to an output in :meth:`Layer.forward`, remembering
what the backward pass needs, and in :meth:`Layer.backward` maps the gradient
of a scalar loss with respect to its output to the gradient with respect to
its input, filling :attr:`Layer.grads` with the gradients of its parameters.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Dense", "Flatten", "Layer", "ReLU", "Tanh", "as_rng"]


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Return a numpy Generator from a Generator, a seed or None.

    Examples
    --------
    >>> from fieldgrad.learning import as_rng
    >>> as_rng(0).integers(10) == as_rng(0).integers(10)
    np.True_
    """
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


class Layer:
    """Base class of all layers.

    Attributes
    ----------
    params : dict of str to numpy.ndarray
        Trainable parameters, updated in place by the optimisers.
    grads : dict of str to numpy.ndarray
        Gradient of the loss with respect to each parameter, set by the last
        :meth:`backward` (same keys and shapes as `params`).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Tanh
    >>> layer = Tanh()
    >>> y = layer.forward(np.zeros(3))
    >>> layer.backward(np.ones(3))
    array([1., 1., 1.])
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output and remember what the backward pass needs."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Map d loss / d output to d loss / d input; fill :attr:`grads`."""
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Dense(Layer):
    """Affine layer ``y = x @ W + b`` acting on the last axis.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the last axis of input and output.
    gain : float, keyword-only
        Weights are drawn from N(0, gain^2 / in_features); ``gain=1`` keeps
        the norm of a signal (and of its gradient) on average, larger gains
        amplify it by about ``gain`` per layer.
    bias : bool, keyword-only
        Whether to add the bias ``b`` (initialised to zero).
    rng : numpy.random.Generator, int or None, keyword-only
        Source of the initial weights.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Dense
    >>> layer = Dense(3, 2, rng=0)
    >>> layer.forward(np.ones((5, 3))).shape
    (5, 2)
    >>> layer.backward(np.ones((5, 2))).shape, layer.grads["W"].shape
    ((5, 3), (3, 2))
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        gain: float = 1.0,
        bias: bool = True,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            msg = f"features must be >= 1, got in={in_features!r}, out={out_features!r}"
            raise ValueError(msg)
        scale = gain / np.sqrt(in_features)
        self.params["W"] = scale * as_rng(rng).standard_normal((in_features, out_features))
        if bias:
            self.params["b"] = np.zeros(out_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        W = self.params["W"]
        if x.shape[-1] != W.shape[0]:
            msg = f"input must have {W.shape[0]} features on its last axis, got shape {x.shape!r}"
            raise ValueError(msg)
        self._x = x
        y = x @ W
        return y + self.params["b"] if "b" in self.params else y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        W = self.params["W"]
        x2 = self._x.reshape(-1, W.shape[0])
        g2 = grad.reshape(-1, W.shape[1])
        self.grads["W"] = x2.T @ g2
        if "b" in self.params:
            self.grads["b"] = g2.sum(axis=0)
        return grad @ W.T


class ReLU(Layer):
    """Rectified linear unit, ``max(x, 0)``; the derivative at 0 is taken as 0.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import ReLU
    >>> relu = ReLU()
    >>> relu.forward(np.array([-1.0, 2.0]))
    array([0., 2.])
    >>> relu.backward(np.array([5.0, 5.0]))
    array([0., 5.])
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return np.where(self._mask, x, 0.0)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return np.where(self._mask, grad, 0.0)


class Tanh(Layer):
    """Hyperbolic tangent; its derivative ``1 - tanh(x)^2`` vanishes when it saturates.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Tanh
    >>> layer = Tanh()
    >>> _ = layer.forward(np.array([0.0, 10.0]))
    >>> layer.backward(np.ones(2)).round(6)
    array([1., 0.])
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * (1.0 - self._y**2)


class Flatten(Layer):
    """Flatten every axis but the first (the batch), e.g. after convolutions.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Flatten
    >>> flat = Flatten()
    >>> flat.forward(np.zeros((2, 3, 4))).shape, flat.backward(np.zeros((2, 12))).shape
    ((2, 12), (2, 3, 4))
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.reshape(self._shape)
