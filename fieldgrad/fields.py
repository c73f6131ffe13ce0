"""Scalar and vector fields: a grid plus an array, a name and units.

Fields hold data; they never hold numerics.  Their methods hand off to
:mod:`fieldgrad.operators` in one line.  Fields take part in numpy arithmetic
and ufuncs (``f + 1``, ``2 * f``, ``np.log(f)``) and keep their grid; a field
whose data is a dask array stays lazy.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from ._checks import is_dask
from .grids.base import Grid
from .grids.values import grid_values
from .units import ANGLE_UNITS, check_units, combine_units

__all__ = ["ScalarField", "VectorField", "field_values", "open_field", "GRID_ATTR", "FIELD_ATTR"]

#: xarray attribute holding the grid description (JSON).
GRID_ATTR = "fieldgrad_grid"
#: xarray attribute holding the field type ("scalar" or "vector").
FIELD_ATTR = "fieldgrad_field"
#: Name of the component dimension of a vector field in xarray.
COMPONENT_DIM = "component"


#: What the field methods hand off to, registered by the layers above this one
#: (operators, xarray support, plotting) so that fields import none of them.
FIELD_METHODS: dict[str, Callable[..., Any]] = {}
#: Modules that register a method when it is first used (heavy optional imports);
#: every other method comes from :mod:`fieldgrad.operators`.
METHOD_PROVIDERS = {
    "plot": "fieldgrad.plotting",
    "from_dataarray": "fieldgrad.xarray_support",
}


def register_method(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the function a field method named ``name`` hands off to.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.fields import FIELD_METHODS
    >>> FIELD_METHODS["gradient_norm"] is fg.gradient_norm
    True
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        FIELD_METHODS[name] = func
        return func

    return decorate


def _method(name: str) -> Callable[..., Any]:
    if name not in FIELD_METHODS:
        importlib.import_module(METHOD_PROVIDERS.get(name, "fieldgrad.operators"))
    return FIELD_METHODS[name]


#: dtypes a field keeps as they are.
NATIVE_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def _field_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype a field stores: float32, float64 or complex kept (in native byte
    order); float16 widened to float32; integers and booleans become float64."""
    if dtype in NATIVE_FLOATS:
        return dtype
    if not (np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.bool_)):
        msg = f"data must be numeric (real or complex), got dtype {dtype}"
        raise TypeError(msg)
    if dtype == np.float16:
        return np.dtype(np.float32)
    if not np.issubdtype(dtype, np.inexact):
        return np.dtype(np.float64)
    return dtype.newbyteorder("=")


def _as_data(data: Any) -> Any:
    if is_dask(data):
        dtype = _field_dtype(data.dtype)
        return data if data.dtype == dtype else data.astype(dtype)
    try:
        arr = np.asarray(data)
    except (TypeError, ValueError) as err:
        msg = f"data must be an array of numbers, got {type(data).__name__} ({err})"
        raise TypeError(msg) from None
    dtype = _field_dtype(arr.dtype)
    return arr if arr.dtype == dtype else arr.astype(dtype)


def coordinate_attrs(grid: Grid, axis: str) -> dict[str, str]:
    """CF attributes of a coordinate: its unit (radians for angles, else the grid's)."""
    if axis in grid.angular_axes:
        return {"units": ANGLE_UNITS}
    return {} if grid.units is None else {"units": grid.units}


