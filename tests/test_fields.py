"""Fields: construction, numpy arithmetic, xarray and netCDF round trips, the accessor."""

import math

import dask.array as da
import numpy as np
import pytest
import xarray as xr
from scipy.interpolate import RegularGridInterpolator

import fieldgrad as fg
from fieldgrad.testing import assert_field_allclose

GRIDS = {
    "cartesian": lambda: fg.CartesianGrid(
        bounds=[(0, 1), (0, 2)], shape=(6, 8), periodic=[True, False]
    ),
    "polar": lambda: fg.PolarGrid(radius=(0, 1), shape=(6, 8)),
    "spherical": lambda: fg.SphericalGrid(radius=(0.5, 1), shape=(4, 6, 8)),
    "sphere": lambda: fg.SphereSurface(radius=2.5, shape=(6, 12)),
    "sphere-patch": lambda: fg.SphereSurface(radius=2.5, shape=(5, 7), colatitude=(0.2, 1.0)),
    "cylinder": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(5, 7)),
    "cylinder-3d": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(4, 6, 3)),
    "log-radius": lambda: fg.PolarGrid.from_coords(
        {"r": np.geomspace(0.1, 1, 7), "theta": np.linspace(0, 1, 5)}
    ),
}


@pytest.fixture(params=sorted(GRIDS))
def grid(request):
    return GRIDS[request.param]()


def test_from_function_by_axis_name_and_cartesian():
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    by_name = fg.ScalarField.from_function(grid, lambda r, theta: r * np.cos(theta))
    by_xyz = fg.ScalarField.from_function(grid, lambda x, y: x, coords="cartesian")
    np.testing.assert_allclose(by_name.data, by_xyz.data, atol=1e-15)
    sphere = fg.SphereSurface(radius=3.0, shape=(8, 16))
    z = fg.ScalarField.from_function(sphere, lambda x, y, z: z, coords="cartesian")
    np.testing.assert_allclose(z.data, 3 * np.cos(sphere.coords["theta"])[:, None] + 0 * z.data)


def test_from_function_rejects_unknown_names_and_coords():
    grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    with pytest.raises(TypeError, match=r"\('r', 'theta'\)"):
        fg.ScalarField.from_function(grid, lambda x, y: x)
    with pytest.raises(ValueError, match="coords must be"):
        fg.ScalarField.from_function(grid, lambda r, theta: r, coords="polar")


def test_data_shape_and_grid_type_are_checked():
    grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    with pytest.raises(ValueError, match=r"data must have shape \(4, 8\)"):
        fg.ScalarField(grid, np.zeros((8, 4)))
    with pytest.raises(ValueError, match=r"data must have shape \(2, 4, 8\)"):
        fg.VectorField(grid, np.zeros((4, 8)))
    with pytest.raises(TypeError, match="grid must be a fieldgrad Grid"):
        fg.ScalarField("grid", np.zeros((4, 8)))


def test_arithmetic_and_ufuncs_keep_the_grid():
    grid = fg.SphereSurface(radius=1.0, shape=(4, 8))
    f = fg.ScalarField.from_function(grid, lambda theta, phi: 1 + theta)
    for result in (f + 1, 2 * f, f * f, -f, np.log(f), np.sqrt(f), f / f):
        assert isinstance(result, fg.ScalarField) and result.grid is grid
    np.testing.assert_allclose(np.log(f).data, np.log(f.data))
    other = fg.ScalarField(fg.SphereSurface(radius=2.0, shape=(4, 8)), f.data)
    with pytest.raises(ValueError, match="share a grid"):
        f + other


def test_float32_is_kept_and_integers_become_float():
    grid = fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=(8, 8))
    f32 = fg.ScalarField(grid, np.ones((8, 8), dtype=np.float32))
    assert (2 * f32).dtype == np.float32
    assert fg.ScalarField(grid, np.ones((8, 8), dtype=int)).dtype == np.float64
    assert f32.gradient_norm(engine="numpy").dtype == np.float32


def test_from_function_with_chunks_is_lazy():
    grid = fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=(16, 12))
    f = fg.ScalarField.from_function(grid, lambda x, y: np.sin(x) * y, chunks=(8, 6))
    assert f.is_lazy and isinstance(f.data, da.Array)
    assert f.data.chunks == ((8, 8), (6, 6))
    x, y = grid.mesh()
    np.testing.assert_allclose(f.compute().data, np.sin(x) * y)


def test_xarray_round_trip_is_lossless(grid, rng):
    f = fg.ScalarField(grid, rng.normal(size=grid.shape), name="pressure", units="Pa")
    back = fg.ScalarField.from_xarray(f.to_xarray())
    assert_field_allclose(back, f, rtol=0)
    assert back.grid == grid and back.grid.periodic == grid.periodic
    assert back.name == "pressure" and back.units == "Pa"
    assert back.grid.edges(0) == grid.edges(0)


