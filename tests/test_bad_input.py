"""Bad input gets a clear exception naming the argument; odd valid input the right answer."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

import fieldgrad as fg

LINE = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
DISK = fg.PolarGrid(radius=(0, 1), shape=(8, 16))


@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (
            lambda: fg.CartesianGrid(bounds=None, shape=(4, 4)),
            TypeError,
            "bounds must be a sequence",
        ),
        (lambda: fg.CartesianGrid(bounds="01", shape=(4,)), TypeError, "bounds must be a sequence"),
        (lambda: fg.CartesianGrid(bounds=[("a", "b")], shape=(4,)), TypeError, r"bounds\[0\]"),
        (lambda: fg.CartesianGrid(bounds=[(0, 1)], shape=(8.7,)), TypeError, "shape must be"),
        (lambda: fg.CartesianGrid(bounds=[(0, 1)], shape=None), TypeError, "shape must be"),
        (lambda: fg.CartesianGrid(bounds=[(0, np.inf)], shape=(4,)), ValueError, "finite"),
        (lambda: fg.CartesianGrid(bounds=[(np.nan, 1)], shape=(4,)), ValueError, "finite"),
        (
            lambda: fg.CartesianGrid(bounds=[(0, 1)], shape=(4,), periodic="yes"),
            TypeError,
            "periodic",
        ),
        (lambda: fg.PolarGrid(radius=(0, 1), shape=(4, 8), angle=None), TypeError, "angle must be"),
        (lambda: fg.PolarGrid(radius="01", shape=(4, 8)), TypeError, "radius must be"),
        (lambda: fg.PolarGrid(radius=1.0, shape=(4, 8)), TypeError, "radius must be"),
        (lambda: fg.SphereSurface(shape=(4, 8), longitude=None), TypeError, "longitude must be"),
        (lambda: fg.SphericalGrid((0, 1), (4, 4, 8), colatitude=None), TypeError, "colatitude"),
        (lambda: fg.CylindricalGrid(radius=(0, 1), z=None, shape=(4, 4)), TypeError, "z must be"),
        (lambda: fg.PolarGrid.from_coords({"r": [1, 2], "theta": [0, 1]}, foo=1), TypeError, "foo"),
        (
            lambda: fg.SphereSurface.from_coords({"theta": [1, 2], "phi": [0, 1]}, R=2),
            TypeError,
            "R",
        ),
        (lambda: fg.ScalarField(LINE, ["a"] * 8), TypeError, "data must be numeric"),
        (lambda: fg.ScalarField(LINE, np.array([None] * 8)), TypeError, "data must be numeric"),
        (lambda: fg.ScalarField(LINE, np.zeros(8), name=3), TypeError, "name must be"),
        (lambda: fg.ScalarField(LINE, np.zeros(8), units=3), TypeError, "units must be"),
        (lambda: fg.ScalarField(LINE, np.zeros(8), units="fur ^"), ValueError, "units must be"),
        (lambda: fg.PolarGrid(radius=(0, 1), shape=(4, 8), units="s"), ValueError, "length"),
        (lambda: fg.ScalarField.from_function(DISK, "r**2"), TypeError, "func must be"),
        (lambda: fg.open_field("/nonexistent/field.nc"), FileNotFoundError, "field.nc"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_a_file_that_is_not_netcdf_names_the_file(tmp_path):
    path = tmp_path / "truncated.nc"
    fg.ScalarField(DISK, np.ones(DISK.shape)).to_netcdf(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ValueError, match="truncated.nc"):
        fg.open_field(path)


@pytest.mark.parametrize(
    ("attribute", "words"),
    [
        ("not json", "must be a JSON grid description"),
        (json.dumps([1, 2]), "must be a mapping"),
        (
            json.dumps({"kind": "polar", "axes": ["r", "theta"]}),
            r"is missing \['bounds', 'periodic'\]",
        ),
        (
            json.dumps({"kind": "polar", "axes": ["x", "y"], "bounds": [], "periodic": []}),
            "names axes",
        ),
        (
            json.dumps(
                {
                    "kind": "torus?",
                    "axes": ["r", "theta"],
                    "bounds": [[0, 1], [0, 6.3]],
                    "periodic": [],
                }
            ),
            "grid kind must be one of",
        ),
    ],
)
def test_a_tampered_grid_attribute_is_named(attribute, words):
    da = fg.ScalarField(DISK, np.ones(DISK.shape)).to_xarray()
    da.attrs["fieldgrad_grid"] = attribute
    with pytest.raises(ValueError, match="fieldgrad_grid") as err:
        fg.ScalarField.from_xarray(da)
    assert err.match(words)


def test_complex_data_has_a_real_gradient_norm():
    # |d/dx exp(i k x)| = k exactly; the second-order difference gives k sinc-like,
    # the same as the magnitude of numpy's central difference of the complex array.
    grid = fg.CartesianGrid(bounds=[(0, 2 * np.pi)], shape=(64,), periodic=True)
    x = grid.coords["x"]
    f = fg.ScalarField(grid, np.exp(3j * x))
    norm = f.gradient_norm().data
    assert not np.iscomplexobj(norm)
    h = x[1] - x[0]
    central = (np.roll(f.data, -1) - np.roll(f.data, 1)) / (2 * h)
    np.testing.assert_allclose(norm, np.abs(central), rtol=1e-12)
    np.testing.assert_allclose(norm, 3.0, rtol=2e-2)


@pytest.mark.parametrize("dtype", [">f8", "<f8", ">f4", "f2", "i4", "bool"])
def test_other_dtypes_give_the_numbers_of_native_floats(dtype):
    data = DISK.to_cartesian()[0] ** 2
    values = (data > 0.1) if dtype == "bool" else (10 * data).astype(dtype)
    f = fg.ScalarField(DISK, values)
    assert f.data.dtype.isnative
    reference = fg.ScalarField(DISK, np.asarray(values, dtype=float))
    rtol = 1e-3 if np.dtype(dtype).itemsize <= 4 and dtype not in ("i4", "bool") else 1e-12
    for engine in ("numpy", "numba"):
        np.testing.assert_allclose(
            f.laplacian(engine=engine).data, reference.laplacian().data, rtol=rtol, atol=rtol
        )


def test_from_xarray_on_a_dataarray_without_metadata_names_unknown_dims():
    with pytest.raises(ValueError, match="cannot infer a grid from dimensions"):
        xr.DataArray(np.zeros((3, 3)), dims=("a", "b")).fieldgrad.gradient_norm()
