"""Matplotlib figures that draw fields in their grid's true geometry.

A polar field is a disk (or an annulus) in the plane, not an r-theta
rectangle; an axisymmetric pipe is its longitudinal section, mirrored to
negative r; a field on the sphere is a map in longitude and latitude (or a
globe, :func:`plot_sphere_3d`); a spherical (r, theta, phi) field is its
meridional section; a 3-D Cartesian or cylindrical field is a slice.

:mod:`~fieldgrad.plotting.pictures` turns each grid's data into a flat
:class:`Picture` (pure geometry, registered by grid kind);
:mod:`~fieldgrad.plotting.draw` draws any picture with matplotlib.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> import fieldgrad as fg
>>> grid = fg.SphereSurface(radius=1.0, shape=(45, 90))
>>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian", name="z")
>>> f.plot(contours=8, vectors="gradient").name      # a Mollweide map of the whole sphere
'mollweide'
"""

from .draw import plot_field, plot_sphere_3d
from .pictures import PICTURES, Picture, cell_corners, register_picture

__all__ = [
    "PICTURES",
    "Picture",
    "cell_corners",
    "plot_field",
    "plot_sphere_3d",
    "register_picture",
]
