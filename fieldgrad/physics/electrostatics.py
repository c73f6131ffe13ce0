"""Electrostatics: potentials of point charges and dipoles, E = -grad phi, Gauss's law.

Potentials are returned as plain functions of Cartesian ``x, y(, z)`` so that
they can be sampled on any grid with
``ScalarField.from_function(grid, phi, coords="cartesian")``.  The constant
``k`` stands for ``k_e q`` (``q / (4 pi eps0)``); use ``k=COULOMB_CONSTANT * q``
for SI units or ``k=1`` for a dimensionless problem.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..fields import ScalarField, VectorField
from ..grids import SphereSurface
from ..operators import gradient

__all__ = [
    "COULOMB_CONSTANT",
    "VACUUM_PERMITTIVITY",
    "dipole_potential",
    "electric_field",
    "flux_through_sphere",
    "point_charge_field",
    "point_charge_potential",
    "point_charges_potential",
]

#: Vacuum permittivity eps0 in F/m (CODATA 2022).
VACUUM_PERMITTIVITY = 8.8541878188e-12
#: Coulomb constant k_e = 1 / (4 pi eps0) in N m^2 / C^2.
COULOMB_CONSTANT = 1.0 / (4.0 * math.pi * VACUUM_PERMITTIVITY)

Potential = Callable[..., np.ndarray]


def _point(name: str, value: Any) -> np.ndarray:
    p = np.asarray(value, dtype=float).ravel()
    if not 1 <= p.size <= 3 or not np.all(np.isfinite(p)):
        msg = f"{name} must be 1 to 3 finite Cartesian coordinates, got {value!r}"
        raise ValueError(msg)
    return np.pad(p, (0, 3 - p.size))


def _offsets(x: Any, y: Any, z: Any, source: np.ndarray) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(c, dtype=float) - s for c, s in zip((x, y, z), source, strict=True))


def point_charge_potential(k: float = 1.0, source: Sequence[float] = (0.0, 0.0, 0.0)) -> Potential:
    """The Coulomb potential ``phi = k / |x - source|`` of a point charge.

    Parameters
    ----------
    k : float
        ``k_e q``: the charge times the Coulomb constant.
    source : sequence of float
        Position of the charge (missing coordinates are 0).

    Returns
    -------
    callable
        ``phi(x, y=0, z=0)``, broadcasting over arrays; ``inf`` at the source.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics import point_charge_potential
    >>> phi = point_charge_potential(k=2.0, source=(1, 0, 0))
    >>> float(phi(1.0, 0.0, 4.0))
    0.5
    >>> grid = fg.SphericalGrid(radius=(0.5, 2), shape=(8, 8, 16))
    >>> f = fg.ScalarField.from_function(grid, point_charge_potential(), coords="cartesian")
    >>> bool(np.allclose(f.data, 1 / grid.mesh()[0]))
    True
    """
    return point_charges_potential([1.0], [source], k=k)


def point_charges_potential(
    charges: Sequence[float], positions: Sequence[Sequence[float]], *, k: float = 1.0
) -> Potential:
    """The potential of several point charges, ``phi = k sum_i q_i / |x - x_i|``.

    Parameters
    ----------
    charges : sequence of float
        Charges ``q_i`` (in units of the charge that ``k`` refers to).
    positions : sequence of points
        Their positions.
    k : float, keyword-only
        Coulomb constant times the unit of charge.

    Examples
    --------
    A physical dipole: +1 and -1 on the z axis.

    >>> from fieldgrad.physics import point_charges_potential
    >>> phi = point_charges_potential([1, -1], [(0, 0, 0.5), (0, 0, -0.5)])
    >>> float(phi(1.0, 0.0, 0.0))     # the mid-plane is an equipotential
    0.0
    """
    q = np.asarray(charges, dtype=float).ravel()
    pos = [_point("positions[i]", p) for p in positions]
    if len(pos) != q.size or q.size == 0:
        msg = f"charges and positions must have the same non-zero length, got {q.size}, {len(pos)}"
        raise ValueError(msg)

    def phi(x: Any, y: Any = 0.0, z: Any = 0.0) -> np.ndarray:
        total = np.zeros(np.broadcast_shapes(*(np.shape(c) for c in (x, y, z))))
        with np.errstate(divide="ignore"):
            for qi, p in zip(q, pos, strict=True):
                dx, dy, dz = _offsets(x, y, z, p)
                total = total + k * qi / np.sqrt(dx * dx + dy * dy + dz * dz)
        return total

    return phi


def dipole_potential(
    moment: Sequence[float] = (0.0, 0.0, 1.0),
    *,
    k: float = 1.0,
    centre: Sequence[float] = (0.0, 0.0, 0.0),
) -> Potential:
    """The potential of an ideal (point) dipole, ``phi = k p . d / |d|^3`` with ``d = x - centre``.

    Parameters
    ----------
    moment : sequence of float
        Dipole moment ``p`` (Cartesian components).
    k : float, keyword-only
        Coulomb constant in the units used.
    centre : sequence of float, keyword-only
        Position of the dipole.

    Examples
    --------
    >>> from fieldgrad.physics import dipole_potential
    >>> phi = dipole_potential((0, 0, 1))
    >>> float(phi(0.0, 0.0, 2.0)), float(phi(2.0, 0.0, 0.0))   # on the axis, on the equator
    (0.25, 0.0)
    """
    p = _point("moment", moment)
    c = _point("centre", centre)

    def phi(x: Any, y: Any = 0.0, z: Any = 0.0) -> np.ndarray:
        dx, dy, dz = _offsets(x, y, z, c)
        r2 = dx * dx + dy * dy + dz * dz
        with np.errstate(divide="ignore", invalid="ignore"):
            return k * (p[0] * dx + p[1] * dy + p[2] * dz) / (r2 * np.sqrt(r2))

    return phi


def point_charge_field(
    k: float = 1.0, source: Sequence[float] = (0.0, 0.0, 0.0)
) -> Callable[..., tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The exact Coulomb field ``E = k (x - source) / |x - source|^3`` of a point charge.

    Returns
    -------
    callable
        ``E(x, y=0, z=0) -> (E_x, E_y, E_z)``.

    Examples
    --------
    >>> from fieldgrad.physics import point_charge_field
    >>> [float(c) for c in point_charge_field(k=4.0)(0.0, 2.0, 0.0)]
    [0.0, 1.0, 0.0]
    """
    s = _point("source", source)

    def field(x: Any, y: Any = 0.0, z: Any = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        dx, dy, dz = _offsets(x, y, z, s)
        r2 = dx * dx + dy * dy + dz * dz
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = k / (r2 * np.sqrt(r2))
        return (dx * scale, dy * scale, dz * scale)

    return field


def electric_field(
    potential: ScalarField, *, order: int = 2, units: str | None = None
) -> VectorField:
    """The electric field ``E = -grad phi`` of a potential field.

    Parameters
    ----------
    potential : ScalarField
        The potential phi on any grid.
    order : {2, 4}, keyword-only
        Accuracy order of the finite differences.
    units : str, optional, keyword-only
        Units of E (e.g. ``"V/m"``).

    Returns
    -------
    VectorField
        Orthonormal components of E in the grid's basis, named ``"E"``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics import electric_field, point_charge_potential
    >>> grid = fg.SphericalGrid(radius=(1, 2), shape=(64, 8, 16))
    >>> phi = fg.ScalarField.from_function(grid, point_charge_potential(), coords="cartesian")
    >>> E = electric_field(phi, order=4)
    >>> r = grid.mesh()[0]
    >>> bool(np.allclose(E.data[0], 1 / r**2, rtol=1e-5))    # E_r = k / r^2
    True
    """
    if not isinstance(potential, ScalarField):
        msg = f"potential must be a ScalarField, got {type(potential).__name__}"
        raise TypeError(msg)
    grad = gradient(potential, order=order)
    return VectorField(potential.grid, -grad.data, name="E", units=units)


# ----------------------------------------------------------- Cartesian <-> grid
def _sample_cartesian(
    field: VectorField, x: np.ndarray, y: np.ndarray, z: np.ndarray, method: str
) -> tuple[np.ndarray, ...]:
    """Cartesian components of a vector field interpolated at Cartesian points."""
    grid = field.grid
    if len(grid.to_cartesian(*(c[:1] for c in grid.coords.values()))) != 3:
        msg = f"field must live on a grid of 3-D space, got {grid!r}"
        raise ValueError(msg)
    coords = grid.from_cartesian(x, y, z)
    components = field.interpolate(np.stack(coords, axis=-1), method=method)
    ex, ey, ez = np.moveaxis(np.einsum("...i,...ij->...j", components, grid.basis(*coords)), -1, 0)
    # An axisymmetric grid represents every point by its image in one half-plane:
    # turn the vectors back about the z axis to the point itself.
    px, py, _ = grid.to_cartesian(*coords)
    turn = np.arctan2(y, x) - np.arctan2(py, px)
    c, s = np.cos(turn), np.sin(turn)
    return (c * ex - s * ey, s * ex + c * ey, ez)


def flux_through_sphere(
    field: VectorField | Callable[..., Sequence[np.ndarray]],
    centre: Sequence[float] = (0.0, 0.0, 0.0),
    radius: float = 1.0,
    shape: Sequence[int] = (64, 128),
    *,
    method: str = "linear",
) -> float:
    """The outward flux of a vector field through a sphere, ``∮ E · n dA``.

    The sphere is a :class:`~fieldgrad.SphereSurface`; at each cell centre
    the field is interpolated (a :class:`~fieldgrad.VectorField` on any grid
    of 3-D space: Cartesian, spherical, cylindrical or axisymmetric; its
    orthonormal components turned into Cartesian ones with the grid's
    ``basis``) or evaluated (a callable), dotted with the outward normal and
    weighted by the exact cell area.

    Parameters
    ----------
    field : VectorField or callable
        The field, or a function ``E(x, y, z) -> (E_x, E_y, E_z)``.
    centre : sequence of float
        Centre of the sphere.
    radius : float
        Radius of the sphere, > 0.  The sphere must lie inside the field's grid.
    shape : (int, int)
        Cells of the sphere in colatitude and longitude.
    method : {"linear", "cubic"}, keyword-only
        Interpolation of a VectorField.

    Returns
    -------
    float
        The flux; by Gauss's law ``4 pi k`` times the enclosed charge for an
        electric field.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.physics import flux_through_sphere, point_charge_field
    >>> flux = flux_through_sphere(point_charge_field(), centre=(0.1, 0, 0), radius=0.5)
    >>> bool(np.isclose(flux / (4 * np.pi), 1.0, rtol=1e-3))
    True
    """
    sphere = SphereSurface(radius=radius, shape=shape)
    c = _point("centre", centre)
    nx, ny, nz = (np.broadcast_to(a, sphere.shape) / radius for a in sphere.to_cartesian())
    x, y, z = c[0] + radius * nx, c[1] + radius * ny, c[2] + radius * nz
    if isinstance(field, VectorField):
        ex, ey, ez = _sample_cartesian(field, x, y, z, method)
    elif callable(field):
        ex, ey, ez = (np.broadcast_to(np.asarray(e, dtype=float), x.shape) for e in field(x, y, z))
    else:
        msg = f"field must be a VectorField or a callable E(x, y, z), got {type(field).__name__}"
        raise TypeError(msg)
    normal_component = ex * nx + ey * ny + ez * nz
    return float(np.sum(normal_component * sphere.cell_volumes()))
