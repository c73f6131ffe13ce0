"""Values seen through a mirror: the far side of an axis (r = 0) or a pole.

Beyond an axis or a pole a grid continues into itself (see
:class:`~fieldgrad.grids.base.Mirror`): the point beyond the edge is an
interior point with some axes rolled by half their period and some reversed,
and vector components may change sign.  :func:`see_through` applies that map
to a block of values; it is the one place that does it, for numpy and dask
arrays alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..grids.base import Mirror

__all__ = ["mirror_index", "see_through"]


def see_through(
    values: Any,
    mirror: Mirror,
    shape: Sequence[int],
    *,
    component: int | None = None,
    lead: int = 0,
    dropped: int | None = None,
) -> Any:
    """``values`` as seen through ``mirror``: shifted, flipped and signed.

    Parameters
    ----------
    values : numpy or dask array
        A block of grid values.
    mirror : Mirror
        The axis or pole the values are seen through.
    shape : sequence of int
        The grid's shape (the roll is by half the period of a shifted axis).
    component : int or None, keyword-only
        The orthonormal vector component the values hold (its sign follows
        ``mirror.signs``); None for a scalar.
    lead : int, keyword-only
        Number of leading array axes before the grid's axes.
    dropped : int or None, keyword-only
        A grid axis that ``values`` no longer has (a slice at one index).

    Examples
    --------
    Across r = 0 of a polar grid the angle moves on by half a turn and both
    components change sign:

    >>> import numpy as np
    >>> from fieldgrad.grids import Mirror
    >>> from fieldgrad.discretization import see_through
    >>> mirror = Mirror(at=0.0, shift=(1,), signs=(-1.0, -1.0))
    >>> see_through(np.arange(4.0), mirror, (3, 4), component=0, dropped=0).tolist()
    [-2.0, -3.0, -0.0, -1.0]
    """

    def position(axis: int) -> int:
        return axis + lead - (dropped is not None and axis > dropped)

    out = values
    for s in mirror.shift:
        out = np.roll(out, shape[s] // 2, axis=position(s))
    for f in mirror.flip:
        out = np.flip(out, axis=position(f))
    if component is not None and mirror.signs[component] < 0:
        out = -out
    return out


def mirror_index(mirror: Mirror, shape: Sequence[int], axis: int) -> np.ndarray:
    """Where each index along ``axis`` comes from when seen through ``mirror``.

    The index form of :func:`see_through`: ``values`` seen through the mirror
    are ``values[mirror_index(...)]`` along that axis.

    Examples
    --------
    >>> from fieldgrad.grids import Mirror
    >>> from fieldgrad.discretization import mirror_index
    >>> mirror_index(Mirror(at=0.0, shift=(1,)), (3, 4), 1).tolist()
    [2, 3, 0, 1]
    """
    index = np.arange(shape[axis]).reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return np.asarray(see_through(index, mirror, shape)).ravel()
