"""Signed distances, upwind gradient norms and moving fronts against exact geometry."""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad import fronts


def slope(hs, errors) -> float:
    """Least-squares slope of log(error) against log(h)."""
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


def cap_angle(theta0, phi0, theta, phi):
    """Great-circle angle from (theta0, phi0) on the unit sphere (haversine)."""
    a = (
        np.sin((theta - theta0) / 2) ** 2
        + np.sin(theta0) * np.sin(theta) * np.sin((phi - phi0) / 2) ** 2
    )
    return 2 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


# ------------------------------------------------------------------ signed distance
def test_signed_distance_of_a_circle_is_second_order() -> None:
    radius = 0.5
    hs, errors = [], []
    for n in (32, 64, 128):
        grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(n, n))
        f = fg.ScalarField.from_function(grid, lambda x, y: x**2 + y**2)  # not a distance
        s = fronts.signed_distance(f, level=radius**2)
        r = np.hypot(*grid.to_cartesian())
        exact = r - radius
        assert np.all(np.sign(s.data) == np.sign(exact))
        hs.append(2 / n)
        # the centre is a kink (all characteristics meet there): first order locally
        errors.append(np.abs(s.data - exact)[r > 0.2].max())
    assert slope(hs, errors) >= 1.8


def test_signed_distance_matches_scikit_fmm() -> None:
    skfmm = pytest.importorskip("skfmm")
    n = 96
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(n, n))
    x, y = (np.broadcast_to(c, grid.shape) for c in grid.to_cartesian())
    phi = np.hypot(x - 0.1, y + 0.05) - 0.45
    ours = fronts.signed_distance(fg.ScalarField(grid, phi))
    theirs = np.asarray(skfmm.distance(phi, dx=2 / n, order=2))
    exact = phi  # phi is the signed distance itself
    inner = np.hypot(x - 0.1, y + 0.05) > 0.2
    err_ours = np.abs(ours.data - exact)[inner].max()
    err_theirs = np.abs(theirs - exact)[inner].max()
    assert np.abs(ours.data - theirs)[inner].max() < 2 * err_theirs + err_ours
    assert err_ours <= err_theirs


def test_signed_distance_on_the_sphere_crosses_the_pole() -> None:
    hs, errors = [], []
    for n in (32, 64, 128):
        grid = fg.SphereSurface(radius=1.0, shape=(n, 2 * n))
        theta, phi = grid.mesh()
        angle = cap_angle(0.2, 2.0, theta, phi)
        f = fg.ScalarField(grid, np.cos(0.6) - np.cos(angle))  # the cap of radius 0.6 rad
        s = fronts.signed_distance(f)
        exact = angle - 0.6
        # the cap's centre and its antipode are kinks where marching is first order
        away = (angle > 0.2) & (angle < np.pi - 0.3)
        hs.append(np.pi / n)
        errors.append(np.abs(s.data - exact)[away].max())
    assert slope(hs, errors) >= 1.8


def test_signed_distance_rejects_a_field_without_the_level() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    with pytest.raises(ValueError, match="level"):
        fronts.signed_distance(fg.ScalarField(grid, np.ones(grid.shape)))
    with pytest.raises(TypeError, match="field"):
        fronts.signed_distance(np.ones((8, 8)))


# ------------------------------------------------------------------ upwind norm
@pytest.mark.parametrize(("order", "least"), [(1, 0.9), (2, 1.8)])
def test_upwind_norm_of_a_plane_through_the_origin(order: int, least: float) -> None:
    hs, errors = [], []
    for n in (16, 32, 64):
        disk = fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n))
        plane = fg.ScalarField.from_function(
            disk, lambda r, theta: r * np.cos(theta) + 0.5 * r * np.sin(theta)
        )
        norm = fronts.upwind_gradient_norm(plane, order=order)
        hs.append(1 / n)
        errors.append(np.abs(norm.data - np.hypot(1, 0.5)).max())
    assert slope(hs, errors) >= least


