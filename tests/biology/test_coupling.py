"""Agents and fields both ways: secretion against analytic point sources, splitting order,
uptake limits, and the agents' density against the continuum (Boltzmann, Fokker-Planck)."""

import numpy as np
import pytest
from scipy.special import k0

import fieldgrad as fg
from fieldgrad import pde
from fieldgrad.biology import ChemotaxisAgents, couple, steady_diffusion

D, DECAY, RELEASE = 0.5, 2.0, 3.0
ELL = np.sqrt(D / DECAY)


def _release_density(grid, point):
    """Secretion rate per volume of one immotile agent (what it deposits per unit time)."""
    zero = fg.ScalarField(grid, np.zeros(grid.shape))
    agent = ChemotaxisAgents(zero, [point], 0.0, secretion=RELEASE)
    return agent.exchange(zero, dt=1.0).data


def _slope(h, err):
    return np.polyfit(np.log(h), np.log(err), 1)[0]


def test_secreting_agent_in_the_plane_matches_k0():
    """s K0(r / l) / (2 pi D) around one agent at a cell centre, compared at
    r >= l / 2 (away from the source cell); the error falls with refinement."""
    half = 4 * ELL
    analytic = lambda x, y: RELEASE * k0(np.hypot(x, y) / ELL) / (2 * np.pi * D)  # noqa: E731
    bc = {s: ("dirichlet", analytic) for s in ("x-", "x+", "y-", "y+")}
    errors, hs = [], []
    for n in (65, 129, 257):  # measured 6.2e-3, 1.6e-3, 4.2e-4: order 1.95
        grid = fg.CartesianGrid(bounds=[(-half, half)] * 2, shape=(n, n))
        c = steady_diffusion(grid, _release_density(grid, [0.0, 0.0]), D, DECAY, bc)
        x, y = grid.mesh()
        r = np.hypot(x, y) + 0 * y
        far = r >= ELL / 2
        exact = analytic(x, y)
        errors.append(np.abs(c.data - exact)[far].max() / exact[far].max())
        hs.append(2 * half / n)
    assert errors[-1] < 1e-3
    assert _slope(hs, errors) > 1.8


def test_secreting_agent_at_the_centre_of_a_ball_matches_the_screened_point_source():
    """s exp(-r / l) / (4 pi D r) around one agent at r = 0 of a ball (its
    cloud spread over the cells around the centre), compared at r >= l / 2."""
    radius = 6 * ELL
    analytic = lambda r, theta=0.0, phi=0.0: (  # noqa: E731
        RELEASE * np.exp(-r / ELL) / (4 * np.pi * D * r) + 0 * theta + 0 * phi
    )
    errors, hs = [], []
    for n in (24, 48, 96):  # measured 8.1e-2, 2.3e-2, 6.3e-3: order 1.85
        grid = fg.SphericalGrid(radius=(0, radius), shape=(n, 8, 16))
        source = _release_density(grid, [0.0, 1.0, 0.5])
        assert (source * grid.cell_volumes()).sum() == pytest.approx(RELEASE, rel=1e-12)
        c = steady_diffusion(grid, source, D, DECAY, {"r+": ("dirichlet", analytic)})
        r = grid.mesh()[0] + 0 * c.data
        far = r >= ELL / 2
        exact = analytic(r)
        errors.append(np.abs(c.data - exact)[far].max() / exact[far].max())
        hs.append(radius / n)
    assert errors[-1] < 1e-2
    assert _slope(hs, errors) > 1.7


