"""Gradient, gradient norm, divergence, Laplacian and curl of fields on any grid.

Each operator validates its options, picks an engine (numpy, numba or dask;
see :mod:`fieldgrad.engines`) and wraps the result in a field on the same
grid.  Gradient components are in the orthonormal basis of the grid's
coordinates, so the norm is the Euclidean norm of the components.  Units
follow: a field in ``U`` on a grid in ``L`` has a gradient, gradient norm and
divergence in ``U / L`` and a Laplacian in ``U / L**2``.

Every operator takes ``out=``, numpy's convention: a writeable numpy array of
the result's shape and dtype into which the result is written; the returned
field wraps that very array.  Gradient, gradient norm, divergence and
Laplacian take ``bc=`` too: boundary conditions at real edges, applied through
ghost layers (:mod:`fieldgrad.operators.boundary_ghosts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_out
from ..discretization import check_ord, check_order
from ..engines import select_engine
from ..engines.base import deliver
from ..engines.curl import curl_shape
from ..fields import ScalarField, VectorField
from ..grids.base import Grid
from ..units import per_length
from .boundary_ghosts import with_ghosts

__all__ = ["gradient", "gradient_norm", "divergence", "laplacian", "curl"]


def _check_field(field: Any, cls: type, name: str = "field") -> None:
    if not isinstance(field, cls):
        msg = f"{name} must be a {cls.__name__}, got {type(field).__name__}"
        raise TypeError(msg)


def _apply(
    op: str,
    grid: Grid,
    arrays: list[Any],
    bc: Any,
    engine: str | None,
    out: Any,
    **options: Any,
) -> Any:
    """Run an engine's operator (into ``out``), on the grid extended by ghost layers
    when ``bc`` is given (then cropped and copied into ``out``)."""
    if bc is None:
        kernel = select_engine(engine, arrays[0])
        data = arrays if op == "divergence" else arrays[0]
        return getattr(kernel, op)(grid, data, out=out, **options)
    big, extended, crop = with_ghosts(grid, arrays, bc, options["order"])
    kernel = select_engine(engine, extended[0])
    result = getattr(kernel, op)(big, extended if op == "divergence" else extended[0], **options)
    if op == "gradient":
        result = np.stack([c[crop] for c in result])
    else:
        result = result[crop]
    return deliver(result, out)


def _real(dtype: np.dtype) -> np.dtype:
    """The dtype of a norm of values of ``dtype``."""
    return np.empty(0, dtype=dtype).real.dtype


def gradient(
    field: ScalarField,
    *,
    order: int = 2,
    engine: str | None = None,
    bc: Any = None,
    out: Any = None,
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
    out : numpy.ndarray, optional, keyword-only
        Where to write the result (shape ``(ndim,) + grid.shape``, the field's dtype);
        the returned field wraps it.

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
    out = check_out(out, (field.grid.ndim,) + field.grid.shape, field.dtype)
    comps = _apply("gradient", field.grid, [field.data], bc, engine, out, order=order)
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
    out: Any = None,
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
    out : numpy.ndarray, optional, keyword-only
        Where to write the result (shape ``grid.shape``, the field's dtype, real);
        the returned field wraps it.

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
    >>> buf = np.empty(grid.shape)
    >>> fg.gradient_norm(T, order=4, out=buf).data is buf
    True
    """
    _check_field(field, ScalarField)
    order, ord = check_order(order), check_ord(ord)
    out = check_out(out, field.grid.shape, _real(field.dtype))
    data = _apply("gradient_norm", field.grid, [field.data], bc, engine, out, order=order, ord=ord)
    name = f"|grad {field.name}|" if field.name else None
    return ScalarField(field.grid, data, name=name, units=per_length(field.units, field.grid.units))