def test_vector_field_xarray_round_trip(grid, rng):
    v = fg.VectorField(grid, rng.normal(size=(grid.ndim,) + grid.shape), name="E", units="V/m")
    da_ = v.to_xarray()
    assert da_.dims[0] == "component"
    back = fg.VectorField.from_xarray(da_)
    assert_field_allclose(back, v, rtol=0)
    assert back.name == "E" and back.units == "V/m"
    with pytest.raises(TypeError, match="ScalarField"):
        fg.ScalarField.from_xarray(da_)


def test_netcdf_round_trip_is_lossless(grid, rng, tmp_path):
    f = fg.ScalarField(grid, rng.normal(size=grid.shape), name="c", units="mol/m^3")
    path = tmp_path / "field.nc"
    f.to_netcdf(path)
    back = fg.open_field(path)
    assert isinstance(back, fg.ScalarField)
    assert_field_allclose(back, f, rtol=0)
    assert back.grid == grid and type(back.grid) is type(grid)
    assert (back.name, back.units) == ("c", "mol/m^3")
    if isinstance(grid, fg.SphereSurface):
        assert back.grid.radius == grid.radius


def test_netcdf_round_trip_of_float32_and_vectors(tmp_path):
    grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    f = fg.ScalarField(grid, np.arange(32, dtype=np.float32).reshape(4, 8))
    f.to_netcdf(tmp_path / "f32.nc")
    back = fg.open_field(tmp_path / "f32.nc")
    assert back.dtype == np.float32 and back.name is None
    v = f.gradient()
    v.to_netcdf(tmp_path / "v.nc")
    assert_field_allclose(fg.open_field(tmp_path / "v.nc"), v, rtol=0)


@pytest.mark.parametrize(
    ("dims", "kind"),
    [
        (("x", "y"), "cartesian"),
        (("y", "x"), "cartesian"),
        (("r", "theta"), "polar"),
        (("r", "theta", "phi"), "spherical"),
        (("theta", "phi"), "sphere"),
        (("r", "z"), "cylindrical"),
        (("lat", "lon"), "sphere"),
        (("latitude", "longitude"), "sphere"),
    ],
)
def test_accessor_infers_the_grid_from_names(dims, kind):
    sizes = {"theta": 6, "phi": 8, "lon": 8, "longitude": 8}
    coords = {}
    for d in dims:
        n = sizes.get(d, 5)
        if d in ("theta",):
            coords[d] = (np.arange(n) + 0.5) * math.pi / n
        elif d in ("phi",):
            coords[d] = np.arange(n) * 2 * math.pi / n
        elif d in ("lat", "latitude"):
            coords[d] = np.linspace(-60, 60, n)
        elif d in ("lon", "longitude"):
            coords[d] = np.arange(n) * 45.0
        else:
            coords[d] = np.linspace(0.1, 1, n)
    shape = tuple(c.size for c in coords.values())
    arr = xr.DataArray(np.random.default_rng(0).normal(size=shape), dims=dims, coords=coords)
    assert arr.fieldgrad.grid.kind == kind
    out = arr.fieldgrad.gradient_norm()
    assert out.dims == arr.dims and out.shape == arr.shape
    for d in dims:
        np.testing.assert_array_equal(out[d].values, arr[d].values)


def test_accessor_matches_fields_and_ignores_dimension_order():
    x = np.linspace(0, 1, 11)
    y = np.linspace(0, 2, 21)
    values = np.sin(x)[:, None] * np.cos(y)[None, :]
    a = xr.DataArray(values, dims=("x", "y"), coords={"x": x, "y": y})
    norm_xy = a.fieldgrad.gradient_norm()
    norm_yx = a.transpose("y", "x").fieldgrad.gradient_norm()
    xr.testing.assert_allclose(norm_xy, norm_yx.transpose("x", "y"))
    grid = fg.CartesianGrid.from_coords({"x": x, "y": y})
    np.testing.assert_allclose(norm_xy.values, fg.ScalarField(grid, values).gradient_norm().data)


def test_accessor_latitude_order_does_not_change_the_answer():
    lat = np.arange(-88.0, 90, 4)
    lon = np.arange(0.0, 360, 4)
    values = np.cos(np.deg2rad(lat))[:, None] * np.sin(np.deg2rad(lon))[None, :] * 1000
    a = xr.DataArray(values, dims=("lat", "lon"), coords={"lat": lat, "lon": lon})
    up = a.fieldgrad.gradient_norm()
    down = a.isel(lat=slice(None, None, -1)).fieldgrad.gradient_norm()
    xr.testing.assert_allclose(up, down.sortby("lat"))


def test_accessor_rejects_unknown_dimension_names():
    a = xr.DataArray(np.zeros((3, 4)), dims=("u", "v"))
    with pytest.raises(ValueError, match="cannot infer a grid from dimensions"):
        a.fieldgrad.gradient_norm()


