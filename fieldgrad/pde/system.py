"""An equation on a grid, ready to step: ``dy/dt = L y + b + N(t, y)``.

Every equation of :mod:`fieldgrad.pde` compiles, for the grid of its state,
into a :class:`System`: the fields stacked into one flat vector ``y``, a
sparse linear part ``L`` (diffusion, linear decay and linear couplings, with
the boundary conditions; the constant ``b`` holds inhomogeneous boundary
values and constant sources) and an explicit part ``N`` (reactions,
chemotaxis and advection fluxes).  The time steppers of
:mod:`fieldgrad.pde.steppers` treat ``L`` implicitly or explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..fields import ScalarField
from ..grids.base import Grid
from .boundary_terms import FieldLaplacian, field_laplacian

__all__ = ["System", "field_bc", "pack", "unpack"]


@dataclass
class System:
    """The right-hand side ``L y + b + N(t, y)`` of an equation on one grid.

    Attributes
    ----------
    grid : Grid
        The grid of every field.
    names : tuple of str
        Field names, in the order they are stacked in ``y``.
    linear : scipy.sparse.csr_matrix
        ``L``, shape ``(len(names) * grid.size,) * 2``.
    constant : ndarray
        ``b``.
    explicit : callable or None
        ``N(t, y) -> dy/dt`` (flat), or None when the equation is linear.
    volumes : ndarray
        Cell volumes (flattened), for totals.
    boundary : callable or None
        ``t -> `` the part of ``b`` from boundary values that depend on time.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> system = pde.Diffusion(diffusivity=1.0, decay=2.0).system(line, ("c",))
    >>> system.rhs(0.0, np.ones(4))          # no flux: only the decay
    array([-2., -2., -2., -2.])
    """

    grid: Grid
    names: tuple[str, ...]
    linear: sp.csr_matrix
    constant: np.ndarray
    explicit: Callable[[float, np.ndarray], np.ndarray] | None = None
    volumes: np.ndarray = field(default_factory=lambda: np.zeros(0))
    boundary: Callable[[float], np.ndarray] | None = None

    def constant_at(self, t: float) -> np.ndarray:
        """``b`` at time ``t``: the constant part plus boundary values that depend on ``t``.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
        >>> eq = pde.Diffusion(1.0, bc={"x+": ("neumann", lambda x, t: t)})
        >>> eq.system(line, ("u",)).constant_at(3.0)      # flux 3 into the last cell of 0.5
        array([0., 6.])
        """
        if self.boundary is None:
            return self.constant
        return self.constant + self.boundary(t)

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:
        """The whole right-hand side at ``(t, y)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
        >>> pde.FisherKPP(diffusivity=1.0, rate=4.0).system(line, ("u",)).rhs(0.0, np.full(2, 0.5))
        array([1., 1.])
        """
        out = self.linear @ y + self.constant_at(t)
        if self.explicit is not None:
            out = out + self.explicit(t, y)
        return out

    def split(self, y: np.ndarray) -> dict[str, np.ndarray]:
        """The flat vector as grid-shaped arrays by field name (views).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
        >>> eq = pde.ReactionDiffusion(diffusivity={"u": 1.0, "v": 1.0},
        ...                            reaction=lambda t, u, v: {"u": -u, "v": u})
        >>> eq.system(line, ("u", "v")).split(np.arange(4.0))
        {'u': array([0., 1.]), 'v': array([2., 3.])}
        """
        n = self.grid.size
        return {
            k: y[i * n : (i + 1) * n].reshape(self.grid.shape) for i, k in enumerate(self.names)
        }


def field_bc(bc: Mapping[str, Any] | None, name: str, names: tuple[str, ...]) -> Any:
    """The boundary conditions of one field: ``bc`` by field name, or one ``bc`` for all.

    Examples
    --------
    >>> from fieldgrad.pde.system import field_bc
    >>> field_bc({"u": {"x": ("dirichlet", 1.0)}}, "u", ("u", "v"))
    {'x': ('dirichlet', 1.0)}
    >>> field_bc({"x": "periodic"}, "v", ("u", "v"))
    {'x': 'periodic'}
    """
    if bc is None:
        return None
    if not isinstance(bc, Mapping):
        msg = f"bc must be a dict (by side, or by field name {names}) or None, got {bc!r}"
        raise TypeError(msg)
    if bc and all(k in names for k in bc):
        return bc.get(name)
    return bc


def laplacians(
    grid: Grid, names: tuple[str, ...], bc: Mapping[str, Any] | None
) -> dict[str, FieldLaplacian]:
    """The sparse Laplacian of each field with its boundary conditions (some timed)."""
    return {k: field_laplacian(grid, field_bc(bc, k, names)) for k in names}


def pack(
    state: Any, names: tuple[str, ...] | None = None
) -> tuple[Grid, tuple[str, ...], np.ndarray]:
    """A ScalarField or a dict of them as ``(grid, names, flat vector)``, checked.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.pde.system import pack
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
    >>> grid, names, y = pack({"u": fg.ScalarField(line, [1.0, 2.0]),
    ...                        "v": fg.ScalarField(line, [3.0, 4.0])})
    >>> names, y
    (('u', 'v'), array([1., 2., 3., 4.]))
    """
    if isinstance(state, ScalarField):
        fields = {state.name or "u": state}
    elif isinstance(state, Mapping) and state:
        fields = dict(state)
    else:
        msg = f"state must be a ScalarField or a dict of ScalarFields, got {type(state).__name__}"
        raise TypeError(msg)
    grid = None
    for key, f in fields.items():
        if not isinstance(f, ScalarField):
            msg = f"state[{key!r}] must be a ScalarField, got {type(f).__name__}"
            raise TypeError(msg)
        if grid is None:
            grid = f.grid
        elif f.grid != grid:
            msg = f"state[{key!r}] must be on the same grid as the other fields, got {f.grid!r}"
            raise ValueError(msg)
    assert grid is not None
    keys = tuple(fields) if names is None else names
    arrays = []
    for key in keys:
        data = np.asarray(fields[key].compute().data, dtype=float)
        if not np.all(np.isfinite(data)):
            msg = f"state[{key!r}] must be finite everywhere (the initial state has NaN or inf)"
            raise ValueError(msg)
        arrays.append(data.ravel())
    return grid, keys, np.concatenate(arrays)


def unpack(system: System, y: np.ndarray, like: Any) -> Any:
    """The flat vector as the type of ``like`` (a ScalarField or a dict of them).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> from fieldgrad.pde.system import unpack
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
    >>> c = fg.ScalarField(line, [1.0, 2.0], name="c")
    >>> unpack(pde.Diffusion(1.0).system(line, ("c",)), np.zeros(2), c).name
    'c'
    """
    parts = system.split(np.array(y, dtype=float))
    if isinstance(like, ScalarField):
        return ScalarField(system.grid, parts[system.names[0]], name=like.name, units=like.units)
    return {
        k: ScalarField(
            system.grid,
            parts[k],
            name=getattr(like[k], "name", k) or k,
            units=getattr(like[k], "units", None),
        )
        for k in like
    }
