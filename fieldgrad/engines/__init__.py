"""Engines: how a stencil is executed (numpy reference, numba fused, dask chunked)."""

from .base import ENGINES, Engine, register_engine, select_engine
from .dask_engine import DaskEngine
from .numba_engine import NumbaEngine
from .numpy import NumpyEngine, component_norm

__all__ = [
    "DaskEngine",
    "ENGINES",
    "Engine",
    "NumbaEngine",
    "NumpyEngine",
    "component_norm",
    "register_engine",
    "select_engine",
]