# ------------------------------------------------------------------ evolve
def test_growing_circle() -> None:
    r0, speed, t_end = 0.2, 1.0, 0.3
    errors = []
    for n in (32, 64, 128):
        grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(n, n))
        phi0 = fg.ScalarField.from_function(grid, lambda x, y: np.hypot(x, y) - r0)
        phi = fronts.evolve(phi0, speed, t_end)
        r = np.hypot(*grid.to_cartesian())
        exact = r - (r0 + speed * t_end)
        band = np.abs(exact) < 0.1
        errors.append(np.abs(phi.data - exact)[band].max())
    hs = [2 / 32, 2 / 64, 2 / 128]
    assert errors[-1] < 5e-4
    # measured 1.75 here (1.81 from 32^2 to 256^2): the reinitialisations
    # and the ENO switches cost a little of the nominal second order
    assert slope(hs, errors) >= 1.6


def test_circle_growing_across_the_origin_of_a_disk() -> None:
    errors = []
    for n in (24, 48):
        disk = fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n))
        phi0 = fg.ScalarField.from_function(
            disk, lambda x, y: np.hypot(x - 0.3, y) - 0.1, coords="cartesian"
        )
        phi = fronts.evolve(phi0, lambda r, theta: 1.0 + 0 * r, 0.3)  # radius 0.4: covers r = 0
        x, y = disk.to_cartesian()
        exact = np.hypot(x - 0.3, y) - 0.4
        errors.append(np.abs(phi.data - exact)[np.abs(exact) < 0.1].max())
    assert errors[-1] < 2e-3
    # measured 1.64 on these grids (1.9 from 32x64 to 128x256)
    assert np.log2(errors[0] / errors[1]) >= 1.5


def test_shrinking_circle_with_negative_speed() -> None:
    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(64, 64))
    phi0 = fg.ScalarField.from_function(grid, lambda x, y: np.hypot(x, y) - 0.6)
    phi = fronts.evolve(phi0, -1.0, 0.3)
    r = np.hypot(*grid.to_cartesian())
    band = np.abs(r - 0.3) < 0.1
    assert np.abs(phi.data - (r - 0.3))[band].max() < 0.02


def test_spherical_cap_grows_over_the_pole() -> None:
    centre, a0, t_end = (0.3, 1.0), 0.4, 0.5
    errors = []
    for n in (24, 48):
        grid = fg.SphereSurface(radius=1.0, shape=(n, 2 * n))
        theta, phi = grid.mesh()
        angle = cap_angle(*centre, theta, phi)
        phi0 = fg.ScalarField(grid, angle - a0)
        out = fronts.evolve(phi0, 1.0, t_end)
        exact = angle - (a0 + t_end)  # the cap now covers the North Pole
        band = np.abs(exact) < 0.15
        errors.append(np.abs(out.data - exact)[band].max())
    assert errors[-1] < 2e-3
    # measured 2.04 on these grids (1.91 from 24x48 to 96x192)
    assert np.log2(errors[0] / errors[1]) >= 1.8


def test_evolve_rejects_bad_input() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    phi0 = fg.ScalarField.from_function(grid, lambda x, y: x - 0.5 + 0 * y)
    with pytest.raises(ValueError, match="t_end"):
        fronts.evolve(phi0, 1.0, -1.0)
    with pytest.raises(ValueError, match="speed"):
        fronts.evolve(phi0, float("nan"), 1.0)
    with pytest.raises(TypeError, match="phi0"):
        fronts.evolve(np.zeros((8, 8)), 1.0, 1.0)
    with pytest.raises(ValueError, match="order"):
        fronts.evolve(phi0, 1.0, 1.0, order=3)
    with pytest.raises(ValueError, match="reinit_cells"):
        fronts.evolve(phi0, 1.0, 1.0, reinit_cells=0)