def divergence(
    field: VectorField,
    *,
    order: int = 2,
    engine: str | None = None,
    bc: Any = None,
    out: Any = None,
) -> ScalarField:
    """Divergence of a vector field given by its orthonormal components.

    Parameters
    ----------
    field : VectorField
        The field.
    order : {2, 4}, keyword-only
        Accuracy order.
    engine : {None, "numpy", "numba", "dask"}, keyword-only
        Force an engine.
    bc : dict, optional, keyword-only
        Boundary conditions (as for :func:`gradient`), the same for every component.
    out : numpy.ndarray, optional, keyword-only
        Where to write the result (shape ``grid.shape``, the field's dtype);
        the returned field wraps it.


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
    out = check_out(out, field.grid.shape, field.dtype)
    comps = [field.data[i] for i in range(field.grid.ndim)]
    data = _apply("divergence", field.grid, comps, bc, engine, out, order=order)
    return ScalarField(field.grid, data, units=per_length(field.units, field.grid.units))


def laplacian(
    field: ScalarField,
    *,
    order: int = 2,
    engine: str | None = None,
    bc: Any = None,
    out: Any = None,
) -> ScalarField:
    """Laplacian (Laplace-Beltrami operator on the sphere surface) of a scalar field.

    Parameters
    ----------
    field : ScalarField
        The field.
    order : {2, 4}, keyword-only
        Accuracy order.
    engine : {None, "numpy", "numba", "dask"}, keyword-only
        Force an engine.
    bc : dict, optional, keyword-only
        Boundary conditions, as for :func:`gradient`; e.g. ``bc={"x": "periodic"}``.
    out : numpy.ndarray, optional, keyword-only
        Where to write the result (shape ``grid.shape``, the field's dtype);
        the returned field wraps it.


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
    out = check_out(out, field.grid.shape, field.dtype)
    data = _apply("laplacian", field.grid, [field.data], bc, engine, out, order=order)
    return ScalarField(field.grid, data, units=per_length(field.units, field.grid.units, 2))


def curl(
    field: VectorField, *, order: int = 2, engine: str | None = None, out: Any = None
) -> ScalarField | VectorField:
    """Curl of a vector field given by its orthonormal components.

    On a 3-D grid the curl is a vector field, ``(curl v)_k = (1/(h_i h_j))
    [d_i(h_j v_j) - d_j(h_i v_i)]`` for ``(i, j, k)`` cyclic.  On a 2-D grid it
    is the scalar vorticity ``(1/(h_1 h_2)) [d_1(h_2 v_2) - d_2(h_1 v_1)]``
    (on the sphere surface: the radial component, with the surface metric).
    On the axisymmetric ``(r, z)`` section of a cylinder it is the azimuthal
    vorticity of the meridional flow, ``(curl v)_theta = d_z v_r - d_r v_z``.
    Across r = 0 and the poles the stencils continue on the far side (the
    components with their signs there); values exactly on an axis or pole
    are the limits from both sides.

    Parameters
    ----------
    field : VectorField
        The field, on a 2-D or 3-D grid.
    order : {2, 4}, keyword-only
        Accuracy order.
    engine : {None, "numpy", "numba", "dask"}, keyword-only
        Force an engine.
    out : numpy.ndarray, optional, keyword-only
        Where to write the result (shape ``grid.shape`` in 2-D, ``(3,) +
        grid.shape`` in 3-D; the field's dtype); the returned field wraps it.

    Returns
    -------
    ScalarField or VectorField
        In units of the field's per length unit.

    Examples
    --------
    Rigid rotation ``v = omega r e_theta`` has vorticity ``2 omega`` everywhere,
    the centre included:

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    >>> r = grid.mesh()[0]
    >>> v = fg.VectorField(grid, [0 * r, 3.0 * r])
    >>> bool(np.allclose(fg.curl(v).data, 6.0))
    True
    """
    _check_field(field, VectorField)
    order = check_order(order)
    out = check_out(out, curl_shape(field.grid), field.dtype)
    comps = [field.data[i] for i in range(field.grid.ndim)]
    data = select_engine(engine, field.data).curl(field.grid, comps, order=order, out=out)
    units = per_length(field.units, field.grid.units)
    name = f"curl {field.name}" if field.name else None
    if field.grid.ndim == 2:
        return ScalarField(field.grid, data, name=name, units=units)
    return VectorField(field.grid, data, name=name, units=units)
