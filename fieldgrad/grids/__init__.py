"""Grids: coordinates, metric and what lies beyond each edge."""

from .base import Grid, Mirror, cell_centres, ordered_coords
from .cartesian import CartesianGrid
from .cylindrical import CylindricalGrid
from .polar import PolarGrid
from .sphere import EARTH_RADIUS, SphereSurface
from .spherical import SphericalGrid
from .values import grid_values

__all__ = [
    "EARTH_RADIUS",
    "CartesianGrid",
    "CylindricalGrid",
    "Grid",
    "Mirror",
    "PolarGrid",
    "SphereSurface",
    "SphericalGrid",
    "cell_centres",
    "grid_values",
    "ordered_coords",
]