class _Field(NDArrayOperatorsMixin):
    """Common part of scalar and vector fields: grid, data, metadata, arithmetic."""

    _leading: int = 0

    def __init__(self, grid: Grid, data: Any, *, name: str | None = None, units: str | None = None):
        if not isinstance(grid, Grid):
            msg = f"grid must be a fieldgrad Grid, got {type(grid).__name__}"
            raise TypeError(msg)
        if name is not None and not isinstance(name, str):
            msg = f"name must be a string or None, got {type(name).__name__}"
            raise TypeError(msg)
        self.grid = grid
        self.data = data
        self.name = name
        self.units = check_units(units)

    # numpy interoperability -------------------------------------------------
    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.data, dtype=dtype)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or "out" in kwargs:
            return NotImplemented
        fields = [x for x in inputs if isinstance(x, _Field)]
        for other in fields[1:]:
            if other.grid != fields[0].grid:
                msg = "fields in one expression must share a grid"
                raise ValueError(msg)
            if type(other) is not type(fields[0]):
                return NotImplemented
        units = combine_units(ufunc, [x.units if isinstance(x, _Field) else None for x in inputs])
        args = [x.data if isinstance(x, _Field) else x for x in inputs]
        result = getattr(ufunc, method)(*args, **kwargs)
        if isinstance(result, tuple):
            return tuple(self._like(r, units) for r in result)
        return self._like(result, units)

    def _like(self, data: Any, units: str | None = None) -> _Field:
        return type(self)(self.grid, data, units=units)

    @property
    def dtype(self) -> np.dtype:
        """Data type of the values."""
        return self.data.dtype

    @property
    def is_lazy(self) -> bool:
        """Whether the data is a dask array (evaluated chunk by chunk on demand)."""
        return is_dask(self.data)

    def compute(self) -> _Field:
        """A copy with dask data evaluated into memory (the field itself if already in memory)."""
        if not self.is_lazy:
            return self
        return type(self)(self.grid, self.data.compute(), name=self.name, units=self.units)

    def copy(self) -> _Field:
        """A copy with copied data."""
        return type(self)(self.grid, self.data.copy(), name=self.name, units=self.units)

    def _check_shape(self, shape: tuple[int, ...]) -> None:
        if tuple(self.data.shape) != shape:
            msg = f"data must have shape {shape} to match the grid, got {tuple(self.data.shape)}"
            raise ValueError(msg)

    # xarray ------------------------------------------------------------------
    def to_xarray(self) -> Any:
        """An ``xarray.DataArray`` carrying the grid in its attributes (lossless).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
        >>> f = fg.ScalarField.from_function(grid, lambda r, theta: r, name="T", units="K")
        >>> da = f.to_xarray()
        >>> da.dims, da.attrs["units"]
        (('r', 'theta'), 'K')
        >>> fg.ScalarField.from_xarray(da).grid == grid
        True
        """
        import xarray as xr

        dims = ((COMPONENT_DIM,) if self._leading else ()) + self.grid.axes
        coords: dict[str, Any] = {
            a: xr.Variable(a, x, attrs=coordinate_attrs(self.grid, a))
            for a, x in self.grid.coords.items()
        }
        if self._leading:
            coords[COMPONENT_DIM] = list(self.grid.axes)
        attrs = {GRID_ATTR: json.dumps(self.grid.describe()), FIELD_ATTR: self._kind}
        if self.units is not None:
            attrs["units"] = self.units
        return xr.DataArray(self.data, dims=dims, coords=coords, name=self.name, attrs=attrs)

    def to_netcdf(self, path: str | Path) -> None:
        """Write the field to a netCDF file (xarray's built-in scipy writer).

        Examples
        --------
        >>> import tempfile, os
        >>> import fieldgrad as fg
        >>> grid = fg.SphereSurface(radius=2.0, shape=(8, 16))
        >>> f = fg.ScalarField.from_function(grid, lambda theta, phi: theta, name="colat")
        >>> with tempfile.TemporaryDirectory() as d:
        ...     f.to_netcdf(os.path.join(d, "f.nc"))
        ...     g = fg.open_field(os.path.join(d, "f.nc"))
        >>> g.grid == grid and g.name == "colat"
        True
        """
        da = self.compute().to_xarray()
        da.to_netcdf(path, engine="scipy")

    @property
    def _kind(self) -> str:
        return "vector" if self._leading else "scalar"

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        units = f" [{self.units}]" if self.units else ""
        return f"{type(self).__name__}{label}{units} on {self.grid!r}"


