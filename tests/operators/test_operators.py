"""Operators against independent code (numpy, scipy), on axes and poles, with NaN and bad input."""

import math

import numpy as np
import pytest
from scipy import ndimage

import fieldgrad as fg


def test_order_2_interior_equals_numpy_gradient(rng):
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 3)], shape=(20, 30))
    data = rng.normal(size=grid.shape)
    g = fg.ScalarField(grid, data).gradient(engine="numpy")
    expected = np.gradient(data, *grid.spacing)
    for comp, ref in zip(g.data, expected, strict=True):
        np.testing.assert_allclose(comp[1:-1, 1:-1], ref[1:-1, 1:-1], rtol=1e-12, atol=1e-12)


def test_order_2_edges_exact_for_quadratics_like_numpy_edge_order_2():
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(9,))
    x = grid.coords["x"]
    f = fg.ScalarField(grid, 3 * x**2 - x)
    np.testing.assert_allclose(
        f.gradient().data[0], np.gradient(f.data, x, edge_order=2), rtol=1e-12, atol=1e-12
    )


def test_order_4_interior_equals_the_five_point_stencil(rng):
    grid = fg.CartesianGrid(bounds=[(0, 2)], shape=(40,), periodic=True)
    data = rng.normal(size=40)
    h = grid.spacing[0]
    weights = np.array([1, -8, 0, 8, -1]) / (12 * h)
    expected = ndimage.correlate1d(data, weights, mode="wrap")
    np.testing.assert_allclose(
        fg.ScalarField(grid, data).gradient(order=4).data[0], expected, atol=1e-12
    )


def test_laplacian_interior_equals_scipy_laplace(rng):
    grid = fg.CartesianGrid(bounds=[(0, 10), (0, 12)], shape=(10, 12), periodic=True)
    data = rng.normal(size=grid.shape)
    lap = fg.ScalarField(grid, data).laplacian().data
    np.testing.assert_allclose(lap, ndimage.laplace(data, mode="wrap"), atol=1e-12)


@pytest.mark.parametrize("order", [2, 4])
def test_values_on_the_axis_are_finite_limits(order):
    r = np.linspace(0, 1, 33)
    theta = np.arange(64) * 2 * math.pi / 64
    grid = fg.PolarGrid.from_coords({"r": r, "theta": theta})
    f = fg.ScalarField.from_function(grid, lambda x, y: 3 * x + 4 * y + x * y, coords="cartesian")
    norm = f.gradient_norm(order=order).data
    assert np.all(np.isfinite(norm))
    np.testing.assert_allclose(norm[0], 5.0, rtol=5e-3)  # |(3, 4)| at the origin
    # lap(3x + 4y + xy) = 0: on the axis the limit is within the discretisation error
    tol = {2: 1e-4, 4: 1e-6}[order]
    np.testing.assert_allclose(f.laplacian(order=order).data[0], 0.0, atol=tol)
    # v = grad f = (3 + y, 4 + x) in the polar basis, which is well defined on each
    # theta column of the axis row: div v = 0 there too
    rr, tt = np.broadcast_arrays(*grid.mesh())
    x, y = rr * np.cos(tt), rr * np.sin(tt)
    v_r = (3 + y) * np.cos(tt) + (4 + x) * np.sin(tt)
    v_t = -(3 + y) * np.sin(tt) + (4 + x) * np.cos(tt)
    div = fg.VectorField(grid, [v_r, v_t]).divergence(order=order).data
    assert np.all(np.isfinite(div))
    np.testing.assert_allclose(div[0], 0.0, atol=tol)


def test_values_on_the_poles_are_finite_limits():
    theta = np.linspace(0, math.pi, 33)
    phi = np.arange(64) * 2 * math.pi / 64
    grid = fg.SphereSurface.from_coords({"theta": theta, "phi": phi}, radius=2.0)
    f = fg.ScalarField.from_function(grid, lambda x, y, z: x + z, coords="cartesian")
    norm = f.gradient_norm(order=4).data
    assert np.all(np.isfinite(norm))
    # on the poles the tangent plane is the x-y plane: |grad| = |d x/d x| = 1
    np.testing.assert_allclose(norm[[0, -1]], 1.0, rtol=1e-3)
    # x + z is a degree-1 harmonic: Laplace-Beltrami = -2 (x + z) / R^2
    lap = f.laplacian(order=4).data
    np.testing.assert_allclose(lap[[0, -1]], -2 * f.data[[0, -1]] / 4, atol=1e-3)


def test_cylinder_axis_point():
    grid = fg.CylindricalGrid.from_coords({"r": np.linspace(0, 1, 21), "z": np.linspace(0, 1, 11)})
    f = fg.ScalarField.from_function(grid, lambda r, z: r**2 + z)
    lap = f.laplacian().data
    np.testing.assert_allclose(lap, 4.0, rtol=1e-8)  # lap(r^2) = 4 in 3-D, also on the axis
    np.testing.assert_allclose(f.gradient_norm().data[0], 1.0, rtol=1e-10)


