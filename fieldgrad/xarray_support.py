"""xarray integration: fields from DataArrays and the ``.fieldgrad`` accessor.

A DataArray written by :meth:`ScalarField.to_xarray` carries its grid in its
attributes.  Any other DataArray gets a grid inferred from its dimension
names: ``x``/``y``/``z`` (Cartesian), ``r``/``theta`` (polar),
``r``/``theta``/``phi`` (spherical), ``r``/``z`` or ``r``/``theta``/``z``
(cylindrical), ``theta``/``phi`` (sphere surface, radius from
``attrs["radius"]``, default 1) and ``lat``/``lon`` or
``latitude``/``longitude`` in degrees (sphere surface, radius from
``attrs["radius"]``, default the Earth's).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from .fields import (
    COMPONENT_DIM,
    FIELD_ATTR,
    GRID_ATTR,
    ScalarField,
    VectorField,
    register_method,
)
from .grids import EARTH_RADIUS, Grid, SphereSurface

__all__ = ["field_from_dataarray", "FieldgradAccessor", "known_dims"]

LATLON_NAMES = (("lat", "lon"), ("latitude", "longitude"))


def known_dims() -> dict[frozenset[str], tuple[type[Grid], tuple[str, ...]]]:
    """Dimension names understood without grid metadata: the grid class and axis order.

    Every grid class declares its own names (``Grid.xarray_dims``), so a new
    grid is understood as soon as it is defined.

    Examples
    --------
    >>> from fieldgrad.xarray_support import known_dims
    >>> cls, axes = known_dims()[frozenset({"theta", "r"})]
    >>> cls.__name__, axes
    ('PolarGrid', ('r', 'theta'))
    """
    out: dict[frozenset[str], tuple[type[Grid], tuple[str, ...]]] = {}
    for cls in Grid.registry.values():
        for axes in cls.xarray_dims:
            out[frozenset(axes)] = (cls, tuple(axes))
    return out


def _latlon(dims: tuple) -> tuple[str, str] | None:
    for lat, lon in LATLON_NAMES:
        if set(dims) == {lat, lon}:
            return lat, lon
    return None


def _canonical(da: xr.DataArray) -> tuple[xr.DataArray, Grid, Any]:
    """Transpose/rename/sort a DataArray to a grid's canonical layout.

    Returns the canonical DataArray, the grid and a function mapping a
    canonical result back to the original layout.
    """
    dims = tuple(d for d in da.dims if d != COMPONENT_DIM)
    ll = _latlon(dims)
    if ll is not None:
        lat, lon = ll
        # colatitude increases from north to south: sort the rows that way
        order = np.argsort(90.0 - da[lat].values, kind="stable")
        work = da.isel({lat: order}).rename({lat: "theta", lon: "phi"})
        theta = np.deg2rad(90.0 - da[lat].values[order])
        work = work.assign_coords(theta=theta, phi=np.deg2rad(da[lon].values))
        work = work.transpose(..., "theta", "phi")
        radius = float(da.attrs.get("radius", EARTH_RADIUS))
        sphere = SphereSurface.from_coords(
            {"theta": theta, "phi": work["phi"].values}, radius=radius
        )
        inverse = np.argsort(order)

        def back(result: xr.DataArray) -> xr.DataArray:
            out = result.isel(theta=inverse).rename({"theta": lat, "phi": lon})
            out = out.assign_coords({lat: da[lat].values, lon: da[lon].values})
            return out.transpose(*[d for d in da.dims if d in out.dims])

        return work, sphere, back
    key = frozenset(str(d) for d in dims)
    known = known_dims()
    if key not in known:
        names = sorted("/".join(sorted(k)) for k in known) + ["lat/lon"]
        msg = f"cannot infer a grid from dimensions {dims}: expected one of {names}"
        raise ValueError(msg)
    cls, axes = known[key]
    work = da.transpose(..., *axes)
    coords = {a: work[a].values for a in axes}
    lengths = {work[a].attrs.get("units") for a in axes if a not in cls.angular_axes} - {None}
    if len(lengths) > 1:
        msg = f"the length coordinates of a DataArray must share one unit, got {sorted(lengths)}"
        raise ValueError(msg)
    options = cls.options_from_attrs(da.attrs)
    if lengths:
        options["units"] = lengths.pop()
    grid = cls.from_coords(coords, **options)

    def restore(result: xr.DataArray) -> xr.DataArray:
        return result.transpose(*[d for d in da.dims if d in result.dims])

    return work, grid, restore


def _grid_description(da: xr.DataArray) -> dict[str, Any]:
    """The grid description in a DataArray's attributes, checked."""
    where = f"attribute {GRID_ATTR!r} of DataArray {da.name!r}"
    try:
        info = json.loads(da.attrs[GRID_ATTR])
    except (TypeError, ValueError):
        msg = f"{where} must be a JSON grid description, got {str(da.attrs[GRID_ATTR])[:60]!r}"
        raise ValueError(msg) from None
    try:
        Grid.check_description(info)
    except (TypeError, ValueError) as err:
        msg = f"{where}: {err}"
        raise ValueError(msg) from None
    if not isinstance(info["axes"], list) or set(info["axes"]) != {
        d for d in da.dims if d != COMPONENT_DIM
    }:
        msg = f"{where} names axes {info['axes']!r}, but the DataArray has dimensions {da.dims}"
        raise ValueError(msg)
    return info


