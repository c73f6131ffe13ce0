"""The general step of agents on any grid: Euler-Maruyama in physical space.

The drift (Cartesian components) and the Brownian increment are added in
Cartesian coordinates, mapped back with :meth:`Grid.from_cartesian` and put
into the domain (periodic coordinates wrapped, the others clipped, mirrored
or the agent marked as leaving).  On a surface (the sphere) both are
projected onto the tangent plane; for an axisymmetric grid (a pipe in
(r, z)) the noise is 3-D.  Numpy throughout: the evenly spaced plane has the
compiled kernels of :mod:`fieldgrad.biology.plane` instead.
"""

from __future__ import annotations

import numpy as np

from ..grids.base import Grid

__all__ = ["Motion"]


def _implicit_dimensions(grid: Grid) -> int:
    """Axes the grid leaves out but keeps in its volume element (the angle of an
    axisymmetric pipe): the physical space has these extra directions."""
    extra = 0
    for j in range(grid.ndim):
        vol = grid.volume_factor(j)
        prod = np.ones(grid.shape[j])
        for i in range(grid.ndim):
            f = grid.factor(i, j)
            if f is not None:
                prod = prod * f
        if vol is not None and not np.allclose(vol, prod):
            extra += 1
    return extra


class Motion:
    """Euler-Maruyama steps of points on a grid, taken in Cartesian space.

    Parameters
    ----------
    grid : Grid
        Any fieldgrad grid.
    boundary : {"stop", "remove", "reflect"}
        At a non-periodic edge: clip (and report as leaving), the same, or mirror.

    Examples
    --------
    A step of 0.5 along x from (0.25, 0) on a disk passes through r = 0:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.biology.motion import Motion
    >>> motion = Motion(fg.PolarGrid(radius=(0, 1), shape=(8, 16)), "stop")
    >>> new, stalled, left = motion.move(np.array([[0.25, np.pi]]), np.array([[0.5, 0.0]]), 1.0)
    >>> new.round(12), stalled.tolist(), left.tolist()
    (array([[0.25, 0.  ]]), [False], [False])
    """

    def __init__(self, grid: Grid, boundary: str) -> None:
        self.grid = grid
        self.boundary = boundary
        self.ncart = len(grid.to_cartesian(*[x[:1] for x in grid.coords.values()]))
        #: a surface in a larger space: drift and noise are projected onto it
        self.manifold = grid.ndim + _implicit_dimensions(grid) < self.ncart
        #: grid coordinates are the Cartesian ones
        self.identity = grid.is_cartesian and self.ncart == grid.ndim

    def cartesian(self, pts: np.ndarray) -> np.ndarray:
        """Cartesian coordinates of points, shape ``(n, ncart)``."""
        return np.stack(self.grid.to_cartesian(*pts.T), axis=-1).reshape(len(pts), -1)

    def tangent(self, pts: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The Cartesian vectors ``v`` at ``pts`` projected onto the grid's tangent space."""
        if not self.manifold:
            return v
        e = self.grid.basis(*pts.T)  # (n, ndim, ncart)
        return np.einsum("ni,nik->nk", np.einsum("nik,nk->ni", e, v), e)

    def noise(self, rng: np.random.Generator, pts: np.ndarray, scale: float) -> np.ndarray:
        """Isotropic Gaussian steps of standard deviation ``scale`` per direction."""
        if self.manifold:
            eta = rng.standard_normal((len(pts), self.grid.ndim))
            return scale * np.einsum("ni,nik->nk", eta, self.grid.basis(*pts.T))
        return scale * rng.standard_normal((len(pts), self.ncart))

    def move(
        self,
        pts: np.ndarray,
        velocity: np.ndarray,
        dt: float,
        *,
        scale: float = 0.0,
        rng: np.random.Generator | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """New points after ``dt * velocity`` (+ noise of std ``scale``): points, who
        stalled (a non-finite velocity: they stay) and who left through an open side."""
        move = np.array(velocity, dtype=float)
        stalled = ~np.all(np.isfinite(move), axis=1)
        move[stalled] = 0.0
        move *= dt
        if scale > 0:
            move += self.noise(np.random.default_rng(rng), pts, scale)
        if self.identity:
            new = pts + move
        else:
            new = self.grid.from_cartesian(*(self.cartesian(pts) + move).T)
            new = np.stack(new, axis=-1).reshape(len(pts), -1)
        new, left = self.into_domain(new)
        new[stalled] = pts[stalled]
        return new, stalled, left & ~stalled

    def into_domain(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Wrap periodic coordinates, clip the others; returns the points and who left."""
        left = np.zeros(len(pts), dtype=bool)
        grid = self.grid
        for i, ((lo, hi), per) in enumerate(zip(grid.bounds, grid.periodic, strict=True)):
            if per:
                pts[:, i] = lo + np.mod(pts[:, i] - lo, hi - lo)
            else:
                x = pts[:, i]
                if self.boundary == "reflect":  # mirrored at the wall, none leaves
                    x[:] = np.where(x < lo, 2 * lo - x, np.where(x > hi, 2 * hi - x, x))
                else:
                    left |= (x < lo) | (x > hi)
                np.clip(x, lo, hi, out=x)
        return pts, left
