"""Terrain slope on sphere patches, hillshading, and gradients read off contour spacing."""

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.grids import EARTH_RADIUS
from fieldgrad.physics.terrain import (
    contour_spacing_gradient,
    east_north_gradient,
    hillshade,
    slope_degrees,
)

ARC_SECOND = np.pi / (180 * 3600)


def patch(n=(121, 141), lat0=36.6, lon0=-84.2, step=3 * ARC_SECOND):
    """A patch of the Earth centred on (lat0, lon0) in degrees with square angular cells."""
    theta0, phi0 = np.deg2rad(90 - lat0), np.deg2rad(lon0)
    half = np.array(n) * step / 2
    return fg.SphereSurface(
        EARTH_RADIUS,
        n,
        colatitude=(theta0 - half[0], theta0 + half[0]),
        longitude=(phi0 - half[1], phi0 + half[1]),
    )


def tilted_plane(grid, east_rise, north_rise):
    """Elevation c (t . X): a plane in space through the sphere, t a horizontal direction
    at the patch centre. On the sphere |grad z| = c sqrt(1 - (n . t)^2) exactly."""
    theta0, phi0 = (np.mean(b) for b in grid.bounds)
    east = np.array([-np.sin(phi0), np.cos(phi0), 0.0])
    north = -np.array(
        [np.cos(theta0) * np.cos(phi0), np.cos(theta0) * np.sin(phi0), -np.sin(theta0)]
    )
    c = np.hypot(east_rise, north_rise)
    t = (east_rise * east + north_rise * north) / c
    z = fg.ScalarField.from_function(
        grid, lambda x, y, z: c * (t[0] * x + t[1] * y + t[2] * z), coords="cartesian"
    )
    nx, ny, nz = (a / grid.radius for a in grid.to_cartesian(*grid.mesh()))
    tangential = np.sqrt(1 - (t[0] * nx + t[1] * ny + t[2] * nz) ** 2)
    return z, c * tangential


