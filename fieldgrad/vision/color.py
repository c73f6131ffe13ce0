"""Colour to luminance conversion and coercion of images to 2-D float arrays."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["REC601_WEIGHTS", "REC709_WEIGHTS", "LUMA_WEIGHTS", "to_luminance"]

#: Luma weights of ITU-R BT.709 (HDTV, sRGB primaries) for R, G, B.
REC709_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])
#: Luma weights of ITU-R BT.601 (SDTV, JPEG) for R, G, B.
REC601_WEIGHTS = np.array([0.299, 0.587, 0.114])
#: Weight sets by name, as accepted by :func:`to_luminance`.
LUMA_WEIGHTS = {"rec709": REC709_WEIGHTS, "rec601": REC601_WEIGHTS}


def to_luminance(image: Any, *, weights: str = "rec709") -> np.ndarray:
    """Return a 2-D float image: grey images as they are, colour images as luminance.

    Parameters
    ----------
    image : array_like
        A grey image of shape ``(H, W)`` or a colour image of shape
        ``(H, W, 3)`` (RGB) or ``(H, W, 4)`` (RGBA; the alpha channel is
        ignored). Integer images are cast to float without rescaling.
    weights : {"rec709", "rec601"}, keyword-only
        Which luma weights combine R, G and B (:data:`REC709_WEIGHTS` or
        :data:`REC601_WEIGHTS`).

    Returns
    -------
    numpy.ndarray
        Float64 array of shape ``(H, W)``.

    Raises
    ------
    TypeError
        If the image is not numeric.
    ValueError
        If the image is neither 2-D nor ``(H, W, 3|4)``, or `weights` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import to_luminance
    >>> rgb = np.zeros((2, 2, 3))
    >>> rgb[..., 1] = 1.0                       # pure green
    >>> to_luminance(rgb)[0, 0]
    np.float64(0.7152)
    >>> to_luminance(rgb, weights="rec601")[0, 0]
    np.float64(0.587)
    """
    if weights not in LUMA_WEIGHTS:
        msg = f"weights must be one of {sorted(LUMA_WEIGHTS)}, got {weights!r}"
        raise ValueError(msg)
    arr = np.asarray(image)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        msg = f"image must be a numeric array, got dtype {arr.dtype!r}"
        raise TypeError(msg)
    if np.iscomplexobj(arr):
        msg = f"image must be real, got dtype {arr.dtype!r}"
        raise TypeError(msg)
    if arr.ndim == 2:
        return arr.astype(np.float64)
    if arr.ndim == 3 and arr.shape[-1] in (3, 4):
        return arr[..., :3].astype(np.float64) @ LUMA_WEIGHTS[weights]
    msg = f"image must be 2-D (H, W) or colour (H, W, 3|4), got shape {arr.shape!r}"
    raise ValueError(msg)
