"""Equations of fields that evolve: diffusion and reaction-diffusion.

An equation carries parameters only; :meth:`Equation.system` compiles it for
the grid of a state into a :class:`~fieldgrad.pde.system.System`, ``dy/dt =
L y + b + N(t, y)``.  Diffusion (and every linear term) goes into the sparse
``L`` built by :func:`fieldgrad.operators.laplacian_matrix`; reactions are
the explicit part.  With ``bc=None`` every real edge is closed (no flux) and
periodic axes stay periodic.  Transport by fluxes (Keller-Segel, advection)
is in :mod:`fieldgrad.pde.transport`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from .._checks import check_nonnegative
from ..fields import field_values
from ..grids.base import Grid
from .boundary_terms import timed_boundary
from .system import System, laplacians

__all__ = [
    "Equation",
    "Diffusion",
    "FisherKPP",
    "ReactionDiffusion",
]


class Equation:
    """Base class: an equation in one or more named fields.

    Subclasses set :attr:`fields` (the state keys they need, or None for one
    field of any name) and implement :meth:`system`.

    Examples
    --------
    >>> from fieldgrad import pde
    >>> pde.KellerSegel(1, 1, 1, 1, 1).fields
    ('u', 'c')
    """

    fields: tuple[str, ...] | None = None

    def field_names(self, given: tuple[str, ...]) -> tuple[str, ...]:
        """Check the state's keys against what the equation needs; their stacking order.

        Examples
        --------
        >>> from fieldgrad import pde
        >>> pde.KellerSegel(1, 1, 1, 1, 1).field_names(("c", "u"))
        ('u', 'c')
        """
        if self.fields is None:
            if len(given) != 1:
                msg = (
                    f"state must be one ScalarField (or a dict with one) for "
                    f"{type(self).__name__}, got fields {given}"
                )
                raise ValueError(msg)
            return given
        if set(given) != set(self.fields):
            msg = f"state must have the fields {self.fields} for {type(self).__name__}, got {given}"
            raise ValueError(msg)
        return self.fields

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:  # pragma: no cover
        """Compile the equation for ``grid``; overridden by every equation."""
        raise NotImplementedError


def _block_diagonal(blocks: list[Any]) -> sp.csr_matrix:
    return sp.csr_matrix(sp.block_diag(blocks, format="csr"))


class Diffusion(Equation):
    """``u_t = D lap u - decay u + source``.

    Parameters
    ----------
    diffusivity : float
        ``D >= 0``.
    decay : float
        ``>= 0``.
    source : float, array_like, ScalarField or callable
        Release rate per volume (a function of the coordinates by axis name).
    bc : dict, optional
        Boundary conditions as in :func:`fieldgrad.operators.laplacian_matrix`;
        None: no flux.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> u = fg.ScalarField.from_function(disk, lambda r, theta: np.exp(-4 * r**2), name="u")
    >>> sol = pde.solve(pde.Diffusion(diffusivity=0.1, decay=1.0), u, t_end=1.0, method="imex")
    >>> total = lambda f: float((f.data * disk.cell_volumes()).sum())
    >>> bool(np.isclose(total(sol.final), total(u) * np.exp(-1.0), rtol=1e-4))
    True
    """

    def __init__(
        self, diffusivity: float, decay: float = 0.0, source: Any = 0.0, bc: Any = None
    ) -> None:
        self.diffusivity = check_nonnegative("diffusivity", diffusivity)
        self.decay = check_nonnegative("decay", decay)
        self.source = source
        self.bc = bc

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:
        """Compile for ``grid``; see :class:`Equation`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(3,))
        >>> pde.Diffusion(1.0, source=2.0).system(line, ("u",)).constant
        array([2., 2., 2.])
        """
        lap = laplacians(grid, names, self.bc)[names[0]]
        eye = sp.eye_array(grid.size, format="csr")
        linear = sp.csr_matrix(self.diffusivity * lap.matrix - self.decay * eye)
        source = field_values(grid, self.source, "source").ravel()
        boundary = timed_boundary(grid, [(self.diffusivity, lap)])
        constant = self.diffusivity * lap.rhs + source
        return System(grid, names, linear, constant, None, lap.volumes, boundary)


class FisherKPP(Equation):
    """``u_t = D lap u + rate u (1 - u)``: logistic growth that invades by diffusion.

    Fronts travel at ``2 sqrt(rate D)`` (approached from below as ``t`` grows).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    >>> u = fg.ScalarField(line, np.full(8, 0.1), name="u")
    >>> sol = pde.solve(pde.FisherKPP(diffusivity=1.0, rate=1.0), u, t_end=20.0)
    >>> bool(np.allclose(sol.final.data, 1.0, atol=1e-4))     # the carrying capacity
    True
    """

    def __init__(self, diffusivity: float, rate: float, bc: Any = None) -> None:
        self.diffusivity = check_nonnegative("diffusivity", diffusivity)
        self.rate = check_nonnegative("rate", rate)
        self.bc = bc

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:
        """Compile for ``grid``; see :class:`Equation`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
        >>> pde.FisherKPP(1.0, 2.0).system(line, ("u",)).linear.shape
        (2, 2)
        """
        lap = laplacians(grid, names, self.bc)[names[0]]
        rate = self.rate

        def explicit(t: float, y: np.ndarray) -> np.ndarray:
            return rate * y * (1 - y)

        linear = sp.csr_matrix(self.diffusivity * lap.matrix)
        boundary = timed_boundary(grid, [(self.diffusivity, lap)])
        constant = self.diffusivity * lap.rhs
        return System(grid, names, linear, constant, explicit, lap.volumes, boundary)


class ReactionDiffusion(Equation):
    """``u_i,t = D_i lap u_i + f_i(t, u_1, ..., u_n)`` for any number of fields.

    Parameters
    ----------
    diffusivity : dict
        ``D_i >= 0`` by field name; its keys are the state's fields.
    reaction : callable
        ``reaction(t, **fields) -> dict`` of rates by field name, called with
        grid-shaped numpy arrays (vectorised); a field it leaves out has no
        reaction.
    bc : dict, optional
        One ``bc`` for every field, or a dict of them by field name.

    Examples
    --------
    Gray-Scott kinetics on a periodic square:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> F, k = 0.04, 0.06
    >>> def gray_scott(t, u, v):
    ...     return {"u": -u * v**2 + F * (1 - u), "v": u * v**2 - (F + k) * v}
    >>> eq = pde.ReactionDiffusion(diffusivity={"u": 2e-5, "v": 1e-5}, reaction=gray_scott)
    >>> box = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16), periodic=True)
    >>> state = {"u": fg.ScalarField(box, np.ones(box.shape)),
    ...          "v": fg.ScalarField(box, np.zeros(box.shape))}
    >>> sol = pde.solve(eq, state, t_end=10.0)
    >>> bool(np.allclose(sol.final["u"].data, 1.0))            # the trivial steady state
    True
    """

    def __init__(
        self,
        diffusivity: Mapping[str, float],
        reaction: Callable[..., Mapping[str, Any]],
        bc: Any = None,
    ) -> None:
        if not isinstance(diffusivity, Mapping) or not diffusivity:
            msg = f"diffusivity must be a dict of numbers by field name, got {diffusivity!r}"
            raise TypeError(msg)
        if not callable(reaction):
            msg = f"reaction must be a callable f(t, **fields) -> dict, got {reaction!r}"
            raise TypeError(msg)
        self.diffusivity = {
            str(k): check_nonnegative(f"diffusivity[{k!r}]", v) for k, v in diffusivity.items()
        }
        self.fields = tuple(self.diffusivity)
        self.reaction = reaction
        self.bc = bc

    def rates(self, t: float, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The reaction rates, checked: known names, numbers or grid-shaped arrays.

        Examples
        --------
        >>> import numpy as np
        >>> from fieldgrad import pde
        >>> eq = pde.ReactionDiffusion({"u": 1.0}, reaction=lambda t, u: {"w": u})
        >>> eq.rates(0.0, {"u": np.zeros(3)})
        Traceback (most recent call last):
        ...
        ValueError: reaction returned unknown field names ['w'], expected among ('u',)
        """
        out = self.reaction(t, **arrays)
        if not isinstance(out, Mapping):
            msg = f"reaction must return a dict of rates by field name, got {type(out).__name__}"
            raise TypeError(msg)
        unknown = sorted(set(out) - set(self.fields or ()))
        if unknown:
            msg = f"reaction returned unknown field names {unknown}, expected among {self.fields}"
            raise ValueError(msg)
        shape = next(iter(arrays.values())).shape
        checked = {}
        for k, v in out.items():
            arr = np.asarray(v, dtype=float)
            if arr.shape not in ((), shape):
                msg = (
                    f"reaction[{k!r}] must be a number or have the grid's shape {shape}, "
                    f"got {arr.shape}"
                )
                raise ValueError(msg)
            checked[k] = arr
        return checked

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:
        """Compile for ``grid``; see :class:`Equation`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
        >>> eq = pde.ReactionDiffusion({"a": 1.0, "b": 0.0}, lambda t, a, b: {"a": -a})
        >>> eq.system(line, ("a", "b")).linear.shape
        (4, 4)
        """
        laps = laplacians(grid, names, self.bc)
        n = grid.size
        linear = _block_diagonal([self.diffusivity[k] * laps[k].matrix for k in names])
        constant = np.concatenate([self.diffusivity[k] * laps[k].rhs for k in names])

        def explicit(t: float, y: np.ndarray) -> np.ndarray:
            arrays = {k: y[i * n : (i + 1) * n].reshape(grid.shape) for i, k in enumerate(names)}
            rates = self.rates(t, arrays)
            out = np.zeros_like(y)
            for i, k in enumerate(names):
                if k in rates:
                    out[i * n : (i + 1) * n] = np.broadcast_to(rates[k], grid.shape).ravel()
            return out

        boundary = timed_boundary(grid, [(self.diffusivity[k], laps[k]) for k in names])
        return System(grid, names, linear, constant, explicit, laps[names[0]].volumes, boundary)