def test_nan_stays_local(rng):
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    data = rng.normal(size=grid.shape)
    data[8, 10] = np.nan
    norm = fg.ScalarField(grid, data).gradient_norm(engine="numpy").data
    bad = np.argwhere(np.isnan(norm))
    assert len(bad) == 5  # the point and its four stencil neighbours
    assert np.all(np.abs(bad - [8, 10]).sum(axis=1) <= 1)


def test_geodesic_distance_has_unit_gradient_on_the_sphere():
    radius = 3.0
    grid = fg.SphereSurface(radius=radius, shape=(128, 256))
    # distance from the point (theta, phi) = (pi/2, 0) on the equator
    d = fg.ScalarField.from_function(
        grid, lambda x, y, z: radius * np.arccos(np.clip(x / radius, -1, 1)), coords="cartesian"
    )
    norm = d.gradient_norm(order=4).data
    angle = d.data / radius
    away = (angle > 0.2) & (angle < math.pi - 0.2)
    assert np.abs(norm[away] - 1).max() < 1e-4
    pole_distance = fg.ScalarField.from_function(grid, lambda theta, phi: radius * theta)
    inner = slice(2, -2)
    np.testing.assert_allclose(pole_distance.gradient_norm().data[inner], 1.0, atol=1e-12)


def test_same_field_on_cartesian_and_polar_grids_gives_the_same_norm():
    def potential(x, y):
        return np.exp(-((x - 0.2) ** 2) - 2 * y**2) * np.cos(x + y)

    polar = fg.PolarGrid(radius=(0, 1), shape=(128, 256))
    cart = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(256, 256))
    n_polar = fg.ScalarField.from_function(polar, potential, coords="cartesian").gradient_norm()
    n_cart = fg.ScalarField.from_function(cart, potential).gradient_norm()
    r = np.linspace(0.05, 0.9, 20)
    t = np.linspace(0, 2 * math.pi, 20)
    rr, tt = np.meshgrid(r, t)
    pts_polar = np.stack([rr, tt], axis=-1)
    pts_cart = np.stack([rr * np.cos(tt), rr * np.sin(tt)], axis=-1)
    a = n_polar.interpolate(pts_polar, method="cubic")
    b = n_cart.interpolate(pts_cart, method="cubic")
    np.testing.assert_allclose(a, b, atol=2e-4)


def test_spherical_and_cartesian_grids_agree_in_3d():
    def field(x, y, z):
        return np.sin(x + 0.5 * y) * np.cos(z)

    ball = fg.SphericalGrid(radius=(0, 1), shape=(32, 32, 64))
    cube = fg.CartesianGrid(bounds=[(-1, 1)] * 3, shape=(64, 64, 64))
    a = fg.ScalarField.from_function(ball, field, coords="cartesian").gradient_norm(order=4)
    b = fg.ScalarField.from_function(cube, field).gradient_norm(order=4)
    pts = np.array([[0.5, 1.0, 2.0], [0.3, 2.5, 5.0], [0.05, 0.3, 1.0]])
    xyz = np.stack(ball.to_cartesian(*pts.T), axis=-1)
    np.testing.assert_allclose(
        a.interpolate(pts, method="cubic"), b.interpolate(xyz, method="cubic"), atol=1e-3
    )


@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (lambda f: f.gradient(order=3), ValueError, "order must be one of"),
        (lambda f: f.gradient_norm(ord=3), ValueError, "ord must be one of"),
        (lambda f: f.gradient_norm(ord=True), ValueError, "ord must be one of"),
        (lambda f: f.gradient(engine="fortran"), ValueError, "engine must be one of"),
        (lambda f: fg.gradient(f.data), TypeError, "field must be a ScalarField"),
        (lambda f: fg.divergence(f), TypeError, "field must be a VectorField"),
    ],
)
def test_bad_options_are_rejected(call, exc, words):
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    with pytest.raises(exc, match=words):
        call(fg.ScalarField(grid, np.zeros(8)))


def test_too_few_points_for_the_order():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(3, 8))
    f = fg.ScalarField(grid, np.zeros(grid.shape))
    with pytest.raises(ValueError, match="too few points along axis 'x'"):
        f.gradient(order=4)
    with pytest.raises(ValueError, match="need at least 4, got 3"):
        f.gradient(order=2)  # one-sided edge stencils of order 2 take 4 points
    # Four points are enough at order 2, and the one-sided stencils are exact for x^2.
    wide = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 8))
    x = wide.mesh()[0]
    square = fg.ScalarField(wide, np.broadcast_to(x**2, wide.shape))
    np.testing.assert_allclose(square.gradient(order=2).data[0], np.broadcast_to(2 * x, wide.shape))
