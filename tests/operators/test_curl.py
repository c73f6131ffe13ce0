"""The curl: measured convergence orders against analytic fields on every grid kind,
rigid rotation exactly, the curl of a gradient, and the three engines against each other.

Exact values come from Cartesian vector fields and their curls written out by
hand, projected on the grid's orthonormal basis (``Grid.basis``, its geometry,
independent of the operators).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.testing import CONVERGENCE_CASES, convergence_order

#: The fitted order may fall short of the nominal order by at most this much.
ORDER_MARGIN = 0.2
#: Errors below this are rounding, not truncation.
ROUNDING = 1e-9


def planar(x, y):
    """A 2-D field ``(v_x, v_y)`` and its curl ``d_x v_y - d_y v_x``."""
    v = (np.sin(y) + x * y, x**2 - np.cos(x) * y)
    return v, x + y * np.sin(x) - np.cos(y)


def spatial(x, y, z):
    """A 3-D field and its curl."""
    v = (np.sin(y) * z + x * y, x**2 * z - y * z, np.cos(x) * y + x * z**2)
    curl = (np.cos(x) - x**2 + y, np.sin(y) + y * np.sin(x) - z**2, 2 * x * z - np.cos(y) * z - x)
    return v, curl


def meridional(r, z):
    """An axisymmetric flow ``(v_r, v_z)`` (v_r odd, v_z even in r) and its azimuthal
    vorticity ``d_z v_r - d_r v_z``."""
    v = (np.sin(r) * np.cos(z), np.cos(2 * r) * z**2)
    return v, -np.sin(r) * np.sin(z) + 2 * np.sin(2 * r) * z**2


def _project(basis, vec):
    return [sum(e * c for e, c in zip(ei, vec, strict=False)) for ei in basis]


def exact(grid):
    """The field's orthonormal components and its exact curl on ``grid``."""
    if isinstance(grid, fg.CylindricalGrid) and grid.ndim == 2:
        r, z = (np.broadcast_to(m, grid.shape) for m in grid.mesh())
        v, c = meridional(r, z)
        return list(v), c
    xyz = [np.broadcast_to(c, grid.shape) for c in grid.to_cartesian()]
    basis = np.moveaxis(grid.basis(*grid.mesh()), (-2, -1), (0, 1))  # axis points included
    if grid.ndim == 2 and len(xyz) == 2:
        v, c = planar(*xyz)
        return _project(basis, v), c
    v, c = spatial(*xyz)
    if grid.ndim == 2:  # the sphere surface: the radial component of the curl
        normal = [x / grid.radius for x in xyz]
        return _project(basis, v), sum(n * ci for n, ci in zip(normal, c, strict=True))
    return _project(basis, v), np.stack(_project(basis, c))


#: name -> (grid of resolution n, resolutions)
CURL_GRIDS = {
    "cartesian-2d": (lambda n: fg.CartesianGrid([(0, 2), (-1, 1)], (n, n)), (16, 32, 64)),
    "polar-disk": (lambda n: fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n)), (16, 32, 64)),
    "polar-axis-point": (
        lambda n: fg.PolarGrid.from_coords(
            {"r": np.linspace(0, 1, n + 1), "theta": np.arange(2 * n) * math.pi / n}
        ),
        (16, 32, 64),
    ),
    "sphere-surface": (lambda n: fg.SphereSurface(1.3, (n, 2 * n)), (16, 32, 64)),
    "sphere-pole-points": (
        lambda n: fg.SphereSurface.from_coords(
            {"theta": np.linspace(0, math.pi, n + 1), "phi": np.arange(2 * n) * math.pi / n},
            radius=1.3,
        ),
        (16, 32, 64),
    ),
    "cylindrical-rz": (
        lambda n: fg.CylindricalGrid(radius=(0, 1.5), z=(0, 2), shape=(n, n)),
        (16, 32, 64),
    ),
    "cylindrical-rz-axis-point": (
        lambda n: fg.CylindricalGrid.from_coords(
            {"r": np.linspace(0, 1.5, n + 1), "z": np.linspace(0, 2, n + 1)}
        ),
        (16, 32, 64),
    ),
    "cartesian-3d": (lambda n: fg.CartesianGrid([(0, 1), (-1, 1), (0, 2)], (n, n, n)), (8, 16, 32)),
    "spherical-ball": (lambda n: fg.SphericalGrid(radius=(0, 1), shape=(n, n, 2 * n)), (8, 16, 32)),
    "cylindrical-full": (
        lambda n: fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(n, 2 * n, n)),
        (8, 16, 32),
    ),
}


