"""Differential operators on fields: gradient, gradient norm, divergence, Laplacian, curl."""

from collections.abc import Callable
from typing import Any

import numpy as np

from .._checks import check_out
from ..discretization import check_ord, component_norm
from ..engines.base import deliver
from ..fields import ScalarField, VectorField, register_method
from .differential import curl, divergence, gradient, gradient_norm, laplacian
from .interpolation import Interpolator, interpolate
from .sparse import laplacian_matrix


def vector_norm(field: VectorField, *, ord: Any = 2, out: Any = None) -> ScalarField:
    """Pointwise norm of a vector field's orthonormal components (ord 1, 2 or inf).

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=(2, 2))
    >>> v = fg.VectorField(grid, [3 * np.ones((2, 2)), 4 * np.ones((2, 2))])
    >>> float(vector_norm(v).data[0, 0]), float(vector_norm(v, ord=1).data[0, 0])
    (5.0, 7.0)
    >>> buf = np.empty((2, 2))
    >>> vector_norm(v, out=buf).data is buf
    True
    """
    ord = check_ord(ord)
    out = check_out(out, field.grid.shape, np.empty(0, dtype=field.dtype).real.dtype)
    comps = [field.data[i] for i in range(field.grid.ndim)]
    data = deliver(component_norm(comps, ord), out)
    return ScalarField(field.grid, data, units=field.units)


# The field methods (f.gradient(), v.norm(), ...) hand off to these.
_FIELD_METHODS: dict[str, Callable[..., Any]] = {
    "gradient": gradient,
    "gradient_norm": gradient_norm,
    "divergence": divergence,
    "laplacian": laplacian,
    "curl": curl,
    "interpolate": interpolate,
    "Interpolator": Interpolator,
    "vector_norm": vector_norm,
}
for _name, _func in _FIELD_METHODS.items():
    register_method(_name)(_func)

__all__ = [
    "Interpolator",
    "curl",
    "divergence",
    "gradient",
    "gradient_norm",
    "interpolate",
    "laplacian",
    "laplacian_matrix",
    "vector_norm",
]
