"""Grids: coordinates, metric, cell volumes, edges and input validation."""

import math

import numpy as np
import pytest
from scipy.differentiate import derivative

import fieldgrad as fg
from fieldgrad.grids import Mirror

ALL_GRIDS = {
    "cartesian-1d": lambda: fg.CartesianGrid(bounds=[(0, 2)], shape=(8,)),
    "cartesian-2d": lambda: fg.CartesianGrid(bounds=[(0, 1), (-1, 2)], shape=(6, 10)),
    "cartesian-3d-periodic": lambda: fg.CartesianGrid(
        bounds=[(0, 1)] * 3, shape=(4, 5, 6), periodic=[True, False, True]
    ),
    "polar-disk": lambda: fg.PolarGrid(radius=(0, 2), shape=(8, 16)),
    "polar-sector": lambda: fg.PolarGrid(radius=(1, 2), shape=(8, 5), angle=(0.2, 1.0)),
    "spherical-ball": lambda: fg.SphericalGrid(radius=(0, 1), shape=(4, 6, 8)),
    "spherical-shell": lambda: fg.SphericalGrid(radius=(0.5, 2), shape=(4, 6, 8)),
    "sphere": lambda: fg.SphereSurface(radius=2.0, shape=(6, 12)),
    "sphere-patch": lambda: fg.SphereSurface(
        radius=3.0, shape=(5, 7), colatitude=(0.3, 1.2), longitude=(-0.5, 0.5)
    ),
    "cylinder-rz": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 3), shape=(6, 9)),
    "cylinder-3d": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 3), shape=(4, 8, 5)),
}


@pytest.fixture(params=sorted(ALL_GRIDS))
def grid(request):
    return ALL_GRIDS[request.param]()


def test_cell_centred_points_never_touch_axis_or_pole():
    grid = fg.SphericalGrid(radius=(0, 1), shape=(4, 6, 8))
    r, theta, phi = grid.coords.values()
    np.testing.assert_allclose(r, [0.125, 0.375, 0.625, 0.875])
    assert theta[0] > 0 and theta[-1] < math.pi
    np.testing.assert_allclose(np.diff(phi), 2 * math.pi / 8)
    assert grid.periodic == (False, False, True)


def test_attributes_are_consistent(grid):
    assert grid.ndim == len(grid.axes) == len(grid.shape) == len(grid.spacing)
    assert tuple(grid.coords) == grid.axes
    assert all(grid.coords[a].size == n for a, n in zip(grid.axes, grid.shape, strict=True))
    mesh = grid.mesh()
    assert np.broadcast_shapes(*[m.shape for m in mesh]) == grid.shape
    assert np.broadcast_shapes(*[h.shape for h in grid.scale_factors()], grid.shape) == grid.shape
    assert grid.cell_volumes().shape == grid.shape
    assert np.all(grid.cell_volumes() > 0)


def _jacobian_columns(grid, point):
    """|dX/dx_i| at a point, by scipy.differentiate on to_cartesian (independent of h_i)."""
    lengths = []
    for i in range(grid.ndim):

        def along(t, i=i):
            pts = [np.full_like(t, p) for p in point]
            pts[i] = t
            return np.stack(np.broadcast_arrays(*grid.to_cartesian(*pts)))

        cols = [
            derivative(lambda t, c=c: along(t)[c], np.asarray(point[i], float)).df
            for c in range(len(grid.to_cartesian(*point)))
        ]
        lengths.append(math.sqrt(sum(float(c) ** 2 for c in cols)))
    return lengths