def test_accessor_uses_grid_attributes_when_present():
    grid = fg.SphereSurface(radius=7.0, shape=(6, 12))
    f = fg.ScalarField.from_function(grid, lambda theta, phi: theta)
    out = f.to_xarray().fieldgrad.gradient_norm()
    np.testing.assert_allclose(out.values, f.gradient_norm().data)


@pytest.mark.parametrize("operator", ["divergence", "curl"])
def test_accessor_vector_operators_match_fields(operator, rng):
    """On a disk (through r = 0) and in a ball: the same numbers as the field methods."""
    for grid in (
        fg.PolarGrid(radius=(0, 1), shape=(12, 16)),
        fg.SphericalGrid(radius=(0, 1), shape=(6, 8, 10)),
    ):
        v = fg.VectorField(grid, rng.standard_normal((grid.ndim, *grid.shape)))
        out = getattr(v.to_xarray().fieldgrad, operator)()
        np.testing.assert_allclose(out.values, getattr(v, operator)().data, rtol=1e-12)


def test_accessor_vector_operators_need_a_component_dimension():
    a = xr.DataArray(np.zeros((3, 4)), dims=("x", "y"))
    with pytest.raises(ValueError, match="needs a vector field"):
        a.fieldgrad.curl()


def test_interpolate_is_exact_for_linear_functions_and_wraps_the_seam():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(8, 8))
    f = fg.ScalarField.from_function(grid, lambda x, y: 2 * x - y + 1)
    pts = np.array([[0.3, 1.7], [0.0, 0.0], [1.0, 2.0]])
    np.testing.assert_allclose(f.interpolate(pts), 2 * pts[:, 0] - pts[:, 1] + 1, atol=1e-12)
    polar = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    g = fg.ScalarField.from_function(polar, lambda x, y: x + 2 * y, coords="cartesian")
    r, t = 0.01, 2 * math.pi - 1e-3  # next to the axis and just before the seam
    for theta in (t, t + 2 * math.pi, 1e-3):
        expected = r * math.cos(theta) + 2 * r * math.sin(theta)
        value = g.interpolate([r, theta])
        assert value.shape == ()
        # linear in r, and in theta to within r * dtheta^2
        assert value == pytest.approx(expected, abs=r * (2 * math.pi / 64) ** 2)


def test_interpolate_vectors_and_bad_points():
    grid = fg.SphereSurface(radius=1.0, shape=(32, 64))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    # grad z = -sin(theta) e_theta, smooth through the pole (e_theta flips across it)
    pts = np.array([[0.01, 0.3], [1.0, 6.0], [math.pi - 0.02, 2.0]])
    grad = f.gradient(order=4).interpolate(pts, method="cubic")
    expected = np.stack([-np.sin(pts[:, 0]), 0 * pts[:, 0]], axis=-1)
    np.testing.assert_allclose(grad, expected, atol=1e-4)
    with pytest.raises(ValueError, match="points must lie within the grid"):
        f.interpolate([4.0, 0.0])
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2\)"):
        f.interpolate([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="method must be one of"):
        f.interpolate([1.0, 2.0], method="spline")


def test_interpolator_matches_scipy_on_the_periodically_extended_array(rng):
    # An independent reference: scipy's interpolator on the array with one wrapped
    # column on each side of the seam, at points between the first and last radius.
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    f = fg.ScalarField(grid, rng.normal(size=grid.shape))
    r, theta = grid.coords["r"], grid.coords["theta"]
    step = theta[1] - theta[0]
    wrapped = np.concatenate([f.data[:, -1:], f.data, f.data[:, :1]], axis=1)
    angles = np.concatenate([[theta[0] - step], theta, [theta[-1] + step]])
    reference = RegularGridInterpolator((r, angles), wrapped, method="linear")
    pts = np.stack([rng.uniform(r[0], r[-1], 200), rng.uniform(0, 2 * np.pi, 200)], axis=-1)
    np.testing.assert_allclose(
        f.interpolator(method="linear")(pts), reference(pts), rtol=1e-12, atol=1e-13
    )
    np.testing.assert_allclose(f.interpolate(pts), reference(pts), rtol=1e-12, atol=1e-13)
    # points given with angles outside [0, 2 pi) are the same points
    shifted = pts + [0.0, 4 * np.pi]
    np.testing.assert_allclose(f.interpolate(shifted), reference(pts), rtol=1e-12, atol=1e-13)


def test_from_function_with_chunks_is_lazy_in_cartesian_coordinates_too():
    grid = fg.SphereSurface(radius=2.0, shape=(12, 24))
    calls = []

    def height(x, y, z):
        calls.append(np.shape(x))
        return x * z

    f = fg.ScalarField.from_function(grid, height, coords="cartesian", chunks=(5, 7))
    assert f.is_lazy and f.data.chunks == ((5, 5, 2), (7, 7, 7, 3))
    assert max(int(np.prod(s)) for s in calls) == 1  # only a one-point probe so far
    eager = fg.ScalarField.from_function(grid, lambda x, y, z: x * z, coords="cartesian")
    np.testing.assert_array_equal(f.compute().data, eager.data)
