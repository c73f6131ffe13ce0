"""Engines: how a stencil is executed (numpy reference, numba fused, dask chunked)."""

from .base import ENGINES, Engine, register_engine, select_engine
from .dask_engine import DaskEngine
from .numba_engine import NumbaEngine
from .numpy_engine import NumpyEngine

__all__ = [
    "DaskEngine",
    "ENGINES",
    "Engine",
    "NumbaEngine",
    "NumpyEngine",
    "register_engine",
    "select_engine",
]
