"""Fronts and distances: the gradient norm as an equation.

``|grad T| = 1 / speed`` (eikonal: travel times, geodesic distances) and
``phi_t + F |grad phi| = 0`` (moving level sets), solved with upwind
(Godunov) gradient norms on every fieldgrad grid, across periodic seams,
r = 0 and the poles.

Examples
--------
>>> import fieldgrad as fg
>>> from fieldgrad import fronts
>>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(32, 32))
>>> d = fronts.distance(grid, [[0.5, 0.5]])
>>> round(float(d.data.max()), 3)       # to the corner points (1/64, 1/64) etc.
0.685
"""

from .distance import distance, signed_distance, travel_time
from .levelset import evolve
from .paths import shortest_path
from .upwind import upwind_gradient_norm

__all__ = [
    "distance",
    "evolve",
    "shortest_path",
    "signed_distance",
    "travel_time",
    "upwind_gradient_norm",
]
