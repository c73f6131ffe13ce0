"""Hagen-Poiseuille relations, pressure along a pipe, flow rate through a CylindricalGrid."""

import numpy as np
import pytest
from scipy.integrate import quad

import fieldgrad as fg
from fieldgrad.physics.flow import (
    BLOOD_VISCOSITY,
    ML,
    MM,
    flow_rate,
    poiseuille_pressure,
    poiseuille_pressure_gradient,
    poiseuille_velocity,
    reynolds_number,
)

Q = 5 * ML
R0, R1, LENGTH = 2 * MM, 1 * MM, 0.1


def taper(z):
    return R0 + (R1 - R0) * z / LENGTH


def taper_pressure(z):
    """Closed form of p for the linear taper: dp/dz = -k / R^4 with R' = s constant."""
    k = 8 * BLOOD_VISCOSITY * Q / np.pi
    s = (R1 - R0) / LENGTH
    return k / (3 * s) * (1 / taper(z) ** 3 - 1 / R1**3)


def observed_order(hs, errors):
    return np.polyfit(np.log(hs), np.log(errors), 1)[0]


def test_pressure_gradient_is_8_mu_q_over_pi_r4():
    radii = np.array([0.5, 1.0, 2.0, 4.0]) * MM
    g = poiseuille_pressure_gradient(radii, Q)
    np.testing.assert_allclose(g, 8 * BLOOD_VISCOSITY * Q / (np.pi * radii**4), rtol=1e-15)
    np.testing.assert_allclose(g[:-1] / g[1:], 16.0, rtol=1e-14)
    slope = np.polyfit(np.log(radii), np.log(g), 1)[0]
    assert slope == pytest.approx(-4.0, abs=1e-12)
    # linear in the flow rate and the viscosity
    assert poiseuille_pressure_gradient(R0, 2 * Q, viscosity=2e-3) == pytest.approx(
        4 * poiseuille_pressure_gradient(R0, Q, viscosity=1e-3), rel=1e-14
    )


def test_velocity_profile_carries_the_flow_rate():
    g = poiseuille_pressure_gradient(R0, Q)
    carried, _ = quad(lambda r: 2 * np.pi * r * poiseuille_velocity(r, R0, g), 0, R0)
    assert carried == pytest.approx(Q, rel=1e-12)
    mean = Q / (np.pi * R0**2)
    assert poiseuille_velocity(0.0, R0, g) == pytest.approx(2 * mean, rel=1e-14)
    assert poiseuille_velocity(-0.5 * R0, R0, g) == poiseuille_velocity(0.5 * R0, R0, g)
    np.testing.assert_array_equal(poiseuille_velocity([R0, 1.5 * R0], R0, g), 0.0)


def test_pressure_straight_pipe_falls_linearly():
    z = np.linspace(0, LENGTH, 11)
    p = poiseuille_pressure(z, lambda z: R0 + 0 * z, Q, outlet_pressure=100.0)
    expected = 100.0 + poiseuille_pressure_gradient(R0, Q) * (LENGTH - z)
    np.testing.assert_allclose(p, expected, rtol=1e-13)


def test_pressure_linear_taper_matches_closed_form():
    z = np.linspace(0, LENGTH, 7)  # coarse points: the quadrature is per interval
    np.testing.assert_allclose(poiseuille_pressure(z, taper, Q), taper_pressure(z), rtol=1e-10)


def test_gradient_norm_of_pressure_converges_to_poiseuille_law():
    """fieldgrad's |grad p| on a CylindricalGrid -> 8 mu Q / (pi R^4), second order."""
    sizes, errors = [], []
    for nz in (25, 50, 100, 200):
        grid = fg.CylindricalGrid(radius=(0, R0), z=(0, LENGTH), shape=(4, nz))
        z = grid.coords["z"]
        p = fg.ScalarField(grid, np.broadcast_to(taper_pressure(z), grid.shape))
        exact = poiseuille_pressure_gradient(taper(z), Q)
        err = np.abs(p.gradient_norm().data - exact) / exact
        sizes.append(LENGTH / nz)
        errors.append(err.max())
    assert observed_order(sizes, errors) == pytest.approx(2.0, abs=0.2)
    assert errors[-1] < 1e-4


