"""Chemotaxis agents: cells that climb the gradient of a field, on any grid.

Each agent (an endothelial tip cell, a bacterium) moves with the velocity

    v = chi0 / (1 + alpha c) * grad c  (+ rho * grad f)  + sqrt(2 D) dW/dt

so the gradient *norm* sets its speed: the chemotactic sensitivity ``chi0``
saturates with the concentration (receptor occupancy, ``alpha``), an
optional haptotactic term climbs a second field ``f`` (fibronectin), and
Brownian motility ``D`` adds noise (Euler-Maruyama).  Agents move in
physical space: the gradient's orthonormal components are turned into a
Cartesian vector with the grid's basis, the step is taken in Cartesian
coordinates and mapped back with :meth:`Grid.from_cartesian`.  So an agent
on a polar grid crosses theta = 0 and passes through r = 0 on a straight
line, and one on a sphere moves along the surface.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._checks import check_nonnegative, check_positive
from ..fields import ScalarField
from ..grids.base import Grid
from ..operators.interpolation import check_points
from .deposition import _LAW_CODES, UPTAKE_LAWS, CloudInCell, check_rates
from .motion import Motion
from .plane import PlanePath
from .sampling import FieldSampler
from .trajectories import trajectories

__all__ = ["ChemotaxisAgents", "BOUNDARY_MODES"]

#: What happens to an agent that reaches the edge of the domain.
BOUNDARY_MODES = ("stop", "remove", "reflect")


class ChemotaxisAgents:
    """Many agents moving up the gradient of a field on any fieldgrad grid.

    Velocity ``v = sensitivity / (1 + saturation * c) * grad c`` (plus
    ``haptotaxis * grad f`` when a ``fibronectin`` field is given) plus
    Brownian motion with diffusion coefficient ``motility``, integrated by
    Euler-Maruyama in Cartesian space.  The gradient is computed once per
    field (:meth:`update_field`) and interpolated at the agents linearly.

    Brownian motion is isotropic in the physical space the grid describes:
    the plane, space, the surface of the sphere (its tangent plane, the step
    then projected back onto the sphere), and for an axisymmetric
    ``CylindricalGrid`` (r, z) the full 3-D space, so that r performs the
    3-D (Bessel) process.

    Agents that would leave the domain stop at its boundary: their
    coordinates are clipped to the grid's bounds (``boundary="stop"``), or
    they are removed from the simulation (``boundary="remove"``: they stay
    where they left, are marked inactive and in :attr:`removed`, and no
    longer exchange with the field).  No position is ever nan: an agent
    whose drift is not finite (a nan or inf in the field next to it) does
    not move that step, and :attr:`stalled` counts such steps per agent.

    Agents may also change the field (:meth:`exchange`): each releases
    ``secretion`` (amount / time) and takes up at the rate ``q(c)`` of
    ``uptake_law`` at the value ``c`` it samples: ``"linear"`` (default)
    ``q = uptake * c`` (``uptake`` a volume cleared per time),
    ``"saturating"`` ``q = uptake * c / (half_saturation + c)``
    (Michaelis-Menten, ``uptake`` the maximal amount / time) or
    ``"constant"`` ``q = uptake``.  The exchange is conservative on every
    grid (cloud-in-cell weights and the true cell volumes) and never drives
    a concentration below 0.

    Parameters
    ----------
    field : ScalarField
        The attractant concentration ``c``.
    positions : array_like, shape (n, ndim)
        Starting points in grid coordinates (e.g. ``(r, theta)``).
    sensitivity : float
        Chemotactic sensitivity ``chi0 >= 0`` (length^2 / (time * concentration)).
    saturation : float
        ``alpha >= 0``: receptor saturation, ``chi = chi0 / (1 + alpha c)``.
    motility : float
        Random-motility (diffusion) coefficient ``D >= 0`` (length^2 / time).
    seed : int or numpy.random.Generator, optional
        Seed of the noise.
    order : {2, 4}, keyword-only
        Accuracy order of the gradient.
    boundary : {"stop", "remove", "reflect"}, keyword-only
        What happens at the edge of the domain: clipped to it, removed, or
        mirrored at it (a reflecting wall in the grid's coordinates: exact
        for Cartesian walls, a radial mirror at the rim of a disk or ball).
    fibronectin : ScalarField, optional, keyword-only
        A second field to climb (haptotaxis), on the same grid.
    haptotaxis : float, keyword-only
        Haptotactic coefficient ``rho >= 0``.
    secretion, uptake : float or array_like of shape (n,), keyword-only
        Release rate (amount / time) and uptake coefficient, ``>= 0``, the
        same for all agents or one per agent (agents added later copy the
        last agent's).
    uptake_law : {"linear", "saturating", "constant"}, keyword-only
        How the uptake rate depends on the local value (see above).
    half_saturation : float, keyword-only
        ``K > 0`` of the saturating law.

    Attributes
    ----------
    active : ndarray of bool
        Which agents still move.
    removed : ndarray of bool
        Which agents left through an open side (``boundary="remove"``).
    stalled : ndarray of int
        Steps each agent stood still because its drift was not finite.
    last_exchange : dict
        Amounts ``"secreted"`` and ``"taken"`` by the last :meth:`exchange`.

    Examples
    --------
    Agents in a linear field move in a straight line at ``chi0 |grad c|``,
    here through the origin of a polar grid:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology import ChemotaxisAgents
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> c = fg.ScalarField.from_function(grid, lambda x, y: 3 * x + 4 * y, coords="cartesian")
    >>> agents = ChemotaxisAgents(c, [[0.5, np.pi + np.arctan2(4, 3)]], sensitivity=0.01)
    >>> for _ in range(20):
    ...     _ = agents.step(dt=1.0)          # 0.05 per step, 1.0 in all
    >>> r, theta = agents.positions[0]          # at (0.3, 0.4)
    >>> round(float(r), 4), round(float(theta), 4), round(float(np.arctan2(4, 3)), 4)
    (0.5, 0.9273, 0.9273)
    """

    def __init__(
        self,
        field: ScalarField,
        positions: Any,
        sensitivity: float,
        saturation: float = 0.0,
        motility: float = 0.0,
        seed: int | np.random.Generator | None = None,
        *,
        order: int = 2,
        boundary: str = "stop",
        fibronectin: ScalarField | None = None,
        haptotaxis: float = 0.0,
        secretion: Any = 0.0,
        uptake: Any = 0.0,
        uptake_law: str = "linear",
        half_saturation: float = 1.0,
    ) -> None:
        if not isinstance(field, ScalarField):
            msg = f"field must be a ScalarField, got {type(field).__name__}"
            raise TypeError(msg)
        if boundary not in BOUNDARY_MODES:
            msg = f"boundary must be one of {BOUNDARY_MODES}, got {boundary!r}"
            raise ValueError(msg)
        self.grid: Grid = field.grid
        self.sensitivity = check_nonnegative("sensitivity", sensitivity)
        self.saturation = check_nonnegative("saturation", saturation)
        self.motility = check_nonnegative("motility", motility)
        self.haptotaxis = check_nonnegative("haptotaxis", haptotaxis)
        self.boundary = boundary
        self.order = order
        if uptake_law not in UPTAKE_LAWS:
            msg = f"uptake_law must be one of {tuple(UPTAKE_LAWS)}, got {uptake_law!r}"
            raise ValueError(msg)
        self.uptake_law = uptake_law
        self.half_saturation = check_positive("half_saturation", half_saturation)
        self.rng = np.random.default_rng(seed)
        self._motion = Motion(self.grid, boundary)
        self._plane = self._motion.identity and self.grid.ndim == 2
        # on the fast path the positions are stored by cell (local memory access)
        self._path: PlanePath | None = PlanePath(self.grid) if self._plane else None
        self._positions = self._check_positions(positions)
        self.active = np.ones(len(self._positions), dtype=bool)
        self.removed = np.zeros(self.n, dtype=bool)
        self.stalled = np.zeros(self.n, dtype=np.int64)
        self.secretion = check_rates("secretion", secretion, self.n)
        self.uptake = check_rates("uptake", uptake, self.n)
        self.last_exchange: dict[str, float] = {}
        self._cic: CloudInCell | None = None
        self._haptotactic: np.ndarray | None = None
        if fibronectin is not None:
            self._haptotactic = self._cartesian_gradient(self._check_field(fibronectin))
        self.update_field(field)

    # ---------------------------------------------------------------- checks
    def _check_field(self, field: Any, name: str = "fibronectin") -> ScalarField:
        if not isinstance(field, ScalarField):
            msg = f"{name} must be a ScalarField, got {type(field).__name__}"
            raise TypeError(msg)
        if field.grid != self.grid:
            msg = f"{name} must live on the agents' grid {self.grid!r}, got {field.grid!r}"
            raise ValueError(msg)
        return field

    def _check_positions(self, positions: Any) -> np.ndarray:
        pts = np.asarray(positions, dtype=float)
        ndim = self.grid.ndim
        if pts.ndim != 2 or pts.shape[1] != ndim:
            msg = (
                f"positions must have shape (n, {ndim}) in grid coordinates {self.grid.axes}, "
                f"got {pts.shape}"
            )
            raise ValueError(msg)
        if not np.all(np.isfinite(pts)):
            msg = "positions must be finite"
            raise ValueError(msg)
        return check_points(self.grid, pts).reshape(-1, ndim)

    # --------------------------------------------------------------- fields
    def _cartesian_gradient(self, field: ScalarField) -> np.ndarray:
        """Cartesian components of grad ``field`` at the grid points, shape (ncart, *shape)."""
        g = np.asarray(field.gradient(order=self.order).compute().data)
        e = self.grid.basis(*self.grid.mesh())  # (*shape, ndim, ncart)
        return np.einsum("i...,...ik->k...", g, e)

    def update_field(self, field: ScalarField) -> None:
        """Use a new concentration (e.g. after a diffusion step).

        The drift velocity ``chi(c) grad c (+ rho grad f)`` is computed once
        on the grid, in Cartesian components, and interpolated at the agents
        at every step.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
        >>> agents = ChemotaxisAgents(fg.ScalarField.from_function(grid, lambda x, y: x),
        ...                           [[0.5, 0.5]], sensitivity=1.0)
        >>> agents.update_field(fg.ScalarField.from_function(grid, lambda x, y: -2 * y))
        >>> agents.velocity().round(12) + 0.0
        array([[ 0., -2.]])
        """
        field = self._check_field(field, "field")
        self.field = field
        c = np.asarray(field.compute().data, dtype=float)
        chi = self.sensitivity / (1 + self.saturation * np.maximum(c, 0.0))
        drift = chi * self._cartesian_gradient(field)
        if self._haptotactic is not None:
            drift = drift + self.haptotaxis * self._haptotactic
        self._drift = FieldSampler(self.grid, list(drift))
        self._concentration = FieldSampler(self.grid, [c])

    # ------------------------------------------------------------- geometry
    @property
    def positions(self) -> np.ndarray:
        """Positions in grid coordinates, shape ``(n, ndim)`` (a copy)."""
        pos = self._agent_positions()
        return pos.copy() if pos is self._positions else pos

    @property
    def n(self) -> int:
        """Number of agents (active or not)."""
        return len(self._positions)

    def cartesian(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Cartesian coordinates of the agents (or of ``positions``), shape ``(n, ncart)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
        >>> c = fg.ScalarField.from_function(disk, lambda r, theta: r)
        >>> ChemotaxisAgents(c, [[0.5, np.pi / 2]], 1.0).cartesian().round(12) + 0.0
        array([[0. , 0.5]])
        """
        pts = self._agent_positions() if positions is None else np.asarray(positions, dtype=float)
        return self._motion.cartesian(pts)

    def concentration(self, positions: np.ndarray | None = None) -> np.ndarray:
        """The field at the agents (or at ``positions``), shape ``(n,)``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: 3 * x + y)
        >>> ChemotaxisAgents(c, [[0.5, 0.25]], 1.0).concentration()
        array([1.75])
        """
        pts = self._agent_positions() if positions is None else self._check_positions(positions)
        return self._concentration(pts)[:, 0]

    def velocity(self, positions: np.ndarray | None = None) -> np.ndarray:
        """Drift velocity at the agents (or at ``positions``), Cartesian, shape ``(n, ncart)``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: 3 * x + 4 * y)
        >>> ChemotaxisAgents(c, [[0.5, 0.5]], sensitivity=0.1).velocity()
        array([[0.3, 0.4]])
        """
        pts = self._agent_positions() if positions is None else self._check_positions(positions)
        return self._velocity(pts)

    def _velocity(self, pts: np.ndarray) -> np.ndarray:
        return self._motion.tangent(pts, self._drift(pts))

    def _agent_positions(self) -> np.ndarray:
        """Positions in agent order (the stored array itself when not permuted)."""
        return self._positions if self._path is None else self._path.agent_order(self._positions)

    def _unsort(self) -> None:
        """Store the positions in agent order again."""
        if self._path is not None and self._path.ids is not None:
            self._positions = self._path.agent_order(self._positions)
            self._path.forget()

    @property
    def _fast(self) -> bool:
        """Whether the compiled plane kernels apply (evenly spaced 2-D Cartesian grid)."""
        return self._path is not None and self._plane and self._drift.uniform

    def _key(self) -> int:
        """A fresh key of the fast path's counter-based noise."""
        return int(self.rng.integers(2**63)) if self.motility > 0 else 0

    # ------------------------------------------------------------- dynamics
    def step(self, dt: float) -> np.ndarray:
        """Move every active agent for a time ``dt``; returns the new positions (a copy).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: 2 * x)
        >>> agents = ChemotaxisAgents(c, [[0.2, 0.5]], sensitivity=0.1)
        >>> agents.step(dt=1.0)                 # v = 0.1 * 2 along x
        array([[0.4, 0.5]])
        """
        self.advance(dt)
        return self.positions

    def advance(self, dt: float) -> None:
        """:meth:`step` without returning the positions (no copy: for many agents).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
        >>> agents = ChemotaxisAgents(fg.ScalarField.from_function(grid, lambda x, y: x),
        ...                           [[0.2, 0.5]], sensitivity=0.1)
        >>> agents.advance(1.0)
        >>> agents.positions
        array([[0.3, 0.5]])
        """
        if not (float(dt) > 0 and math.isfinite(float(dt))):
            msg = f"dt must be > 0, got {dt!r}"
            raise ValueError(msg)
        dt = float(dt)
        everyone = bool(self.active.all())
        if not (everyone or self.active.any()):
            return
        reflect = self.boundary == "reflect"
        noise = math.sqrt(2 * self.motility * dt)
        if self._fast:
            # one compiled parallel pass (lookup, noise, step, edges) in place, over
            # the positions stored by cell
            assert self._path is not None
            path = self._path
            self._positions = path.store(self._positions)
            moving = np.zeros(0, dtype=bool)
            if not everyone:
                moving = self.active if path.ids is None else self.active[path.ids]
            stalled, left = path.advance(
                self._drift,
                self._positions,
                dt,
                noise=noise,
                key=self._key(),
                reflect=reflect,
                moving=moving,
            )
            who = path.ids
        else:
            self._unsort()
            idx = np.flatnonzero(self.active)
            pts = self._positions[idx]
            velocity = self._velocity(pts)
            new, stalled, left = self._motion.move(pts, velocity, dt, scale=noise, rng=self.rng)
            self._positions[idx] = new
            who = idx
        assert who is not None
        self.stalled[who[stalled]] += 1
        if self.boundary == "remove":
            self.active[who[left]] = False
            self.removed[who[left]] = True

    def exchange(self, field: ScalarField, dt: float) -> ScalarField:
        """Secrete and take up for a time ``dt``: the field after the agents' exchange.

        Each agent not removed (stopped ones too) releases ``secretion * dt``
        and asks for ``q(c) * dt``, ``q`` by ``uptake_law``
        (:data:`~fieldgrad.biology.deposition.UPTAKE_LAWS`) at the value ``c``
        it samples; both are spread over the cells around it with
        cloud-in-cell weights and the true cell volumes
        (:class:`~fieldgrad.biology.deposition.CloudInCell`), so the total
        ``sum c V`` changes by exactly ``secreted - taken``.  A cell asked for
        more than it holds gives all it holds, shared in proportion, and is
        left at 0.  An agent that samples a non-finite value takes nothing.
        :attr:`last_exchange` holds the amounts ``"secreted"`` and ``"taken"``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> disk = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
        >>> c = fg.ScalarField(disk, np.ones(disk.shape))
        >>> agents = ChemotaxisAgents(c, [[0.0, 0.0], [0.5, 1.0]], 0.0, secretion=2.0)
        >>> after = agents.exchange(c, dt=0.5)       # two agents release 1 each
        >>> bool(np.isclose(((after.data - 1) * disk.cell_volumes()).sum(), 2.0))
        True
        >>> agents.last_exchange
        {'secreted': 2.0, 'taken': 0.0}
        """
        field = self._check_field(field, "field")
        dt = check_positive("dt", dt)
        if self._cic is None:
            self._cic = CloudInCell(self.grid)
        c = np.ascontiguousarray(np.asarray(field.compute().data, dtype=float)).ravel()
        if self._fast:
            assert self._path is not None
            out, secreted, taken = self._path.exchange(
                self._cic,
                c,
                self._positions,
                self.secretion,
                self.uptake,
                dt,
                law=_LAW_CODES[self.uptake_law],
                half_saturation=self.half_saturation,
                removed=self.removed,
            )
        else:
            self._unsort()
            ex = self._cic.exchange_checked(
                c,
                self._positions,
                self.secretion,
                self.uptake,
                dt,
                law=self.uptake_law,
                half_saturation=self.half_saturation,
                present=~self.removed,
            )
            secreted, taken, out = ex.secreted, ex.taken, ex.concentration
        self.last_exchange = {"secreted": secreted, "taken": taken}
        out = out.reshape(self.grid.shape)
        return ScalarField(self.grid, out, name=field.name, units=field.units)

    def add(self, positions: Any) -> np.ndarray:
        """Add agents (e.g. new sprouts); returns their indices.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: x)
        >>> agents = ChemotaxisAgents(c, [[0.1, 0.1]], 1.0)
        >>> agents.add([[0.2, 0.2], [0.3, 0.3]]), agents.n
        (array([1, 2]), 3)
        """
        pts = self._check_positions(positions)
        self._unsort()
        start = self.n
        for name in ("secretion", "uptake"):
            rate = getattr(self, name)
            if isinstance(rate, np.ndarray):  # one per agent: the new ones copy the last
                setattr(self, name, np.concatenate([rate, np.full(len(pts), rate[-1])]))
        self._positions = np.concatenate([self._positions, pts])
        self.active = np.concatenate([self.active, np.ones(len(pts), dtype=bool)])
        self.removed = np.concatenate([self.removed, np.zeros(len(pts), dtype=bool)])
        self.stalled = np.concatenate([self.stalled, np.zeros(len(pts), dtype=np.int64)])
        return np.arange(start, self.n)

    def stop(self, indices: Any) -> None:
        """Stop agents for good (e.g. a tip that fused with a vessel).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: x)
        >>> agents = ChemotaxisAgents(c, [[0.1, 0.1], [0.2, 0.2]], 0.1)
        >>> agents.stop([0])
        >>> agents.step(1.0)
        array([[0.1, 0.1],
               [0.3, 0.2]])
        """
        self.active[np.asarray(indices, dtype=np.intp)] = False

    def run(self, steps: int, dt: float, progress: bool = True) -> Any:
        """Take ``steps`` steps of ``dt``; return the trajectories as an ``xarray.Dataset``.

        The dataset has dims ``time`` (``steps + 1`` times from 0), ``agent``
        and ``coordinate`` (the grid's axis names) and the variables
        ``position`` (grid coordinates), ``concentration`` (the field at the
        agents) and ``active``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import ChemotaxisAgents
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
        >>> c = fg.ScalarField.from_function(grid, lambda x, y: x)
        >>> agents = ChemotaxisAgents(c, [[0.1, 0.5], [0.2, 0.5]], 0.1, motility=1e-4, seed=1)
        >>> ds = agents.run(steps=10, dt=0.5, progress=False)
        >>> dict(ds.sizes)
        {'time': 11, 'agent': 2, 'coordinate': 2}
        """
        return trajectories(self, steps, dt, progress=progress)

    def __repr__(self) -> str:
        return (
            f"ChemotaxisAgents(n={self.n}, active={int(self.active.sum())}, "
            f"chi0={self.sensitivity:g}, alpha={self.saturation:g}, D={self.motility:g}, "
            f"grid={self.grid!r})"
        )
