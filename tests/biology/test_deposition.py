"""Cloud-in-cell deposition: exact conservation on every grid, adjoint sampling, limits."""

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.biology.deposition import CloudInCell

CONSERVATION_RTOL = 1e-10

GRIDS = {
    "disk from r = 0": fg.PolarGrid(radius=(0, 1), shape=(16, 32)),
    "sphere": fg.SphereSurface(radius=2.0, shape=(16, 32)),
    "ball": fg.SphericalGrid(radius=(0, 1), shape=(8, 8, 16)),
    "pipe (r, z)": fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(8, 8)),
    "periodic square": fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(8, 16), periodic=True),
    "log annulus": fg.PolarGrid.from_coords(
        {"r": np.geomspace(0.1, 1, 12), "theta": np.linspace(0, 2 * np.pi, 32, endpoint=False)}
    ),
}


def _points(grid, rng, n=500):
    """Random points over the whole grid, with many right at r = 0, the poles and the edges."""
    lo = np.array([b[0] for b in grid.bounds])
    hi = np.array([b[1] for b in grid.bounds])
    pts = lo + (hi - lo) * rng.random((n, grid.ndim))
    pts[: n // 5, 0] = lo[0] + (hi[0] - lo[0]) * rng.random(n // 5) * 0.02  # next to r = 0 / pole
    pts[n // 5 : n // 4, 0] = lo[0]  # on it
    pts[n // 4 : n // 3, 0] = hi[0]  # on the outer edge / other pole
    return pts


@pytest.mark.parametrize("name", list(GRIDS))
def test_deposit_conserves_the_amount_exactly(name, rng):
    grid = GRIDS[name]
    pts = _points(grid, rng)
    amounts = rng.random(len(pts))
    rho = CloudInCell(grid).deposit(pts, amounts)
    total = (rho * grid.cell_volumes()).sum()
    assert total == pytest.approx(amounts.sum(), rel=CONSERVATION_RTOL)
    assert np.all(rho >= 0)


@pytest.mark.parametrize("name", list(GRIDS))
def test_deposit_and_sample_are_adjoint(name, rng):
    grid = GRIDS[name]
    cic = CloudInCell(grid)
    pts = _points(grid, rng)
    a = rng.standard_normal(len(pts))
    c = rng.standard_normal(grid.shape)
    lhs = (cic.deposit(pts, a) * c * grid.cell_volumes()).sum()
    rhs = a @ cic.sample(c, pts)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", list(GRIDS))
def test_weights_are_a_partition_of_unity_and_sample_smooth_fields(name, rng):
    """Weights >= 0 summing to 1; away from real edges sampling is multilinear
    interpolation, so it agrees with fieldgrad.interpolate there."""
    grid = GRIDS[name]
    cic = CloudInCell(grid)
    pts = _points(grid, rng)
    cells, w = cic.weights(pts)
    assert np.all(w >= 0) and np.allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert cells.min() >= 0 and cells.max() < grid.size
    f = fg.ScalarField(grid, rng.standard_normal(grid.shape))
    inner = np.ones(len(pts), dtype=bool)
    for i, (lo, hi) in enumerate(grid.bounds):
        c = grid.coords[grid.axes[i]]
        # r = 0 and the poles have ghosts: interpolation continues beyond them
        lo_regular = grid.axes[i] in ("r", "theta") and lo == 0
        hi_regular = grid.axes[i] == "theta" and hi == np.pi
        if not grid.periodic[i]:
            inner &= ((pts[:, i] <= c[-1]) | hi_regular) & ((pts[:, i] >= c[0]) | lo_regular)
    assert np.allclose(cic.sample(f.data, pts[inner]), f.interpolate(pts[inner]), atol=1e-12)


def test_polar_cells_across_the_origin_share_by_volume():
    """A point at r = 0 of a disk spreads evenly over the innermost ring; the
    density there is amount / (ring area)."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(10, 16))
    rho = CloudInCell(grid).deposit([[0.0, 0.3]], [1.0])
    ring = np.pi * 0.1**2
    # at r = 0 the point sits halfway between the first ring at theta and theta + pi
    assert rho[1:].max() == 0.0
    assert (rho[0] * grid.cell_volumes()[0]).sum() == pytest.approx(1.0, rel=1e-14)
    assert rho[0].max() <= 1.0 / (ring / 16) + 1e-9


def test_uptake_never_drives_a_cell_negative_and_balances():
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    cic = CloudInCell(grid)
    rng = np.random.default_rng(3)
    pts = np.column_stack([rng.random(400) * 0.3, rng.random(400) * 2 * np.pi])
    c = np.full(grid.shape, 0.1)
    ex = cic.exchange(c, pts, 0.05, 100.0, 1.0, law="constant")
    assert np.all(ex.concentration >= -1e-15)
    before, after = (c * grid.cell_volumes()).sum(), (ex.concentration * grid.cell_volumes()).sum()
    assert after - before == pytest.approx(ex.secreted - ex.taken, rel=CONSERVATION_RTOL)
    assert ex.secreted == pytest.approx(400 * 0.05, rel=1e-13)
    assert ex.taken <= ex.requested.sum()


@pytest.mark.parametrize(
    ("law", "rate"),
    [
        ("constant", lambda c: 0.5),
        ("linear", lambda c: 0.5 * c),
        ("saturating", lambda c: 0.5 * c / (2 + c)),
    ],
)
def test_uptake_laws(law, rate):
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    c = np.full(grid.shape, 3.0)
    ex = CloudInCell(grid).exchange(c, [[0.5, 0.5]], 0.0, 0.5, 0.1, law=law, half_saturation=2.0)
    assert ex.requested[0] == pytest.approx(rate(3.0) * 0.1, rel=1e-14)
    assert ex.taken == pytest.approx(rate(3.0) * 0.1, rel=1e-14)


def test_nan_in_the_field_stays_local_and_starves_the_agent():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    c = np.ones(grid.shape)
    c[2, 2] = np.nan
    x = grid.coords["x"]
    pts = np.array([[x[2], x[2]], [x[6], x[6]]])
    ex = CloudInCell(grid).exchange(c, pts, 1.0, 1.0, 0.1)
    assert ex.starved.tolist() == [True, False]
    assert (
        np.isnan(ex.concentration[2, 2])
        and np.isfinite(np.delete(ex.concentration.ravel(), 18)).all()
    )


def test_bad_input():
    grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    cic = CloudInCell(grid)
    with pytest.raises(ValueError, match="points must be finite"):
        cic.deposit([[np.nan, 0.0]], [1.0])
    with pytest.raises(ValueError, match="within the grid"):
        cic.deposit([[2.0, 0.0]], [1.0])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        cic.sample(np.zeros(grid.shape), [1.0, 0.0])
    with pytest.raises(ValueError, match="values must have the grid's shape"):
        cic.sample(np.zeros(3), [[0.5, 0.0]])
    with pytest.raises(ValueError, match="amounts must be finite"):
        cic.deposit([[0.5, 0.0]], [np.inf])
    with pytest.raises(TypeError, match="grid"):
        CloudInCell(np.zeros(3))


def test_parallel_exchange_agrees_with_the_serial_kernels(monkeypatch):
    """Above PARALLEL_WORK the exchange runs on threads with private buffers:
    the same numbers as the serial twin (up to summation order), conserved."""
    from fieldgrad.biology import deposition

    grid = fg.PolarGrid(radius=(0, 1), shape=(128, 256))
    rng = np.random.default_rng(4)
    n = 200_000
    pts = np.column_stack([np.sqrt(rng.random(n)), 2 * np.pi * rng.random(n)])
    c = rng.random(grid.shape)
    secretion, uptake = rng.random(n), 50 * rng.random(n)
    parallel = CloudInCell(grid).exchange(c, pts, secretion, uptake, 0.1)
    monkeypatch.setattr(deposition, "PARALLEL_WORK", 10**12)
    serial = CloudInCell(grid).exchange(c, pts, secretion, uptake, 0.1)
    assert np.allclose(parallel.concentration, serial.concentration, rtol=1e-12, atol=1e-12)
    assert parallel.taken == pytest.approx(serial.taken, rel=1e-12)
    vol = grid.cell_volumes()
    change = ((parallel.concentration - c) * vol).sum()
    assert change == pytest.approx(parallel.secreted - parallel.taken, rel=CONSERVATION_RTOL)


def test_exchange_in_row_order_matches_the_given_order(monkeypatch):
    """Above SORT_POINTS the points are visited row by row: the same field and
    amounts as in the order given (up to summation order)."""
    from fieldgrad.biology import deposition

    grid = fg.SphericalGrid(radius=(0, 1), shape=(16, 12, 24))
    rng = np.random.default_rng(8)
    n = 30_000
    pts = np.column_stack([rng.random(n), np.pi * rng.random(n), 2 * np.pi * rng.random(n)])
    c = rng.random(grid.shape)
    secretion, uptake = rng.random(n), 20 * rng.random(n)
    assert n > deposition.SORT_POINTS
    by_row = CloudInCell(grid).exchange(c, pts, secretion, uptake, 0.1)
    monkeypatch.setattr(deposition, "SORT_POINTS", 10**12)
    given = CloudInCell(grid).exchange(c, pts, secretion, uptake, 0.1)
    assert np.allclose(by_row.concentration, given.concentration, rtol=1e-12, atol=1e-12)
    assert np.array_equal(by_row.requested, given.requested)
    assert by_row.taken == pytest.approx(given.taken, rel=1e-12)
