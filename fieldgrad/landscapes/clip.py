"""Gradient clipping: cap the norm of one gradient or of a whole set of them.

Clipping rescales, it never rotates: the clipped gradient points in the same
direction as the original, only its norm is capped.  A non-finite norm (an
overflowed or NaN gradient) has no direction to keep, so it is handled by an
explicit policy instead of silently producing NaN updates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..discretization import check_ord

__all__ = ["NONFINITE_POLICIES", "array_norm", "clip_by_global_norm", "clip_by_norm"]

#: What to do when a gradient norm is inf or NaN.
NONFINITE_POLICIES = ("raise", "zero", "pass")
NonFinite = Literal["raise", "zero", "pass"]


def _check_max_norm(max_norm: float) -> float:
    value = float(max_norm)
    if not value > 0:  # also rejects NaN
        msg = f"max_norm must be > 0, got {max_norm!r}"
        raise ValueError(msg)
    return value


def _check_policy(nonfinite: str) -> None:
    if nonfinite not in NONFINITE_POLICIES:
        msg = f"nonfinite must be one of {NONFINITE_POLICIES}, got {nonfinite!r}"
        raise ValueError(msg)


def array_norm(g: ArrayLike, ord: float = 2) -> float:
    """One norm of a whole gradient array, taken over all of its entries, without overflow.

    (``fieldgrad.vector_norm`` is the pointwise norm of a vector *field*; this
    is one number for an array of any shape.)

    The entries are divided by the largest magnitude before squaring, so a
    gradient with entries near 1e200 has a finite 2-norm when the norm itself
    is representable.

    Parameters
    ----------
    g : array_like
        Gradient of any shape; it is treated as one flat vector.
    ord : {1, 2, inf}
        Norm order.

    Returns
    -------
    float
        The norm; ``inf`` or ``nan`` when an entry is.

    Examples
    --------
    >>> from fieldgrad.landscapes import array_norm
    >>> g = [3.0, -4.0]
    >>> array_norm(g), array_norm(g, 1), array_norm(g, float("inf"))
    (5.0, 7.0, 4.0)
    >>> array_norm([3e200, 4e200]) / 1e200   # np.sqrt(g @ g) would overflow to inf
    5.0
    """
    ord = check_ord(ord)
    flat = np.abs(np.asarray(g, dtype=float)).ravel()
    if flat.size == 0:
        return 0.0
    largest = flat.max()
    if not np.isfinite(largest):
        return float(largest)  # inf, or nan when an entry is nan
    if ord == np.inf:
        return float(largest)
    if ord == 1:
        return float(flat.sum())
    if largest == 0:
        return 0.0
    scaled = flat / largest
    return float(largest * np.sqrt(scaled @ scaled))


def _nonfinite(norm: float, nonfinite: str, what: str) -> None:
    if nonfinite == "raise":
        msg = f"{what} must be finite to be clipped, got norm {norm!r}"
        raise ValueError(msg)


def clip_by_norm(
    g: ArrayLike, max_norm: float, ord: float = 2, *, nonfinite: NonFinite = "raise"
) -> NDArray:
    """Rescale `g` so that its norm is at most `max_norm`.

    ``g * min(1, max_norm / |g|)``: the direction is kept, the norm is capped,
    and a gradient already within the cap is returned unchanged (as a new
    float array).

    Parameters
    ----------
    g : array_like
        Gradient of any shape (the norm is taken over all entries).
    max_norm : float
        The cap, > 0.
    ord : {1, 2, inf}
        Norm in which the cap is measured.
    nonfinite : {"raise", "zero", "pass"}, keyword-only
        Policy when ``|g|`` is inf or NaN: raise ``ValueError``, return zeros
        (skip this update), or return `g` unchanged.

    Returns
    -------
    ndarray
        The clipped gradient, same shape as `g`.

    Examples
    --------
    >>> from fieldgrad.landscapes import clip_by_norm
    >>> clip_by_norm([3.0, 4.0], 1.0).round(12).tolist()
    [0.6, 0.8]
    >>> clip_by_norm([0.3, 0.4], 1.0).tolist()
    [0.3, 0.4]
    >>> clip_by_norm([1.0, float("nan")], 1.0, nonfinite="zero").tolist()
    [0.0, 0.0]
    """
    _check_policy(nonfinite)
    max_norm = _check_max_norm(max_norm)
    g = np.array(g, dtype=float)
    norm = array_norm(g, ord)
    if not np.isfinite(norm):
        _nonfinite(norm, nonfinite, "g")
        return np.zeros_like(g) if nonfinite == "zero" else g
    if norm > max_norm:
        g *= max_norm / norm
    return g


def clip_by_global_norm(
    arrays: Sequence[ArrayLike], max_norm: float, *, nonfinite: NonFinite = "raise"
) -> tuple[list[NDArray], float]:
    """Rescale a set of gradients together so that their joint 2-norm is capped.

    The global norm is the 2-norm of all entries of all arrays, as if they
    were concatenated into one vector (for instance the gradients of every
    layer of a network).  Every array is multiplied by the same factor
    ``min(1, max_norm / global_norm)``, so the direction of the joint update
    is kept.

    Parameters
    ----------
    arrays : sequence of array_like
        The gradients, of any shapes.
    max_norm : float
        The cap, > 0.
    nonfinite : {"raise", "zero", "pass"}, keyword-only
        Policy when the global norm is inf or NaN: raise ``ValueError``,
        return zeros for every array, or return the arrays unchanged.

    Returns
    -------
    clipped : list of ndarray
        The rescaled arrays, in order.
    global_norm : float
        The global norm *before* clipping (inf or NaN when an entry is).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.landscapes import clip_by_global_norm
    >>> clipped, norm = clip_by_global_norm([np.array([3.0]), np.array([[4.0]])], 1.0)
    >>> norm
    5.0
    >>> [c.round(12).tolist() for c in clipped]
    [[0.6], [[0.8]]]
    """
    _check_policy(nonfinite)
    max_norm = _check_max_norm(max_norm)
    grads = [np.array(a, dtype=float) for a in arrays]
    norms = np.array([array_norm(a) for a in grads])
    if norms.size == 0:
        return grads, 0.0
    global_norm = array_norm(norms)
    if not np.isfinite(global_norm):
        _nonfinite(global_norm, nonfinite, "every array")
        if nonfinite == "zero":
            grads = [np.zeros_like(a) for a in grads]
        return grads, global_norm
    if global_norm > max_norm:
        factor = max_norm / global_norm
        for a in grads:
            a *= factor
    return grads, global_norm
