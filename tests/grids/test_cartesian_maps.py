"""from_cartesian inverts to_cartesian and basis gives the orthonormal coordinate directions."""

import numpy as np
import pytest

import fieldgrad as fg

GRIDS = {
    "cartesian-2d": fg.CartesianGrid(bounds=[(0, 1), (-1, 2)], shape=(4, 4)),
    "cartesian-3d": fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(4, 4, 4)),
    "polar": fg.PolarGrid(radius=(0, 2), shape=(4, 8)),
    "polar-shifted": fg.PolarGrid(radius=(0.5, 2), shape=(4, 8), angle=(-np.pi, np.pi)),
    "spherical": fg.SphericalGrid(radius=(0, 2), shape=(4, 4, 8)),
    "sphere": fg.SphereSurface(radius=3.0, shape=(4, 8)),
    "pipe": fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(4, 8, 4)),
    "axisymmetric-pipe": fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(4, 4)),
}


def random_points(grid, rng, n=50):
    lo = np.array([b[0] for b in grid.bounds])
    hi = np.array([b[1] for b in grid.bounds])
    return lo + (hi - lo) * rng.random((n, grid.ndim))


@pytest.mark.parametrize("grid", GRIDS.values(), ids=GRIDS.keys())
def test_from_cartesian_inverts_to_cartesian(grid, rng):
    pts = random_points(grid, rng)
    back = np.stack(grid.from_cartesian(*grid.to_cartesian(*pts.T)), axis=-1)
    assert np.allclose(back, pts, atol=1e-12)


@pytest.mark.parametrize("grid", GRIDS.values(), ids=GRIDS.keys())
def test_basis_is_orthonormal_along_the_coordinate_lines(grid, rng):
    pts = random_points(grid, rng)
    e = grid.basis(*pts.T)
    ncart = len(grid.to_cartesian(*pts[:1].T))
    assert e.shape == (len(pts), grid.ndim, ncart)
    assert np.allclose(np.einsum("nik,njk->nij", e, e), np.eye(grid.ndim), atol=1e-12)
    step = 1e-6
    for i in range(grid.ndim):
        ahead, behind = pts.copy(), pts.copy()
        ahead[:, i] += step
        behind[:, i] -= step
        tangent = (
            np.stack(grid.to_cartesian(*ahead.T), -1) - np.stack(grid.to_cartesian(*behind.T), -1)
        ) / (2 * step)
        unit = tangent / np.linalg.norm(tangent, axis=1, keepdims=True)
        assert np.allclose(unit, e[:, i], atol=1e-7)


def test_angles_come_back_within_the_period():
    grid = GRIDS["polar-shifted"]
    r, theta = grid.from_cartesian(np.array([-1.0, -1.0]), np.array([1e-9, -1e-9]))
    assert np.all(theta >= -np.pi) and np.all(theta < np.pi)
    assert np.allclose(np.abs(theta), np.pi)


def test_basis_on_the_axis_is_the_limit_along_the_ray():
    grid = GRIDS["polar"]
    e = grid.basis(0.0, np.pi / 2)
    assert np.allclose(e, [[0, 1], [-1, 0]], atol=1e-15)


def test_axisymmetric_pipe_folds_the_angle_away():
    grid = GRIDS["axisymmetric-pipe"]
    r, z = grid.from_cartesian(0.3, -0.4, 1.5)
    assert (float(r), float(z)) == pytest.approx((0.5, 1.5))


def test_cartesian_from_cartesian_checks_the_dimension():
    with pytest.raises(ValueError, match="expects 2"):
        GRIDS["cartesian-2d"].from_cartesian(0.1, 0.2, 0.3)
