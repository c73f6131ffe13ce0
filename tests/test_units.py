"""Units through every operator: pint parses every result (issue: units on every grid)."""

from __future__ import annotations

import numpy as np
import pint
import pytest
import xarray as xr

import fieldgrad as fg

UREG = pint.UnitRegistry()
GRIDS = {
    "cartesian": lambda u: fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(10, 12), units=u),
    "polar": lambda u: fg.PolarGrid(radius=(0, 1), shape=(10, 16), units=u),
    "spherical": lambda u: fg.SphericalGrid(radius=(0.5, 1), shape=(10, 10, 8), units=u),
    "sphere": lambda u: fg.SphereSurface(radius=2.0, shape=(10, 16), units=u),
    "cylindrical": lambda u: fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(10, 10), units=u),
}


@pytest.mark.parametrize("kind", sorted(GRIDS))
def test_operators_divide_by_the_grid_length_unit(kind, rng):
    grid = GRIDS[kind]("m")
    phi = fg.ScalarField(grid, rng.normal(size=grid.shape), units="V")
    assert UREG.Unit(phi.gradient_norm().units) == UREG.V / UREG.m
    assert UREG.Unit(phi.gradient().units) == UREG.V / UREG.m
    assert UREG.Unit(phi.laplacian().units) == UREG.V / UREG.m**2
    assert UREG.Unit(phi.gradient().divergence().units) == UREG.V / UREG.m**2
    assert UREG.Unit(phi.gradient().norm(ord=1).units) == UREG.V / UREG.m
    # a grid in kilometres: the unit says so, the numbers are per kilometre
    km = GRIDS[kind]("km")
    assert UREG.Unit(fg.ScalarField(km, phi.data, units="V").gradient_norm().units) == (
        UREG.V / UREG.km
    )


@pytest.mark.parametrize("kind", sorted(GRIDS))
def test_units_round_trip_through_xarray_and_netcdf(kind, rng, tmp_path):
    grid = GRIDS[kind]("m")
    f = fg.ScalarField(grid, rng.normal(size=grid.shape), name="phi", units="V")
    da = f.gradient_norm().to_xarray()
    assert UREG.Unit(da.attrs["units"]) == UREG.V / UREG.m
    for axis in grid.axes:
        expected = "radian" if axis in grid.angular_axes else "m"
        assert da[axis].attrs["units"] == expected
    path = tmp_path / "phi.nc"
    f.to_netcdf(path)
    back = fg.open_field(path)
    assert back.units == "V" and back.grid == grid and back.grid.units == "m"
    np.testing.assert_array_equal(back.data, f.data)


def test_a_plain_dataarray_with_cf_units_keeps_them():
    x = np.linspace(0, 1, 11)
    da = xr.DataArray(
        np.outer(x, x),
        dims=("x", "y"),
        coords={"x": ("x", x, {"units": "km"}), "y": ("y", x, {"units": "km"})},
        attrs={"units": "K"},
    )
    out = da.fieldgrad.gradient_norm()
    assert UREG.Unit(out.attrs["units"]) == UREG.K / UREG.km


def test_a_pint_quantified_dataarray_is_read_with_its_units():
    pint_xarray = pytest.importorskip("pint_xarray")
    del pint_xarray
    x = np.linspace(0, 1, 11)
    da = xr.DataArray(np.outer(x, x), dims=("x", "y"), coords={"x": x, "y": x})
    field = fg.ScalarField.from_xarray(da.pint.quantify("Pa"))
    assert UREG.Unit(field.units) == UREG.Pa


def test_arithmetic_follows_pint():
    grid = GRIDS["polar"]("m")
    volts = fg.ScalarField(grid, np.ones(grid.shape), units="V")
    amps = fg.ScalarField(grid, np.ones(grid.shape), units="A")
    assert UREG.Quantity(1, (volts * amps).units).to("W").magnitude == pytest.approx(1.0)
    assert UREG.Unit((volts / 2).units) == UREG.V
    assert (volts + volts).units == "V"
    with pytest.raises(ValueError, match="same dimension"):
        volts + amps
    with pytest.raises(ValueError, match="same units first"):
        volts + fg.ScalarField(grid, np.ones(grid.shape), units="mV")
    with pytest.raises(ValueError, match="log"):
        np.log(volts)
    plain = fg.ScalarField(grid, np.ones(grid.shape))
    assert (np.log(plain) + 1).units is None


def test_fields_without_units_stay_unitless():
    grid = GRIDS["sphere"]("m")
    f = fg.ScalarField(grid, np.ones(grid.shape))
    assert f.gradient_norm().units is None and f.laplacian().units is None
    # a field with units on a grid without a length unit: the result's unit is unknown
    g = fg.ScalarField(GRIDS["sphere"](None), np.ones(grid.shape), units="V")
    assert g.gradient_norm().units is None


def test_a_slope_has_no_unit():
    # height in metres over a grid in metres: the gradient norm is a plain number
    grid = GRIDS["cartesian"]("m")
    height = fg.ScalarField(grid, grid.mesh()[0] + 0 * grid.mesh()[1], units="m")
    slope = height.gradient_norm()
    assert slope.units is None
    np.testing.assert_allclose(slope.data, 1.0)
