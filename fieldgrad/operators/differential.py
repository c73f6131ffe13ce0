"""Gradient, gradient norm, divergence and Laplacian of fields on any grid.

Each operator validates its options, picks an engine (numpy, numba or dask;
see :mod:`fieldgrad.engines`) and wraps the result in a field on the same
grid.  Gradient components are in the orthonormal basis of the grid's
coordinates, so the norm is the Euclidean norm of the components.  Units
follow: a field in ``U`` on a grid in ``L`` has a gradient, gradient norm and
divergence in ``U / L`` and a Laplacian in ``U / L**2``.
"""

from __future__ import annotations

from typing import Any

from ..discretization import check_ord, check_order
from ..engines import select_engine
from ..fields import ScalarField, VectorField
from ..grids.base import Grid
from ..units import per_length
from .boundary_ghosts import with_ghosts

__all__ = ["gradient", "gradient_norm", "divergence", "laplacian"]


def _check_field(field: Any, cls: type, name: str = "field") -> None:
    if not isinstance(field, cls):
        msg = f"{name} must be a {cls.__name__}, got {type(field).__name__}"
        raise TypeError(msg)


def _apply(
    op: str, grid: Grid, arrays: list[Any], bc: Any, engine: str | None, **options: Any
) -> Any:
    """Run an engine's operator, on the grid extended by ghost layers when ``bc`` is given."""
    if bc is None:
        kernel = select_engine(engine, arrays[0])
        return getattr(kernel, op)(grid, arrays if op == "divergence" else arrays[0], **options)
    big, data, crop = with_ghosts(grid, arrays, bc, options["order"])
    kernel = select_engine(engine, data[0])
    out = getattr(kernel, op)(big, data if op == "divergence" else data[0], **options)
    if op == "gradient":
        return [c[crop] for c in out]
    return out[crop]


def gradient(
    field: ScalarField, *, order: int = 2, engine: str | None = None, bc: Any = None
) -> VectorField:
    """Gradient of a scalar field in the orthonormal basis of its grid.

    Parameters
    ----------
    field : ScalarField
        The field.
    order : {2, 4}, keyword-only
        Accuracy order of the finite differences.
    engine : {None, "numpy", "numba", "dask"}, keyword-only
        Force an engine; by default one is chosen from the data.
    bc : dict, optional, keyword-only
        Boundary conditions by side or axis (see
        :mod:`fieldgrad.operators.boundary_ghosts`): ``"periodic"``,
        ``("dirichlet", value)``, ``("neumann", outward_derivative)``,
        ``("robin", (a, b, value))``.  Without ``bc``: one-sided stencils
        at real edges.

    Returns
    -------
    VectorField
        Components ``(1/h_i) d f / d x_i``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: x, coords="cartesian")
    >>> g = fg.gradient(f)            # grad x = e_x = cos(theta) e_r - sin(theta) e_theta
    >>> bool(np.abs(g.norm().data - 1.0).max() < 2e-3)
    True
    """
    _check_field(field, ScalarField)
    order = check_order(order)
    comps = _apply("gradient", field.grid, [field.data], bc, engine, order=order)
    name = f"grad {field.name}" if field.name else None
    return VectorField(
        field.grid, comps, name=name, units=per_length(field.units, field.grid.units)
    )


def gradient_norm(
    field: ScalarField,
    *,
    ord: Any = 2,
    order: int = 2,
    engine: str | None = None,
    bc: Any = None,
) -> ScalarField:
    """The gradient norm ("steepness") of a scalar field.

    Parameters
    ----------
    field : ScalarField
        The field.
    ord : {1, 2, inf}, keyword-only
        Which norm of the orthonormal components: sum of magnitudes,
        Euclidean, or largest magnitude.
    order : {2, 4}, keyword-only
        Accuracy order.
    engine : {None, "numpy", "numba", "dask"}, keyword-only
        Force an engine.
    bc : dict, optional, keyword-only
        Boundary conditions, as for :func:`gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(64, 128))
    >>> T = fg.ScalarField.from_function(grid, lambda r, theta: r**4 * np.cos(4 * theta))
    >>> n = fg.gradient_norm(T, order=4)
    >>> r = grid.coords["r"][:, None]
    >>> bool(np.abs(n.data - 4 * r**3).max() < 1e-3)
    True
    """
    _check_field(field, ScalarField)
    order, ord = check_order(order), check_ord(ord)
    data = _apply("gradient_norm", field.grid, [field.data], bc, engine, order=order, ord=ord)
    name = f"|grad {field.name}|" if field.name else None
    return ScalarField(field.grid, data, name=name, units=per_length(field.units, field.grid.units))


def divergence(
    field: VectorField, *, order: int = 2, engine: str | None = None, bc: Any = None
) -> ScalarField:
    """Divergence of a vector field given by its orthonormal components.

    ``bc`` (as for :func:`gradient`) holds for every component.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.SphericalGrid(radius=(0.5, 1), shape=(16, 16, 32))
    >>> r = grid.mesh()[0]
    >>> v = fg.VectorField(grid, [r, 0, 0])  # v = r e_r
    >>> bool(np.allclose(fg.divergence(v).data, 3.0))
    True
    """
    _check_field(field, VectorField)
    order = check_order(order)
    comps = [field.data[i] for i in range(field.grid.ndim)]
    data = _apply("divergence", field.grid, comps, bc, engine, order=order)
    return ScalarField(field.grid, data, units=per_length(field.units, field.grid.units))


def laplacian(
    field: ScalarField, *, order: int = 2, engine: str | None = None, bc: Any = None
) -> ScalarField:
    """Laplacian (Laplace-Beltrami operator on the sphere surface) of a scalar field.

    ``bc`` as for :func:`gradient`; e.g. ``bc={"x": "periodic"}``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.SphereSurface(radius=1.0, shape=(64, 128))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    >>> lap = fg.laplacian(f)          # z is a degree-1 harmonic: lap z = -2 z
    >>> bool(np.abs(lap.data + 2 * f.data).max() < 1e-3)
    True
    """
    _check_field(field, ScalarField)
    order = check_order(order)
    data = _apply("laplacian", field.grid, [field.data], bc, engine, order=order)
    return ScalarField(field.grid, data, units=per_length(field.units, field.grid.units, 2))