@pytest.mark.parametrize(("splitting", "order"), [("strang", 2.0), ("lie", 1.0)])
def test_splitting_order_is_measured(splitting, order):
    """One secreting agent with decay: the total obeys M' = s - lambda M
    whatever the spatial spread, M(t) = s / lambda (1 - exp(-lambda t))."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    t_end = 1.0
    exact = RELEASE / DECAY * (1 - np.exp(-DECAY * t_end))
    errors, steps = [], (0.25, 0.125, 0.0625)
    for dt in steps:
        c = fg.ScalarField(grid, np.zeros(grid.shape), name="c")
        cell = ChemotaxisAgents(c, [[0.3, 1.0]], 0.0, secretion=RELEASE)
        run = couple(
            cell, pde.Diffusion(0.1, decay=DECAY), c, t_end, dt, splitting=splitting, rtol=1e-10
        )
        errors.append(abs((run.final.data * grid.cell_volumes()).sum() - exact))
    assert _slope(steps, errors) == pytest.approx(order, abs=0.15)


def test_uptake_never_drives_the_field_negative_and_the_budget_closes():
    grid = fg.SphereSurface(radius=1.0, shape=(16, 32))
    rng = np.random.default_rng(2)
    c = fg.ScalarField(grid, rng.random(grid.shape), name="c")
    start = np.column_stack([rng.random(300) * np.pi, rng.random(300) * 2 * np.pi])
    cells = ChemotaxisAgents(
        c, start, 0.05, motility=0.01, seed=1, uptake=40.0, uptake_law="constant", secretion=0.01
    )
    run = couple(cells, pde.Diffusion(0.01), c, t_end=1.0, dt=0.1)
    ds = run.to_xarray()
    assert float(ds["c"].min()) >= 0.0
    total = lambda data: (np.asarray(data) * grid.cell_volumes()).sum()  # noqa: E731
    budget = total(c.data) + ds["secreted"].values - ds["taken"].values
    assert np.allclose(
        [total(ds["c"].isel(time=k)) for k in range(ds.sizes["time"])], budget, rtol=1e-6
    )
    assert ds["taken"][-1] < 300 * 40.0  # limited by what there was
    assert ds["position"].shape == (11, 300, 2)


def _cell_average(grid, func, sub=4):
    """Average of func(x, y) over each cell of a Cartesian grid (sub x sub points)."""
    (x0, x1), (y0, y1) = grid.bounds
    nx, ny = grid.shape
    xs = x0 + (np.arange(nx * sub) + 0.5) * (x1 - x0) / (nx * sub)
    ys = y0 + (np.arange(ny * sub) + 0.5) * (y1 - y0) / (ny * sub)
    vals = func(xs[:, None], ys[None, :])
    return vals.reshape(nx, sub, ny, sub).mean(axis=(1, 3))


def _histogram(points, bins):
    h, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=bins, range=[[0, 1], [0, 1]])
    return h / h.sum()


CHI, MOTILITY, BINS = 0.06, 0.05, 16


def attractant(x, y):
    return np.cos(2 * np.pi * x) + 0.5 * np.sin(2 * np.pi * y)


def _torus(n=64):
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(n, n), periodic=True)
    return grid, fg.ScalarField.from_function(grid, attractant)


def test_many_agents_reach_the_boltzmann_density():
    """Constant sensitivity chi and motility D_a on a closed (periodic) domain:
    the stationary density is exp(chi c / D_a) / Z.  The L1 distance of the
    histogram shrinks with the number of agents (sampling noise)."""
    grid, c = _torus()
    coarse = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(BINS, BINS), periodic=True)
    boltzmann = _cell_average(coarse, lambda x, y: np.exp(CHI * attractant(x, y) / MOTILITY), 8)
    boltzmann /= boltzmann.sum()
    distances = []
    for n in (2_000, 32_000):
        start = np.random.default_rng(n).random((n, 2))
        agents = ChemotaxisAgents(c, start, CHI, motility=MOTILITY, seed=n)
        for _ in range(400):  # t = 4, about 8 relaxation times 1 / (4 pi^2 D_a)
            agents.step(0.01)
        distances.append(np.abs(_histogram(agents.positions, BINS) - boltzmann).sum())
    noise = np.sqrt(2 * BINS**2 / (np.pi * 32_000))  # E[L1] of a multinomial histogram, roughly
    assert distances[1] < distances[0]
    assert distances[1] < 2 * noise


def test_agents_follow_the_continuum_in_time():
    """The density of agents follows u_t = D_a lap u - div(u chi grad c), solved by
    pde.Advection with velocity chi grad c: the histogram's L1 distance from the
    continuum, at two times, is within the sampling noise."""
    grid, c = _torus(64)
    blob = lambda x, y: np.exp(-((x - 0.3) ** 2 + (y - 0.6) ** 2) / (2 * 0.08**2))  # noqa: E731
    u0 = fg.ScalarField(grid, _cell_average(grid, blob), name="u")
    velocity = CHI * np.asarray(c.gradient().data)
    n = 40_000
    rng = np.random.default_rng(5)
    start = np.clip(rng.normal([0.3, 0.6], 0.08, (n, 2)) % 1.0, 0, 1)
    agents = ChemotaxisAgents(c, start, CHI, motility=MOTILITY, seed=6)
    sol = pde.solve(
        pde.Advection(velocity=velocity, diffusivity=MOTILITY), u0, 0.5, save_every=0.25, rtol=1e-6
    )
    noise = np.sqrt(2 * BINS**2 / (np.pi * n))
    for k in range(1, 3):
        for _ in range(50):
            agents.step(0.005)
        u = sol[k].data
        continuum = u.reshape(BINS, 64 // BINS, BINS, 64 // BINS).sum(axis=(1, 3))
        continuum /= continuum.sum()
        distance = np.abs(_histogram(agents.positions, BINS) - continuum).sum()
        assert distance < 2.5 * noise, (k, distance, noise)


def test_couple_rejects_bad_input():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    other = fg.CartesianGrid(bounds=[(0, 2), (0, 1)], shape=(8, 8))
    c = fg.ScalarField(grid, np.ones(grid.shape), name="c")
    agents = ChemotaxisAgents(c, [[0.5, 0.5]], 0.1)
    eq = pde.Diffusion(0.1)
    with pytest.raises(TypeError, match="agents"):
        couple(None, eq, c, 1.0, 0.1)
    with pytest.raises(ValueError, match="splitting"):
        couple(agents, eq, c, 1.0, 0.1, splitting="yoshida")
    with pytest.raises(ValueError, match="dt"):
        couple(agents, eq, c, 1.0, -0.1)
    with pytest.raises(ValueError, match="agents' grid"):
        couple(agents, eq, fg.ScalarField(other, np.ones(other.shape)), 1.0, 0.1)
    with pytest.raises(ValueError, match="field must name"):
        couple(agents, eq, {"u": c, "v": c}, 1.0, 0.1, field="w")
    with pytest.raises(TypeError, match="state"):
        couple(agents, eq, np.ones(grid.shape), 1.0, 0.1)


def test_two_populations_and_the_implicit_diffusion_model():
    """Secreting and consuming populations exchange in turn; with biology.Diffusion
    (backward Euler) the field stays >= 0 and the budget closes exactly."""
    from fieldgrad.biology import Diffusion

    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    c = fg.ScalarField(grid, np.zeros(grid.shape), name="c")
    source = ChemotaxisAgents(c, [[0.0, 0.0]], 0.0, secretion=2.0)
    sinks = ChemotaxisAgents(c, [[0.5, 0.0], [0.5, np.pi]], 0.0, uptake=5.0)
    model = Diffusion(grid, 0.1, decay=0.5)
    run = couple([source, sinks], model, c, t_end=1.0, dt=0.1, splitting="lie")
    ds = run.to_xarray()
    assert ds["position"].shape == (11, 1, 2) and ds["position_1"].shape == (11, 2, 2)
    assert float(ds["c"].min()) >= 0.0
    assert run.secreted[-1] == pytest.approx(2.0, rel=1e-12)
    assert 0 < run.taken[-1] < run.secreted[-1]
    with pytest.raises(ValueError, match="single ScalarField"):
        couple(source, model, {"c": c, "u": c}, 1.0, 0.1)


def test_boltzmann_density_in_a_box_with_reflecting_walls():
    """The same law with walls: c = cos(pi x) cos(pi y) on the unit square, agents
    mirrored at the walls (boundary="reflect"); the histogram reaches
    exp(chi c / D_a) / Z within twice the sampling noise."""
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(64, 64))
    wells = lambda x, y: np.cos(np.pi * x) * np.cos(np.pi * y)  # noqa: E731
    c = fg.ScalarField.from_function(grid, wells)
    coarse = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(BINS, BINS))
    boltzmann = _cell_average(coarse, lambda x, y: np.exp(CHI * wells(x, y) / MOTILITY), 8)
    boltzmann /= boltzmann.sum()
    n = 32_000
    agents = ChemotaxisAgents(
        c,
        np.random.default_rng(1).random((n, 2)),
        CHI,
        motility=MOTILITY,
        seed=2,
        boundary="reflect",
    )
    for _ in range(400):
        agents.advance(0.01)
    assert agents.active.all()
    distance = np.abs(_histogram(agents.positions, BINS) - boltzmann).sum()
    assert distance < 2 * np.sqrt(2 * BINS**2 / (np.pi * n)), distance


def test_boltzmann_density_on_a_disk_through_r_equals_0():
    """On a disk (general path: agents cross r = 0, mirrored at the rim) in
    c = x + y^2 / 2 the density reaches exp(chi c / D_a) / Z (about 10
    relaxation times); L1 on 8 x 8 Cartesian bins within twice the noise."""
    chi = motility = 0.5
    n, bins = 20_000, 8
    disk = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    c = fg.ScalarField.from_function(disk, lambda x, y: x + 0.5 * y * y, coords="cartesian")
    rng = np.random.default_rng(0)
    start = np.column_stack([np.sqrt(rng.random(n)), 2 * np.pi * rng.random(n)])
    agents = ChemotaxisAgents(c, start, chi, motility=motility, seed=1, boundary="reflect")
    for _ in range(600):
        agents.advance(0.005)
    hist = np.histogram2d(*agents.cartesian().T, bins=bins, range=[[-1, 1], [-1, 1]])[0]
    fine = 400
    x = -1 + (np.arange(fine) + 0.5) * 2 / fine
    xx, yy = np.meshgrid(x, x, indexing="ij")
    weight = np.exp(chi * (xx + 0.5 * yy**2) / motility) * (xx**2 + yy**2 < 1)
    ref = weight.reshape(bins, fine // bins, bins, fine // bins).sum(axis=(1, 3))
    noise = np.sqrt(2 * np.count_nonzero(ref) / (np.pi * n))
    distance = np.abs(hist / hist.sum() - ref / ref.sum()).sum()
    assert distance < 2 * noise, (distance, noise)  # measured 0.046, noise 0.044
