"""Tables cached per grid: built once, dropped with the grid.

Stencil tables are costly to build and a grid is immutable, so each table is
kept for as long as its grid lives.  Equal grids share their tables; the cache
holds grids weakly, so a grid that is no longer used frees its tables too.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from ..grids.base import Grid

__all__ = ["per_grid"]

T = TypeVar("T")


def per_grid(func: Callable[..., T]) -> Callable[..., T]:
    """Cache ``func(grid, *args)`` per grid (weakly) and per hashable ``args``.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import per_grid
    >>> calls = []
    >>> @per_grid
    ... def table(grid, n):
    ...     calls.append(n)
    ...     return grid.shape[0] * n
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> table(grid, 2), table(grid, 2), len(calls)
    (8, 8, 1)
    >>> del grid
    >>> len(table.cache)   # the grid is gone, and its tables with it
    0
    """
    store: weakref.WeakKeyDictionary[Grid, dict[tuple, Any]] = weakref.WeakKeyDictionary()

    @functools.wraps(func)
    def cached(grid: Grid, *args: Any) -> T:
        tables = store.setdefault(grid, {})
        if args not in tables:
            tables[args] = func(grid, *args)
        return tables[args]

    cached.cache = store  # type: ignore[attr-defined]
    return cached
