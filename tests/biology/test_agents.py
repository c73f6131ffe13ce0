"""Chemotaxis agents: exact drift in linear fields, Brownian statistics, edges, errors."""

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.biology import ChemotaxisAgents
from fieldgrad.biology.sampling import FieldSampler

CHI = 0.02
#: Standard errors a statistical estimate may deviate by.
SIGMAS = 4.0


def linear(grid, a=(3.0, 4.0)):
    """c = a . x in Cartesian coordinates, whatever the grid."""
    a = tuple(a) + (0.0,) * (3 - len(a))
    return fg.ScalarField.from_function(
        grid, lambda x, y, z=0.0: a[0] * x + a[1] * y + a[2] * z, coords="cartesian"
    )


def test_cartesian_agents_move_at_chi_grad_c_exactly():
    grid = fg.CartesianGrid(bounds=[(0, 4), (0, 4)], shape=(40, 40))
    start = np.array([[0.5, 0.5], [1.0, 2.0], [0.05, 0.3]])
    agents = ChemotaxisAgents(linear(grid), start, sensitivity=CHI)
    for step in range(1, 11):
        pos = agents.step(dt=2.0)
        expected = start + step * 2.0 * CHI * np.array([3.0, 4.0])
        assert np.allclose(pos, expected, rtol=0, atol=1e-12)


