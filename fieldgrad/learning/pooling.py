"""Average and max pooling over non-overlapping k x k windows of the last two axes.

How much of the upstream gradient each pooling layer passes down is exact:
average pooling spreads each output's gradient evenly over k^2 inputs, so the
gradient norm shrinks by exactly 1/k; max pooling hands it to one input, so
the norm is kept.
"""

from __future__ import annotations

import numpy as np

from fieldgrad.learning.layers import Layer

__all__ = ["AvgPool2d", "MaxPool2d"]


class _Pool2d(Layer):
    def __init__(self, kernel_size: int) -> None:
        super().__init__()
        if int(kernel_size) != kernel_size or kernel_size < 1:
            msg = f"kernel_size must be an integer >= 1, got {kernel_size!r}"
            raise ValueError(msg)
        self.k = int(kernel_size)

    def _blocks(self, x: np.ndarray) -> np.ndarray:
        """View ``(..., H, W)`` as ``(..., H/k, W/k, k*k)``."""
        k = self.k
        if x.ndim < 2 or x.shape[-2] % k or x.shape[-1] % k:
            msg = f"input's last two axes must be multiples of {k}, got shape {x.shape!r}"
            raise ValueError(msg)
        *lead, H, W = x.shape
        blocks = x.reshape(*lead, H // k, k, W // k, k).swapaxes(-3, -2)
        return blocks.reshape(*lead, H // k, W // k, k * k)

    def _unblock(self, blocks: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`_blocks`."""
        k = self.k
        *lead, h, w, _ = blocks.shape
        return blocks.reshape(*lead, h, w, k, k).swapaxes(-3, -2).reshape(*lead, h * k, w * k)


class AvgPool2d(_Pool2d):
    """Mean over each k x k window; the backward pass gives each input 1/k^2 of the gradient.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import AvgPool2d
    >>> pool = AvgPool2d(2)
    >>> pool.forward(np.arange(16.0).reshape(4, 4))
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> float(np.linalg.norm(pool.backward(np.ones((2, 2)))))   # |g| / k = 2 / 2
    1.0
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self._blocks(x).mean(axis=-1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        share = np.broadcast_to(grad[..., None] / self.k**2, (*grad.shape, self.k**2))
        return self._unblock(share)


class MaxPool2d(_Pool2d):
    """Maximum over each k x k window; the backward pass routes the gradient to the arg-max.

    On ties the first maximum (in row-major order within the window) wins.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import MaxPool2d
    >>> pool = MaxPool2d(2)
    >>> pool.forward(np.arange(16.0).reshape(4, 4))
    array([[ 5.,  7.],
           [13., 15.]])
    >>> pool.backward(np.ones((2, 2)))[:2]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        blocks = self._blocks(x)
        self._argmax = blocks.argmax(axis=-1)
        return np.take_along_axis(blocks, self._argmax[..., None], axis=-1)[..., 0]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        routed = np.zeros((*grad.shape, self.k**2))
        np.put_along_axis(routed, self._argmax[..., None], grad[..., None], axis=-1)
        return self._unblock(routed)