def test_scale_factors_match_the_coordinate_map(grid):
    h = [np.broadcast_to(f, grid.shape) for f in grid.scale_factors()]
    mesh = [np.broadcast_to(m, grid.shape) for m in grid.mesh()]
    for index in [(0,) * grid.ndim, tuple(n // 2 for n in grid.shape)]:
        point = [float(m[index]) for m in mesh]
        expected = _jacobian_columns(grid, point)
        if grid.kind == "cylindrical" and grid.ndim == 2:
            pass  # (r, z): the map to the y = 0 half-plane has unit columns too
        np.testing.assert_allclose([float(x[index]) for x in h], expected, rtol=1e-8)


@pytest.mark.parametrize(
    ("make", "volume"),
    [
        (lambda: fg.PolarGrid(radius=(0, 2), shape=(16, 32)), 4 * math.pi),
        (lambda: fg.PolarGrid(radius=(1, 2), shape=(8, 5), angle=(0.2, 1.0)), 0.8 * 1.5),
        (lambda: fg.SphericalGrid(radius=(0.5, 2), shape=(8, 6, 8)), 4 / 3 * math.pi * 7.875),
        (lambda: fg.SphereSurface(radius=2.0, shape=(9, 18)), 16 * math.pi),
        (
            lambda: fg.SphereSurface(radius=3.0, shape=(5, 7), colatitude=(0.3, 1.2)),
            9 * 2 * math.pi * (math.cos(0.3) - math.cos(1.2)),
        ),
        (lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 3), shape=(6, 9)), 3 * math.pi),
        (lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 3), shape=(4, 8, 5)), 3 * math.pi),
        (lambda: fg.CartesianGrid(bounds=[(0, 1), (-1, 2)], shape=(6, 10)), 3.0),
    ],
)
def test_cell_volumes_add_up_to_the_domain(make, volume):
    assert make().cell_volumes().sum() == pytest.approx(volume, rel=1e-12)


def test_edges_describe_axis_pole_and_seam():
    polar = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    assert polar.edges("r") == (Mirror(at=0.0, shift=(1,), signs=(-1.0, -1.0)), None)
    assert polar.edges("theta") == ("periodic", "periodic")
    annulus = fg.PolarGrid(radius=(0.5, 1), shape=(4, 8))
    assert annulus.edges("r") == (None, None)
    sector = fg.PolarGrid(radius=(0, 1), shape=(4, 8), angle=(0, 1))
    assert sector.edges("r") == (None, None) and sector.edges("theta") == (None, None)
    sphere = fg.SphereSurface(shape=(4, 8))
    north, south = sphere.edges("theta")
    assert north.at == 0.0 and south.at == math.pi and north.shift == (1,)
    patch = fg.SphereSurface(shape=(4, 8), longitude=(0, 1))
    assert patch.edges("theta") == (None, None)


def _signed_scale(grid, i, point):
    h = 1.0
    for j in range(grid.ndim):
        f = grid.factor(i, j, np.array([point[j]]))
        h *= 1.0 if f is None else float(f[0])
    return h


def _basis(grid, point):
    """Basis vectors ``(1/h_i) dX/dx_i`` at a point, with the scale factors signed as
    their formulas give them beyond an axis (h_theta = r < 0 across r = 0)."""
    out = []
    for i in range(grid.ndim):
        cols = []
        for c in range(len(grid.to_cartesian(*point))):

            def f(t, i=i, c=c):
                pts = [np.full_like(t, p) for p in point]
                pts[i] = t
                return np.broadcast_arrays(*grid.to_cartesian(*pts))[c]

            cols.append(float(derivative(f, np.asarray(point[i], float)).df))
        v = np.array(cols)
        h = _signed_scale(grid, i, point)
        np.testing.assert_allclose(np.linalg.norm(v), abs(h), rtol=1e-8)
        out.append(v / h)
    return out