def _grid_of(da: xr.DataArray) -> tuple[xr.DataArray, Grid, Any]:
    if GRID_ATTR in da.attrs:
        info = _grid_description(da)
        work = da.transpose(..., *info["axes"])
        try:
            grid = Grid.rebuild([work[a].values for a in info["axes"]], info)
        except (TypeError, ValueError) as err:
            msg = (
                f"attribute {GRID_ATTR!r} of DataArray {da.name!r} does not describe a grid: {err}"
            )
            raise ValueError(msg) from None
        return work, grid, lambda result: result
    return _canonical(da)


def _magnitude_and_units(da: xr.DataArray) -> tuple[Any, str | None]:
    """The data without units and its unit string (pint-quantified data or CF ``units``)."""
    data = da.data
    if type(data).__module__.startswith("pint"):
        return data.magnitude, f"{data.units:~D}" or None
    return data, da.attrs.get("units")


@register_method("from_dataarray")
def field_from_dataarray(da: xr.DataArray) -> ScalarField | VectorField:
    """A ScalarField (or VectorField, with a ``component`` dimension) from a DataArray.

    The grid comes from the attributes written by :meth:`ScalarField.to_xarray`
    when present, otherwise it is inferred from the dimension names (see
    :func:`known_dims`; ``lat``/``lon`` in degrees give a sphere of the Earth's
    radius unless ``attrs["radius"]`` says otherwise).

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> from fieldgrad.xarray_support import field_from_dataarray
    >>> r = np.linspace(0.1, 1, 10)
    >>> theta = np.arange(16) * np.pi / 8
    >>> da = xr.DataArray(np.outer(r, np.cos(theta)), dims=("r", "theta"),
    ...                   coords={"r": r, "theta": theta}, name="x")
    >>> f = field_from_dataarray(da)
    >>> type(f.grid).__name__, f.grid.periodic, f.name
    ('PolarGrid', (False, True), 'x')
    """
    if not isinstance(da, xr.DataArray):
        msg = f"da must be an xarray.DataArray, got {type(da).__name__}"
        raise TypeError(msg)
    work, grid, _ = _grid_of(da)
    kind = da.attrs.get(FIELD_ATTR, "vector" if COMPONENT_DIM in da.dims else "scalar")
    cls = VectorField if kind == "vector" else ScalarField
    if cls is VectorField:
        work = work.transpose(COMPONENT_DIM, ...)
    data, units = _magnitude_and_units(work)
    name = None if da.name is None else str(da.name)
    return cls(grid, data, name=name, units=units)


