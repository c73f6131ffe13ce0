"""Two-dimensional convolution (cross-correlation) with numpy stride tricks."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from fieldgrad.learning.layers import Layer, as_rng

__all__ = ["Conv2d"]


class Conv2d(Layer):
    """Cross-correlation of ``(N, C, H, W)`` inputs with ``(F, C, kh, kw)`` kernels, stride 1.

    ``y[n, f, i, j] = b[f] + sum_{c, p, q} x_pad[n, c, i + p, j + q] W[f, c, p, q]``,
    computed on views of the input (``sliding_window_view``) with
    :func:`numpy.einsum`. The backward pass correlates the padded output
    gradient with the flipped kernels.

    Parameters
    ----------
    in_channels, out_channels : int
        ``C`` and ``F``.
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    padding : int, keyword-only
        Zeros added on every side of both spatial axes (``(k - 1) // 2``
        keeps the size for odd kernels).
    gain : float, keyword-only
        Weights are drawn from N(0, gain^2 / (C kh kw)).
    rng : numpy.random.Generator, int or None, keyword-only
        Source of the initial weights.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.learning import Conv2d
    >>> conv = Conv2d(1, 4, 3, padding=1, rng=0)
    >>> y = conv.forward(np.ones((2, 1, 8, 8)))
    >>> y.shape, conv.backward(np.ones_like(y)).shape
    ((2, 4, 8, 8), (2, 1, 8, 8))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        *,
        padding: int = 0,
        gain: float = 1.0,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        kh, kw = (int(n) for n in kernel_size)
        if min(in_channels, out_channels, kh, kw) < 1 or padding < 0:
            msg = (
                "channels and kernel size must be >= 1 and padding >= 0, got "
                f"in={in_channels!r}, out={out_channels!r}, kernel={kernel_size!r}, "
                f"padding={padding!r}"
            )
            raise ValueError(msg)
        self.padding = int(padding)
        scale = gain / np.sqrt(in_channels * kh * kw)
        shape = (out_channels, in_channels, kh, kw)
        self.params["W"] = scale * as_rng(rng).standard_normal(shape)
        self.params["b"] = np.zeros(out_channels)

    def forward(self, x: np.ndarray) -> np.ndarray:
        F, C, kh, kw = self.params["W"].shape
        if x.ndim != 4 or x.shape[1] != C:
            msg = f"input must have shape (N, {C}, H, W), got {x.shape!r}"
            raise ValueError(msg)
        p = self.padding
        xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        if xp.shape[2] < kh or xp.shape[3] < kw:
            msg = f"padded input {xp.shape[2:]} is smaller than the kernel {(kh, kw)}"
            raise ValueError(msg)
        self._windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))
        y = np.einsum("nchwpq,fcpq->nfhw", self._windows, self.params["W"], optimize=True)
        return y + self.params["b"][:, None, None]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        W = self.params["W"]
        _, _, kh, kw = W.shape
        self.grads["W"] = np.einsum("nchwpq,nfhw->fcpq", self._windows, grad, optimize=True)
        self.grads["b"] = grad.sum(axis=(0, 2, 3))
        gp = np.pad(grad, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
        windows = sliding_window_view(gp, (kh, kw), axis=(2, 3))
        dxp = np.einsum("nfhwpq,fcpq->nchw", windows, W[:, :, ::-1, ::-1], optimize=True)
        p = self.padding
        return dxp[:, :, p : dxp.shape[2] - p, p : dxp.shape[3] - p]