def parabola_on(grid, radius):
    r, z = grid.mesh()
    g = poiseuille_pressure_gradient(radius, Q)
    return fg.ScalarField(grid, poiseuille_velocity(r + 0 * z, radius, g), units="m/s")


def test_flow_rate_recovered_converges_at_second_order():
    sizes, errors = [], []
    for nr in (8, 16, 32, 64):
        grid = fg.CylindricalGrid(radius=(0, R0), z=(0, LENGTH), shape=(nr, 3))
        q = flow_rate(parabola_on(grid, R0))
        assert q.shape == (3,)
        sizes.append(R0 / nr)
        errors.append(np.abs(q / Q - 1).max())
    assert observed_order(sizes, errors) == pytest.approx(2.0, abs=0.1)
    # the leading term: the midpoint rule on the parabola errs by (dr / R)^2 / 2
    assert errors[-1] == pytest.approx(0.5 * (sizes[-1] / R0) ** 2, rel=0.05)


@pytest.mark.parametrize("radius", [0.61 * R0, 0.75 * R0, 0.9 * R0])
def test_flow_rate_with_the_wall_between_grid_points(radius):
    """A wall cutting a cell: the error stays within 1.5 (dr / R)^2."""
    for nr in (16, 64):
        grid = fg.CylindricalGrid(radius=(0, R0), z=(0, LENGTH), shape=(nr, 2))
        q = flow_rate(parabola_on(grid, radius))
        assert np.abs(q / Q - 1).max() <= 1.5 * (R0 / nr / radius) ** 2


def test_flow_rate_on_a_full_cylindrical_grid_matches_the_axisymmetric_one():
    axi = fg.CylindricalGrid(radius=(0, R0), z=(0, LENGTH), shape=(16, 3))
    full = fg.CylindricalGrid(radius=(0, R0), z=(0, LENGTH), shape=(16, 8, 3))
    r, _, z = full.mesh()
    u = poiseuille_velocity(r + 0 * z, R0, poiseuille_pressure_gradient(R0, Q))
    q_full = flow_rate(fg.ScalarField(full, np.broadcast_to(u, full.shape)))
    np.testing.assert_allclose(q_full, flow_rate(parabola_on(axi, R0)), rtol=1e-12)


def test_flow_rate_on_non_uniform_axial_points():
    r = (np.arange(32) + 0.5) * R0 / 32
    z = np.array([0.0, 0.01, 0.05, 0.1])
    grid = fg.CylindricalGrid.from_coords({"r": r, "z": z})
    q = flow_rate(parabola_on(grid, R0))
    np.testing.assert_allclose(q, q[0], rtol=1e-13)
    assert q[0] == pytest.approx(Q, rel=1e-3)


def test_reynolds_number_of_an_artery():
    re = reynolds_number(Q, R0)
    mean = Q / (np.pi * R0**2)
    assert re == pytest.approx(1060.0 * mean * 2 * R0 / BLOOD_VISCOSITY, rel=1e-14)
    assert reynolds_number(Q, R0 / 2) == pytest.approx(2 * re, rel=1e-14)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="radius must be > 0"):
        poiseuille_pressure_gradient(0.0, Q)
    with pytest.raises(ValueError, match="flow_rate must be >= 0"):
        poiseuille_pressure_gradient(R0, -Q)
    with pytest.raises(ValueError, match="viscosity must be > 0"):
        poiseuille_velocity(0.0, R0, 1.0, viscosity=-1.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        poiseuille_pressure([0.0, 0.0, 1.0], taper, Q)
    polar = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    with pytest.raises(TypeError, match="CylindricalGrid"):
        flow_rate(fg.ScalarField(polar, np.ones(polar.shape)))
    with pytest.raises(TypeError, match="CylindricalGrid"):
        flow_rate(np.ones((4, 8)))