class ScalarField(_Field):
    """A scalar field: one value per grid point.

    Parameters
    ----------
    grid : Grid
        The grid the values live on.
    data : array_like or dask array
        Values of shape ``grid.shape``.  A dask array stays lazy.
    name, units : str, optional, keyword-only
        Metadata carried through xarray and netCDF.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(32, 64))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y: x**2 + 3 * y**2, name="cost")
    >>> f.data.shape
    (32, 64)
    >>> (2 * f + 1).grid is grid
    True
    """

    def __init__(
        self, grid: Grid, data: Any, *, name: str | None = None, units: str | None = None
    ) -> None:
        super().__init__(grid, _as_data(data), name=name, units=units)
        self._check_shape(grid.shape)

    @classmethod
    def from_function(
        cls,
        grid: Grid,
        func: Callable[..., Any],
        *,
        coords: str = "grid",
        name: str | None = None,
        units: str | None = None,
        chunks: Any = None,
    ) -> ScalarField:
        """Sample a function of the coordinates on a grid.

        Parameters
        ----------
        grid : Grid
            The grid.
        func : callable
            Called with the coordinate arrays as keywords: the grid's axis
            names (``coords="grid"``, e.g. ``r=..., theta=...``) or ``x, y(, z)``
            (``coords="cartesian"``; on a SphereSurface the points on the
            sphere of radius R).  Arrays broadcast against each other.
        coords : {"grid", "cartesian"}, keyword-only
            Which coordinates ``func`` takes.
        name, units : str, optional, keyword-only
            Metadata.
        chunks : int, tuple or "auto", optional, keyword-only
            Build the data lazily as a dask array with these chunks.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.SphereSurface(radius=1.0, shape=(16, 32))
        >>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
        >>> bool(np.allclose(f.data, np.cos(grid.coords["theta"])[:, None]))
        True
        """
        if chunks is None:
            values = grid_values(grid, func, name="func", coords=coords)
        else:
            import dask.array as da

            sizes = da.core.normalize_chunks(chunks, grid.shape, dtype=float)
            corner = (slice(0, 1),) * grid.ndim
            probe = [m[corner] for m in grid.mesh()]
            grid_values(grid, func, name="func", coords=coords, mesh=probe)  # fail early

            def block(block_info: Any = None) -> np.ndarray:
                where = block_info[None]["array-location"]
                mesh = [
                    m[
                        tuple(
                            slice(*w) if m.shape[i] > 1 else slice(None)
                            for i, w in enumerate(where)
                        )
                    ]
                    for m in grid.mesh()
                ]
                return grid_values(grid, func, name="func", coords=coords, mesh=mesh)

            values = da.map_blocks(
                block, chunks=sizes, dtype=float, meta=np.empty((0,) * grid.ndim)
            )
        return cls(grid, values, name=name, units=units)

    @classmethod
    def from_xarray(cls, da: Any) -> ScalarField:
        """Field from an ``xarray.DataArray``: the grid from its attributes, or
        inferred from coordinate names (x/y/z, r/theta/phi, r/z, theta/phi, lat/lon)."""
        field = _method("from_dataarray")(da)
        if not isinstance(field, cls):
            msg = f"da must hold a {cls.__name__}, got a {type(field).__name__}"
            raise TypeError(msg)
        return field

    # operators: one line each --------------------------------------------------
    def gradient(
        self, *, order: int = 2, engine: str | None = None, bc: Any = None, out: Any = None
    ) -> VectorField:
        """Gradient in the orthonormal basis (see :func:`fieldgrad.gradient`)."""
        return _method("gradient")(self, order=order, engine=engine, bc=bc, out=out)

    def gradient_norm(
        self,
        *,
        ord: Any = 2,
        order: int = 2,
        engine: str | None = None,
        bc: Any = None,
        out: Any = None,
    ) -> ScalarField:
        """Gradient norm, ord in {1, 2, inf} (see :func:`fieldgrad.gradient_norm`)."""
        return _method("gradient_norm")(self, ord=ord, order=order, engine=engine, bc=bc, out=out)

    def laplacian(
        self, *, order: int = 2, engine: str | None = None, bc: Any = None, out: Any = None
    ) -> ScalarField:
        """Laplacian (see :func:`fieldgrad.laplacian`)."""
        return _method("laplacian")(self, order=order, engine=engine, bc=bc, out=out)

    def interpolate(self, points: Any, *, method: str = "linear") -> np.ndarray:
        """Values at points given in grid coordinates, shape ``(..., ndim)``.

        See :func:`fieldgrad.operators.interpolate`.
        """
        return _method("interpolate")(self, points, method=method)

    def interpolator(self, *, method: str = "linear") -> Any:
        """An :class:`~fieldgrad.operators.Interpolator`: build once, evaluate at many points."""
        return _method("Interpolator")(self, method=method)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the field in its grid's true geometry (see :mod:`fieldgrad.plotting`)."""
        return _method("plot")(self, ax=ax, **kwargs)