@xr.register_dataarray_accessor("fieldgrad")
class FieldgradAccessor:
    """fieldgrad operators on an ``xarray.DataArray``: ``da.fieldgrad.gradient_norm()``.

    The grid comes from the attributes written by fieldgrad, or is inferred
    from the dimension names (see :mod:`fieldgrad.xarray_support`).  Results
    keep the DataArray's dimension order and coordinates; dask-backed data
    stays lazy.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> import fieldgrad as fg
    >>> x = np.linspace(0, 1, 51)
    >>> da = xr.DataArray(np.add.outer(3 * x, 4 * x), dims=("x", "y"), coords={"x": x, "y": x})
    >>> bool(np.allclose(da.fieldgrad.gradient_norm(), 5.0))
    True
    """

    def __init__(self, xarray_obj: xr.DataArray) -> None:
        self._obj = xarray_obj

    def _run(self, op: Any) -> xr.DataArray:
        work, grid, back = _grid_of(self._obj)
        name = None if self._obj.name is None else str(self._obj.name)
        data, units = _magnitude_and_units(work)
        field = ScalarField(grid, data, name=name, units=units)
        result = op(field)
        out = result.to_xarray()
        if isinstance(result, ScalarField):
            out = out.assign_coords({a: work[a] for a in grid.axes})
        return back(out)

    def to_field(self) -> ScalarField | VectorField:
        """The DataArray as a fieldgrad field."""
        return field_from_dataarray(self._obj)

    @property
    def grid(self) -> Grid:
        """The grid inferred for this DataArray."""
        return _grid_of(self._obj)[1]

    def gradient_norm(
        self, *, ord: Any = 2, order: int = 2, engine: str | None = None
    ) -> xr.DataArray:
        """Gradient norm (see :func:`fieldgrad.gradient_norm`)."""
        return self._run(lambda f: f.gradient_norm(ord=ord, order=order, engine=engine))

    def gradient(self, *, order: int = 2, engine: str | None = None) -> xr.DataArray:
        """Gradient components along a new ``component`` dimension."""
        return self._run(lambda f: f.gradient(order=order, engine=engine))

    def laplacian(self, *, order: int = 2, engine: str | None = None) -> xr.DataArray:
        """Laplacian (see :func:`fieldgrad.laplacian`)."""
        return self._run(lambda f: f.laplacian(order=order, engine=engine))

    def _vector(self, operator: str) -> VectorField:
        field = field_from_dataarray(self._obj)
        if not isinstance(field, VectorField):
            msg = (
                f"{operator} needs a vector field: a DataArray with a {COMPONENT_DIM!r} "
                f"dimension, got dimensions {self._obj.dims}"
            )
            raise ValueError(msg)
        return field

    def divergence(self, *, order: int = 2, engine: str | None = None) -> xr.DataArray:
        """Divergence of a vector DataArray (orthonormal components along ``component``).

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(21, 21))
        >>> x, y = np.broadcast_arrays(*grid.mesh())
        >>> da = fg.VectorField(grid, np.stack([x, y])).to_xarray()
        >>> bool(np.allclose(da.fieldgrad.divergence(), 2.0))
        True
        """
        return self._vector("divergence").divergence(order=order, engine=engine).to_xarray()

    def curl(self, *, order: int = 2, engine: str | None = None) -> xr.DataArray:
        """Curl of a vector DataArray: the scalar vorticity in 2-D, a vector in 3-D.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(21, 21))
        >>> x, y = np.broadcast_arrays(*grid.mesh())
        >>> da = fg.VectorField(grid, np.stack([-y, x])).to_xarray()   # rigid rotation
        >>> bool(np.allclose(da.fieldgrad.curl(), 2.0))
        True
        """
        return self._vector("curl").curl(order=order, engine=engine).to_xarray()