@pytest.mark.parametrize(
    "make",
    [
        lambda: fg.PolarGrid(radius=(0, 1), shape=(4, 8)),
        lambda: fg.SphericalGrid(radius=(0, 1), shape=(4, 6, 8)),
        lambda: fg.SphereSurface(radius=2.0, shape=(6, 12)),
        lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(4, 8, 5)),
    ],
)
def test_mirror_maps_points_and_basis_signs(make):
    """Beyond an axis or pole, the ghost point is the mapped point and the
    basis vectors flip exactly as the mirror's signs say."""
    grid = make()
    mesh = [np.broadcast_to(m, grid.shape) for m in grid.mesh()]
    for axis in range(grid.ndim):
        for upper, mirror in enumerate(grid.edges(axis)):
            if not isinstance(mirror, Mirror):
                continue
            index = [n // 3 for n in grid.shape]
            index[axis] = grid.shape[axis] - 1 if upper else 0
            point = [float(m[tuple(index)]) for m in mesh]
            ghost = list(point)
            ghost[axis] = 2 * mirror.at - point[axis]
            mapped = list(point)
            for s in mirror.shift:
                mapped[s] = point[s] + math.pi
            for f in mirror.flip:
                mapped[f] = math.pi - point[f]
            np.testing.assert_allclose(
                grid.to_cartesian(*ghost), grid.to_cartesian(*mapped), atol=1e-12
            )
            for e_ghost, e_mapped, sign in zip(
                _basis(grid, ghost), _basis(grid, mapped), mirror.signs, strict=True
            ):
                np.testing.assert_allclose(e_ghost, sign * e_mapped, atol=1e-8)


def test_from_coords_non_uniform_and_bounds():
    r = np.geomspace(0.1, 10, 30)
    theta = np.arange(16) * 2 * math.pi / 16
    grid = fg.PolarGrid.from_coords({"r": r, "theta": theta})
    assert grid.uniform == (False, True)
    assert isinstance(grid.spacing[0], np.ndarray) and grid.spacing[1] == pytest.approx(math.pi / 8)
    assert grid.periodic == (False, True)
    assert grid.edges("r") == (None, None)  # r starts well away from the axis
    centred = fg.PolarGrid.from_coords({"r": (np.arange(8) + 0.5) / 8, "theta": theta})
    assert isinstance(centred.edges("r")[0], Mirror)
    assert centred.bounds[0] == (0.0, 1.0)


def test_from_latlon_orders_colatitude_north_to_south():
    north_first = fg.SphereSurface.from_latlon(np.arange(89, -90, -2.0), np.arange(0, 360, 2.0))
    south_first = fg.SphereSurface.from_latlon(np.arange(-89, 90, 2.0), np.arange(0, 360, 2.0))
    assert north_first == south_first
    assert north_first.radius == pytest.approx(6.371e6, rel=1e-3)
    assert all(isinstance(e, Mirror) for e in north_first.edges("theta"))


def test_describe_and_rebuild_round_trip(grid):
    rebuilt = fg.Grid.rebuild(list(grid.coords.values()), grid.describe())
    assert rebuilt == grid and type(rebuilt) is type(grid)
    assert rebuilt.edges(0) == grid.edges(0)


@pytest.mark.parametrize(
    ("call", "exc", "words"),
    [
        (lambda: fg.SphereSurface(radius=0.0), ValueError, "radius must be > 0"),
        (lambda: fg.SphereSurface(radius=-1.0), ValueError, "radius must be > 0"),
        (lambda: fg.SphereSurface(radius="big"), TypeError, "radius"),
        (lambda: fg.PolarGrid(radius=(-1, 1), shape=(4, 8)), ValueError, "radius"),
        (lambda: fg.PolarGrid(radius=(1, 1), shape=(4, 8)), ValueError, "radius"),
        (lambda: fg.SphereSurface(shape=(4, 8), colatitude=(0, 4)), ValueError, "colatitude"),
        (
            lambda: fg.SphericalGrid((0, 1), (4, 4, 8), colatitude=(-0.1, 1)),
            ValueError,
            "colatitude",
        ),
        (lambda: fg.PolarGrid(radius=(0, 1), shape=(4, 7)), ValueError, "even"),
        (lambda: fg.SphereSurface(shape=(4, 9)), ValueError, "even"),
        (lambda: fg.PolarGrid(radius=(0, 1), shape=(4,)), ValueError, "shape"),
        (lambda: fg.PolarGrid(radius=(0, 1), shape=(4, 0)), ValueError, "shape"),
        (lambda: fg.CartesianGrid(bounds=[], shape=()), ValueError, "bounds"),
        (lambda: fg.CartesianGrid(bounds=[(0, 1)], shape=("a",)), TypeError, "shape"),
        (lambda: fg.CartesianGrid.from_coords({"x": [0, 2, 1]}), ValueError, "strictly increasing"),
        (lambda: fg.CartesianGrid.from_coords({"x": [0, 1, 1]}), ValueError, "strictly increasing"),
        (lambda: fg.CartesianGrid.from_coords({"q": [0, 1]}), ValueError, "coordinate names"),
        (lambda: fg.PolarGrid.from_coords({"r": [-1, 1], "theta": [0, 1]}), ValueError, ">= 0"),
        (
            lambda: fg.SphereSurface.from_coords({"theta": [0.5, 3.5], "phi": [0, 1]}),
            ValueError,
            "colatitude",
        ),
        (lambda: fg.SphereSurface.from_latlon([91, 0], [0, 1]), ValueError, "lat_deg"),
        (lambda: fg.SphereSurface.from_latlon([0, 10, 5], [0, 1]), ValueError, "lat_deg"),
        (
            lambda: fg.SphericalGrid.from_coords(
                {
                    "r": np.linspace(0, 1, 5),
                    "theta": np.linspace(0, math.pi, 5),
                    "phi": np.arange(8),
                }
            ),
            ValueError,
            "both r = 0 and a pole",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, exc, words):
    with pytest.raises(exc, match=words):
        call()
