"""Validation of scalar options shared across the package (radius, diffusivity, rates)."""

from __future__ import annotations

import math
from typing import Any


def _number(name: str, value: Any, expected: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        msg = f"{name} must be {expected}, got {value!r}"
        raise TypeError(msg) from None


def check_positive(name: str, value: Any) -> float:
    """``value`` as a float, which must be finite and > 0 (else a message naming ``name``)."""
    v = _number(name, value, "a positive number")
    if not (v > 0 and math.isfinite(v)):
        msg = f"{name} must be > 0, got {value!r}"
        raise ValueError(msg)
    return v


def check_nonnegative(name: str, value: Any) -> float:
    """``value`` as a float, which must be finite and >= 0 (else a message naming ``name``)."""
    v = _number(name, value, "a number >= 0")
    if not (v >= 0 and math.isfinite(v)):
        msg = f"{name} must be >= 0, got {value!r}"
        raise ValueError(msg)
    return v


def is_dask(data: Any) -> bool:
    """Whether ``data`` is a dask array (checked without importing dask)."""
    return type(data).__module__.startswith("dask.array") and hasattr(data, "chunks")


def check_out(out: Any, shape: tuple[int, ...], dtype: Any) -> Any:
    """``out`` if it is None or a writeable numpy array of ``shape`` and ``dtype``.

    The numpy convention for ``out=``: the result is written into ``out``;
    anything else gets an error naming ``out`` and what was expected.
    """
    if out is None:
        return None
    import numpy as np

    if not isinstance(out, np.ndarray):
        msg = f"out must be a numpy array or None, got {type(out).__name__}"
        raise TypeError(msg)
    if tuple(out.shape) != tuple(shape):
        msg = f"out must have shape {tuple(shape)}, got {tuple(out.shape)}"
        raise ValueError(msg)
    if out.dtype != np.dtype(dtype):
        msg = f"out must have dtype {np.dtype(dtype)}, got {out.dtype}"
        raise TypeError(msg)
    if not out.flags.writeable:
        msg = "out must be a writeable array, got a read-only one"
        raise ValueError(msg)
    return out
