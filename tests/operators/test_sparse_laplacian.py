"""The sparse finite-volume Laplacian: accuracy, boundary conditions, conservation, errors.

Errors are measured in the max norm and the convergence order is the slope of
log(error) against log(h) over successive refinements.  The local error of
``A @ c + b`` is second order over the whole grid (axis, pole and Dirichlet
cells included) for fields symmetric about the grid's axis, and away from the
axis for every field; next to the axis the cell average differs from the
centre value (see fieldgrad.operators.sparse).  Solutions built on the
matrix converge at second order everywhere, for every field.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

import fieldgrad as fg
from fieldgrad.operators import laplacian_matrix

MIN_ORDER = 1.8
#: Fraction of each range left out next to a real edge when comparing stencils.
EDGE_MARGIN = 0.2
A_X, B_Y, C_Z = 1.3, 0.7, 0.5
SPHERE_RADIUS = 2.0
DECAY = 1.0


# ---------------------------------------------------------------- analytic fields
def wave2(x, y):
    return np.sin(A_X * x + 0.4) * np.cos(B_Y * y)


def wave2_lap(x, y):
    return -(A_X**2 + B_Y**2) * wave2(x, y)


def wave3(x, y, z):
    return np.sin(A_X * x + 0.4) * np.cos(B_Y * y) * np.exp(C_Z * z)


def wave3_lap(x, y, z):
    return (C_Z**2 - A_X**2 - B_Y**2) * wave3(x, y, z)


def bump2(x, y):  # symmetric about the origin
    return np.exp(-(x * x + y * y))


def bump2_lap(x, y):
    r2 = x * x + y * y
    return (4 * r2 - 4) * np.exp(-r2)


def ball3(x, y, z):  # symmetric about the centre
    return np.exp(-(x * x + y * y + z * z))


def ball3_lap(x, y, z):
    r2 = x * x + y * y + z * z
    return (4 * r2 - 6) * np.exp(-r2)


def column3(x, y, z):  # symmetric about the z axis
    return np.exp(-(x * x + y * y)) * np.cos(z)


def column3_lap(x, y, z):
    r2 = x * x + y * y
    return (4 * r2 - 5) * np.exp(-r2) * np.cos(z)


def harmonics(x, y, z):  # degree 1 and 2 harmonics on the sphere of radius R
    R = SPHERE_RADIUS
    return (x + z) / R + (x * y + x * z) / R**2


def harmonics_lap(x, y, z):
    R = SPHERE_RADIUS
    return (-2 * (x + z) / R - 6 * (x * y + x * z) / R**2) / R**2


def zonal(x, y, z):  # symmetric about the polar axis: exp(cos theta)
    return np.exp(z / SPHERE_RADIUS)


def zonal_lap(x, y, z):
    u = z / SPHERE_RADIUS
    return ((1 - u * u) - 2 * u) * np.exp(u) / SPHERE_RADIUS**2


@dataclass(frozen=True)
class Case:
    name: str
    make: Any  # n -> grid
    field: Any
    lap: Any
    resolutions: tuple[int, ...]
    away: float = 0.0  # measure only farther than this from the axis ...
    angle: float = 0.0  # ... and from the poles


CARTESIAN2 = lambda n: fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(n, 2 * n))  # noqa: E731
CARTESIAN3 = lambda n: fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(n, n, n))  # noqa: E731
DISK = lambda n: fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n))  # noqa: E731
ANNULUS = lambda n: fg.PolarGrid(radius=(0.5, 1.5), shape=(n, 4 * n))  # noqa: E731
SECTOR = lambda n: fg.PolarGrid(radius=(0.5, 1.5), shape=(n, n), angle=(0.2, 1.4))  # noqa: E731
BALL = lambda n: fg.SphericalGrid(radius=(0, 1), shape=(n, n, 2 * n))  # noqa: E731
SHELL = lambda n: fg.SphericalGrid(radius=(0.5, 1.5), shape=(n, 2 * n, 4 * n))  # noqa: E731
# few longitudes suffice for fields symmetric about the polar axis
ZONAL_SHELL = lambda n: fg.SphericalGrid(radius=(0.5, 1.5), shape=(n, 2 * n, 8))  # noqa: E731
SPHERE = lambda n: fg.SphereSurface(radius=SPHERE_RADIUS, shape=(n, 2 * n))  # noqa: E731
PATCH = lambda n: fg.SphereSurface(  # noqa: E731
    radius=SPHERE_RADIUS, shape=(n, n), colatitude=(0.5, 1.5), longitude=(0.2, 1.2)
)
PIPE = lambda n: fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(n, 2 * n, n))  # noqa: E731
AXISYMMETRIC = lambda n: fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(n, n))  # noqa: E731

CASES = [
    # the whole grid, edges (Dirichlet) and axis / pole cells included
    Case("cartesian-2d", CARTESIAN2, wave2, wave2_lap, (16, 32, 64)),
    Case("cartesian-3d", CARTESIAN3, wave3, wave3_lap, (8, 16, 24)),
    Case("annulus", ANNULUS, wave2, wave2_lap, (16, 32, 64)),
    Case("sector", SECTOR, wave2, wave2_lap, (16, 32, 64)),
    Case("sphere-patch", PATCH, harmonics, harmonics_lap, (16, 32, 64)),
    Case("disk-symmetric", DISK, bump2, bump2_lap, (16, 32, 64)),
    Case("ball-symmetric", BALL, ball3, ball3_lap, (8, 12, 16)),
    Case("shell-symmetric", ZONAL_SHELL, column3, column3_lap, (12, 24, 48)),
    Case("sphere-zonal", SPHERE, zonal, zonal_lap, (16, 32, 64)),
    Case("pipe-symmetric", PIPE, column3, column3_lap, (8, 12, 16)),
    Case("axisymmetric-pipe", AXISYMMETRIC, column3, column3_lap, (16, 32, 64)),
    # any field, away from the axis and the poles
    # (the O(h^2 / r) terms have large constants: 3-D grids need the finer meshes)
    Case("disk-any", DISK, wave2, wave2_lap, (16, 32, 64), away=0.5),
    Case("ball-any", BALL, wave3, wave3_lap, (24, 32, 48), away=0.5, angle=np.pi / 4),
    Case("shell-any", SHELL, wave3, wave3_lap, (12, 16, 24), away=0.5, angle=np.pi / 4),
    Case("sphere-any", SPHERE, harmonics, harmonics_lap, (32, 64, 128), angle=0.5),
    Case("pipe-any", PIPE, wave3, wave3_lap, (16, 24, 32), away=0.5),
]


def cartesian_mesh(grid):
    return [np.broadcast_to(x, grid.shape) for x in grid.to_cartesian()]


def analytic_sides(grid, func, kinds=("dirichlet",)):
    """Analytic conditions on every real side (kinds cycle over the sides)."""
    bc, k = {}, 0
    for i, axis in enumerate(grid.axes):
        for s, sign in enumerate("-+"):
            if grid.edges(i)[s] is not None:
                continue
            kind = kinds[k % len(kinds)]
            k += 1
            if kind == "dirichlet":

                def value(_i=i, **kw):
                    return func(*grid.to_cartesian(*(kw[a] for a in grid.axes)))

            else:
                value = outward_derivative(grid, func, i, s)
            bc[axis + sign] = (kind, value)
    return bc


def outward_derivative(grid, func, axis, side, eps=1e-6):
    """The outward normal derivative of ``func`` on a side, by central differences."""

    def value(**kw):
        pts = [kw[a] for a in grid.axes]
        shift = list(pts)
        shift[axis] = pts[axis] + eps
        lower = list(pts)
        lower[axis] = pts[axis] - eps
        h = np.ones(1)
        for (k, j), f in grid.factor_functions().items():
            if k == axis:
                h = h * f(np.asarray(pts[j], dtype=float))
        d = (func(*grid.to_cartesian(*shift)) - func(*grid.to_cartesian(*lower))) / (2 * eps * h)
        return d if side == 1 else -d

    return value


def away_mask(grid, distance, angle=0.0):
    """Cells farther than ``distance`` from the axis r = 0 (and from the polar axis
    of spherical grids) and farther than ``angle`` from the poles."""
    mask = np.ones(grid.shape, dtype=bool)
    if "theta" in grid.axes and not isinstance(grid, fg.PolarGrid | fg.CylindricalGrid):
        theta = grid.mesh()[grid.axes.index("theta")]
        mask &= np.broadcast_to((theta > angle) & (theta < np.pi - angle), grid.shape)
    if "r" in grid.axes and distance:
        x, y = cartesian_mesh(grid)[:2]
        mask &= np.hypot(x, y) > distance
    return mask


def fitted_order(resolutions, errors):
    return -np.polyfit(np.log(resolutions), np.log(errors), 1)[0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_local_error_converges_at_second_order(case):
    errors = []
    for n in case.resolutions:
        grid = case.make(n)
        xyz = cartesian_mesh(grid)
        lap = laplacian_matrix(grid, analytic_sides(grid, case.field))
        err = np.abs(lap(case.field(*xyz)) - case.lap(*xyz))
        err = err[away_mask(grid, case.away, case.angle)]
        errors.append(err.max())
    assert all(np.isfinite(errors))
    assert fitted_order(case.resolutions, errors) >= MIN_ORDER, errors


def test_local_error_next_to_the_axis_is_first_order():
    """The documented exception: in the ring around r = 0 the cell average of a
    field that is not symmetric about the origin differs from its centre value."""
    errors = []
    ns = (16, 32, 64)
    for n in ns:
        grid = DISK(n)
        xyz = cartesian_mesh(grid)
        lap = laplacian_matrix(grid)
        errors.append(np.abs(lap(wave2(*xyz)) - wave2_lap(*xyz))[0].max())
    assert 0.8 < fitted_order(ns, errors) < 1.3, errors


SOLVE_CASES = [
    ("cartesian-2d", CARTESIAN2, wave2, wave2_lap, (16, 32, 64), ("dirichlet",)),
    ("cartesian-mixed", CARTESIAN2, wave2, wave2_lap, (16, 32, 64), ("dirichlet", "neumann")),
    ("disk", DISK, wave2, wave2_lap, (16, 32, 64), ("dirichlet",)),
    ("disk-neumann", DISK, wave2, wave2_lap, (16, 32, 64), ("neumann",)),
    ("annulus-mixed", ANNULUS, wave2, wave2_lap, (16, 32, 64), ("neumann", "dirichlet")),
    ("sector-mixed", SECTOR, wave2, wave2_lap, (16, 32, 64), ("dirichlet", "neumann")),
    ("ball", BALL, wave3, wave3_lap, (8, 12, 16), ("dirichlet",)),
    ("sphere", SPHERE, harmonics, harmonics_lap, (16, 32, 64), ()),
    ("sphere-patch-mixed", PATCH, harmonics, harmonics_lap, (16, 32, 64), ("neumann", "dirichlet")),
    ("pipe-mixed", PIPE, wave3, wave3_lap, (6, 9, 12), ("dirichlet", "neumann")),
    ("axisymmetric-neumann", AXISYMMETRIC, column3, column3_lap, (16, 32, 64), ("neumann",)),
]


@pytest.mark.parametrize(
    ("make", "field", "lap", "resolutions", "kinds"),
    [c[1:] for c in SOLVE_CASES],
    ids=[c[0] for c in SOLVE_CASES],
)
def test_solutions_converge_at_second_order_everywhere(make, field, lap, resolutions, kinds):
    """Solve lap c - c = f with the analytic Dirichlet / Neumann values on the sides:
    the conditions hold and the error, axis and edge cells included, is O(h^2)."""
    errors = []
    for n in resolutions:
        grid = make(n)
        xyz = cartesian_mesh(grid)
        exact = field(*xyz)
        A, b = laplacian_matrix(grid, analytic_sides(grid, field, kinds) if kinds else None)
        system = sp.csc_matrix(A - DECAY * sp.eye_array(grid.size))
        rhs = (lap(*xyz) - DECAY * exact).ravel() - b
        c = spsolve(system, rhs).reshape(grid.shape)
        errors.append(np.abs(c - exact).max())
    assert fitted_order(resolutions, errors) >= MIN_ORDER, errors


GRIDS = {
    "cartesian-2d": CARTESIAN2,
    "cartesian-3d": CARTESIAN3,
    "disk": DISK,
    "annulus": ANNULUS,
    "sector": SECTOR,
    "ball": BALL,
    "shell": SHELL,
    "sphere": SPHERE,
    "sphere-patch": PATCH,
    "pipe": PIPE,
    "axisymmetric-pipe": AXISYMMETRIC,
}


def grids(*names):
    return pytest.mark.parametrize("make", [GRIDS[n] for n in names], ids=names)


@grids(
    "cartesian-2d",
    "disk",
    "annulus",
    "ball",
    "shell",
    "sphere",
    "sphere-patch",
    "pipe",
    "axisymmetric-pipe",
)
def test_matches_the_finite_difference_laplacian_on_smooth_fields(make):
    """Away from edges and axes the sparse and the stencil Laplacian agree to O(h^2)."""
    differences = []
    ns = (16, 32) if make(4).ndim == 3 else (32, 64, 128)
    for n in ns:
        grid = make(n)
        xyz = cartesian_mesh(grid)
        func = (
            harmonics if isinstance(grid, fg.SphereSurface) else (wave3 if len(xyz) == 3 else wave2)
        )
        f = fg.ScalarField(grid, func(*xyz))
        interior = away_mask(grid, 0.5, np.pi / 4)  # a fixed region away from the edges
        for i, x in enumerate(grid.mesh()):
            lo, hi = grid.bounds[i]
            if not grid.periodic[i] and grid.edges(i)[1] is None:
                interior &= np.broadcast_to(x < hi - EDGE_MARGIN * (hi - lo), grid.shape)
            if not grid.periodic[i] and grid.edges(i)[0] is None:
                interior &= np.broadcast_to(x > lo + EDGE_MARGIN * (hi - lo), grid.shape)
        diff = laplacian_matrix(grid)(f.data) - fg.laplacian(f).data
        differences.append(np.abs(diff[interior]).max())
    if grid.is_cartesian:  # the same five-point stencil
        assert max(differences) < 1e-10
    else:
        assert fitted_order(ns, differences) >= MIN_ORDER, differences


@grids(
    "cartesian-3d",
    "disk",
    "annulus",
    "sector",
    "ball",
    "shell",
    "sphere",
    "sphere-patch",
    "pipe",
    "axisymmetric-pipe",
)
def test_no_flux_conserves_and_constants_are_harmonic(make, rng):
    grid = make(8)
    lap = laplacian_matrix(grid)
    c = rng.standard_normal(grid.shape)
    scale = np.abs(lap.matrix).sum(axis=1).max() * np.abs(c).max() * lap.volumes.sum()
    assert abs(lap.boundary_flux(c)) < 1e-13 * scale
    assert np.abs(lap(np.ones(grid.shape))).max() < 1e-9 * np.abs(lap.matrix).max()
    assert not np.any(lap.rhs)


@grids("cartesian-2d", "disk", "annulus", "shell", "sphere-patch", "axisymmetric-pipe")
def test_neumann_flux_is_exactly_what_crosses_the_boundary(make, rng):
    """With Neumann sides the integral of the Laplacian is the prescribed outflow
    derivative times the area, whatever the field."""
    grid = make(10)
    sides = [
        (axis, i, s)
        for i, axis in enumerate(grid.axes)
        for s in range(2)
        if grid.edges(i)[s] is None
    ]
    bc = {axis + "-+"[s]: ("neumann", 1.0 + k) for k, (axis, i, s) in enumerate(sides)}
    lap = laplacian_matrix(grid, bc)
    expected = 0.0
    for k, (_, i, s) in enumerate(sides):
        face = laplacian_matrix(grid, {grid.axes[i] + "-+"[s]: ("neumann", 1.0)})
        expected += (1.0 + k) * face.boundary_flux(np.zeros(grid.shape))
    assert np.isclose(lap.boundary_flux(rng.standard_normal(grid.shape)), expected, rtol=1e-12)


def test_neumann_area_of_a_disk_is_its_circumference():
    grid = fg.PolarGrid(radius=(0, 1.5), shape=(8, 16))
    lap = laplacian_matrix(grid, {"r+": ("neumann", 1.0)})
    assert np.isclose(lap.boundary_flux(np.zeros(grid.shape)), 2 * np.pi * 1.5, rtol=1e-12)


def test_dirichlet_value_is_reached_at_the_face():
    """A linear profile between two Dirichlet values is reproduced exactly."""
    grid = fg.CartesianGrid(bounds=[(0, 2), (0, 1)], shape=(12, 5))
    A, b = laplacian_matrix(grid, {"x-": ("dirichlet", 3.0), "x+": ("dirichlet", -1.0)})
    c = spsolve(sp.csc_matrix(A), -b).reshape(grid.shape)
    x = grid.mesh()[0]
    assert np.allclose(c, 3.0 - 2.0 * x + 0 * grid.mesh()[1], atol=1e-12)


def test_dirichlet_values_may_vary_along_the_side():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    y = grid.coords["y"]
    as_array = laplacian_matrix(grid, {"x-": ("dirichlet", y**2)})
    as_callable = laplacian_matrix(grid, {"x-": ("dirichlet", lambda x, y: y**2)})
    assert np.array_equal(as_array.rhs, as_callable.rhs)
    assert np.any(as_array.rhs)


def test_periodic_cartesian_axis_wraps():
    grid = fg.CartesianGrid(bounds=[(0, 2 * np.pi), (0, 1)], shape=(32, 4))
    lap = laplacian_matrix(grid, {"x": "periodic"})
    x = grid.mesh()[0] + 0 * grid.mesh()[1]
    err = np.abs(lap(np.sin(x)) + np.sin(x)).max()
    assert err < (2 * np.pi / 32) ** 2 / 12 * 1.01


def test_unpacks_and_is_square():
    grid = fg.SphereSurface(radius=1.0, shape=(6, 12))
    A, b = laplacian_matrix(grid)
    assert A.shape == (grid.size, grid.size) and b.shape == (grid.size,)
    assert sp.issparse(A)


@pytest.mark.parametrize(
    ("grid", "bc", "match"),
    [
        (DISK(8), {"r-": ("dirichlet", 0.0)}, "axis or pole"),
        (DISK(8), {"r": "periodic"}, "periodic"),
        (DISK(8), {"theta-": ("neumann", 0.0)}, "periodic"),
        (SPHERE(8), {"theta+": ("dirichlet", 1.0)}, "axis or pole"),
        (SECTOR(8), {"theta": "periodic"}, "full circle"),
        (SHELL(4), {"phi+": "dirichlet"}, "periodic"),
        (fg.PolarGrid(radius=(0, 1), shape=(8, 8), angle=(0, 1)), {"r-": "dirichlet"}, "zero"),
        (CARTESIAN2(4), {"x-": "periodic"}, "both sides"),
        (CARTESIAN2(4), {"q-": ("dirichlet", 0.0)}, "keys"),
        (CARTESIAN2(4), {"x-": ("cauchy", 0.0)}, "kind"),
        (CARTESIAN2(4), {"x-": ("robin", 0.0)}, "robin value must be"),
        (CARTESIAN2(4), {"x-": ("dirichlet", np.ones(5))}, "shape"),
        (CARTESIAN2(4), {"x-": ("dirichlet", np.nan)}, "finite"),
        (CARTESIAN2(4), {"x": "dirichlet", "x-": "neumann"}, "two conditions"),
        (CARTESIAN2(4), {"x-": 3.0}, "pair"),
    ],
)
def test_impossible_conditions_raise(grid, bc, match):
    with pytest.raises(ValueError, match=match):
        laplacian_matrix(grid, bc)


def test_bad_arguments_raise():
    with pytest.raises(TypeError, match="bc must be a dict"):
        laplacian_matrix(CARTESIAN2(4), [("x-", "dirichlet")])
    with pytest.raises(TypeError, match="Grid"):
        laplacian_matrix(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="shape"):
        laplacian_matrix(CARTESIAN2(4))(np.zeros(3))
