"""
Sprouting angiogenesis: tip cells climb a tumour's VEGF gradient
================================================================

A growing tumour calls in blood vessels by releasing VEGF: tip cells sprout
from a nearby vessel and climb the VEGF gradient towards it, faster where the
gradient is steeper, and take VEGF up as they go.

A tumour releases VEGF, which diffuses and decays; endothelial tip cells
sprout from parent vessels and climb its gradient in the spirit of Anderson &
Chaplain (1998) - chemotaxis that saturates with the concentration, a weak
haptotactic pull, random motility, branching and anastomosis - while tips
and the vessels they leave behind take the VEGF up.  Tumour cells, tips and
vessels are agents that secrete and take up through the same conservative
exchange, stepped with the field by ``biology.couple``, in a square tissue
window (a vessel along one side) and in a round dish (the tumour in the
middle, vessels at the rim).  The gradient norm sets the tips' speed
(checked against chi0 |grad c| of the analytic free-space solution), and the
VEGF budget closes: released = change + decayed + taken up - inflow.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from scipy.special import i0, i1, k0, k1

import fieldgrad as fg
from fieldgrad.biology import ChemotaxisAgents, Diffusion, couple, decay_length, steady_diffusion
from fieldgrad.report import check, save_figure, write_report

NAME = "angiogenesis"
SIZE = 2.0  # mm: the tissue window [0, SIZE]^2, parent vessel along x = 0
DIFFUSIVITY, DECAY = 0.36, 0.65  # mm^2/h, 1/h
ELL = decay_length(DIFFUSIVITY, DECAY)
TUMOUR_CENTRE, TUMOUR_RADIUS = np.array([1.75, 1.0]), 0.25  # mm
RELEASE = 90.0  # ng/mL/h inside the tumour
CHI = 0.022  # mm^2/h per ng/mL: chemotactic sensitivity chi0
SATURATION = 0.1  # per ng/mL: alpha
MOTILITY = 1.5e-4  # mm^2/h: random motility of tip cells
HAPTOTAXIS = 0.0015  # mm^2/h per unit fibronectin
BRANCH_RATE = 0.3  # per hour at c = 10 ng/mL (grows linearly with c)
BRANCH_AGE = 8.0  # h: a tip must be this old to branch, or to fuse with a vessel
MAX_TIPS = 40
FUSE_DISTANCE = 0.03  # mm: a tip this close to another vessel anastomoses
TIP_CLEARANCE = 1e-3  # mm^2/h: volume (area) of tissue a tip clears of VEGF per hour
VESSEL_CLEARANCE = 1e-2  # mm^2/h per mm of vessel
TUMOUR_CELL_SPACING = 0.02  # mm: tumour cells on a lattice, each releasing its share
DISH_RADIUS = 1.75  # mm: the round dish, tumour in the middle, vessels at the rim
SPROUTS = 7
HOURS = 96.0
SNAPSHOTS = (24.0, HOURS)  # h: the panels of the figure
GIF_EVERY = 2.0  # h between the frames of the animation (full mode, if Pillow is there)
PROFILE_ATOL, SPEED_RTOL, REACH_ATOL = 5e-3, 0.01, 0.15
BUDGET_ATOL = 1e-8  # relative to the release: the implicit step balances to solver precision
UNITS = "ng/mL"


def free_space_vegf(x, y):
    """Steady VEGF of a disk releasing RELEASE per area, in the whole plane."""
    r = np.hypot(x - TUMOUR_CENTRE[0], y - TUMOUR_CENTRE[1])
    alpha, level = TUMOUR_RADIUS / ELL, RELEASE / DECAY
    inside = level * (1 - alpha * k1(alpha) * i0(r / ELL))
    outside = level * alpha * i1(alpha) * k0(np.maximum(r, 1e-12) / ELL)
    return np.where(r < TUMOUR_RADIUS, inside, outside)


def free_space_slope(x, y):
    """|grad c| of the free-space solution."""
    r = np.hypot(x - TUMOUR_CENTRE[0], y - TUMOUR_CENTRE[1])
    alpha, level = TUMOUR_RADIUS / ELL, RELEASE / DECAY
    inside = level * alpha * k1(alpha) * i1(r / ELL) / ELL
    outside = level * alpha * i1(alpha) * k1(np.maximum(r, 1e-12) / ELL) / ELL
    return np.where(r < TUMOUR_RADIUS, inside, outside)


def tumour_release(grid: fg.CartesianGrid, refine: int = 8) -> np.ndarray:
    """RELEASE times the fraction of each cell inside the tumour (sub-sampled)."""
    x, y = (grid.coords[a] for a in grid.axes)
    h = SIZE / np.array(grid.shape)
    sub = (np.arange(refine) + 0.5) / refine - 0.5
    xs = (x[:, None] + h[0] * sub).ravel()
    ys = (y[:, None] + h[1] * sub).ravel()
    r = np.hypot(xs[:, None] - TUMOUR_CENTRE[0], ys[None, :] - TUMOUR_CENTRE[1])
    inside = (r < TUMOUR_RADIUS).reshape(len(x), refine, len(y), refine)
    return RELEASE * inside.mean(axis=(1, 3))


def fibronectin(grid: fg.Grid, rng: np.random.Generator) -> fg.ScalarField:
    """A heterogeneous extracellular matrix: a few random smooth waves."""
    k = rng.uniform(2, 6, (6, 2)) * np.pi / SIZE * rng.choice([-1, 1], (6, 2))
    phase = rng.uniform(0, 2 * np.pi, 6)
    return fg.ScalarField.from_function(
        grid,
        lambda x, y: 1 + 0.15 * sum(np.cos(k[i, 0] * x + k[i, 1] * y + phase[i]) for i in range(6)),
        coords="cartesian",
    )


class Network:
    """Vessel trails, lineages, anastomoses and which sprouts reach the tumour."""

    def __init__(self, starts: np.ndarray) -> None:
        self.trails = [[p.copy()] for p in starts]  # one trail per tip (branch)
        self.times = [[0.0] for _ in starts]
        self.tree = list(range(len(starts)))  # the sprout each branch belongs to
        self.born = [0.0] * len(starts)
        self.last_branch = [0.0] * len(starts)
        self.parent = list(range(len(starts)))  # union-find over sprouts
        self.reached = [False] * len(starts)
        self.fusions: list[tuple[float, np.ndarray]] = []

    def root(self, k: int) -> int:
        while self.parent[k] != k:
            k = self.parent[k]
        return k

    def extend(self, k: int, point: np.ndarray, t: float) -> None:
        self.trails[k].append(point.copy())
        self.times[k].append(t)

    def branch(self, tip: int, point: np.ndarray, t: float) -> None:
        self.trails.append([point.copy()])
        self.times.append([t])
        self.tree.append(self.tree[tip])
        self.born.append(t)
        self.last_branch.append(t)
        self.reached.append(False)
        self.last_branch[tip] = t

    def fuse(self, k: int, pts, owner, when, point: np.ndarray, t: float) -> bool:
        """Anastomosis: a vessel of another network, or an old part of its own, is near.

        When two tips meet, the first to fuse stops and the other grows on
        (Anderson & Chaplain): the vessel just joined counts as its own, recent one.
        """
        roots = np.array([self.root(tree) for tree in self.tree])
        other_network = roots[owner] != roots[k]
        eligible = (owner != k) & (other_network | (when < t - BRANCH_AGE))
        near = eligible & (np.hypot(*(pts - point).T) < FUSE_DISTANCE)
        if not near.any():
            return False
        other = owner[np.flatnonzero(near)[0]]
        a, b = self.root(self.tree[k]), self.root(self.tree[other])
        self.parent[a] = b
        self.fusions.append((t, point.copy()))
        return True

    def points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        pts = np.concatenate([np.asarray(tr) for tr in self.trails])
        owner = np.concatenate([np.full(len(tr), k) for k, tr in enumerate(self.trails)])
        return pts, owner, np.concatenate(self.times)

    def perfused_fraction(self) -> float:
        """Sprouts whose tree reaches the tumour, or fused with one that does."""
        roots = {self.root(self.tree[b]) for b, hit in enumerate(self.reached) if hit}
        sprouts = len(self.parent)
        return sum(self.root(s) in roots for s in range(sprouts)) / sprouts


def tumour_cells(centre: np.ndarray) -> np.ndarray:
    """Cartesian positions of tumour cells: a lattice filling the tumour disk."""
    ticks = np.arange(-TUMOUR_RADIUS, TUMOUR_RADIUS + 1e-9, TUMOUR_CELL_SPACING)
    xy = np.stack(np.meshgrid(ticks, ticks, indexing="ij"), -1).reshape(-1, 2)
    return centre + xy[np.hypot(*xy.T) < TUMOUR_RADIUS]


def to_grid(grid: fg.Grid, xy: np.ndarray) -> np.ndarray:
    return np.stack(grid.from_cartesian(*np.asarray(xy).T), axis=-1).reshape(-1, 2)


class Tissue:
    """One setting: a grid, its VEGF equation, the tumour and where sprouts start."""

    def __init__(self, grid, centre, starts, bc):
        self.grid, self.centre, self.starts, self.bc = grid, np.asarray(centre), starts, bc
        cells = tumour_cells(self.centre)
        zero = fg.ScalarField(grid, np.zeros(grid.shape), name="VEGF", units=UNITS)
        share = RELEASE * np.pi * TUMOUR_RADIUS**2 / len(cells)
        self.tumour = ChemotaxisAgents(zero, to_grid(grid, cells), 0.0, secretion=share)
        self.release = self.tumour.exchange(zero, 1.0).data  # per volume and hour
        self.equation = Diffusion(grid, DIFFUSIVITY, DECAY, bc)  # implicit, stays >= 0

    def steady(self) -> fg.ScalarField:
        return steady_diffusion(
            self.grid, self.release, DIFFUSIVITY, DECAY, self.bc, name="VEGF", units=UNITS
        )

    def total(self, field) -> float:
        return float((np.asarray(field.data) * self.grid.cell_volumes()).sum())

    def inside_tumour(self, xy: np.ndarray) -> bool:
        return bool(np.hypot(*(xy - self.centre)) <= TUMOUR_RADIUS)

    def clip(self, xy: np.ndarray) -> np.ndarray:
        """A Cartesian point moved into the domain if it lies outside."""
        lo, hi = zip(*self.grid.bounds, strict=True)
        if self.grid.is_cartesian:
            return np.clip(xy, lo, hi)
        r = np.hypot(*xy)
        return xy * min(1.0, 0.999 * hi[0] / max(r, 1e-300))


def vessels(tissue: Tissue, net: Network, field) -> ChemotaxisAgents:
    """The vessels so far as immobile agents that take up VEGF along their length."""
    pts, length = [], []
    for trail in net.trails:
        tr = np.asarray(trail)
        pts.append(tr)
        step = np.hypot(*np.diff(tr, axis=0).T)
        length.append(np.concatenate([[0.0], step]))
    xy, seg = np.concatenate(pts), np.concatenate(length)
    return ChemotaxisAgents(field, to_grid(tissue.grid, xy), 0.0, uptake=VESSEL_CLEARANCE * seg)


def grow(tissue: Tissue, field, hours, dt, rng, snapshots, movie_every=0):
    """Tip cells sprout, migrate, branch and fuse while the VEGF field responds."""
    grid, starts = tissue.grid, tissue.starts
    tips = ChemotaxisAgents(
        field,
        to_grid(grid, starts),
        CHI,
        SATURATION,
        MOTILITY,
        seed=rng,
        fibronectin=fibronectin(grid, rng),
        haptotaxis=HAPTOTAXIS,
        uptake=TIP_CLEARANCE,
    )
    net = Network(starts)
    budget = {"released": 0.0, "taken": 0.0, "decayed": 0.0, "inflow": 0.0}
    start_total = tissue.total(field)
    frames = []
    for step in range(1, int(round(hours / dt)) + 1):
        t = step * dt
        # VEGF: released by the tumour cells, taken up by tips and vessels; tips move
        moving = np.flatnonzero(tips.active)
        populations = [tissue.tumour, tips, vessels(tissue, net, field)]
        run = couple(populations, tissue.equation, field, dt, dt, splitting="lie")
        field = run.final
        budget["released"] += run.secreted[-1]
        budget["taken"] += run.taken[-1]
        budget["decayed"] += tissue.equation.last_budget["decay"] * dt
        budget["inflow"] += tissue.equation.last_budget["boundary"] * dt
        pos = tips.cartesian()
        for k in moving:
            net.extend(k, pos[k], t)
        # tips that reach the tumour stop there; others may fuse with another vessel
        pts, owner, when = net.points()
        for k in moving:
            if tissue.inside_tumour(pos[k]):
                net.reached[k] = True
                tips.stop([k])
            elif t - net.born[k] >= BRANCH_AGE and net.fuse(k, pts, owner, when, pos[k], t):
                tips.stop([k])
        # branching, more likely where VEGF is high; the new tip starts a little aside
        c = tips.concentration()
        for k in np.flatnonzero(tips.active):
            ready = t - net.last_branch[k] >= BRANCH_AGE and tips.n < MAX_TIPS
            if ready and rng.random() < BRANCH_RATE * dt * c[k] / 10:
                v = tips.velocity(tips.positions[k : k + 1])[0]
                aside = np.array([-v[1], v[0]]) / (np.hypot(*v) + 1e-300) * FUSE_DISTANCE
                start = tissue.clip(pos[k] + aside * rng.choice([-1, 1]))
                tips.add(to_grid(grid, start[None, :]))
                net.branch(k, start, t)
        filming = movie_every and step % movie_every == 0 and tips.active.any()
        if step in snapshots or filming:
            state = (t, field, [np.asarray(tr) for tr in net.trails], tips.cartesian()[tips.active])
            frames.append((step in snapshots, state))
    budget["change"] = tissue.total(field) - start_total
    return net, [f for keep, f in frames if keep], [f for _, f in frames], budget


def budget_error(budget: dict) -> float:
    """(change - released + decayed + taken - inflow) / released: 0 when the budget closes."""
    gap = budget["change"] - budget["released"] + budget["decayed"] + budget["taken"]
    return (gap - budget["inflow"]) / budget["released"]


def _window_bc() -> dict:
    """The tissue window: the free-space VEGF on its four sides."""
    return {side: ("dirichlet", free_space_vegf) for side in ("x-", "x+", "y-", "y+")}


def speed_check(grid, field, dt):
    """Noise-free, unsaturated tips in the steady field: speed / (chi0 |grad c| analytic)."""
    starts = np.stack([np.full(5, 0.1), np.linspace(0.4, 1.6, 5)], axis=1)
    tips = ChemotaxisAgents(field, starts, CHI)
    ratios = []
    for _ in range(int(20 / dt)):
        before = tips.positions
        far = np.hypot(*(before - TUMOUR_CENTRE).T) > 2 * TUMOUR_RADIUS
        speed = np.hypot(*(tips.step(dt) - before).T) / dt
        expected = CHI * free_space_slope(*before.T)
        ratios.extend((speed / expected)[far])
    return np.array(ratios)


def run(outdir: str | Path, quick: bool = False) -> dict:
    n, dt = (64, 1.0) if quick else (128, 0.5)
    rng = np.random.default_rng(1998)
    grid = fg.CartesianGrid(bounds=[(0, SIZE), (0, SIZE)], shape=(n, n))
    # the VEGF solver against the analytic disk source (release averaged over each cell)
    reference = steady_diffusion(
        grid, tumour_release(grid), DIFFUSIVITY, DECAY, _window_bc(), name="VEGF", units=UNITS
    )
    exact = free_space_vegf(*grid.mesh())
    profile_error = np.abs(reference.data - exact).max() / exact.max()
    ratios = speed_check(grid, reference, dt=0.1)

    # a square window, a vessel along x = 0 ...
    starts = np.stack([np.full(SPROUTS, 0.02), np.linspace(0.25, SIZE - 0.25, SPROUTS)], axis=1)
    window = Tissue(grid, TUMOUR_CENTRE, starts, _window_bc())
    snapshots = {int(round(t / dt)) for t in SNAPSHOTS}
    movie = not quick and importlib.util.find_spec("PIL") is not None
    every = int(round(GIF_EVERY / dt)) if movie else 0
    net, frames, film, budget = grow(window, window.steady(), HOURS, dt, rng, snapshots, every)

    # ... and a round dish, the tumour in the middle and vessels around the rim
    dish_grid = fg.PolarGrid(radius=(0, DISH_RADIUS), shape=(n // 2, 3 * n // 2))
    angles = 2 * np.pi * (np.arange(SPROUTS) + 0.5) / SPROUTS
    rim = (DISH_RADIUS - 0.02) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    rim_vegf = float(free_space_vegf(TUMOUR_CENTRE[0] + DISH_RADIUS, TUMOUR_CENTRE[1]))
    dish = Tissue(dish_grid, (0.0, 0.0), rim, {"r+": ("dirichlet", rim_vegf)})
    net_d, frames_d, _, budget_d = grow(dish, dish.steady(), HOURS, dt, rng, snapshots)

    rows = [
        check("fraction_of_sprouts_reaching_tumour", net.perfused_fraction(), 1.0, atol=REACH_ATOL),
        check("mean_tip_speed_over_chi_grad_c", ratios.mean(), 1.0, rtol=SPEED_RTOL),
        check("steady_profile_max_rel_error", profile_error, 0.0, atol=PROFILE_ATOL),
        check("vegf_mass_budget_window", budget_error(budget), 0.0, atol=BUDGET_ATOL),
        check(
            "fraction_of_sprouts_reaching_tumour_disk",
            net_d.perfused_fraction(),
            1.0,
            atol=REACH_ATOL,
        ),
        check("vegf_mass_budget_disk", budget_error(budget_d), 0.0, atol=BUDGET_ATOL),
    ]
    norm = LogNorm(vmin=0.3, vmax=float(exact.max()))
    settings = ((window, frames, net, budget), (dish, frames_d, net_d, budget_d))
    _figure(outdir, grid, reference, exact, settings, ratios, norm)
    if movie:
        _animation(outdir, film, norm, net.fusions, window)
    return write_report(NAME, rows, outdir)


def _draw_state(ax, state, norm, fusions, tissue, colorbar=False) -> None:
    t, field, trails, tips = state
    field.plot(ax=ax, norm=norm, cmap="magma", colorbar=colorbar)
    for trail in trails:
        ax.plot(trail[:, 0], trail[:, 1], color="w", lw=1.2)
    ax.plot(tips[:, 0], tips[:, 1], "o", color="cyan", ms=3)
    fused = np.array([p for when, p in fusions if when <= t]).reshape(-1, 2)
    ax.plot(fused[:, 0], fused[:, 1], "x", color="lime", ms=7, mew=2)
    ax.add_patch(plt.Circle(tissue.centre, TUMOUR_RADIUS, fill=False, color="w", ls="--"))
    if tissue.grid.is_cartesian:
        ax.axvline(0.01, color="r", lw=4)
    else:
        ax.add_patch(plt.Circle((0, 0), DISH_RADIUS, fill=False, color="r", lw=4))
    ax.set_title(f"t = {t:.0f} h: {len(trails)} branches, {len(tips)} tips moving", fontsize=10)
    ax.set(xlabel="x (mm)", ylabel="y (mm)")


def _animation(outdir, film, norm, fusions, tissue) -> None:
    from matplotlib.animation import FuncAnimation, PillowWriter

    fig, ax = plt.subplots(figsize=(5.5, 5), constrained_layout=True)

    def draw(k):
        ax.clear()
        _draw_state(ax, film[k], norm, fusions, tissue)

    anim = FuncAnimation(fig, draw, frames=len(film))
    anim.save(Path(outdir) / f"{NAME}.gif", writer=PillowWriter(fps=8), dpi=70)
    plt.close(fig)


def _figure(outdir, grid, steady, exact, settings, ratios, norm) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(16, 10), constrained_layout=True)
    fig.suptitle(
        "Sprouting angiogenesis towards a tumour: tip cells climb the VEGF gradient "
        f"(χ0 = {CHI} mm²/h per {UNITS}, l = {ELL:.2f} mm)"
    )
    for row, (tissue, frames, net, budget) in enumerate(settings):
        for col, state in enumerate(frames[-2:]):
            _draw_state(axes[row, col], state, norm, net.fusions, tissue, colorbar=col == 1)
        axes[row, 0].text(
            0.02,
            0.02,
            f"VEGF budget over {HOURS:.0f} h: released {budget['released']:.0f}, "
            f"taken up {budget['taken']:.0f} ({UNITS}·mm²)",
            transform=axes[row, 0].transAxes,
            color="w",
            fontsize=8,
        )
    ax = axes[0, 2]
    x = grid.coords["x"]
    j = int(np.argmin(np.abs(grid.coords["y"] - TUMOUR_CENTRE[1])))
    fine = np.linspace(0, SIZE, 600)
    ax.semilogy(fine, free_space_vegf(fine, TUMOUR_CENTRE[1]), "k-", label="free space, analytic")
    ax.semilogy(x[::2], steady.data[::2, j], "C1o", ms=4, label="steady_diffusion")
    last = settings[0][1][-1]
    ax.semilogy(x, last[1].data[:, j], "C0-", lw=1.5, label=f"at {last[0]:.0f} h, with vessels")
    ax.set(xlabel="x (mm), through the tumour centre", ylabel=f"VEGF c ({UNITS})")
    ax.set_title("VEGF profile: steady vs analytic, and with vessels", fontsize=10)
    ax.legend(fontsize=9)
    ax = axes[1, 2]
    ax.hist(100 * (ratios - 1), bins=40, color="C2")
    ax.axvline(0.0, color="k", ls="--")
    ax.set(xlabel="tip speed / (χ0 |∇c| of the analytic field) − 1 (%)", ylabel="tip steps")
    ax.set_title(f"Noise-free, unsaturated tips: mean speed ratio {ratios.mean():.5f}", fontsize=10)
    save_figure(fig, NAME, outdir, dpi=100)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
