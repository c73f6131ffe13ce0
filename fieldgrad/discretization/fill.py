"""Values on an axis or a pole: the limit from both sides.

Quantities such as ``(1/r) df/dtheta`` are 0/0 on r = 0.  Across the axis the
quantity continues smoothly (with the component's sign), so its value on the
axis is the interpolant through the neighbours on both sides, accurate to
beyond the operator's order.  A *fill plan* lists, for each such point, the
taps of that interpolant (source index, the mirror it is seen through,
weight); :func:`apply_fill` applies a plan to numpy or dask arrays, whole or
in slabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..grids.base import Grid, Mirror
from .cache import per_grid
from .mirrors import see_through
from .stencils import axis_extension, axis_points, fornberg_weights

__all__ = ["FillStep", "apply_fill", "fill_axis_points", "fill_plan", "fill_rows"]


@dataclass(frozen=True)
class FillStep:
    """Fill the value at ``index`` along ``axis`` (on an axis or pole) from ``taps``:
    ``(source index, mirror or None, weight)``.

    Examples
    --------
    >>> from fieldgrad.discretization import FillStep
    >>> FillStep(axis=0, index=0, taps=((1, None, 0.5), (2, None, 0.5))).index
    0
    """

    axis: int
    index: int
    taps: tuple[tuple[int, Mirror | None, float], ...]


@per_grid
def fill_plan(grid: Grid, order: int) -> tuple[FillStep, ...]:
    """The fill steps of every point on an axis or pole, last grid axis first.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import fill_plan
    >>> grid = fg.PolarGrid.from_coords({"r": np.linspace(0, 1, 5),
    ...                                  "theta": np.linspace(0, 2 * np.pi, 8, endpoint=False)})
    >>> [(step.axis, step.index, len(step.taps)) for step in fill_plan(grid, 2)]
    [(0, 0, 4)]
    """
    steps = []
    width = order // 2 + 1
    for axis in reversed(range(grid.ndim)):
        for index, mirror in axis_points(grid, axis):
            ext = axis_extension(grid, axis, width)
            centre = index + ext.lo
            keep = [k for k in range(ext.coords.size) if k != centre]
            keep = sorted(keep, key=lambda k: abs(ext.coords[k] - mirror.at))[: 2 * width]
            weights = fornberg_weights(mirror.at, ext.coords[keep], 0)
            taps = tuple(
                (int(ext.sources[k]), ext.mirrors[k], float(w))
                for k, w in zip(keep, weights, strict=True)
            )
            steps.append(FillStep(axis, index, taps))
    return tuple(steps)


def fill_rows(step: FillStep) -> tuple[int, int]:
    """The range of indices along ``step.axis`` that ``step`` reads and writes.

    Examples
    --------
    >>> from fieldgrad.discretization import FillStep, fill_rows
    >>> fill_rows(FillStep(axis=0, index=0, taps=((1, None, 0.5), (2, None, 0.5))))
    (0, 3)
    """
    idx = [step.index] + [src for src, _, _ in step.taps]
    return (min(idx), max(idx) + 1)


def apply_fill(
    data: Any,
    grid: Grid,
    steps: tuple[FillStep, ...],
    *,
    component: int | None = None,
    offset: int = 0,
    lead: int = 0,
) -> Any:
    """Apply fill steps to ``data`` in place (numpy) or lazily (dask), return it.

    ``data`` holds the grid's axes after ``lead`` leading axes, or along the
    steps' axis only the indices from ``offset`` on (a slab); ``component``
    is the vector component it holds.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import apply_fill, fill_plan
    >>> grid = fg.PolarGrid.from_coords({"r": np.linspace(0, 1, 5),
    ...                                  "theta": np.linspace(0, 2 * np.pi, 8, endpoint=False)})
    >>> x = grid.to_cartesian()[0] + 2.0
    >>> data = np.where(grid.mesh()[0] == 0, np.nan, x)        # unknown on the axis
    >>> bool(np.allclose(apply_fill(data, grid, fill_plan(grid, 2))[0], 2.0))
    True
    """
    for step in steps:
        before = (slice(None),) * (lead + step.axis)
        total: Any = None
        for src, mirror, weight in step.taps:
            row = data[before + (src - offset,)]
            if mirror is not None:
                row = see_through(
                    row, mirror, grid.shape, component=component, lead=lead, dropped=step.axis
                )
            term = weight * row
            total = term if total is None else total + term
        data[before + (step.index - offset,)] = total
    return data


def fill_axis_points(data: Any, grid: Grid, order: int, component: int | None = None) -> Any:
    """Replace values on an axis or pole by their limit from both sides (in place).

    Leading axes of ``data`` beyond the grid's are carried along.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.discretization import fill_axis_points
    >>> grid = fg.PolarGrid.from_coords({"r": np.linspace(0, 1, 5),
    ...                                  "theta": np.linspace(0, 2 * np.pi, 8, endpoint=False)})
    >>> data = np.where(grid.mesh()[0] == 0, np.inf, grid.mesh()[0] ** 2 + 1.0)
    >>> bool(np.allclose(fill_axis_points(data, grid, 2)[0], 1.0))
    True
    """
    return apply_fill(
        data, grid, fill_plan(grid, order), component=component, lead=data.ndim - grid.ndim
    )
