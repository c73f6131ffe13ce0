"""The faces between cells of any grid: conservative divergence of face fluxes.

A conservative scheme moves an amount across each face between two
neighbouring cells and takes it from one and gives it to the other, so the
total ``sum(value * cell volume)`` changes only through sources.  The face
geometry is the one of the sparse Laplacian
(:func:`fieldgrad.operators.laplacian_matrix`): its off-diagonal entries,
multiplied by the cell volumes, are the *transmissibilities* ``area /
distance`` of the faces (the metric included, zero across r = 0 and the
poles), so diffusion, chemotaxis and advection share one description of
every face.  The distance between two neighbouring centres is the
coordinate difference times the scale factor midway between them; area =
transmissibility * distance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..grids.base import Grid
from .boundary import resolve_bc
from .sparse import laplacian_matrix

__all__ = ["FaceCouplings", "face_couplings"]


@dataclass(frozen=True)
class FaceCouplings:
    """The inner faces of a grid (periodic seams included), one entry per face.

    Attributes
    ----------
    left, right : ndarray of int
        Flat (C-order) indices of the cells on the lower and upper side of
        each face along its axis (across a periodic seam: the last and the
        first cell).
    axis : ndarray of int
        The axis normal to each face.
    transmissibility : ndarray
        ``area / distance`` of each face, with the metric.
    area : ndarray
        Area (length in 2-D) of each face.
    volumes : ndarray
        Cell volumes, flattened.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.finite_volume import face_couplings
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    >>> faces = face_couplings(disk)
    >>> faces.left.size         # 3 x 8 radial faces, 4 x 8 angular faces (seam included)
    56
    >>> flux = np.ones(faces.left.size)   # one unit from left to right through every face
    >>> bool(np.isclose(faces.volumes @ faces.divergence(flux), 0.0))
    True
    """

    left: np.ndarray
    right: np.ndarray
    axis: np.ndarray
    transmissibility: np.ndarray
    area: np.ndarray
    volumes: np.ndarray

    def divergence(self, flux: np.ndarray) -> np.ndarray:
        """Net outflow per volume of each cell, for an amount per time ``flux`` per face.

        ``flux[p]`` goes from ``left[p]`` to ``right[p]``; the result is the
        conservative divergence (flattened), whose volume integral is zero to
        rounding.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad.operators.finite_volume import face_couplings
        >>> line = fg.CartesianGrid(bounds=[(0, 3)], shape=(3,))
        >>> face_couplings(line).divergence(np.array([1.0, 1.0]))
        array([ 1.,  0., -1.])
        """
        n = self.volumes.size
        out = np.bincount(self.left, flux, minlength=n)
        out -= np.bincount(self.right, flux, minlength=n)
        return out / self.volumes


def _distances(grid: Grid, left: np.ndarray, right: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Distance between neighbouring centres: coordinate step times ``h`` midway."""
    idx_l = np.unravel_index(left, grid.shape)
    idx_r = np.unravel_index(right, grid.shape)
    dist = np.empty(left.size)
    coords = list(grid.coords.values())
    for i in range(grid.ndim):
        sel = axis == i
        if not np.any(sel):
            continue
        x = coords[i]
        lo, hi = grid.bounds[i]
        xl, xr = x[idx_l[i][sel]], x[idx_r[i][sel]]
        xr = np.where(xr < xl, xr + (hi - lo), xr)  # across a periodic seam
        step, mid = xr - xl, (xl + xr) / 2
        h = np.ones(step.size)
        for j in range(grid.ndim):
            at = mid if j == i else coords[j][idx_l[j][sel]]
            f = grid.factor(i, j, at)
            if f is not None:
                h = h * f
        dist[sel] = step * h
    return dist


def face_couplings(grid: Grid, bc: Mapping[str, Any] | None = None) -> FaceCouplings:
    """The faces between neighbouring cells of a grid, from the sparse Laplacian's geometry.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    bc : dict, optional
        Boundary conditions as in :func:`fieldgrad.operators.laplacian_matrix`;
        only ``"periodic"`` matters here (it adds the seam faces).  Faces on
        the domain boundary are not listed: a flux through them is a
        boundary condition, not an exchange between cells.

    Returns
    -------
    FaceCouplings

    Examples
    --------
    On a uniform line the transmissibility is ``1 / h``:

    >>> import fieldgrad as fg
    >>> from fieldgrad.operators.finite_volume import face_couplings
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
    >>> face_couplings(line).transmissibility
    array([4., 4., 4.])
    """
    if not isinstance(grid, Grid):
        msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
        raise TypeError(msg)
    periodic = {
        grid.axes[i]: "periodic"
        for i, (lo, _) in enumerate(resolve_bc(grid, bc))
        if lo.kind == "periodic" and grid.edges(i)[0] != "periodic"
    }
    lap = laplacian_matrix(grid, periodic)
    volumes = lap.volumes
    flux = sp.coo_matrix(sp.triu(sp.diags_array(volumes) @ lap.matrix, k=1))
    left, right, trans = flux.row.astype(np.intp), flux.col.astype(np.intp), flux.data
    keep = trans > 0
    left, right, trans = left[keep], right[keep], trans[keep]
    diff = np.stack(np.unravel_index(right, grid.shape)) - np.stack(
        np.unravel_index(left, grid.shape)
    )
    axis = np.argmax(np.abs(diff), axis=0)
    # a periodic seam joins the last cell (left) to the first (right) along +axis
    seam = diff[axis, np.arange(axis.size)] > 1
    left, right = np.where(seam, right, left), np.where(seam, left, right)
    area = trans * _distances(grid, left, right, axis)
    return FaceCouplings(left, right, axis, trans, area, volumes)
