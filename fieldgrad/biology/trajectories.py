"""Trajectories of agents stepped in time, as an ``xarray.Dataset``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .agents import ChemotaxisAgents

__all__ = ["trajectories"]


def trajectories(agents: ChemotaxisAgents, steps: int, dt: float, *, progress: bool = True) -> Any:
    """Step ``agents`` ``steps`` times by ``dt``; the positions, the field at them
    and who is active at every step (see :meth:`ChemotaxisAgents.run`).

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology import ChemotaxisAgents
    >>> from fieldgrad.biology.trajectories import trajectories
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    >>> c = fg.ScalarField.from_function(grid, lambda x, y: x)
    >>> agents = ChemotaxisAgents(c, [[0.1, 0.5]], 0.1)
    >>> trajectories(agents, 4, 0.5, progress=False)["position"].values[:, 0, 0]
    array([0.1 , 0.15, 0.2 , 0.25, 0.3 ])
    """
    import xarray as xr

    if int(steps) != steps or steps < 0:
        msg = f"steps must be a non-negative integer, got {steps!r}"
        raise ValueError(msg)
    steps = int(steps)
    positions = np.empty((steps + 1, agents.n, agents.grid.ndim))
    conc = np.empty((steps + 1, agents.n))
    active = np.empty((steps + 1, agents.n), dtype=bool)
    report = max(steps // 10, 1)
    for k in range(steps + 1):
        if k:
            agents.advance(dt)
        positions[k] = agents.positions
        conc[k] = agents.concentration(positions[k])
        active[k] = agents.active
        if progress and k and (k % report == 0 or k == steps):
            print(f"\rChemotaxisAgents.run: step {k}/{steps}", end="", file=sys.stderr)
    if progress and steps:
        print(file=sys.stderr)
    return xr.Dataset(
        {
            "position": (("time", "agent", "coordinate"), positions),
            "concentration": (("time", "agent"), conc),
            "active": (("time", "agent"), active),
        },
        coords={
            "time": np.arange(steps + 1) * float(dt),
            "agent": np.arange(agents.n),
            "coordinate": list(agents.grid.axes),
        },
        attrs={
            "sensitivity": agents.sensitivity,
            "saturation": agents.saturation,
            "motility": agents.motility,
            "grid": repr(agents.grid),
        },
    )
