"""Agents against the continuum
============================

Many cells that climb a fixed attractant ``c`` with sensitivity chi and wander
with motility D_a have a density ``u`` that obeys the Fokker-Planck
(Keller-Segel) equation ``u_t = D_a lap u - div(u chi grad c)``.  In a closed
domain it settles on the Boltzmann density ``exp(chi c / D_a) / Z``; on the way
there the histogram of the agents follows ``pde.solve`` of the continuum
equation.  Both pictures must agree up to the sampling noise of a histogram,
which is what licenses using either one for the other.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad import pde
from fieldgrad.biology import ChemotaxisAgents
from fieldgrad.report import check, save_figure, write_report

NAME = "agents_vs_continuum"
CHI, MOTILITY = 0.06, 0.05  # sensitivity and motility: chi c / D_a spans +-1.8
BINS = 16  # histogram bins per side
T_COMPARE = 0.5  # time of the transient comparison
T_STEADY = 4.0  # about 8 relaxation times 1 / (4 pi^2 D_a)
START, WIDTH = np.array([0.3, 0.6]), 0.08  # the agents start as a Gaussian blob
NOISE_FACTOR = 3.0  # allowed L1 distance, in units of the expected L1 of sampling noise


def attractant(x, y):
    """The fixed attractant: periodic, so the square is closed (a torus)."""
    return np.cos(2 * np.pi * x) + 0.5 * np.sin(2 * np.pi * y)


def blob(x, y):
    return np.exp(-((x - START[0]) ** 2 + (y - START[1]) ** 2) / (2 * WIDTH**2))


def cell_average(grid, func, sub=8):
    """Average of func over each cell of a Cartesian grid (sub x sub points per cell)."""
    (x0, x1), (y0, y1) = grid.bounds
    nx, ny = grid.shape
    xs = x0 + (np.arange(nx * sub) + 0.5) * (x1 - x0) / (nx * sub)
    ys = y0 + (np.arange(ny * sub) + 0.5) * (y1 - y0) / (ny * sub)
    return func(xs[:, None], ys[None, :]).reshape(nx, sub, ny, sub).mean(axis=(1, 3))


def histogram(points):
    h = np.histogram2d(*points.T, bins=BINS, range=[[0, 1], [0, 1]])[0]
    return h / h.sum()


def coarsen(u):
    """A density on the grid summed into the histogram's bins, normalised."""
    n = u.shape[0] // BINS
    out = u.reshape(BINS, n, BINS, n).sum(axis=(1, 3))
    return out / out.sum()


def expected_noise(n):
    """E[L1] of an n-sample histogram against its own law: sum sqrt(2 p (1 - p) / (pi n))."""
    return np.sqrt(2 * BINS**2 / (np.pi * n))


def run(outdir: str | Path, quick: bool = False) -> dict:
    n_grid, n_agents, dt = (32, 20_000, 0.01) if quick else (64, 200_000, 0.005)
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(n_grid, n_grid), periodic=True)
    c = fg.ScalarField.from_function(grid, attractant, name="c")
    rng = np.random.default_rng(2024)

    # the continuum: u_t + div(u chi grad c) = D_a lap u, from the blob
    u0 = fg.ScalarField(grid, cell_average(grid, blob), name="u")
    velocity = CHI * np.asarray(c.gradient().data)
    equation = pde.Advection(velocity=velocity, diffusivity=MOTILITY)
    continuum = pde.solve(equation, u0, T_COMPARE, rtol=1e-6).final

    # the agents, sampled from the same blob
    start = rng.normal(START, WIDTH, (n_agents, 2)) % 1.0
    agents = ChemotaxisAgents(c, start, CHI, motility=MOTILITY, seed=rng)
    for _ in range(round(T_COMPARE / dt)):
        agents.step(dt)
    transient = histogram(agents.positions)
    for _ in range(round((T_STEADY - T_COMPARE) / dt)):
        agents.step(dt)
    steady = histogram(agents.positions)

    bins = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(BINS, BINS), periodic=True)
    boltzmann = cell_average(bins, lambda x, y: np.exp(CHI * attractant(x, y) / MOTILITY))
    boltzmann /= boltzmann.sum()
    u_t = coarsen(continuum.data)
    l1_steady = np.abs(steady - boltzmann).sum()
    l1_transient = np.abs(transient - u_t).sum()
    noise = expected_noise(n_agents)
    total = lambda f: float((f.data * grid.cell_volumes()).sum())  # noqa: E731

    rows = [
        check("l1_histogram_vs_boltzmann", l1_steady, 0.0, atol=NOISE_FACTOR * noise),
        check("l1_histogram_vs_pde_solve_at_t", l1_transient, 0.0, atol=NOISE_FACTOR * noise),
        check("continuum_mass_conserved", total(continuum), total(u0), rtol=1e-8),
    ]
    _figure(outdir, boltzmann, steady, u_t, transient, l1_steady, l1_transient, noise, n_agents)
    return write_report(NAME, rows, outdir)


def _figure(outdir, boltzmann, steady, u_t, transient, l1_steady, l1_transient, noise, n) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(10, 9.5), constrained_layout=True)
    fig.suptitle(
        f"{n:,} agents (χ = {CHI}, D_a = {MOTILITY}) against the continuum; "
        f"histogram noise ≈ {noise:.3f} (L1)"
    )
    panels = (
        (boltzmann, "Boltzmann exp(χc/D_a)/Z (analytic)"),
        (steady, f"agents at t = {T_STEADY:g}: L1 = {l1_steady:.3f}"),
        (u_t, f"pde.solve at t = {T_COMPARE:g} (Fokker-Planck)"),
        (transient, f"agents at t = {T_COMPARE:g}: L1 = {l1_transient:.3f}"),
    )
    for ax, (data, title) in zip(axes.flat, panels, strict=True):
        top = (
            max(boltzmann.max(), steady.max()) if ax in axes[0] else max(u_t.max(), transient.max())
        )
        im = ax.imshow(
            data.T, origin="lower", extent=(0, 1, 0, 1), vmin=0, vmax=top, cmap="viridis"
        )
        ax.set_title(title, fontsize=10)
        ax.set(xlabel="x", ylabel="y")
        fig.colorbar(im, ax=ax, shrink=0.8, label="fraction of agents per bin")
    save_figure(fig, NAME, outdir, dpi=100)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
