"""A sequential container that records the gradient norm at every layer."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from fieldgrad.learning.layers import Layer

__all__ = ["Sequential"]


class Sequential(Layer):
    """Layers applied one after the other, with a record of the gradient norms.

    After :meth:`backward`:

    - ``output_grad_norms[i]``: 2-norm of d loss / d (output of layer i),
      the gradient arriving at layer i from above;
    - ``input_grad_norms[i]``: 2-norm of d loss / d (input of layer i),
      the gradient it passes down;
    - ``param_grad_norms[i]``: 2-norm of all of layer i's parameter
      gradients together (0 for layers without parameters).

    Parameters
    ----------
    layers : iterable of Layer

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Dense, ReLU, Sequential
    >>> net = Sequential([Dense(4, 8, rng=0), ReLU(), Dense(8, 1, rng=1)])
    >>> y = net.forward(np.ones((3, 4)))
    >>> _ = net.backward(np.ones_like(y))
    >>> len(net.input_grad_norms), len(net.parameters())
    (3, 4)
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        super().__init__()
        self.layers = list(layers)
        for layer in self.layers:
            if not isinstance(layer, Layer):
                msg = f"layers must be Layer instances, got {type(layer).__name__}"
                raise TypeError(msg)
        self.input_grad_norms: list[float] = []
        self.output_grad_norms: list[float] = []
        self.param_grad_norms: list[float] = []

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        n = len(self.layers)
        self.input_grad_norms = [0.0] * n
        self.output_grad_norms = [0.0] * n
        self.param_grad_norms = [0.0] * n
        for i in reversed(range(n)):
            layer = self.layers[i]
            self.output_grad_norms[i] = float(np.linalg.norm(grad))
            grad = layer.backward(grad)
            self.input_grad_norms[i] = float(np.linalg.norm(grad))
            squares = sum(float(np.sum(g**2)) for g in layer.grads.values())
            self.param_grad_norms[i] = float(np.sqrt(squares))
        return grad

    def parameters(self) -> list[np.ndarray]:
        """Every layer's parameter arrays, in a fixed order (updated in place by optimisers)."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list[np.ndarray]:
        """The gradients matching :meth:`parameters`, from the last backward pass."""
        return [layer.grads[name] for layer in self.layers for name in layer.params]