@pytest.mark.parametrize(("east_rise", "north_rise"), [(0.2, 0.0), (0.0, 0.5), (-0.3, 0.4)])
def test_slope_of_a_plane_on_a_sphere_patch_is_analytic(east_rise, north_rise):
    grid = patch()
    z, steepness = tilted_plane(grid, east_rise, north_rise)
    slope = slope_degrees(z)
    np.testing.assert_allclose(slope.data, np.degrees(np.arctan(steepness)), rtol=1e-7)
    # at the centre of the patch (a grid point) the plane rises exactly as asked
    centre = tuple(n // 2 for n in grid.shape)
    expected = np.degrees(np.arctan(np.hypot(east_rise, north_rise)))
    assert slope.data[centre] == pytest.approx(expected, rel=1e-6)
    east, north = east_north_gradient(z)
    assert east[centre] == pytest.approx(east_rise, abs=1e-8)
    assert north[centre] == pytest.approx(north_rise, abs=1e-8)


def test_northward_ramp_is_exact_on_the_sphere():
    """z proportional to the arc length towards the north: a constant slope."""
    grid = patch()
    rise = np.tan(np.deg2rad(12.0))
    z = fg.ScalarField.from_function(
        grid, lambda theta, phi: -rise * EARTH_RADIUS * theta + 0 * phi, units="m"
    )
    slope = slope_degrees(z)
    assert slope.units == "deg"
    np.testing.assert_allclose(slope.data, 12.0, rtol=1e-9)


def test_metric_matters_degrees_of_longitude_shrink_with_latitude():
    """The same rise per degree of longitude is steeper at high latitude."""
    for lat in (0.0, 60.0):
        grid = patch(lat0=lat)
        z = fg.ScalarField.from_function(grid, lambda theta, phi: 1e3 * phi + 0 * theta)
        east, north = east_north_gradient(z)
        theta = grid.coords["theta"][:, None]
        expected = np.broadcast_to(1e3 / (EARTH_RADIUS * np.sin(theta)), grid.shape)
        np.testing.assert_allclose(east, expected, rtol=1e-9)
        np.testing.assert_allclose(north, 0.0, atol=1e-12)


def test_cartesian_terrain_x_is_east_y_is_north():
    grid = fg.CartesianGrid(bounds=[(0, 100), (0, 50)], shape=(20, 10))
    z = fg.ScalarField.from_function(grid, lambda x, y: 0.1 * x - 0.2 * y)
    east, north = east_north_gradient(z)
    np.testing.assert_allclose(east, 0.1, rtol=1e-12)
    np.testing.assert_allclose(north, -0.2, rtol=1e-12)


def test_hillshade_of_uniform_slopes_is_the_cosine_of_incidence():
    grid = fg.CartesianGrid(bounds=[(0, 10), (0, 10)], shape=(8, 8))
    flat = fg.ScalarField(grid, np.zeros(grid.shape))
    np.testing.assert_allclose(hillshade(flat, altitude=30.0), 0.5, rtol=1e-12)
    facing = fg.ScalarField.from_function(grid, lambda x, y: -x + 0 * y)  # faces east
    shade = hillshade(facing, azimuth=90.0, altitude=45.0)  # light from the east
    np.testing.assert_allclose(shade, 1.0, rtol=1e-12)
    away = hillshade(facing, azimuth=270.0, altitude=45.0)  # light from the west
    np.testing.assert_allclose(away, 0.0, atol=1e-12)


def test_hillshade_lights_the_side_facing_the_light():
    grid = patch(n=(61, 61))
    x, y, _ = grid.to_cartesian(*grid.mesh())
    theta, phi = grid.mesh()
    dn = -(theta - np.mean(grid.bounds[0])) * EARTH_RADIUS  # metres north of the centre
    de = (phi - np.mean(grid.bounds[1])) * EARTH_RADIUS * np.sin(theta)  # metres east
    hill = fg.ScalarField(grid, 300 * np.exp(-(dn**2 + de**2) / (2 * 1500.0**2)))
    shade = hillshade(hill, azimuth=315.0)  # light from the north-west
    assert shade.shape == grid.shape
    assert 0.0 <= shade.min() and shade.max() <= 1.0
    nw = shade[(dn > 500) & (de < -500) & (dn < 2500) & (de > -2500)].mean()
    se = shade[(dn < -500) & (de > 500) & (dn > -2500) & (de < 2500)].mean()
    assert nw > se + 0.3


def test_contour_spacing_of_a_plane_is_exact():
    grid = fg.CartesianGrid(bounds=[(0, 3), (0, 2)], shape=(60, 40))
    f = fg.ScalarField.from_function(grid, lambda x, y: 0.6 * x - 0.8 * y)
    est = contour_spacing_gradient(f, levels=np.arange(-1.4, 1.6, 0.2))
    assert est.midpoints.shape == (est.gradient_norm.size, 2)
    assert est.gradient_norm.size > 100
    np.testing.assert_allclose(est.gradient_norm, 1.0, rtol=1e-10)
    np.testing.assert_allclose(est.spacing, 0.2, rtol=1e-10)


def test_contour_spacing_is_exact_at_the_midpoint_when_the_steepness_is_linear():
    """f = x^2 / 2: |grad f| = x is linear, so dV/dn equals it at the midpoint (up to
    the h^2 error of tracing contours by linear interpolation)."""
    grid = fg.CartesianGrid(bounds=[(1, 3), (0, 0.2)], shape=(2000, 4))
    f = fg.ScalarField.from_function(grid, lambda x, y: x**2 / 2 + 0 * y)
    est = contour_spacing_gradient(f, levels=np.arange(0.6, 4.4, 0.4))
    np.testing.assert_allclose(est.gradient_norm, est.midpoints[:, 0], rtol=1e-6)


def test_contour_spacing_error_is_the_predicted_second_order_term():
    """f = x^3 / 3: g = x^2, g'' = 2; (estimate - g) / g = g'' d^2 / (24 g) + O(d^4)."""
    grid = fg.CartesianGrid(bounds=[(1, 2), (0, 0.1)], shape=(4000, 4))
    f = fg.ScalarField.from_function(grid, lambda x, y: x**3 / 3 + 0 * y)
    est = contour_spacing_gradient(f, levels=np.arange(0.4, 2.6, 0.2))
    x = est.midpoints[:, 0]
    measured = est.gradient_norm / x**2 - 1
    predicted = 2 * est.spacing**2 / (24 * x**2)
    np.testing.assert_allclose(measured, predicted, rtol=0.05)


def test_contour_spacing_on_circles():
    """A cone z = r: |grad z| = 1 between concentric circles."""
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(400, 400))
    cone = fg.ScalarField.from_function(grid, lambda x, y: np.hypot(x, y))
    est = contour_spacing_gradient(cone, levels=[0.2, 0.4, 0.6, 0.8])
    np.testing.assert_allclose(est.gradient_norm, 1.0, rtol=1e-3)
    np.testing.assert_allclose(np.hypot(*est.midpoints.T), est.level + 0.1, rtol=1e-3)


def test_bad_input_is_rejected():
    polar = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    f = fg.ScalarField(polar, np.zeros(polar.shape))
    with pytest.raises(TypeError, match="SphereSurface or a 2-D CartesianGrid"):
        slope_degrees(f)
    with pytest.raises(TypeError, match="elevation must be a ScalarField"):
        hillshade(np.zeros((4, 4)))
    with pytest.raises(TypeError, match="2-D CartesianGrid"):
        contour_spacing_gradient(f, [0.0, 1.0])
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    g = fg.ScalarField(grid, np.zeros(grid.shape))
    with pytest.raises(ValueError, match="levels must be at least 2 increasing"):
        contour_spacing_gradient(g, [1.0, 0.5])