def _worst_polar_deviation(n, order):
    """Largest relative deviation of a step from chi |grad c| along grad c."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(n, 2 * n))
    worst = 0.0
    for direction, start_xy in (
        ((0.0, 1.0), (0.5, -0.3)),  # crosses theta = 0 going up
        ((1.0, 0.0), (-0.5, 0.01)),  # passes 0.01 from the centre
        ((1.0, 0.0), (-0.4, 0.0)),  # right through the centre
        ((0.6, -0.8), (-0.3, 0.4)),  # diagonally through the centre
    ):
        agents = ChemotaxisAgents(
            linear(grid, direction), [grid.from_cartesian(*start_xy)], CHI, order=order
        )
        xy = np.array(start_xy)
        for _ in range(40):
            new = agents.cartesian(agents.step(dt=1.0))[0]
            worst = max(worst, np.abs((new - xy) / CHI - direction).max())  # |grad c| = 1
            xy = new
        assert np.allclose(xy, np.array(start_xy) + 40 * CHI * np.array(direction), atol=0.01)
    return worst


@pytest.mark.parametrize(("order", "bound"), [(2, 2e-3), (4, 4e-6)])
def test_polar_agents_cross_the_seam_and_the_centre_in_straight_lines(order, bound):
    """Across theta = 0, a hair's breadth from r = 0 and exactly through it, every
    step is chi |grad c| along grad c up to the gradient's own error, which
    shrinks at its order."""
    coarse, fine = _worst_polar_deviation(32, order), _worst_polar_deviation(64, order)
    assert coarse < bound
    assert np.log2(coarse / fine) >= order - 0.2


def test_spherical_agents_pass_the_centre_and_the_pole_axis():
    grid = fg.SphericalGrid(radius=(0, 1), shape=(16, 16, 32))
    field = linear(grid, (0.0, 0.0, 1.0))
    start = np.array([0.01, -0.02, -0.5])
    agents = ChemotaxisAgents(field, [grid.from_cartesian(*start)], sensitivity=CHI, order=4)
    for _ in range(50):
        agents.step(dt=1.0)
    assert np.allclose(agents.cartesian()[0], start + [0, 0, 50 * CHI], atol=1e-5)


def test_agents_on_a_sphere_follow_the_meridian_analytically():
    """c = z on the unit sphere: d theta / dt = -chi sin theta, so
    tan(theta / 2) = tan(theta0 / 2) exp(-chi t)."""
    grid = fg.SphereSurface(radius=1.0, shape=(64, 128))
    theta0 = np.array([2.5, 1.5, 0.4])
    start = np.stack([theta0, np.array([0.3, 2.0, 5.0])], axis=1)
    agents = ChemotaxisAgents(linear(grid, (0, 0, 1)), start, sensitivity=1.0, order=4)
    dt, steps = 0.005, 200
    for _ in range(steps):
        agents.step(dt)
    theta = 2 * np.arctan(np.tan(theta0 / 2) * np.exp(-dt * steps))
    assert np.allclose(agents.positions[:, 0], theta, atol=2e-3)
    assert np.allclose(agents.positions[:, 1], start[:, 1], atol=1e-9)  # stays on its meridian


def test_saturation_slows_agents_where_the_concentration_is_high():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    field = fg.ScalarField.from_function(grid, lambda x, y: 2 + x)
    at_point = grid.coords["x"][8]  # on a grid point the drift is exact ...
    agents = ChemotaxisAgents(field, [[at_point, 0.5], [0.5, 0.5]], CHI, saturation=0.5)
    speed = np.linalg.norm(agents.velocity(), axis=1)
    assert speed[0] == pytest.approx(CHI / (1 + 0.5 * (2 + at_point)), rel=1e-12)
    assert speed[1] == pytest.approx(CHI / (1 + 0.5 * 2.5), rel=1e-4)  # ... between, O(h^2)
    assert agents.concentration()[1] == pytest.approx(2.5)


def test_haptotaxis_adds_the_climb_of_a_second_field():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    fibronectin = fg.ScalarField.from_function(grid, lambda x, y: -y)
    agents = ChemotaxisAgents(
        linear(grid, (1, 0)), [[0.5, 0.5]], CHI, fibronectin=fibronectin, haptotaxis=0.5
    )
    assert np.allclose(agents.velocity()[0], [CHI, -0.5])


def test_brownian_drift_and_variance_match_chi_grad_c_and_2_d_t():
    grid = fg.CartesianGrid(bounds=[(-10, 10), (-10, 10)], shape=(64, 64))
    n, motility, dt, steps = 20_000, 0.5, 0.1, 10
    agents = ChemotaxisAgents(
        linear(grid, (1, 0)), np.zeros((n, 2)), sensitivity=1.0, motility=motility, seed=7
    )
    for _ in range(steps):
        agents.step(dt)
    t = dt * steps
    pos = agents.positions
    var = 2 * motility * t
    assert np.allclose(pos.mean(axis=0), [t, 0.0], atol=SIGMAS * np.sqrt(var / n))
    assert np.allclose(pos.var(axis=0), var, rtol=SIGMAS * np.sqrt(2 / n))


def test_brownian_motion_is_isotropic_in_the_plane_from_r_equals_0():
    grid = fg.PolarGrid(radius=(0, 20), shape=(32, 64))
    n, motility, t = 20_000, 0.5, 1.0
    flat = fg.ScalarField(grid, np.ones(grid.shape))
    agents = ChemotaxisAgents(flat, np.zeros((n, 2)), 0.0, motility=motility, seed=3)
    for _ in range(4):
        agents.step(t / 4)
    xy = agents.cartesian()
    spread = 2 * motility * t
    assert np.allclose(xy.mean(axis=0), 0.0, atol=SIGMAS * np.sqrt(spread / n))
    assert np.allclose(xy.var(axis=0), spread, rtol=SIGMAS * np.sqrt(2 / n))


def test_brownian_motion_around_the_axis_of_a_pipe_is_three_dimensional():
    """On the axisymmetric grid (r, z) the radius performs the 3-D process:
    E[r^2] = r0^2 + 4 D t (two transverse directions)."""
    grid = fg.CylindricalGrid(radius=(0, 20), z=(-20, 20), shape=(16, 16))
    n, motility, t, r0 = 20_000, 0.5, 1.0, 0.5
    flat = fg.ScalarField(grid, np.ones(grid.shape))
    agents = ChemotaxisAgents(flat, np.tile([r0, 0.0], (n, 1)), 0.0, motility=motility, seed=5)
    agents.step(t)
    r2 = agents.positions[:, 0] ** 2
    assert r2.mean() == pytest.approx(r0**2 + 4 * motility * t, rel=SIGMAS * np.sqrt(2 / n))
    assert agents.positions[:, 1].var() == pytest.approx(2 * motility * t, rel=0.05)


def test_brownian_motion_on_the_sphere():
    """E[cos(angle travelled)] = exp(-2 D t / R^2) for Brownian motion on a sphere."""
    R, n, motility, t = 2.0, 20_000, 0.2, 1.0
    grid = fg.SphereSurface(radius=R, shape=(32, 64))
    flat = fg.ScalarField(grid, np.ones(grid.shape))
    agents = ChemotaxisAgents(
        flat, np.tile([np.pi / 2, 0.0], (n, 1)), 0.0, motility=motility, seed=11
    )
    for _ in range(50):
        agents.step(t / 50)
    cos = agents.cartesian() @ np.array([R, 0, 0]) / R**2
    assert cos.mean() == pytest.approx(np.exp(-2 * motility * t / R**2), abs=0.01)


@pytest.mark.parametrize("grid_kind", ["cartesian", "annulus"])
def test_agents_stop_at_the_edge_or_are_removed_or_reflected(grid_kind):
    if grid_kind == "cartesian":
        grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
        start, direction = [[0.9, 0.5], [0.5, 0.5]], (1, 0)
    else:
        grid = fg.PolarGrid(radius=(0.5, 1.0), shape=(16, 32))
        start, direction = [[0.6, 0.0], [0.9, np.pi]], (-1, 0)  # pushed across the hole
    for boundary in ("stop", "remove", "reflect"):
        agents = ChemotaxisAgents(
            linear(grid, direction), start, 0.5, motility=0.01, seed=1, boundary=boundary
        )
        for _ in range(20):
            pos = agents.step(dt=0.1)
            assert np.all(np.isfinite(pos))
            for i, (lo, hi) in enumerate(grid.bounds):
                if not grid.periodic[i]:
                    assert np.all((pos[:, i] >= lo) & (pos[:, i] <= hi))
        if boundary in ("stop", "reflect"):
            assert agents.active.all()
        else:
            assert not agents.active[0]


def test_fast_path_matches_the_general_path():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(32, 64), periodic=(False, True))
    field = fg.ScalarField.from_function(grid, lambda x, y: np.sin(3 * x) * np.cos(np.pi * y))
    start = np.random.default_rng(0).uniform(0, 1, (500, 2))
    fast = ChemotaxisAgents(field, start, 0.05, saturation=0.3)
    slow = ChemotaxisAgents(field, start, 0.05, saturation=0.3)
    slow._plane = False
    for k in range(30):
        if k == 10:  # some stop: the fast path moves the others only
            fast.stop([3, 250])
            slow.stop([3, 250])
            stopped = fast.positions[[3, 250]]
        fast.step(0.5)
        slow.step(0.5)
    assert fast._fast and not slow._fast
    assert np.allclose(fast.positions, slow.positions, rtol=0, atol=1e-12)
    assert np.array_equal(fast.positions[[3, 250]], stopped)


@pytest.mark.parametrize(
    "grid",
    [
        fg.PolarGrid(radius=(0, 1), shape=(16, 32)),
        fg.PolarGrid.from_coords(
            {"r": np.geomspace(0.1, 1, 12), "theta": np.linspace(0, 2 * np.pi, 32, endpoint=False)}
        ),
        fg.SphericalGrid(radius=(0, 1), shape=(8, 8, 16)),
        fg.CartesianGrid(bounds=[(0, 1)], shape=(10,)),
    ],
    ids=["disk", "log-annulus", "ball", "line"],
)
def test_sampler_agrees_with_fieldgrad_interpolate(grid, rng):
    f = fg.ScalarField(grid, rng.standard_normal(grid.shape))
    lo = np.array([b[0] for b in grid.bounds])
    hi = np.array([b[1] for b in grid.bounds])
    pts = lo + (hi - lo) * rng.random((200, grid.ndim))
    assert np.allclose(FieldSampler(grid, [f.data])(pts)[:, 0], f.interpolate(pts), atol=1e-12)


def test_run_returns_trajectories(capsys):
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    agents = ChemotaxisAgents(linear(grid), [[0.1, 0.0], [0.2, 1.0], [0.3, 2.0]], CHI)
    ds = agents.run(steps=5, dt=1.0)
    assert dict(ds.sizes) == {"time": 6, "agent": 3, "coordinate": 2}
    assert list(ds.coordinate.values) == ["r", "theta"]
    assert np.allclose(ds.position.isel(time=-1), agents.positions)
    assert ds.active.all() and np.all(np.isfinite(ds.concentration))
    assert "step 5/5" in capsys.readouterr().err
    agents.run(steps=2, dt=1.0, progress=False)
    assert capsys.readouterr().err == ""


def test_agents_can_be_added_and_stopped():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    agents = ChemotaxisAgents(linear(grid, (1, 0)), [[0.1, 0.1]], CHI)
    new = agents.add([[0.2, 0.2], [0.3, 0.3]])
    assert list(new) == [1, 2] and agents.n == 3
    agents.stop([1])
    before = agents.positions
    after = agents.step(1.0)
    assert np.array_equal(after[1], before[1]) and not np.array_equal(after[0], before[0])
    assert "n=3" in repr(agents)


def test_bad_input_gets_clear_errors():
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    other = fg.PolarGrid(radius=(0, 2), shape=(8, 16))
    field = linear(grid)
    ok = [[0.5, 0.0]]
    with pytest.raises(ValueError, match="sensitivity"):
        ChemotaxisAgents(field, ok, -1.0)
    with pytest.raises(ValueError, match="motility"):
        ChemotaxisAgents(field, ok, 1.0, motility=-0.1)
    with pytest.raises(ValueError, match="saturation"):
        ChemotaxisAgents(field, ok, 1.0, saturation=-0.1)
    with pytest.raises(ValueError, match="within the grid"):
        ChemotaxisAgents(field, [[1.5, 0.0]], 1.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        ChemotaxisAgents(field, [0.5, 0.0], 1.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        ChemotaxisAgents(field, [[0.5, 0.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match="finite"):
        ChemotaxisAgents(field, [[np.nan, 0.0]], 1.0)
    with pytest.raises(TypeError, match="ScalarField"):
        ChemotaxisAgents(field.data, ok, 1.0)
    with pytest.raises(ValueError, match="boundary"):
        ChemotaxisAgents(field, ok, 1.0, boundary="bounce")
    agents = ChemotaxisAgents(field, ok, 1.0)
    with pytest.raises(ValueError, match="agents' grid"):
        agents.update_field(linear(other))
    with pytest.raises(ValueError, match="agents' grid"):
        ChemotaxisAgents(field, ok, 1.0, fibronectin=linear(other))
    with pytest.raises(ValueError, match="dt"):
        agents.step(-1.0)
    with pytest.raises(ValueError, match="steps"):
        agents.run(1.5, 1.0)


@pytest.mark.parametrize("fast", [True, False])
def test_a_nan_in_the_field_stalls_the_agents_next_to_it(fast):
    """A nan next to an agent must not turn its position into nan: it stands
    still that step and is counted; agents elsewhere move as before."""
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    data = np.array(linear(grid, (1, 0)).data)
    data[8, 8] = np.nan
    field = fg.ScalarField(grid, data)
    x = grid.coords["x"]
    start = np.array([[x[8], x[8]], [0.2, 0.2]])
    agents = ChemotaxisAgents(field, start, CHI, motility=1e-4, seed=0)
    agents._plane = agents._plane and fast
    for _ in range(3):
        pos = agents.step(1.0)
    assert np.all(np.isfinite(pos))
    assert np.array_equal(pos[0], start[0])
    assert agents.stalled.tolist() == [3, 0]
    assert not np.allclose(pos[1], start[1])


def test_agents_leaving_through_an_open_side_are_removed_and_counted():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16))
    agents = ChemotaxisAgents(
        linear(grid, (1, 0)), [[0.95, 0.5], [0.1, 0.5]], 1.0, boundary="remove", secretion=1.0
    )
    agents.step(0.1)
    assert agents.removed.tolist() == [True, False] and int(agents.removed.sum()) == 1
    zero = fg.ScalarField(grid, np.zeros(grid.shape))
    agents.exchange(zero, 1.0)
    assert agents.last_exchange["secreted"] == pytest.approx(1.0)  # the removed one is gone


def test_secretion_and_uptake_per_agent_and_after_add():
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    c = fg.ScalarField(grid, np.ones(grid.shape))
    agents = ChemotaxisAgents(c, [[0.0, 0.0], [0.5, 1.0]], 0.0, secretion=[1.0, 2.0])
    agents.add([[0.3, 2.0]])
    assert agents.secretion.tolist() == [1.0, 2.0, 2.0]
    after = agents.exchange(c, dt=0.5)
    added = ((after.data - c.data) * grid.cell_volumes()).sum()
    assert added == pytest.approx(2.5, rel=1e-12) == agents.last_exchange["secreted"]
    saturating = ChemotaxisAgents(
        c, [[0.5, 1.0]], 0.0, uptake=2.0, uptake_law="saturating", half_saturation=3.0
    )
    saturating.exchange(c, dt=0.01)  # asks less than the cells hold
    assert saturating.last_exchange["taken"] == pytest.approx(2.0 * 1 / (3 + 1) * 0.01, rel=1e-12)


def test_bad_rates_get_clear_errors():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    field = linear(grid)
    ok = [[0.5, 0.5], [0.2, 0.2]]
    with pytest.raises(ValueError, match="secretion must be >= 0"):
        ChemotaxisAgents(field, ok, 1.0, secretion=-1.0)
    with pytest.raises(ValueError, match="uptake must be finite and >= 0"):
        ChemotaxisAgents(field, ok, 1.0, uptake=[1.0, np.nan])
    with pytest.raises(ValueError, match=r"secretion must be a number or one value per agent"):
        ChemotaxisAgents(field, ok, 1.0, secretion=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="uptake_law"):
        ChemotaxisAgents(field, ok, 1.0, uptake_law="hill")
    with pytest.raises(ValueError, match="half_saturation"):
        ChemotaxisAgents(field, ok, 1.0, half_saturation=0.0)
    with pytest.raises(TypeError, match="secretion"):
        ChemotaxisAgents(field, ok, 1.0, secretion="lots")
    agents = ChemotaxisAgents(field, ok, 1.0)
    with pytest.raises(ValueError, match="dt"):
        agents.exchange(field, 0.0)
    with pytest.raises(TypeError, match="field"):
        agents.exchange(field.data, 1.0)


def test_parallel_fast_path_agrees_with_the_serial_kernel(monkeypatch):
    """Above PARALLEL_AGENTS the move runs on threads (agents stored by cell);
    the counter-based noise makes it identical to the serial kernel."""
    from fieldgrad.biology import plane

    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(64, 64))
    field = fg.ScalarField.from_function(grid, lambda x, y: np.sin(3 * x) * np.cos(2 * y))
    start = np.random.default_rng(0).random((150_000, 2))
    results = []
    for limit in (plane.PARALLEL_AGENTS, 10**12):
        monkeypatch.setattr(plane, "PARALLEL_AGENTS", limit)
        agents = ChemotaxisAgents(field, start, 0.05, motility=1e-3, seed=3, boundary="reflect")
        for _ in range(20):
            agents.advance(0.1)
        results.append(agents.positions)
    assert np.array_equal(results[0], results[1])
    assert np.all((results[0] >= 0) & (results[0] <= 1))


def test_fast_path_noise_is_standard_normal_and_independent():
    """One step of agents from one point with no drift: each displacement over
    sqrt(2 D dt) is N(0, 1) (Kolmogorov-Smirnov, tails), x and y uncorrelated."""
    from scipy import stats

    grid = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(16, 16))
    n, motility, dt = 200_000, 1e-3, 0.5
    zero = fg.ScalarField(grid, np.zeros(grid.shape))
    agents = ChemotaxisAgents(zero, np.zeros((n, 2)), 0.0, motility=motility, seed=12)
    assert agents._fast
    g = agents.step(dt) / np.sqrt(2 * motility * dt)
    assert stats.kstest(g.ravel(), "norm").pvalue > 1e-3
    for threshold in (2.0, 3.0, 3.5):  # 3.44: where the ziggurat's tail starts
        expected = 2 * stats.norm.sf(threshold)
        seen = np.mean(np.abs(g) > threshold)
        assert abs(seen - expected) < SIGMAS * np.sqrt(expected / (2 * n))
    assert abs(np.corrcoef(g.T)[0, 1]) < SIGMAS / np.sqrt(n)


@pytest.mark.parametrize("periodic", [(False, False), (True, False), (False, True)])
def test_fast_exchange_matches_cloud_in_cell(periodic):
    """The plane kernels' exchange (agents stored by row) gives the field of the
    general cloud-in-cell exchange: per-agent rates, a removed agent, a nan cell
    and cells asked for more than they hold."""
    from fieldgrad.biology import CloudInCell

    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(24, 40), periodic=periodic)
    rng = np.random.default_rng(5)
    n = 3000
    data = rng.random(grid.shape)
    data[5, 7] = np.nan
    c = fg.ScalarField(grid, data)
    start = np.column_stack([rng.random(n), 2 * rng.random(n)])
    start[:20] = [[0.0, 0.0], [1.0, 2.0]] * 10  # on the edges and corners
    secretion, uptake = rng.random(n), 30 * rng.random(n)
    agents = ChemotaxisAgents(
        c, start, 0.01, motility=1e-3, seed=1, secretion=secretion, uptake=uptake
    )
    assert agents._fast
    agents.advance(0.1)  # stores them by row
    agents.removed[7] = True
    after = agents.exchange(c, 0.2)
    expected = CloudInCell(grid).exchange(
        data, agents.positions, secretion, uptake, 0.2, present=~agents.removed
    )
    assert np.allclose(after.data, expected.concentration, rtol=1e-13, atol=1e-13, equal_nan=True)
    assert np.isnan(after.data[5, 7])
    assert agents.last_exchange["taken"] == pytest.approx(expected.taken, rel=1e-12)
    assert agents.last_exchange["secreted"] == pytest.approx(expected.secreted, rel=1e-12)
    assert np.nanmin(after.data) >= 0.0
