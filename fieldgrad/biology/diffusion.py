"""Diffusion with decay: the VEGF a tumour releases, steady or in time.

A growth factor such as VEGF diffuses (diffusivity ``D``), decays or binds
(rate ``lambda``), is released by a source ``s`` and taken up by cells::

    dc/dt = D lap c - lambda c + s - uptake

Away from sources the steady concentration falls off over the length
``l = sqrt(D / lambda)``.  Both solvers use the conservative sparse Laplacian
of :func:`fieldgrad.operators.laplacian_matrix`, so they work on every grid
and balance mass to solver precision: the change of the total amount
``int c dV`` is exactly what the sources add, decay and uptake remove, and
the boundary lets through.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu, spsolve

from .._checks import check_nonnegative, check_positive
from ..fields import ScalarField, field_values
from ..grids.base import Grid
from ..operators.boundary import resolve_bc
from ..operators.sparse import SparseLaplacian, laplacian_matrix

__all__ = ["Diffusion", "steady_diffusion", "SCHEMES", "decay_length"]

#: Time-stepping schemes of :class:`Diffusion`: implicit weight of the new time level.
SCHEMES = {"backward-euler": 1.0, "crank-nicolson": 0.5}
#: Factorised step matrices kept per time step (a few different ``dt`` in turn).
_CACHED_STEPS = 4


def decay_length(diffusivity: float, decay: float) -> float:
    """The length ``l = sqrt(D / lambda)`` over which a decaying species spreads.

    Examples
    --------
    >>> from fieldgrad.biology import decay_length
    >>> decay_length(0.36, 0.64)   # VEGF in mm^2/h and 1/h: l in mm
    0.75
    """
    return math.sqrt(check_positive("diffusivity", diffusivity) / check_positive("decay", decay))


def _has_dirichlet(grid: Grid, bc: Mapping[str, Any] | None) -> bool:
    return any(side.kind == "dirichlet" for pair in resolve_bc(grid, bc) for side in pair)


def steady_diffusion(
    grid: Grid,
    source: ScalarField | Callable[..., Any] | Any,
    diffusivity: float,
    decay: float,
    bc: Mapping[str, Any] | None = None,
    *,
    name: str | None = "c",
    units: str | None = None,
) -> ScalarField:
    """Steady concentration: solve ``D lap c - lambda c + s = 0``.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    source : ScalarField, callable or array_like
        Release rate per volume ``s`` (amount / volume / time): a field on
        ``grid``, a function of the coordinates by axis name, an array of
        the grid's shape (or broadcasting to it) or a number.  Sampled at
        the cell centres; pass cell averages for a source with sharp edges.
    diffusivity : float
        ``D > 0`` (length^2 / time).
    decay : float
        ``lambda >= 0`` (1 / time).  With ``decay = 0`` at least one side
        needs a Dirichlet condition.
    bc : dict, optional
        Boundary conditions as in :func:`fieldgrad.operators.laplacian_matrix`;
        a Neumann value is the outward normal derivative ``dc/dn`` (the
        diffusive outflux per area is ``-D dc/dn``).  Default: no flux.
    name, units : str, optional, keyword-only
        Metadata of the returned field.

    Returns
    -------
    ScalarField
        The concentration at the cell centres.

    Examples
    --------
    A uniform source with decay and no flux out: ``c = s / lambda``.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology import steady_diffusion
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> c = steady_diffusion(grid, 2.0, diffusivity=1.0, decay=4.0)
    >>> bool(np.allclose(c.data, 0.5))
    True

    Decay away from a source at the left wall, ``c = exp(-x / l)`` with ``l = 0.1``:

    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(200,))
    >>> c = steady_diffusion(line, 0.0, 1e-2, 1.0, {"x-": ("dirichlet", 1.0)})
    >>> x = line.coords["x"]
    >>> bool(np.abs(c.data - np.exp(-x / 0.1)).max() < 1e-4)
    True
    """
    if not isinstance(grid, Grid):
        msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
        raise TypeError(msg)
    d = check_positive("diffusivity", diffusivity)
    lam = check_nonnegative("decay", decay)
    s = field_values(grid, source, "source")
    if lam == 0 and not _has_dirichlet(grid, bc):
        msg = (
            "with decay = 0 the steady problem needs a Dirichlet side (else the "
            "concentration is fixed only up to a constant), got no Dirichlet condition in bc"
        )
        raise ValueError(msg)
    lap = laplacian_matrix(grid, bc)
    system = d * lap.matrix - lam * sp.eye_array(grid.size, format="csr")
    c = spsolve(sp.csc_matrix(system), -(s.ravel() + d * lap.rhs))
    return ScalarField(grid, np.asarray(c).reshape(grid.shape), name=name, units=units)


class Diffusion:
    """Time stepping of ``dc/dt = D lap c - lambda c + s - uptake``, implicitly.

    Backward Euler (default, stable and free of oscillations for any step)
    or Crank-Nicolson (second order in time for smooth data).  The step
    matrix is factorised once per time step ``dt`` (``scipy.sparse.linalg.splu``)
    and reused, so steps far above the explicit limit ``h^2 / (2 ndim D)``
    are cheap and stable.  Uptake is explicit: a rate per volume, given per
    step (e.g. by cells that consume the species), capped so that a step
    never removes more than is there.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    diffusivity : float
        ``D > 0``.
    decay : float
        ``lambda >= 0``.
    bc : dict, optional
        Boundary conditions (see :func:`fieldgrad.operators.laplacian_matrix`).
    source : ScalarField, callable, array_like or float, keyword-only
        Constant release rate per volume ``s``; default 0.
    scheme : {"backward-euler", "crank-nicolson"}, keyword-only
        Time discretisation.

    Attributes
    ----------
    laplacian : SparseLaplacian
        The sparse Laplacian with the boundary conditions.
    last_budget : dict
        Integrated rates of the last step (amount / time): ``"source"``,
        ``"decay"``, ``"uptake"``, ``"boundary"`` (net inflow through the
        boundary) and ``"change"`` (the change of the total amount divided
        by ``dt``); ``change = source - decay - uptake + boundary``.

    Examples
    --------
    A pulse spreads and decays; the total amount follows ``exp(-lambda t)``
    exactly, although the step is thousands of times the explicit limit.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology import Diffusion
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(64, 64))
    >>> c = fg.ScalarField.from_function(grid, lambda x, y: np.exp(-50 * ((x - .5)**2 + y**2)))
    >>> model = Diffusion(grid, diffusivity=1.0, decay=0.1)
    >>> m0 = model.total(c)
    >>> for _ in range(10):
    ...     c = model.step(c, dt=1.0)
    >>> bool(np.isclose(model.total(c), m0 / 1.1**10))
    True
    """

    def __init__(
        self,
        grid: Grid,
        diffusivity: float,
        decay: float = 0.0,
        bc: Mapping[str, Any] | None = None,
        *,
        source: Any = 0.0,
        scheme: str = "backward-euler",
    ) -> None:
        if not isinstance(grid, Grid):
            msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
            raise TypeError(msg)
        if scheme not in SCHEMES:
            msg = f"scheme must be one of {tuple(SCHEMES)}, got {scheme!r}"
            raise ValueError(msg)
        self.grid = grid
        self.diffusivity = check_positive("diffusivity", diffusivity)
        self.decay = check_nonnegative("decay", decay)
        self.scheme = scheme
        self.laplacian: SparseLaplacian = laplacian_matrix(grid, bc)
        self._bc = bc
        self.source = field_values(grid, source, "source")
        self._operator = self.diffusivity * self.laplacian.matrix - self.decay * sp.eye_array(
            grid.size, format="csr"
        )
        self._constant = self.source.ravel() + self.diffusivity * self.laplacian.rhs
        self._factors: dict[float, Any] = {}
        self.last_budget: dict[str, float] = {}

    # ------------------------------------------------------------------ helpers
    def _values(self, field: Any, name: str = "field") -> np.ndarray:
        return field_values(self.grid, field, name)

    def _solver(self, dt: float) -> Any:
        if dt not in self._factors:
            if len(self._factors) >= _CACHED_STEPS:
                self._factors.pop(next(iter(self._factors)))
            theta = SCHEMES[self.scheme]
            lhs = sp.eye_array(self.grid.size, format="csc") - theta * dt * self._operator
            self._factors[dt] = splu(sp.csc_matrix(lhs))
        return self._factors[dt]

    def total(self, field: Any) -> float:
        """Total amount ``int c dV`` (sum of values times :meth:`Grid.cell_volumes`).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import Diffusion
        >>> disk = fg.PolarGrid(radius=(0, 2), shape=(8, 16))
        >>> bool(np.isclose(Diffusion(disk, 1.0).total(1.0), 4 * np.pi))
        True
        """
        return float(self.laplacian.volumes @ self._values(field).ravel())

    def rates(self, field: Any, *, uptake: Any = 0.0) -> dict[str, float]:
        """Integrated rates (amount / time) for the concentration ``field``.

        ``source``, ``decay``, ``uptake`` and ``boundary`` (net inflow through
        the boundary, zero with no-flux conditions) and their balance
        ``change = source - decay - uptake + boundary``: ``d/dt int c dV``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import Diffusion
        >>> line = fg.CartesianGrid(bounds=[(0, 2)], shape=(8,))
        >>> model = Diffusion(line, 1.0, decay=0.5, source=1.0)
        >>> model.rates(2.0)       # at c = 2: release 2, decay 2, nothing leaves
        {'source': 2.0, 'decay': 2.0, 'uptake': 0.0, 'boundary': 0.0, 'change': 0.0}
        """
        c = self._values(field).ravel()
        u = self._values(uptake, "uptake").ravel()
        vol = self.laplacian.volumes
        out = {
            "source": float(vol @ self.source.ravel()),
            "decay": float(self.decay * (vol @ c)),
            "uptake": float(vol @ u),
            "boundary": float(
                self.diffusivity * (vol @ (self.laplacian.matrix @ c + self.laplacian.rhs))
            ),
        }
        out["change"] = out["source"] - out["decay"] - out["uptake"] + out["boundary"]
        return out

    # ------------------------------------------------------------------- public
    def step(self, field: Any, dt: float, *, uptake: Any = None) -> ScalarField:
        """Advance the concentration by one time step ``dt``.

        Parameters
        ----------
        field : ScalarField or array_like
            The concentration now.
        dt : float
            Time step, > 0; any size (the scheme is implicit).
        uptake : ScalarField, array_like or float, optional, keyword-only
            Consumption rate per volume during the step (>= 0), at most
            ``c / dt`` where it is applied (larger values are capped).

        Returns
        -------
        ScalarField
            The concentration after the step; :attr:`last_budget` holds the
            integrated rates of the step.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import Diffusion
        >>> sphere = fg.SphereSurface(radius=1.0, shape=(16, 32))
        >>> model = Diffusion(sphere, 0.1, scheme="crank-nicolson")
        >>> c = model.step(np.ones(sphere.shape), dt=1.0, uptake=0.5)
        >>> round(model.total(c) / (4 * np.pi), 12)     # half of it taken up in one step
        0.5
        """
        dt = check_positive("dt", dt)
        c0 = self._values(field).ravel()
        u = np.zeros_like(c0)
        if uptake is not None:
            u = self._values(uptake, "uptake").ravel()
            if np.any(u < 0):
                msg = "uptake must be >= 0 everywhere (a source goes into source=)"
                raise ValueError(msg)
            u = np.minimum(u, np.maximum(c0, 0.0) / dt)
        theta = SCHEMES[self.scheme]
        rhs = c0 + dt * (self._constant - u)
        if theta < 1:
            rhs = rhs + (1 - theta) * dt * (self._operator @ c0)
        c1 = self._solver(dt).solve(rhs)
        mid = theta * c1 + (1 - theta) * c0
        budget = self.rates(mid.reshape(self.grid.shape), uptake=u.reshape(self.grid.shape))
        budget["change"] = (self.total(c1.reshape(self.grid.shape)) - self.total(field)) / dt
        self.last_budget = budget
        name = field.name if isinstance(field, ScalarField) else "c"
        units = field.units if isinstance(field, ScalarField) else None
        return ScalarField(self.grid, c1.reshape(self.grid.shape), name=name, units=units)

    def run(self, field: Any, dt: float, steps: int, *, uptake: Any = None) -> ScalarField:
        """Take ``steps`` steps of size ``dt`` (with a constant ``uptake``).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import Diffusion
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
        >>> c = Diffusion(line, 1.0, decay=1.0, source=1.0).run(0.0, dt=100.0, steps=3)
        >>> round(float(c.data.mean()), 4)               # close to the steady state s / lambda
        1.0
        """
        if int(steps) != steps or steps < 0:
            msg = f"steps must be a non-negative integer, got {steps!r}"
            raise ValueError(msg)
        out = (
            field if isinstance(field, ScalarField) else ScalarField(self.grid, self._values(field))
        )
        for _ in range(int(steps)):
            out = self.step(out, dt, uptake=uptake)
        return out

    def steady(self) -> ScalarField:
        """The steady state of this model (no uptake): see :func:`steady_diffusion`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad.biology import Diffusion
        >>> disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
        >>> round(float(Diffusion(disk, 1.0, decay=4.0, source=2.0).steady().data.max()), 12)
        0.5
        """
        return steady_diffusion(self.grid, self.source, self.diffusivity, self.decay, self._bc)

    def __repr__(self) -> str:
        return (
            f"Diffusion(D={self.diffusivity:g}, decay={self.decay:g}, scheme={self.scheme!r}, "
            f"grid={self.grid!r})"
        )
