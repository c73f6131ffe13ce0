"""Fields are drawn in their grid's true geometry: check the artists, not the pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.quiver import Quiver  # noqa: E402

import fieldgrad as fg  # noqa: E402
from fieldgrad.plotting import cell_corners, plot_field, plot_sphere_3d  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def mesh_of(ax) -> QuadMesh:
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    return meshes[0]


def corners_of(ax) -> tuple[np.ndarray, np.ndarray]:
    xy = mesh_of(ax).get_coordinates()
    return xy[..., 0], xy[..., 1]


def quiver_of(ax) -> Quiver:
    quivers = [c for c in ax.collections if isinstance(c, Quiver)]
    assert len(quivers) == 1
    return quivers[0]


def colorbar_label(ax) -> str:
    bar = ax.collections[0].colorbar
    assert bar is not None
    return bar.ax.get_ylabel() or bar.ax.get_xlabel()


# ------------------------------------------------------------------ geometry
def test_cell_corners_close_the_periodic_seam() -> None:
    grid = fg.PolarGrid(radius=(0.5, 2), shape=(6, 12))
    r, theta = cell_corners(grid)
    assert r[0] == 0.5 and r[-1] == 2.0 and r.size == 7
    assert theta[0] == 0.0 and np.isclose(theta[-1], 2 * np.pi) and theta.size == 13
    np.testing.assert_allclose(np.diff(theta), 2 * np.pi / 12)


def test_cartesian_2d_is_a_mesh_over_its_bounds() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 3), (-1, 1)], shape=(30, 20))
    f = fg.ScalarField.from_function(grid, lambda x, y: x + y**2, name="f", units="J")
    ax = plot_field(f)
    x, y = corners_of(ax)
    assert (x.min(), x.max(), y.min(), y.max()) == (0.0, 3.0, -1.0, 1.0)
    assert mesh_of(ax).get_array().size == 30 * 20
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y", "f")
    assert colorbar_label(ax) == "f [J]"


def test_cartesian_1d_is_a_line() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(16,))
    f = fg.ScalarField.from_function(grid, lambda x: x**2, name="u", units="m")
    ax = plot_field(f)
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), grid.coords["x"])
    np.testing.assert_array_equal(line.get_ydata(), f.data)
    assert ax.get_ylabel() == "u [m]"


def test_cartesian_3d_is_a_slice_at_the_requested_z() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1), (0, 1)], shape=(4, 5, 10))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z + 0 * x + 0 * y, name="z")
    ax = plot_field(f, at=0.72)
    values = mesh_of(ax).get_array()
    assert values.size == 4 * 5
    np.testing.assert_allclose(values, 0.75)  # the nearest cell centre
    assert "z = 0.75" in ax.get_title()


def test_polar_field_is_a_disk_not_a_rectangle() -> None:
    radius = 2.0
    grid = fg.PolarGrid(radius=(0, radius), shape=(16, 32))
    T = fg.ScalarField.from_function(grid, lambda r, theta: r * np.cos(theta), name="T", units="K")
    ax = plot_field(T)
    x, y = corners_of(ax)
    for c in (x, y):
        assert np.isclose(c.min(), -radius) and np.isclose(c.max(), radius)
    assert np.hypot(x, y).max() == pytest.approx(radius)
    assert ax.get_aspect() == 1.0
    assert colorbar_label(ax) == "T [K]"


def test_polar_annulus_keeps_its_hole() -> None:
    grid = fg.PolarGrid(radius=(1, 2), shape=(4, 8))
    ax = plot_field(fg.ScalarField(grid, np.ones(grid.shape)))
    x, y = corners_of(ax)
    np.testing.assert_allclose(np.hypot(x, y).min(), 1.0)
    # coarse angles are subdivided so the edges look round
    assert x.shape[1] - 1 > 8


def test_polar_values_are_where_the_points_are() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 64))
    f = fg.ScalarField.from_function(grid, lambda x, y: x, coords="cartesian")
    ax = plot_field(f)
    x, y = corners_of(ax)
    centre_x = (x[:-1, :-1] + x[1:, 1:] + x[:-1, 1:] + x[1:, :-1]) / 4
    values = mesh_of(ax).get_array().reshape(centre_x.shape)
    assert np.abs(values - centre_x).max() < 0.1


def test_pipe_is_its_mirrored_longitudinal_section() -> None:
    pipe = fg.CylindricalGrid(radius=(0, 1e-3), z=(0, 0.1), shape=(8, 40))
    u = fg.ScalarField.from_function(pipe, lambda r, z: 1 - (r / 1e-3) ** 2 + 0 * z, units="m/s")
    ax = plot_field(u)
    x, y = corners_of(ax)
    assert (x.min(), x.max()) == (0.0, 0.1)
    assert np.isclose(y.min(), -1e-3) and np.isclose(y.max(), 1e-3)
    values = mesh_of(ax).get_array().reshape(16, 40)
    np.testing.assert_allclose(values, values[::-1])  # symmetric about the axis
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("z", "r")


def test_annular_pipe_has_a_masked_gap() -> None:
    pipe = fg.CylindricalGrid(radius=(0.5, 1), z=(0, 1), shape=(4, 6))
    ax = plot_field(fg.ScalarField(pipe, np.ones(pipe.shape)))
    values = mesh_of(ax).get_array()
    assert np.ma.count_masked(values) == 6  # one row between -0.5 and 0.5


def test_cylinder_3d_is_a_disk_at_z() -> None:
    grid = fg.CylindricalGrid(radius=(0, 1), z=(0, 4), shape=(8, 16, 4))
    f = fg.ScalarField.from_function(grid, lambda r, theta, z: z + 0 * r * theta, name="z")
    ax = plot_field(f, at=2.6)
    x, y = corners_of(ax)
    assert np.isclose(x.min(), -1) and np.isclose(y.max(), 1)
    np.testing.assert_allclose(mesh_of(ax).get_array(), 2.5)


def test_spherical_is_a_meridional_section() -> None:
    grid = fg.SphericalGrid(radius=(0.5, 2), shape=(4, 8, 16))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: x, coords="cartesian")
    ax = plot_field(f)
    x, y = corners_of(ax)
    rho = np.hypot(x, y)
    np.testing.assert_allclose([rho.min(), rho.max()], [0.5, 2.0])
    assert x.min() < -1.9 and x.max() > 1.9 and y.min() < -1.9 and y.max() > 1.9
    # f = x is positive on the right half (phi ~ 0) and negative on the left
    centre_x = (x[:-1, :-1] + x[1:, 1:]) / 2
    values = mesh_of(ax).get_array().reshape(centre_x.shape)
    assert np.all(np.sign(values) == np.sign(centre_x))


def test_sphere_is_a_mollweide_map_by_default() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(18, 36))
    f = fg.ScalarField.from_function(grid, lambda theta, phi: np.cos(theta) + 0 * phi, units="m")
    ax = plot_field(f)
    assert ax.name == "mollweide"
    lon, lat = corners_of(ax)
    np.testing.assert_allclose([lon.min(), lon.max()], [-np.pi, np.pi])
    np.testing.assert_allclose([lat.min(), lat.max()], [-np.pi / 2, np.pi / 2])
    assert colorbar_label(ax) == "value [m]"


def test_sphere_values_follow_latitude_on_the_map() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(18, 36))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    ax = plot_field(f, projection="equirectangular")
    assert ax.name == "rectilinear"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("longitude (°)", "latitude (°)")
    lon, lat = corners_of(ax)
    np.testing.assert_allclose([lon.min(), lon.max(), lat.min(), lat.max()], [-180, 180, -90, 90])
    centre_lat = np.radians((lat[:-1, :-1] + lat[1:, 1:]) / 2)
    values = mesh_of(ax).get_array().reshape(centre_lat.shape)
    np.testing.assert_allclose(values, np.sin(centre_lat), atol=1e-12)


def test_sphere_patch_is_a_degree_map() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(10, 12), colatitude=(0.5, 0.9), longitude=(0.2, 0.6))
    ax = plot_field(fg.ScalarField(grid, np.ones(grid.shape)))
    assert ax.name == "rectilinear"
    lon, lat = corners_of(ax)
    np.testing.assert_allclose([lon.min(), lon.max()], np.degrees([0.2, 0.6]))
    np.testing.assert_allclose([lat.min(), lat.max()], 90 - np.degrees([0.9, 0.5]))


def test_sphere_on_a_given_map_projection() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(8, 16))
    ax = plt.figure().add_subplot(projection="hammer")
    plot_field(fg.ScalarField(grid, np.ones(grid.shape)), ax, colorbar=False)
    lon, _ = corners_of(ax)
    assert lon.max() <= np.pi + 1e-12
    assert ax.collections[0].colorbar is None


def test_sphere_3d_globe() -> None:
    grid = fg.SphereSurface(radius=2.0, shape=(12, 24))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian", name="h")
    ax = plot_sphere_3d(f)
    assert ax.name == "3d"
    (surface,) = ax.collections
    assert len(surface.get_facecolors()) == 12 * 24
    assert ax.figure.axes[-1].get_ylabel() == "h"
    with pytest.raises(TypeError, match="SphereSurface"):
        plot_sphere_3d(fg.ScalarField(fg.PolarGrid(radius=(0, 1), shape=(4, 8)), np.ones((4, 8))))


# ---------------------------------------------------------------- vectors
def arrows(ax) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q = quiver_of(ax)
    return q.get_offsets(), np.asarray(q.U), np.asarray(q.V)


def test_polar_gradient_arrows_point_along_x() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    f = fg.ScalarField.from_function(grid, lambda x, y: x, coords="cartesian")
    ax = plot_field(f, vectors="gradient")
    _, u, v = arrows(ax)
    assert u.size > 10
    np.testing.assert_allclose(u, 1.0, atol=1e-2)
    np.testing.assert_allclose(v, 0.0, atol=1e-2)


def test_arrows_are_spread_over_the_disk() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(64, 128))
    f = fg.ScalarField.from_function(grid, lambda x, y: y, coords="cartesian")
    offsets, _, _ = arrows(plot_field(f, vectors=True))
    r = np.hypot(*offsets.T)
    # not crowded at the centre: about as many arrows per unit area inside r < 1/2 as outside
    inner, outer = np.sum(r < 0.5) / 0.25, np.sum(r >= 0.5) / 0.75
    assert 0.5 < inner / outer < 2


def test_pipe_arrows_point_away_from_the_axis_on_both_sides() -> None:
    pipe = fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(8, 16))
    f = fg.ScalarField.from_function(pipe, lambda r, z: r + 0 * z)
    offsets, u, v = arrows(plot_field(f, vectors=True))
    np.testing.assert_allclose(u, 0.0, atol=1e-12)
    np.testing.assert_allclose(np.sign(v), np.sign(offsets[:, 1]))


def test_spherical_arrows_of_grad_z_point_up() -> None:
    grid = fg.SphericalGrid(radius=(0.5, 1), shape=(8, 16, 32))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    _, u, v = arrows(plot_field(f, vectors=True))
    np.testing.assert_allclose(u, 0.0, atol=0.02)
    np.testing.assert_allclose(v, 1.0, atol=0.02)


def test_sphere_arrows_of_grad_z_point_north() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(36, 72))
    f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    offsets, east, north = arrows(plot_field(f, vectors=True, projection="equirectangular"))
    np.testing.assert_allclose(east, 0.0, atol=1e-12)
    # grad z = cos(latitude) e_north on the unit sphere
    np.testing.assert_allclose(north, np.cos(np.radians(offsets[:, 1])), atol=2e-3)


def test_vector_field_draws_its_norm_with_arrows() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    v = fg.VectorField(grid, [3 * np.ones((8, 8)), 4 * np.ones((8, 8))], name="v")
    ax = v.plot()
    np.testing.assert_allclose(mesh_of(ax).get_array(), 5.0)
    _, u, w = arrows(ax)
    np.testing.assert_allclose(u / w, 0.75)
    assert colorbar_label(ax) == "|v|"


def test_unit_arrows() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    f = fg.ScalarField.from_function(grid, lambda x, y: x**2 + y)
    _, u, v = arrows(plot_field(f, vectors=True, unit_arrows=True))
    np.testing.assert_allclose(np.hypot(u, v), 1.0)


def test_streamlines_on_cartesian_and_pipe_only() -> None:
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(20, 20))
    f = fg.ScalarField.from_function(grid, lambda x, y: x * y)
    ax = plot_field(f, vectors=True, vector_style="stream")
    assert len(ax.collections) >= 2  # the mesh and the stream lines
    pipe = fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(8, 16))
    plot_field(fg.ScalarField.from_function(pipe, lambda r, z: z * r), vectors=True,
               vector_style="stream")  # fmt: skip
    disk = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    g = fg.ScalarField.from_function(disk, lambda x, y: x, coords="cartesian")
    with pytest.raises(ValueError, match="rectilinear"):
        plot_field(g, vectors=True, vector_style="stream")
    with pytest.raises(ValueError, match="vector_style"):
        plot_field(f, vectors=True, vector_style="feathers")


# ------------------------------------------------------------ colours, contours
def test_contours_on_request() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    f = fg.ScalarField.from_function(grid, lambda x, y: x, coords="cartesian")
    assert not any(isinstance(c, ContourSet) for c in plot_field(f).collections)
    ax = plot_field(f, contours=[-0.5, 0.0, 0.5])
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    np.testing.assert_allclose(contours.levels, [-0.5, 0.0, 0.5])


def test_contours_of_another_field() -> None:
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(16, 16))
    f = fg.ScalarField.from_function(grid, lambda x, y: x**2 + y**2)
    ax = plot_field(f.gradient_norm(), contour_field=f, contours=[0.25, 0.5])
    (contours,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    np.testing.assert_allclose(contours.levels, [0.25, 0.5])


def test_constant_field_draws_no_contours_and_no_warning() -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(8, 16))
    ax = plot_field(fg.ScalarField(grid, np.ones(grid.shape)), contours=5)
    assert not any(isinstance(c, ContourSet) for c in ax.collections)


def test_diverging_data_gets_a_centred_diverging_map() -> None:
    grid = fg.CartesianGrid(bounds=[(-1, 2), (0, 1)], shape=(12, 4))
    f = fg.ScalarField.from_function(grid, lambda x, y: x + 0 * y)
    mesh = mesh_of(plot_field(f))
    assert mesh.cmap.name == "RdBu_r"
    vmin, vmax = mesh.get_clim()
    assert vmin == -vmax
    positive = mesh_of(plot_field(f + 5))
    assert positive.cmap.name == "viridis"
    assert mesh_of(plot_field(f, cmap="magma", vmin=0, vmax=1)).get_clim() == (0, 1)


def test_nan_and_lazy_data() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    data = np.ones(grid.shape)
    data[2, 3] = np.nan
    values = mesh_of(plot_field(fg.ScalarField(grid, data))).get_array()
    assert np.ma.count_masked(values) / values.size == 1 / data.size  # one cell, subdivided
    lazy = fg.ScalarField.from_function(grid, lambda r, theta: r + 0 * theta, chunks=(4, 8))
    np.testing.assert_allclose(mesh_of(plot_field(lazy)).get_array().max(), grid.coords["r"][-1])


def test_draws_into_given_axes_and_keeps_its_title() -> None:
    fig, ax = plt.subplots()
    ax.set_title("mine")
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    out = fg.ScalarField(grid, np.ones((4, 4)), name="f").plot(ax)
    assert out is ax and ax.get_title() == "mine"


# ------------------------------------------------------------------- errors
def test_errors_name_what_was_expected() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    f = fg.ScalarField(grid, np.ones((4, 4)))
    with pytest.raises(TypeError, match="field must be a ScalarField or VectorField"):
        plot_field(np.ones((4, 4)))
    with pytest.raises(ValueError, match="vectors must be"):
        plot_field(f, vectors="curl")
    other = fg.CartesianGrid(bounds=[(0, 2), (0, 1)], shape=(4, 4))
    with pytest.raises(ValueError, match="same grid"):
        plot_field(f, vectors=fg.VectorField(other, np.ones((2, 4, 4))))
    with pytest.raises(ValueError, match="contour_field must be"):
        plot_field(f, contour_field=fg.ScalarField(other, np.ones((4, 4))))
    with pytest.raises(ValueError, match="vector_style"):
        plot_field(f, vector_style="arrows")
