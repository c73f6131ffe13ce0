"""Thresholds for edge maps: Otsu's method and hysteresis by connected components."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

__all__ = ["EIGHT_CONNECTED", "hysteresis_threshold", "otsu_threshold"]

#: Structuring element of ``scipy.ndimage.label``: pixels touching by an edge or a corner connect.
EIGHT_CONNECTED = np.ones((3, 3), dtype=bool)


def otsu_threshold(values: np.ndarray, *, bins: int = 256) -> float:
    """Return Otsu's threshold: the split of `values` that maximises the between-class variance.

    Parameters
    ----------
    values : array_like
        Samples, e.g. the gradient norms of candidate edge pixels.
    bins : int, keyword-only
        Number of histogram bins between the smallest and largest value.

    Returns
    -------
    float
        The threshold (a bin edge); the smallest value if all values are equal.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import otsu_threshold
    >>> values = np.concatenate([np.full(100, 1.0), np.full(50, 5.0)])
    >>> 1.0 < otsu_threshold(values) < 5.0
    True
    """
    values = np.asarray(values, dtype=float).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        msg = f"values must contain at least one finite number, got {values.size} of them"
        raise ValueError(msg)
    lo, hi = float(values.min()), float(values.max())
    if hi <= lo:
        return lo
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    centres = 0.5 * (edges[:-1] + edges[1:])
    weight_low = np.cumsum(counts)[:-1]
    weight_high = values.size - weight_low
    cum_sum = np.cumsum(counts * centres)[:-1]
    mean_low = cum_sum / np.maximum(weight_low, 1)
    mean_high = (cum_sum[-1] + counts[-1] * centres[-1] - cum_sum) / np.maximum(weight_high, 1)
    between = weight_low * weight_high * (mean_low - mean_high) ** 2
    # Clusters separated by empty bins give a plateau of maxima: split in its middle.
    best = np.flatnonzero(between >= between.max() * (1 - 1e-12))
    return float(0.5 * (edges[1 + best[0]] + edges[1 + best[-1]]))


def hysteresis_threshold(magnitude: np.ndarray, low: float, high: float) -> np.ndarray:
    """Keep the pixels above `low` that are connected to a pixel above `high`.

    Connectivity is 8-neighbour (:data:`EIGHT_CONNECTED`), via
    :func:`scipy.ndimage.label`. Pixels equal to zero are never kept.

    Parameters
    ----------
    magnitude : numpy.ndarray
        Non-negative edge strength, zero where there is no candidate.
    low, high : float
        Weak and strong thresholds, ``0 <= low <= high``.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import hysteresis_threshold
    >>> m = np.array([[0.0, 0.3, 0.3, 0.9, 0.0, 0.3]])
    >>> hysteresis_threshold(m, 0.2, 0.8).astype(int)
    array([[0, 1, 1, 1, 0, 0]])
    """
    if not 0 <= low <= high:
        msg = f"thresholds must satisfy 0 <= low <= high, got low={low!r}, high={high!r}"
        raise ValueError(msg)
    weak = (magnitude >= low) & (magnitude > 0)
    strong = weak & (magnitude >= high)
    labels, count = ndimage.label(weak, structure=EIGHT_CONNECTED)
    keep = np.zeros(count + 1, dtype=bool)
    keep[labels[strong]] = True
    keep[0] = False
    return keep[labels]