class VectorField(_Field):
    """A vector field: orthonormal components, one per grid axis.

    Parameters
    ----------
    grid : Grid
        The grid.
    data : array_like or sequence of arrays
        Components, shape ``(grid.ndim,) + grid.shape``.
    name, units : str, optional, keyword-only
        Metadata.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    >>> v = fg.VectorField(grid, [np.ones((4, 4)), np.zeros((4, 4))])
    >>> v.data.shape, float(v.norm().data.max())
    ((2, 4, 4), 1.0)
    """

    _leading = 1

    def __init__(
        self, grid: Grid, data: Any, *, name: str | None = None, units: str | None = None
    ) -> None:
        if isinstance(data, list | tuple):
            if any(is_dask(c) for c in data):
                import dask.array as da

                data = da.stack([da.broadcast_to(da.asarray(c), grid.shape) for c in data])
            else:
                data = np.stack([np.broadcast_to(np.asarray(c), grid.shape) for c in data])
        super().__init__(grid, _as_data(data), name=name, units=units)
        self._check_shape((grid.ndim,) + grid.shape)

    def __getitem__(self, axis: int | str) -> ScalarField:
        """The component along an axis, as a scalar field."""
        i = self.grid.axis_index(axis)
        return ScalarField(self.grid, self.data[i])

    @classmethod
    def from_xarray(cls, da: Any) -> VectorField:
        """Vector field from an ``xarray.DataArray`` written by :meth:`to_xarray`."""
        field = _method("from_dataarray")(da)
        if not isinstance(field, cls):
            msg = f"da must hold a {cls.__name__}, got a {type(field).__name__}"
            raise TypeError(msg)
        return field

    def divergence(
        self, *, order: int = 2, engine: str | None = None, bc: Any = None, out: Any = None
    ) -> ScalarField:
        """Divergence (see :func:`fieldgrad.divergence`)."""
        return _method("divergence")(self, order=order, engine=engine, bc=bc, out=out)

    def curl(
        self, *, order: int = 2, engine: str | None = None, out: Any = None
    ) -> ScalarField | VectorField:
        """Curl: 2-D scalar vorticity, 3-D vector (see :func:`fieldgrad.curl`)."""
        return _method("curl")(self, order=order, engine=engine, out=out)

    def norm(self, *, ord: Any = 2, out: Any = None) -> ScalarField:
        """Pointwise norm of the components, ord in {1, 2, inf}."""
        return _method("vector_norm")(self, ord=ord, out=out)

    def interpolate(self, points: Any, *, method: str = "linear") -> np.ndarray:
        """Components at points in grid coordinates: shape ``(..., ndim)``."""
        return _method("interpolate")(self, points, method=method)

    def interpolator(self, *, method: str = "linear") -> Any:
        """An :class:`~fieldgrad.operators.Interpolator` of the components."""
        return _method("Interpolator")(self, method=method)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the vector field over its norm (see :mod:`fieldgrad.plotting`)."""
        return _method("plot")(self, ax=ax, **kwargs)


def field_values(grid: Grid, value: Any, name: str) -> np.ndarray:
    """A number, array, function of the coordinates or ScalarField as finite values on ``grid``.

    The form a source, an initial value or a rate takes in the domain packages
    (:mod:`fieldgrad.pde`, :mod:`fieldgrad.biology`); ``name`` names it in errors.

    Examples
    --------
    >>> import fieldgrad as fg
    >>> from fieldgrad.fields import field_values
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(2,))
    >>> field_values(line, lambda x: 2 * x, "source")
    array([0.5, 1.5])
    """
    if isinstance(value, ScalarField):
        if value.grid != grid:
            msg = f"{name} must be a field on the same grid, got one on {value.grid!r}"
            raise ValueError(msg)
        value = np.asarray(value.compute().data, dtype=float)
    return grid_values(grid, value, name=name, finite=True)


def open_field(path: str | Path) -> ScalarField | VectorField:
    """Read a field written by :meth:`ScalarField.to_netcdf` (or any DataArray file).

    The grid comes from the file's attributes, or is inferred from the
    dimension names as in :func:`fieldgrad.xarray_support.field_from_dataarray`.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    >>> v = fg.ScalarField.from_function(grid, lambda r, theta: r, name="r").gradient()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     v.to_netcdf(os.path.join(d, "grad.nc"))
    ...     back = fg.open_field(os.path.join(d, "grad.nc"))
    >>> type(back).__name__, back.grid == grid, bool(np.array_equal(back.data, v.data))
    ('VectorField', True, True)
    """
    import xarray as xr

    path = Path(path)
    if not path.is_file():
        msg = f"path must be an existing netCDF file, got {str(path)!r}"
        raise FileNotFoundError(msg)
    try:
        with xr.open_dataarray(path, engine="scipy") as da:
            da = da.load()
    except Exception as err:  # scipy, xarray and the OS raise many kinds on a bad file
        msg = f"cannot read {str(path)!r} as a netCDF field: {type(err).__name__}: {err}"
        raise ValueError(msg) from None
    try:
        return _method("from_dataarray")(da)
    except (TypeError, ValueError) as err:
        msg = f"{str(path)!r}: {err}"
        raise ValueError(msg) from None
