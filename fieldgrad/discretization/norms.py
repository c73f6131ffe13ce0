"""Vector norms of orthonormal components: the one validation of ``ord`` and the norm."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["SUPPORTED_NORMS", "check_ord", "component_norm"]

#: Vector norms accepted by ``ord``.
SUPPORTED_NORMS = (1, 2, math.inf)


def check_ord(ord: Any) -> float:
    """Validate a vector norm: 1, 2 or inf (also the string ``"inf"``).

    Examples
    --------
    >>> from fieldgrad.discretization import check_ord
    >>> check_ord(2), check_ord("inf")
    (2.0, inf)
    >>> check_ord(3)
    Traceback (most recent call last):
    ...
    ValueError: ord must be one of 1, 2, inf, got 3
    """
    value = math.inf if isinstance(ord, str) and ord.strip().lower() == "inf" else ord
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        msg = f"ord must be one of 1, 2, inf, got {ord!r}"
        raise ValueError(msg)
    if value not in SUPPORTED_NORMS:
        msg = f"ord must be one of 1, 2, inf, got {ord!r}"
        raise ValueError(msg)
    return float(value)


def component_norm(components: Sequence[Any], ord: float) -> Any:
    """Norm over vector components: ord 1 (sum of ``|g_i|``), 2 or inf (largest ``|g_i|``).

    Works on numpy and dask arrays alike; complex components contribute
    their magnitudes (the norm is real).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.discretization import component_norm
    >>> [float(component_norm([np.array(3.0), np.array(-4.0)], o)) for o in (1, 2, np.inf)]
    [7.0, 5.0, 4.0]
    """
    if ord == 2:
        if np.iscomplexobj(components[0]):
            components = [abs(c) for c in components]
        total = components[0] * components[0]
        for c in components[1:]:
            total = total + c * c
        return np.sqrt(total)
    if ord == 1:
        total = abs(components[0])
        for c in components[1:]:
            total = total + abs(c)
        return total
    total = abs(components[0])
    for c in components[1:]:
        total = np.maximum(total, abs(c))
    return total
