"""Agents and an evolving field, stepped together by operator splitting."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import pde
from .._checks import check_positive
from ..fields import ScalarField
from .agents import ChemotaxisAgents
from .diffusion import Diffusion

__all__ = ["Coupled", "couple", "SPLITTINGS"]

#: Operator splittings of :func:`couple` (P: the equation, E: the agents'
#: secretion and uptake, M: the agents move in the current field).
SPLITTINGS = {
    "strang": "E(dt/2) P(dt/2) M(dt) P(dt/2) E(dt/2), second order",
    "lie": "E(dt) P(dt) M(dt), first order",
}


class Coupled:
    """The result of :func:`couple`: the final state and the recorded run.

    Attributes
    ----------
    final : ScalarField or dict of ScalarField
        The equation's state at ``t_end`` (the type of the initial state).
    times : ndarray
        The recorded times (0 and every ``save_every``, ``t_end`` last).
    secreted, taken : ndarray
        Total amounts the agents released and took up, from 0 to each
        recorded time.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.biology import ChemotaxisAgents, couple
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    >>> c = fg.ScalarField(grid, np.zeros(grid.shape), name="c")
    >>> cells = ChemotaxisAgents(c, [[0.5, 0.5]], 0.0, secretion=1.0)
    >>> run = couple(cells, pde.Diffusion(0.01), c, t_end=1.0, dt=0.25)
    >>> float(run.secreted[-1]), round(float((run.final.data * grid.cell_volumes()).sum()), 10)
    (1.0, 1.0)
    """

    def __init__(
        self, final: Any, names: tuple[str, ...], grid: Any, agents: list[ChemotaxisAgents]
    ) -> None:
        self.final = final
        self._names, self._grid, self._agents = names, grid, agents
        self.times: np.ndarray = np.zeros(0)
        self.secreted: np.ndarray = np.zeros(0)
        self.taken: np.ndarray = np.zeros(0)
        self._fields: list[list[np.ndarray]] = []
        self._positions: list[list[np.ndarray]] = []
        self._active: list[list[np.ndarray]] = []

    def _record(self, t: float, state: dict[str, ScalarField], secreted: float, taken: float):
        self.times = np.append(self.times, t)
        self.secreted = np.append(self.secreted, secreted)
        self.taken = np.append(self.taken, taken)
        self._fields.append([np.array(state[k].data, dtype=float) for k in self._names])
        self._positions.append([a.positions for a in self._agents])
        self._active.append([a.active.copy() for a in self._agents])

    def to_xarray(self) -> Any:
        """One ``xarray.Dataset``: the fields ``(time, *axes)``, the agents' ``position``
        ``(time, agent, coordinate)`` and ``active``, and ``secreted`` and ``taken``.

        With several populations the second one's are ``position_1`` and
        ``active_1`` over the dimension ``agent_1``, and so on.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> from fieldgrad.biology import ChemotaxisAgents, couple
        >>> disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
        >>> c = fg.ScalarField(disk, np.ones(disk.shape), name="c")
        >>> cells = ChemotaxisAgents(c, [[0.0, 0.0], [0.5, 1.0]], 0.0, uptake=0.1)
        >>> ds = couple(cells, pde.Diffusion(0.1), c, 0.2, 0.05, save_every=0.1).to_xarray()
        >>> ds["c"].dims, ds["position"].dims, ds.sizes["time"]
        (('time', 'r', 'theta'), ('time', 'agent', 'coordinate'), 3)
        """
        import xarray as xr

        grid = self._grid
        variables = {}
        for i, name in enumerate(self._names):
            template = ScalarField(grid, self._fields[0][i], name=name).to_xarray()
            variables[name] = xr.DataArray(
                np.stack([f[i] for f in self._fields]),
                dims=("time", *grid.axes),
                coords={"time": self.times, **template.coords},
                attrs=template.attrs,
            )
        coords: dict[str, Any] = {"time": self.times, "coordinate": list(grid.axes)}
        for p in range(len(self._agents)):
            tail = f"_{p}" if p else ""
            variables[f"position{tail}"] = xr.DataArray(
                np.stack([x[p] for x in self._positions]),
                dims=("time", f"agent{tail}", "coordinate"),
            )
            variables[f"active{tail}"] = xr.DataArray(
                np.stack([x[p] for x in self._active]), dims=("time", f"agent{tail}")
            )
            coords[f"agent{tail}"] = np.arange(self._positions[0][p].shape[0])
        variables["secreted"] = xr.DataArray(self.secreted, dims=("time",))
        variables["taken"] = xr.DataArray(self.taken, dims=("time",))
        return xr.Dataset(variables, coords=coords)

    def __repr__(self) -> str:
        n = [a.n for a in self._agents]
        return f"Coupled(times={len(self.times)}, fields={self._names}, agents={n})"


def _as_dict(state: Any) -> tuple[dict[str, ScalarField], bool]:
    if isinstance(state, ScalarField):
        return {state.name or "c": state}, True
    if (
        isinstance(state, dict)
        and state
        and all(isinstance(v, ScalarField) for v in state.values())
    ):
        return dict(state), False
    msg = f"state must be a ScalarField or a dict of them, got {type(state).__name__}"
    raise TypeError(msg)


def couple(
    agents: ChemotaxisAgents | Sequence[ChemotaxisAgents],
    equation: pde.Equation | Diffusion,
    state: Any,
    t_end: float,
    dt: float,
    *,
    field: str | None = None,
    splitting: str = "strang",
    save_every: float | None = None,
    method: str = "auto",
    rtol: float = 1e-6,
    adaptive: bool = True,
) -> Coupled:
    """Step agents and a :mod:`fieldgrad.pde` equation together from 0 to ``t_end``.

    Operator splitting with fixed steps ``dt`` (the last one shortened to
    end at ``t_end``).  ``"strang"`` (default, second order in ``dt``): the
    agents' secretion and uptake for ``dt / 2``
    (:meth:`ChemotaxisAgents.exchange`), half a step of the equation
    (:func:`fieldgrad.pde.solve`), the agents move for ``dt`` in that field,
    half a step of the equation, exchange for ``dt / 2``.  ``"lie"`` (first
    order): exchange ``dt``, equation ``dt``, move ``dt``.  The agents move
    in a field the equation has just smoothed, never right after their own
    deposits (a cell an agent has just emptied would pull it away).  The
    equation's own steps are adaptive within each split step (``rtol``).
    Uptake never drives a concentration below 0: a cell gives at most what
    it holds.

    Parameters
    ----------
    agents : ChemotaxisAgents or sequence of them
        Agents on the state's grid; they climb, secrete into and take up
        from ``state[field]``.  Several populations (tumour cells, tips,
        vessels) exchange one after the other and move together.
    equation : fieldgrad.pde.Equation or fieldgrad.biology.Diffusion
        E.g. ``pde.Diffusion(D, decay=lam)`` or ``pde.KellerSegel(...)``; or
        the implicit :class:`~fieldgrad.biology.Diffusion` model (one
        backward-Euler or Crank-Nicolson step per split step, factorised
        once per step size: cheap for many short runs, and backward Euler
        keeps the concentration >= 0 after sharp deposits), for a single
        field.
    state : ScalarField or dict of ScalarField
        The initial state.
    t_end, dt : float
        Final time and split step, > 0.
    field : str, optional, keyword-only
        Which field of a dict state the agents see (default ``"c"`` if there
        is one, else the only field).
    splitting : {"strang", "lie"}, keyword-only
        See :data:`SPLITTINGS`.
    save_every : float, optional, keyword-only
        Interval between records (rounded to whole steps); default every step.
    method, rtol, adaptive : keyword-only
        Passed to :func:`fieldgrad.pde.solve`; ``adaptive=False`` takes one
        step of the equation per split step (cheapest; the splitting error
        and the method's own are then of the same order).

    Returns
    -------
    Coupled
        ``.final`` (as :func:`fieldgrad.pde.solve` gives), ``.times``,
        ``.secreted``, ``.taken`` and ``.to_xarray()``.

    Examples
    --------
    Cells that take up a decaying species on a disk: the total never goes
    below 0 and the budget closes.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.biology import ChemotaxisAgents, couple
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> c = fg.ScalarField(disk, np.ones(disk.shape), name="c")
    >>> cells = ChemotaxisAgents(c, [[0.0, 0.0], [0.5, 2.0]], 0.01, uptake=50.0)
    >>> run = couple(cells, pde.Diffusion(0.05), c, t_end=1.0, dt=0.1)
    >>> bool(run.final.data.min() >= 0)
    True
    >>> total = (run.final.data * disk.cell_volumes()).sum()
    >>> bool(np.isclose(total, np.pi - run.taken[-1], rtol=1e-5))
    True
    """
    given: list[Any] = [agents]
    if not isinstance(agents, ChemotaxisAgents) and isinstance(agents, Sequence) and agents:
        given = list(agents)
    populations: list[ChemotaxisAgents] = []
    for a in given:
        if not isinstance(a, ChemotaxisAgents):
            msg = f"agents must be ChemotaxisAgents or a sequence of them, got {type(a).__name__}"
            raise TypeError(msg)
        populations.append(a)
    if splitting not in SPLITTINGS:
        msg = f"splitting must be one of {tuple(SPLITTINGS)}, got {splitting!r}"
        raise ValueError(msg)
    t_end, dt = check_positive("t_end", t_end), check_positive("dt", dt)
    fields, single = _as_dict(state)
    if single:
        field = next(iter(fields))
    elif field is None:
        field = "c" if "c" in fields else next(iter(fields))
    if field not in fields:
        msg = f"field must name one of the state's fields {tuple(fields)}, got {field!r}"
        raise ValueError(msg)
    grid = fields[field].grid
    for a in populations:
        if grid != a.grid:
            msg = f"state must live on the agents' grid {a.grid!r}, got {grid!r}"
            raise ValueError(msg)
    steps = max(1, math.ceil(t_end / dt - 1e-9))
    every = (
        1 if save_every is None else max(1, round(check_positive("save_every", save_every) / dt))
    )

    if isinstance(equation, Diffusion):
        if not single or equation.grid != grid:
            msg = "a biology.Diffusion model needs a single ScalarField state on its own grid"
            raise ValueError(msg)
    elif not isinstance(equation, pde.Equation):
        msg = f"equation must be a fieldgrad.pde equation or a biology.Diffusion, got {equation!r}"
        raise TypeError(msg)

    def evolve(current: dict[str, ScalarField], span: float) -> dict[str, ScalarField]:
        if isinstance(equation, Diffusion):
            return {field: equation.step(current[field], span)}
        given = current[field] if single else current
        sol = pde.solve(equation, given, span, dt=span, method=method, rtol=rtol, adaptive=adaptive)
        if sol.status != "success":
            msg = f"the equation failed between split steps: {sol.message}"
            raise RuntimeError(msg)
        return {field: sol.final} if single else dict(sol.final)

    def exchange(current: dict[str, ScalarField], span: float) -> None:
        for a in populations:
            current[field] = a.exchange(current[field], span)
            amounts["secreted"] += a.last_exchange["secreted"]
            amounts["taken"] += a.last_exchange["taken"]

    def move(current: dict[str, ScalarField], span: float) -> None:
        for a in populations:
            a.update_field(current[field])
            a.advance(span)

    result = Coupled(None, tuple(fields), grid, populations)
    amounts = {"secreted": 0.0, "taken": 0.0}
    t = 0.0
    result._record(0.0, fields, 0.0, 0.0)
    for k in range(1, steps + 1):
        h = min(dt, t_end - t)
        if splitting == "strang":
            exchange(fields, h / 2)
            fields = evolve(fields, h / 2)
            move(fields, h)
            fields = evolve(fields, h / 2)
            exchange(fields, h / 2)
        else:
            exchange(fields, h)
            fields = evolve(fields, h)
            move(fields, h)
        t = t_end if k == steps else t + h
        if k % every == 0 or k == steps:
            result._record(t, fields, amounts["secreted"], amounts["taken"])
    for a in populations:
        a.update_field(fields[field])
    result.final = fields[field] if single else fields
    return result
