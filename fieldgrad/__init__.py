"""fieldgrad: gradients and gradient norms of fields on real geometries.

Examples
--------
>>> import numpy as np
>>> import fieldgrad as fg
>>> grid = fg.SphereSurface(radius=1.0, shape=(90, 180))
>>> z = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
>>> steepness = z.gradient_norm()                  # |grad z| = sin(theta), poles included
>>> bool(np.abs(steepness.data - np.sin(grid.coords["theta"])[:, None]).max() < 1e-3)
True
"""

from . import pde  # fields that evolve: ``from fieldgrad import pde``
from . import xarray_support as _xarray_support  # registers the .fieldgrad accessor
from .fields import ScalarField, VectorField, open_field
from .grids import (
    CartesianGrid,
    CylindricalGrid,
    Grid,
    PolarGrid,
    SphereSurface,
    SphericalGrid,
)
from .operators import (
    curl,
    divergence,
    gradient,
    gradient_norm,
    interpolate,
    laplacian,
    vector_norm,
)

__version__ = "0.1.0"

__all__ = [
    "CartesianGrid",
    "CylindricalGrid",
    "Grid",
    "PolarGrid",
    "ScalarField",
    "SphereSurface",
    "SphericalGrid",
    "VectorField",
    "__version__",
    "curl",
    "divergence",
    "gradient",
    "gradient_norm",
    "interpolate",
    "laplacian",
    "open_field",
    "pde",
    "vector_norm",
]

del _xarray_support
