"""Canny edge detection: smoothing, gradient, non-maximum suppression, hysteresis."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage

from fieldgrad.vision.gradients import _as_image, _gradient_arrays
from fieldgrad.vision.thresholds import hysteresis_threshold, otsu_threshold

__all__ = ["LOW_TO_HIGH", "auto_thresholds", "edges", "non_maximum_suppression"]

#: Ratio of the weak to the strong threshold when the weak one is not given.
LOW_TO_HIGH = 0.5


def non_maximum_suppression(
    magnitude: np.ndarray, direction: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Thin a gradient-norm image to the ridge of local maxima along the gradient.

    A pixel survives when its norm is positive, at least that of the points
    behind it along the gradient and larger than that of the points ahead (the
    asymmetry breaks ties, so an edge between two equally strong pixels stays
    one pixel wide). The points are one step and half a step away, a step
    reaching the ring of the 3 x 3 neighbourhood; their values are bilinear
    interpolations. The half step keeps diagonal edges from splitting into
    two parallel staircases.

    Parameters
    ----------
    magnitude : numpy.ndarray
        Gradient norm, shape ``(H, W)``.
    direction : tuple of numpy.ndarray
        Components ``(along axis 0, along axis 1)`` of the gradient direction
        in pixel (index) coordinates; only the direction matters.

    Returns
    -------
    numpy.ndarray
        `magnitude` where it is a local maximum, 0 elsewhere.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import non_maximum_suppression
    >>> m = np.tile([0.0, 1.0, 3.0, 1.0, 0.0], (3, 1))
    >>> non_maximum_suppression(m, (np.zeros_like(m), np.ones_like(m)))[1]
    array([0., 0., 3., 0., 0.])
    """
    uy, ux = (np.asarray(c, dtype=float) for c in direction)
    step = np.maximum(np.abs(uy), np.abs(ux))
    nonzero = step > 0
    uy = np.divide(uy, step, out=np.zeros_like(uy), where=nonzero)
    ux = np.divide(ux, step, out=np.zeros_like(ux), where=nonzero)
    rows, cols = np.indices(magnitude.shape, dtype=float)
    keep = nonzero & (magnitude > 0)
    for fraction in (1.0, 0.5):
        dy, dx = fraction * uy, fraction * ux
        ahead = ndimage.map_coordinates(magnitude, [rows + dy, cols + dx], order=1, mode="constant")
        behind = ndimage.map_coordinates(
            magnitude, [rows - dy, cols - dx], order=1, mode="constant"
        )
        keep &= (magnitude >= behind) & (magnitude > ahead)
    return np.where(keep, magnitude, 0.0)


def auto_thresholds(candidates: np.ndarray) -> tuple[float, float]:
    """Choose ``(low, high)`` from the distribution of candidate edge strengths.

    ``high`` is Otsu's threshold of the positive values (it separates texture
    and noise from edges); ``low = LOW_TO_HIGH * high``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import auto_thresholds
    >>> low, high = auto_thresholds(np.r_[np.full(90, 0.1), np.full(10, 2.0)])
    >>> 0.1 < high <= 2.0 and low == high / 2
    True
    """
    values = np.asarray(candidates, dtype=float)
    values = values[values > 0]
    if values.size == 0:
        return 0.0, 0.0
    high = otsu_threshold(values)
    return LOW_TO_HIGH * high, high


def _resolve_thresholds(
    low: float | None, high: float | None, candidates: np.ndarray
) -> tuple[float, float]:
    for name, value in (("low", low), ("high", high)):
        if value is not None and not (np.isfinite(value) and value >= 0):
            msg = f"{name} must be a finite number >= 0 or None, got {value!r}"
            raise ValueError(msg)
    if low is not None and high is not None and low > high:
        msg = f"low must be <= high, got low={low!r}, high={high!r}"
        raise ValueError(msg)
    if high is None:
        high = auto_thresholds(candidates)[1]
        if low is not None:
            high = max(high, low)
    if low is None:
        low = LOW_TO_HIGH * high
    return float(low), float(high)


def edges(
    image: Any, *, sigma: float = 1.0, low: float | None = None, high: float | None = None
) -> np.ndarray:
    """Return the Canny edge map of an image as a boolean array.

    The pipeline: Gaussian smoothing (`sigma` pixels), Sobel gradient norm and
    direction, non-maximum suppression along the gradient
    (:func:`non_maximum_suppression`), and hysteresis
    (:func:`hysteresis_threshold`): pixels whose norm reaches `high` start an
    edge, connected pixels down to `low` continue it.

    Parameters
    ----------
    image : array_like or ScalarField
        A 2-D array, a colour image ``(H, W, 3|4)`` (converted to Rec. 709
        luminance) or a :class:`~fieldgrad.ScalarField` on a 2-D uniform
        :class:`~fieldgrad.CartesianGrid`; the gradient norm, and so the
        thresholds, are then per unit of the grid coordinates.
    sigma : float, keyword-only
        Standard deviation of the Gaussian smoothing, in pixels (>= 0).
    low, high : float or None, keyword-only
        Hysteresis thresholds on the gradient norm. When `high` is None it is
        Otsu's threshold of the norms that survive non-maximum suppression
        (:func:`auto_thresholds`); when `low` is None it is
        ``LOW_TO_HIGH * high``.

    Returns
    -------
    numpy.ndarray of bool
        True on edge pixels, shape ``(H, W)``.

    Raises
    ------
    ValueError
        For ``sigma < 0``, negative thresholds, ``low > high`` or an image
        that is neither 2-D nor ``(H, W, 3|4)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import edges
    >>> image = np.zeros((8, 8))
    >>> image[:, 4:] = 1.0
    >>> edges(image).sum(axis=0)
    array([0, 0, 0, 0, 8, 0, 0, 0])
    """
    if not np.isfinite(sigma) or sigma < 0:
        msg = f"sigma must be a finite number >= 0, got {sigma!r}"
        raise ValueError(msg)
    data, spacing, modes, _ = _as_image(image)
    gy, gx = _gradient_arrays(data, spacing, modes, method="sobel", sigma=sigma)
    magnitude = np.hypot(gy, gx)
    # The physical gradient (gy, gx) points along (gy / dy, gx / dx) in pixel coordinates.
    thin = non_maximum_suppression(magnitude, (gy / spacing[0], gx / spacing[1]))
    low, high = _resolve_thresholds(low, high, thin)
    return hysteresis_threshold(thin, low, high)