def _max_error(grid, order):
    v, c = exact(grid)
    return float(np.max(np.abs(fg.curl(fg.VectorField(grid, v), order=order).data - c)))


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("name", sorted(CURL_GRIDS))
def test_curl_converges_at_nominal_order(name, order):
    make, resolutions = CURL_GRIDS[name]
    errors = [_max_error(make(n), order) for n in resolutions]
    fitted = convergence_order([1.0 / n for n in resolutions], errors)
    assert all(np.isfinite(errors)), errors
    assert fitted >= order - ORDER_MARGIN, (errors, fitted)


@pytest.mark.parametrize("engine", ["numpy", "numba", "dask"])
@pytest.mark.parametrize(
    "grid",
    [
        fg.PolarGrid(radius=(0, 1), shape=(12, 24)),
        fg.PolarGrid.from_coords({"r": np.linspace(0, 1, 9), "theta": np.arange(16) * math.pi / 8}),
    ],
    ids=["disk", "axis-point"],
)
def test_rigid_rotation_has_vorticity_two_omega_everywhere(grid, engine):
    omega = 1.7
    r, theta = (np.broadcast_to(m, grid.shape) for m in grid.mesh())
    data = np.stack([np.zeros(grid.shape), omega * r])
    if engine == "dask":
        import dask.array as da

        data = da.from_array(data, chunks=(2, 4, 8))
    w = fg.curl(fg.VectorField(grid, data, units="m/s"), engine=engine)
    np.testing.assert_allclose(np.asarray(w.data), 2 * omega, rtol=1e-12)
    assert r[0, 0] > 0 or np.isfinite(np.asarray(w.data)[0]).all()


def test_rigid_rotation_in_a_pipe_is_axial():
    grid = fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(8, 16, 6))
    r = np.broadcast_to(grid.mesh()[0], grid.shape)
    v = fg.VectorField(grid, [0 * r, 0.5 * r, 0 * r])
    np.testing.assert_allclose(v.curl().data[2], 1.0, rtol=1e-12)
    np.testing.assert_allclose(v.curl().data[:2], 0.0, atol=1e-12)


@pytest.mark.parametrize("case", CONVERGENCE_CASES, ids=lambda c: c.name)
def test_curl_of_a_gradient_vanishes_at_the_measured_order(case):
    """``curl grad f = 0``: the error of the discrete curl of the exact gradient."""
    order = 2
    resolutions = case.resolutions[:2] if case.make_grid(8).ndim == 3 else case.resolutions
    if case.make_grid(8).ndim == 1:
        pytest.skip("no curl in 1-D")
    errors = []
    for n in resolutions:
        grid = case.make_grid(n)
        grad = fg.VectorField(grid, list(case.exact(grid)["components"]))
        errors.append(float(np.max(np.abs(grad.curl(order=order).data))))
    if max(errors) < ROUNDING:  # a radial field: its curl is zero to rounding at any resolution
        return
    fitted = convergence_order([1.0 / n for n in resolutions], errors)
    assert fitted >= order - ORDER_MARGIN, (errors, fitted)


def test_units_and_shapes():
    grid = fg.CartesianGrid([(0, 1)] * 3, (5, 6, 7), units="m")
    v = fg.VectorField(grid, np.ones((3, 5, 6, 7)), units="m/s")
    w = fg.curl(v)
    assert isinstance(w, fg.VectorField) and w.units == "1 / s"
    flat = fg.VectorField(fg.CartesianGrid([(0, 1)] * 2, (5, 6), units="m"), np.ones((2, 5, 6)))
    assert isinstance(flat.curl(), fg.ScalarField)
    line = fg.VectorField(fg.CartesianGrid([(0, 1)], (5,)), np.ones((1, 5)))
    with pytest.raises(ValueError, match="curl needs a field on a 2-D or 3-D grid"):
        fg.curl(line)
    with pytest.raises(TypeError, match="field must be a VectorField"):
        fg.curl(fg.ScalarField(grid, np.ones(grid.shape)))
