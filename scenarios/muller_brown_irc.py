"""
Reaction path on the Müller–Brown surface
=========================================

A chemical reaction goes from one energy minimum to another over a saddle
point, along the path of steepest descent: the intrinsic reaction
coordinate. This example traces that path on the Müller–Brown potential, the
standard two-dimensional model, shows the steepness |grad V| rising and
falling along it, and checks that it ends in the published minima.

The potential has three minima (reactant, intermediate, product) joined
through two saddle points. Starting from the saddle near (-0.822, 0.624),
refined to a stationary point by solving grad V = 0, the path follows
steepest descent in both directions of the Hessian's negative-curvature
eigenvector. Along each branch |grad V| rises from zero at the saddle, peaks
on the slope and falls back to zero in the minimum; the branches must end in
A = (-0.558, 1.442) and B = (-0.050, 0.467), the two minima this saddle joins
(the third minimum, (0.623, 0.028), lies beyond the other saddle). The
background map is |grad V| computed by fieldgrad from V sampled on a
Cartesian grid, and the grid's gradient, interpolated along the path, is
checked against the analytic one.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize

import fieldgrad as fg
from fieldgrad.landscapes import (
    MULLER_BROWN_MINIMA,
    MULLER_BROWN_MINIMUM_ENERGIES,
    MULLER_BROWN_SADDLE_ENERGIES,
    MULLER_BROWN_SADDLES,
    irc,
    muller_brown,
    muller_brown_gradient,
)
from fieldgrad.report import check, save_figure, write_report

NAME = "muller_brown_irc"
BOUNDS = [(-1.5, 1.2), (-0.4, 2.0)]
# Published stationary points (Müller & Brown 1979), rounded to three decimals.
SADDLE = MULLER_BROWN_SADDLES[0]
MINIMUM_A, MINIMUM_B = MULLER_BROWN_MINIMA[0], MULLER_BROWN_MINIMA[2]
ENERGY_A, ENERGY_B = MULLER_BROWN_MINIMUM_ENERGIES[0], MULLER_BROWN_MINIMUM_ENERGIES[2]
STEP = 1e-3
GTOL = 1e-5


def potential(p: np.ndarray) -> np.ndarray:
    """V at p = (x, y) (also for p of shape (2, k))."""
    return muller_brown(p[0], p[1])


def potential_gradient(p: np.ndarray) -> np.ndarray:
    """grad V at p = (x, y)."""
    return muller_brown_gradient(p[0], p[1])


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Refine the saddle, follow both IRC branches, draw them and report the table."""
    saddle = scipy.optimize.root(potential_gradient, SADDLE).x
    path = irc(potential, saddle, grad=potential_gradient, step=STEP, gtol=GTOL, vectorized=True)
    # branches[0] leaves along +direction; name the branches by the minimum they reach
    ends = path.minima
    a_first = np.linalg.norm(ends[0] - MINIMUM_A) < np.linalg.norm(ends[1] - MINIMUM_A)
    branch_a, branch_b = path.branches if a_first else path.branches[::-1]

    # |grad V| on a grid, by fieldgrad, as the background and as a cross-check
    shape = (270, 240) if quick else (540, 480)
    grid = fg.CartesianGrid(bounds=BOUNDS, shape=shape)
    field = fg.ScalarField.from_function(grid, muller_brown)
    steepness = field.gradient_norm()
    # Cross-check along the path: interpolate the gradient *vector* (second order);
    # interpolating the norm itself is only first order next to its zeros (a cone).
    points = np.concatenate([branch_a.points, branch_b.points])
    on_grid = field.gradient().interpolate(points)
    exact = potential_gradient(points.T).T
    grid_error = float(
        np.max(np.linalg.norm(on_grid - exact, axis=1)) / np.max(np.linalg.norm(exact, axis=1))
    )

    fig, (ax_map, ax_v, ax_g) = plt.subplots(
        1, 3, figsize=(16, 5), gridspec_kw={"width_ratios": [1.3, 1, 1]}
    )
    x, y = grid.coords["x"], grid.coords["y"]
    image = ax_map.pcolormesh(
        x, y, steepness.data.T, norm="log", vmin=1, vmax=3e3, cmap="magma", shading="auto"
    )
    fig.colorbar(image, ax=ax_map, label="|grad V| (fieldgrad, on the grid)")
    levels = np.arange(-150, 100, 12.5)
    ax_map.contour(
        x,
        y,
        field.data.T,
        levels=levels,
        colors="white",
        linewidths=0.5,
        alpha=0.6,
        linestyles="solid",
    )
    for branch, color, label in ((branch_a, "cyan", "branch to A"), (branch_b, "lime", "to B")):
        ax_map.plot(*branch.points.T, color=color, lw=2, label=label)
    ax_map.plot(*saddle, "X", color="white", mec="black", ms=11, label="saddle (refined)")
    ax_map.plot(
        *MULLER_BROWN_MINIMA.T,
        "o",
        mfc="none",
        mec="white",
        ms=10,
        mew=1.5,
        label="published minima",
    )
    for label, (mx, my) in (("A", MINIMUM_A), ("B", MINIMUM_B)):
        ax_map.annotate(
            label,
            (mx, my),
            xytext=(8, 6),
            textcoords="offset points",
            color="white",
            fontweight="bold",
        )
    ax_map.set(
        xlabel="x",
        ylabel="y",
        title="Müller–Brown surface: IRC over |grad V|",
        xlim=BOUNDS[0],
        ylim=BOUNDS[1],
    )
    ax_map.legend(loc="lower left", fontsize=8)

    # signed arc length: negative towards A, positive towards B
    for branch, sign, color in ((branch_a, -1, "tab:cyan"), (branch_b, 1, "tab:green")):
        s = sign * branch.s
        ax_v.plot(s, branch.values, color=color)
        ax_g.semilogy(s[1:], branch.grad_norms[1:], color=color)
    ax_v.axhline(ENERGY_A, color="grey", ls=":", label=f"published V(A) = {ENERGY_A}")
    ax_v.axhline(ENERGY_B, color="grey", ls="--", label=f"published V(B) = {ENERGY_B}")
    ax_v.set(
        xlabel="arc length s from the saddle (A < 0 < B)",
        ylabel="V(s)",
        title="Energy along the reaction path",
    )
    ax_v.legend(fontsize=8)
    ax_g.axhline(GTOL, color="grey", ls=":", label=f"gtol = {GTOL:g}")
    ax_g.set(
        xlabel="arc length s from the saddle (A < 0 < B)",
        ylabel="|grad V|",
        title="Steepness along the path: zero at both ends",
    )
    ax_g.legend(fontsize=8)
    fig.suptitle("Intrinsic reaction coordinate from the Müller–Brown saddle (-0.822, 0.624)")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    rows = [
        check("saddle_distance_to_published", np.linalg.norm(saddle - SADDLE), 0.0, atol=1e-3),
        check("saddle_energy", potential(saddle), MULLER_BROWN_SADDLE_ENERGIES[0], atol=1e-3),
        check(
            "irc_minimum_A_distance", np.linalg.norm(branch_a.minimum - MINIMUM_A), 0.0, atol=5e-3
        ),
        check(
            "irc_minimum_B_distance", np.linalg.norm(branch_b.minimum - MINIMUM_B), 0.0, atol=5e-3
        ),
        check("irc_minimum_A_energy", branch_a.values[-1], ENERGY_A, atol=1e-3),
        check("irc_minimum_B_energy", branch_b.values[-1], ENERGY_B, atol=1e-3),
        check(
            "grad_norm_at_branch_ends",
            max(branch_a.grad_norms[-1], branch_b.grad_norms[-1]),
            0.0,
            atol=GTOL,
        ),
        check("grid_gradient_rel_error_along_path", grid_error, 0.0, atol=1e-2),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
