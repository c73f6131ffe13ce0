"""Transport by fluxes through the faces between cells: Keller-Segel chemotaxis, advection.

Chemotactic and advective fluxes go through the faces between cells
(:func:`fieldgrad.operators.finite_volume.face_couplings`, the face geometry
of the sparse Laplacian), carried by the upwind cell, so they move amounts
between cells and never create or destroy any, and a density stays
non-negative for steps within the explicit limit.  Fluxes through the
domain boundary are zero (closed walls) whatever ``bc`` says about
diffusion; periodic axes stay periodic.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from .._checks import check_nonnegative
from ..fields import VectorField
from ..grids.base import Grid
from ..operators.finite_volume import FaceCouplings, face_couplings
from .boundary_terms import timed_boundary
from .equations import Equation
from .system import System, field_bc, laplacians

__all__ = ["KellerSegel", "Advection"]


def _upwind_flux(faces: FaceCouplings, carrier: np.ndarray, speed: np.ndarray) -> np.ndarray:
    """Amount per time through each face: ``speed`` (left to right) times the upwind value."""
    upwind = np.where(speed > 0, carrier[faces.left], carrier[faces.right])
    return speed * upwind


class KellerSegel(Equation):
    """Chemotaxis of cells ``u`` up a chemical ``c`` they produce (Keller-Segel).

    ``u_t = Du lap u - div(u chi / (1 + saturation c) grad c) + growth u (1 - u)``,
    ``c_t = Dc lap c + production u - decay c``; state keys ``"u"`` and ``"c"``.
    The chemotactic flux is upwinded on the faces between cells: the total
    number of cells changes only by ``growth``, and ``u`` stays >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> sphere = fg.SphereSurface(radius=1.0, shape=(16, 32))
    >>> u = fg.ScalarField.from_function(sphere, lambda theta, phi: 1 + 0.1 * np.cos(theta))
    >>> eq = pde.KellerSegel(cell_diffusivity=0.1, chemical_diffusivity=1.0, sensitivity=2.0,
    ...                      production=1.0, decay=1.0)
    >>> sol = pde.solve(eq, {"u": u, "c": u.copy()}, t_end=1.0)
    >>> cells = lambda f: float((f.data * sphere.cell_volumes()).sum())
    >>> bool(np.isclose(cells(sol.final["u"]), cells(u), rtol=1e-12))
    True
    """

    fields = ("u", "c")

    def __init__(
        self,
        cell_diffusivity: float,
        chemical_diffusivity: float,
        sensitivity: float,
        production: float,
        decay: float,
        saturation: float = 0.0,
        growth: float = 0.0,
        bc: Any = None,
    ) -> None:
        self.cell_diffusivity = check_nonnegative("cell_diffusivity", cell_diffusivity)
        self.chemical_diffusivity = check_nonnegative("chemical_diffusivity", chemical_diffusivity)
        self.sensitivity = float(sensitivity)
        if not np.isfinite(self.sensitivity):
            msg = f"sensitivity must be finite, got {sensitivity!r}"
            raise ValueError(msg)
        self.production = check_nonnegative("production", production)
        self.decay = check_nonnegative("decay", decay)
        self.saturation = check_nonnegative("saturation", saturation)
        self.growth = check_nonnegative("growth", growth)
        self.bc = bc

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:
        """Compile for ``grid``; see :class:`Equation`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(3,))
        >>> pde.KellerSegel(1, 1, 1, 1, 1).system(line, ("u", "c")).linear.shape
        (6, 6)
        """
        laps = laplacians(grid, names, self.bc)
        faces = face_couplings(grid, field_bc(self.bc, "u", names))
        n = grid.size
        eye = sp.eye_array(n, format="csr")
        du, dc = self.cell_diffusivity, self.chemical_diffusivity
        linear = sp.csr_matrix(
            sp.block_array(
                [
                    [du * laps["u"].matrix, None],
                    [self.production * eye, dc * laps["c"].matrix - self.decay * eye],
                ],
                format="csr",
            )
        )
        constant = np.concatenate([du * laps["u"].rhs, dc * laps["c"].rhs])
        chi, sat, growth = self.sensitivity, self.saturation, self.growth
        conductance = chi * faces.transmissibility

        def explicit(t: float, y: np.ndarray) -> np.ndarray:
            u, c = y[:n], y[n:]
            drop = c[faces.right] - c[faces.left]
            speed = conductance * drop
            if sat:
                speed = speed / (1 + sat * 0.5 * (c[faces.left] + c[faces.right]))
            out = np.zeros_like(y)
            out[:n] = 0.0 - faces.divergence(_upwind_flux(faces, u, speed))
            if growth:
                out[:n] += growth * u * (1 - u)
            return out

        boundary = timed_boundary(grid, [(du, laps["u"]), (dc, laps["c"])])
        return System(grid, names, linear, constant, explicit, laps["u"].volumes, boundary)


class Advection(Equation):
    """``u_t + div(u v) = D lap u`` for a given velocity field ``v``.

    Parameters
    ----------
    velocity : VectorField or array_like
        Orthonormal components at the cell centres, shape ``(ndim, *grid.shape)``
        (e.g. ``-K grad p`` for Darcy flow).  The flux through a face is the
        mean normal velocity of its two cells times the upwind value.
    diffusivity : float
        ``D >= 0``.
    bc : dict, optional
        Boundary conditions of the diffusion; the advective flux through the
        boundary is zero (closed walls).

    Examples
    --------
    A pulse carried once around a periodic line comes back to its start:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> ring = fg.CartesianGrid(bounds=[(0, 1)], shape=(64,), periodic=True)
    >>> u = fg.ScalarField.from_function(ring, lambda x: np.exp(-100 * (x - 0.5)**2))
    >>> eq = pde.Advection(velocity=[np.ones(64)])
    >>> sol = pde.solve(eq, u, t_end=1.0, method="explicit")
    >>> bool(np.isclose(sol.final.data.sum(), u.data.sum()))             # conserved
    True
    """

    def __init__(self, velocity: Any, diffusivity: float = 0.0, bc: Any = None) -> None:
        self.velocity = velocity
        self.diffusivity = check_nonnegative("diffusivity", diffusivity)
        self.bc = bc

    def _components(self, grid: Grid) -> np.ndarray:
        v = self.velocity
        if isinstance(v, VectorField):
            if v.grid != grid:
                msg = f"velocity must be a VectorField on the state's grid, got one on {v.grid!r}"
                raise ValueError(msg)
            v = v.compute().data
        try:
            arr = np.broadcast_to(np.asarray(v, dtype=float), (grid.ndim, *grid.shape))
        except ValueError:
            msg = (
                f"velocity must be a VectorField or components of shape "
                f"{(grid.ndim, *grid.shape)}, got {np.shape(v)}"
            )
            raise ValueError(msg) from None
        if not np.all(np.isfinite(arr)):
            msg = "velocity must be finite everywhere"
            raise ValueError(msg)
        return arr.reshape(grid.ndim, grid.size)

    def system(self, grid: Grid, names: tuple[str, ...]) -> System:
        """Compile for ``grid``; see :class:`Equation`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
        >>> pde.Advection([[1.0] * 4]).system(line, ("u",)).explicit(0.0, [1.0, 0, 0, 0])
        array([-4.,  4.,  0.,  0.])
        """
        lap = laplacians(grid, names, self.bc)[names[0]]
        faces = face_couplings(grid, field_bc(self.bc, names[0], names))
        v = self._components(grid)
        normal = 0.5 * (v[faces.axis, faces.left] + v[faces.axis, faces.right])
        speed = faces.area * normal

        def explicit(t: float, y: np.ndarray) -> np.ndarray:
            return 0.0 - faces.divergence(_upwind_flux(faces, np.asarray(y, dtype=float), speed))

        linear = sp.csr_matrix(self.diffusivity * lap.matrix)
        boundary = timed_boundary(grid, [(self.diffusivity, lap)])
        constant = self.diffusivity * lap.rhs
        return System(grid, names, linear, constant, explicit, lap.volumes, boundary)
