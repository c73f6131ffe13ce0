"""Grids: coordinates, metric and what lies beyond each edge."""

from .base import Grid, Mirror
from .cartesian import CartesianGrid
from .cylindrical import CylindricalGrid
from .polar import PolarGrid
from .sphere import EARTH_RADIUS, SphereSurface
from .spherical import SphericalGrid

__all__ = [
    "EARTH_RADIUS",
    "CartesianGrid",
    "CylindricalGrid",
    "Grid",
    "Mirror",
    "PolarGrid",
    "SphereSurface",
    "SphericalGrid",
]
