"""The engine interface and registry.

The operators say *what* to compute; an engine says *how*.  An engine is an
object with the four methods of :class:`Engine`; engines register themselves
by name with :func:`register_engine` and :func:`select_engine` picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from ..grids.base import Grid

__all__ = ["Engine", "register_engine", "select_engine", "deliver", "ENGINES"]


class Engine(Protocol):
    """What every engine computes, given a grid and arrays of its shape.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.engines import ENGINES
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(5,))
    >>> x = grid.coords["x"]
    >>> [bool(np.allclose(ENGINES[name].gradient(grid, 3 * x, order=2)[0], 3.0))
    ...  for name in ("numpy", "numba")]
    [True, True]
    """

    name: str

    def gradient(self, grid: Grid, data: Any, *, order: int, out: Any = None) -> Any:
        """Orthonormal gradient components (written into ``out`` if given)."""

    def gradient_norm(
        self, grid: Grid, data: Any, *, order: int, ord: float, out: Any = None
    ) -> Any:
        """Norm of the gradient components (ord 1, 2 or inf)."""

    def divergence(
        self, grid: Grid, components: Sequence[Any], *, order: int, out: Any = None
    ) -> Any:
        """Divergence of a vector field given by orthonormal components."""

    def laplacian(self, grid: Grid, data: Any, *, order: int, out: Any = None) -> Any:
        """Laplace-Beltrami operator of a scalar."""

    def curl(self, grid: Grid, components: Sequence[Any], *, order: int, out: Any = None) -> Any:
        """Curl of orthonormal components: 2-D scalar, 3-D vector (stacked)."""


#: Registered engines by name.
ENGINES: dict[str, Engine] = {}
#: Functions deciding whether an engine should handle ``data`` automatically,
#: tried in registration order (most specific first).
_AUTO: list[tuple[str, Callable[[Any], bool]]] = []


def register_engine(engine: Engine, *, auto: Callable[[Any], bool] | None = None) -> Engine:
    """Register an engine; ``auto(data)`` says when it is chosen automatically.

    Engines registered later are asked first.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.engines import ENGINES, register_engine, select_engine
    >>> from fieldgrad.engines.numpy_engine import NumpyEngine
    >>> class Loud(NumpyEngine):
    ...     name = "loud"
    >>> engine = register_engine(Loud())
    >>> select_engine("loud", np.zeros(3)) is engine
    True
    >>> del ENGINES["loud"]
    """
    ENGINES[engine.name] = engine
    if auto is not None:
        _AUTO.insert(0, (engine.name, auto))
    return engine


def select_engine(engine: str | None, data: Any) -> Engine:
    """The engine to use: the one named, or the first whose ``auto`` accepts ``data``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.engines import select_engine
    >>> select_engine("numpy", np.zeros(3)).name
    'numpy'
    """
    if engine is not None:
        if engine not in ENGINES:
            msg = f"engine must be one of {sorted(ENGINES)}, got {engine!r}"
            raise ValueError(msg)
        return ENGINES[engine]
    for name, accepts in _AUTO:
        if accepts(data):
            return ENGINES[name]
    return ENGINES["numpy"]


def is_numpy(data: Any) -> bool:
    """Whether ``data`` is an in-memory numpy array."""
    return isinstance(data, np.ndarray)


def deliver(result: Any, out: np.ndarray | None) -> Any:
    """``result``, or ``out`` holding it (numpy or dask ``result``; ``out`` already checked).

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.engines.base import deliver
    >>> buf = np.zeros(3)
    >>> deliver(np.arange(3.0), buf) is buf, buf.tolist()
    (True, [0.0, 1.0, 2.0])
    """
    if out is None or result is out:
        return result
    if isinstance(result, np.ndarray):
        np.copyto(out, result)
    else:
        import dask.array as da

        da.store(result, out, lock=False)
    return out
