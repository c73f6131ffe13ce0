"""Pressure-driven laminar pipe flow: Hagen-Poiseuille, section by section.

In a straight pipe of radius ``R`` a Newtonian fluid of viscosity ``mu``
driven by the pressure gradient ``dp/dz`` flows with the parabolic profile

.. math::

    u(r) = \\frac{|dp/dz|}{4 \\mu} (R^2 - r^2),
    \\qquad Q = \\int_0^R 2 \\pi r\\, u\\, dr = \\frac{\\pi R^4 |dp/dz|}{8 \\mu}.

At a fixed flow rate the steepness of the pressure therefore scales as
``R**-4``: halve the radius and the pressure drops sixteen times faster.
In a slowly varying pipe (``|dR/dz| << 1``, the lubrication approximation)
every cross-section carries the profile of a straight pipe of the local
radius, so ``dp/dz = -8 mu Q / (pi R(z)**4)`` and the pressure follows by
integration along the axis (:func:`poiseuille_pressure`).

All quantities are in SI units; :data:`MMHG`, :data:`ML` and :data:`MM`
convert to the physiological units of blood flow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..fields import ScalarField
from ..grids import CylindricalGrid

__all__ = [
    "BLOOD_DENSITY",
    "BLOOD_VISCOSITY",
    "ML",
    "MM",
    "MMHG",
    "flow_rate",
    "poiseuille_pressure",
    "poiseuille_pressure_gradient",
    "poiseuille_velocity",
    "reynolds_number",
]

#: Dynamic viscosity of whole blood at body temperature and high shear, in Pa s.
BLOOD_VISCOSITY = 3.5e-3
#: Density of whole blood in kg/m^3.
BLOOD_DENSITY = 1060.0
#: One millimetre of mercury in pascal.
MMHG = 133.322387415
#: One millilitre in cubic metres.
ML = 1e-6
#: One millimetre in metres.
MM = 1e-3
#: Gauss-Legendre nodes per interval when integrating dp/dz along the axis.
_PRESSURE_QUADRATURE_POINTS = 8


def _positive(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(arr > 0):
        msg = f"{name} must be > 0, got {value!r}"
        raise ValueError(msg)
    return arr


def poiseuille_pressure_gradient(
    radius: Any, flow_rate: float, *, viscosity: float = BLOOD_VISCOSITY
) -> np.ndarray:
    """Magnitude of the axial pressure gradient ``8 mu Q / (pi R^4)`` in Pa/m.

    Parameters
    ----------
    radius : float or array_like
        Pipe radius ``R`` in metres, > 0.
    flow_rate : float
        Volumetric flow rate ``Q`` in m^3/s, >= 0.
    viscosity : float, keyword-only
        Dynamic viscosity ``mu`` in Pa s (default: blood).

    Returns
    -------
    ndarray
        ``|dp/dz|``; the pressure falls in the direction of flow.

    Examples
    --------
    An artery of radius 2 mm carrying 5 mL/s of blood, and the same flow
    through half the radius:

    >>> from fieldgrad.physics.flow import MM, ML, MMHG, poiseuille_pressure_gradient
    >>> g = poiseuille_pressure_gradient([2 * MM, 1 * MM], 5 * ML)
    >>> round(float(g[0]), 1)                 # Pa/m
    2785.2
    >>> float(g[1] / g[0])
    16.0
    """
    r = _positive("radius", radius)
    if not flow_rate >= 0:
        msg = f"flow_rate must be >= 0, got {flow_rate!r}"
        raise ValueError(msg)
    mu = float(_positive("viscosity", viscosity))
    return 8.0 * mu * flow_rate / (math.pi * r**4)


def poiseuille_velocity(
    r: Any, radius: Any, pressure_gradient: Any, *, viscosity: float = BLOOD_VISCOSITY
) -> np.ndarray:
    """Axial velocity ``|dp/dz| (R^2 - r^2) / (4 mu)`` inside the pipe, zero outside.

    Parameters
    ----------
    r : array_like
        Distance from the pipe axis in metres.
    radius : float or array_like
        Local pipe radius ``R`` in metres (broadcast against ``r``).
    pressure_gradient : float or array_like
        ``|dp/dz|`` in Pa/m (broadcast against ``r``), e.g. a field's
        gradient norm.
    viscosity : float, keyword-only
        Dynamic viscosity in Pa s.

    Returns
    -------
    ndarray
        Velocity in m/s; points with ``r > R`` lie in the wall and get 0.

    Examples
    --------
    On the axis the velocity is twice the mean velocity ``Q / (pi R^2)``:

    >>> import numpy as np
    >>> from fieldgrad.physics.flow import (MM, ML, poiseuille_pressure_gradient,
    ...                                     poiseuille_velocity)
    >>> R, Q = 2 * MM, 5 * ML
    >>> u = poiseuille_velocity([0.0, R, 2 * R], R, poiseuille_pressure_gradient(R, Q))
    >>> bool(np.isclose(u[0], 2 * Q / (np.pi * R**2))), float(u[1]), float(u[2])
    (True, 0.0, 0.0)
    """
    r = np.abs(np.asarray(r, dtype=float))
    radius = _positive("radius", radius)
    mu = float(_positive("viscosity", viscosity))
    g = np.asarray(pressure_gradient, dtype=float)
    return np.where(r < radius, g * (radius**2 - r**2) / (4.0 * mu), 0.0)


def poiseuille_pressure(
    z: Any,
    radius: Callable[[np.ndarray], Any],
    flow_rate: float,
    *,
    viscosity: float = BLOOD_VISCOSITY,
    outlet_pressure: float = 0.0,
) -> np.ndarray:
    """Pressure along a slowly varying pipe, by integrating ``dp/dz = -8 mu Q / (pi R(z)^4)``.

    The integral between successive points is evaluated with
    Gauss-Legendre quadrature on each interval, so the result is exact to
    rounding for any smooth radius profile resolved by the points.

    Parameters
    ----------
    z : array_like
        Increasing axial positions in metres.
    radius : callable
        ``R(z)`` in metres, vectorised.
    flow_rate : float
        Volumetric flow rate in m^3/s, flowing towards increasing ``z``.
    viscosity : float, keyword-only
        Dynamic viscosity in Pa s.
    outlet_pressure : float, keyword-only
        Pressure at the last point, in Pa.

    Returns
    -------
    ndarray
        ``p(z)`` in Pa.

    Examples
    --------
    A straight pipe: the pressure falls linearly, ``Delta p = 8 mu Q L / (pi R^4)``.

    >>> import numpy as np
    >>> from fieldgrad.physics.flow import MM, ML, poiseuille_pressure
    >>> z = np.linspace(0, 0.1, 5)
    >>> p = poiseuille_pressure(z, lambda z: 2 * MM + 0 * z, 5 * ML)
    >>> round(float(p[0]), 2), float(p[-1])
    (278.52, 0.0)
    """
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size < 1 or np.any(np.diff(z) <= 0):
        msg = f"z must be a strictly increasing 1-D array, got shape {z.shape}"
        raise ValueError(msg)
    nodes, weights = np.polynomial.legendre.leggauss(_PRESSURE_QUADRATURE_POINTS)
    lo, hi = z[:-1, None], z[1:, None]
    pts = (lo + hi) / 2 + (hi - lo) / 2 * nodes
    g = poiseuille_pressure_gradient(radius(pts), flow_rate, viscosity=viscosity)
    drops = ((hi - lo)[:, 0] / 2) * (g * weights).sum(axis=1)
    # p(z_i) = p_out + sum of the drops downstream of z_i
    downstream = np.concatenate([np.cumsum(drops[::-1])[::-1], [0.0]])
    return outlet_pressure + downstream


def flow_rate(velocity: ScalarField) -> np.ndarray:
    """Volumetric flow rate through each cross-section of a cylindrical grid.

    ``Q(z) = sum over the section's cells of u * A``, with ``A`` the exact
    area of each cell's annulus (or annular sector) taken from the grid's
    cell volumes.  The axial velocity is sampled at cell centres (midpoint
    rule), so a smooth profile is integrated to second order in the radial
    spacing; a profile that drops to zero at a wall between grid points
    keeps second order as well.

    Parameters
    ----------
    velocity : ScalarField
        Axial velocity on a :class:`~fieldgrad.CylindricalGrid`, ``(r, z)``
        or ``(r, theta, z)``.

    Returns
    -------
    ndarray
        One flow rate per axial grid point, in (velocity units) x (length units)^2.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.physics.flow import flow_rate
    >>> pipe = fg.CylindricalGrid(radius=(0, 1.0), z=(0, 1.0), shape=(200, 3))
    >>> u = fg.ScalarField.from_function(pipe, lambda r, z: 1 - r**2 + 0 * z)
    >>> bool(np.allclose(flow_rate(u), np.pi / 2, rtol=1e-4))   # exact: pi R^2 u_max / 2
    True
    """
    if not isinstance(velocity, ScalarField) or not isinstance(velocity.grid, CylindricalGrid):
        kind = type(velocity.grid).__name__ if isinstance(velocity, ScalarField) else None
        msg = f"velocity must be a ScalarField on a CylindricalGrid, got {kind or type(velocity)}"
        raise TypeError(msg)
    grid = velocity.grid
    z = grid.coords["z"]
    lo, hi = grid.bounds[-1]
    faces = np.concatenate([[lo], (z[1:] + z[:-1]) / 2, [hi]])
    section_areas = grid.cell_volumes() / np.diff(faces)
    flux = np.asarray(velocity.data) * section_areas
    return flux.reshape(-1, z.size).sum(axis=0)


def reynolds_number(
    flow_rate: float,
    radius: Any,
    *,
    viscosity: float = BLOOD_VISCOSITY,
    density: float = BLOOD_DENSITY,
) -> np.ndarray:
    """Reynolds number ``rho U D / mu`` of pipe flow, ``U = Q / (pi R^2)`` the mean velocity.

    Poiseuille flow is laminar (and this module applies) for ``Re`` below
    about 2000.

    Parameters
    ----------
    flow_rate : float
        Volumetric flow rate in m^3/s.
    radius : float or array_like
        Pipe radius in metres, > 0.
    viscosity : float, keyword-only
        Dynamic viscosity in Pa s.
    density : float, keyword-only
        Density in kg/m^3.

    Returns
    -------
    ndarray
        The Reynolds number (dimensionless).

    Examples
    --------
    >>> from fieldgrad.physics.flow import MM, ML, reynolds_number
    >>> round(float(reynolds_number(5 * ML, 2 * MM)))
    482
    """
    r = _positive("radius", radius)
    mean_velocity = flow_rate / (math.pi * r**2)
    return density * mean_velocity * 2 * r / float(_positive("viscosity", viscosity))
