"""
Mean squared score of a bivariate normal
========================================

The score s = grad log p of a probability density drives diffusion models
and Langevin sampling, and its mean squared norm E|s|^2 says how steep the
log-density is on average. For a correlated normal it is 2 / (1 - rho^2),
which blows up as the distribution collapses onto a line; this example
recovers it on a grid and by Monte-Carlo sampling.

For a normal with unit variances and correlation rho, E|s|^2 =
trace(Sigma^-1) = 2 / (1 - rho^2). The grid estimate samples log p as a
ScalarField and averages fieldgrad's gradient norm squared with the density
as weight; it is exact to rounding once the grid resolves the narrow
direction (sd sqrt(1 - rho)), because second-order differences are exact on
the quadratic log p. The Monte-Carlo error falls only as 1 / sqrt(n).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad.landscapes import expected_score_norm_sq, gaussian_score
from fieldgrad.report import check, save_figure, write_report

NAME = "score_bivariate_normal"
RHOS = np.array([0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99])
MEAN = np.zeros(2)
SEED = 2024


def covariance(rho: float) -> np.ndarray:
    """Unit variances, correlation rho."""
    return np.array([[1.0, rho], [rho, 1.0]])


def exact(rho: float | np.ndarray) -> float | np.ndarray:
    """E|grad log p|^2 = trace(Sigma^-1) = 2 / (1 - rho^2), analytically."""
    return 2.0 / (1.0 - np.square(rho))


def mc_standard_error(rho: float, n: int) -> float:
    """Standard error of the Monte-Carlo mean: s ~ N(0, Sigma^-1), Var|s|^2 = 2 tr(Sigma^-2)."""
    inv = np.linalg.inv(covariance(rho))
    return float(np.sqrt(2 * np.trace(inv @ inv) / n))


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Estimate E|s|^2 for each correlation, draw the comparison and report the table."""
    cells = 128 if quick else 256
    n_samples = 20_000 if quick else 200_000
    grid_est = np.array(
        [expected_score_norm_sq(MEAN, covariance(r), method="grid", cells=cells) for r in RHOS]
    )
    mc_est = np.array(
        [
            expected_score_norm_sq(
                MEAN, covariance(r), method="monte_carlo", n_samples=n_samples, seed=SEED
            )
            for r in RHOS
        ]
    )
    mc_err = np.array([mc_standard_error(r, n_samples) for r in RHOS])

    # accuracy against cost: both estimates evaluate log p (or its score) at n points
    conv_rhos = (0.9, 0.99)
    grid_cells = np.array([16, 24, 32, 48, 64, 96, 128] + ([] if quick else [192, 256]))
    mc_sizes = np.array([100, 1_000, 10_000] + ([] if quick else [100_000, 1_000_000]))
    grid_rel = {
        r: [
            abs(expected_score_norm_sq(MEAN, covariance(r), method="grid", cells=c) / exact(r) - 1)
            for c in grid_cells
        ]
        for r in conv_rhos
    }
    mc_rel = {
        r: [
            abs(
                expected_score_norm_sq(
                    MEAN, covariance(r), method="monte_carlo", n_samples=n, seed=SEED
                )
                / exact(r)
                - 1
            )
            for n in mc_sizes
        ]
        for r in conv_rhos
    }

    fig, (ax_rho, ax_conv, ax_map) = plt.subplots(1, 3, figsize=(17, 5))
    rho_fine = np.linspace(0, 0.995, 300)
    ax_rho.semilogy(rho_fine, exact(rho_fine), color="black", lw=1, label="2 / (1 - ρ²)")
    ax_rho.semilogy(
        RHOS, grid_est, "o", mfc="none", color="tab:blue", ms=8, label=f"grid, {cells}² cells"
    )
    ax_rho.errorbar(
        RHOS,
        mc_est,
        yerr=2 * mc_err,
        fmt="x",
        color="tab:red",
        label=f"Monte-Carlo, n = {n_samples:,} (±2 s.e.)",
    )
    ax_rho.set(
        xlabel="correlation ρ",
        ylabel="E |grad log p|²",
        title="Mean squared score of N(0, [[1, ρ], [ρ, 1]])",
    )
    ax_rho.legend()

    floor = 1e-16  # relative errors at rounding level are drawn at this floor
    for r, style in zip(conv_rhos, ("-", "--"), strict=True):
        ax_conv.loglog(
            grid_cells**2,
            np.maximum(grid_rel[r], floor),
            "o" + style,
            color="tab:blue",
            label=f"grid, ρ = {r}",
        )
        ax_conv.loglog(
            mc_sizes,
            np.maximum(mc_rel[r], floor),
            "x" + style,
            color="tab:red",
            label=f"Monte-Carlo, ρ = {r}",
        )
    se_rel = [mc_standard_error(0.9, n) / exact(0.9) for n in mc_sizes]
    ax_conv.loglog(mc_sizes, se_rel, ":", color="grey", label="Monte-Carlo s.e., ρ = 0.9")
    ax_conv.set(
        xlabel="points where log p is evaluated",
        ylabel="relative error",
        title="Error against cost",
    )
    ax_conv.legend(fontsize=8)

    rho_map = 0.9
    grid = fg.CartesianGrid(bounds=[(-3, 3), (-3, 3)], shape=(240, 240))
    inv = np.linalg.inv(covariance(rho_map))
    log_p = fg.ScalarField.from_function(
        grid,
        lambda x, y: (
            -0.5 * (inv[0, 0] * x**2 + 2 * inv[0, 1] * x * y + inv[1, 1] * y**2)
            - np.log(2 * np.pi * np.sqrt(1 - rho_map**2))
        ),
    )
    x, y = grid.coords["x"], grid.coords["y"]
    image = ax_map.pcolormesh(x, y, log_p.gradient_norm().data.T, cmap="viridis", shading="auto")
    fig.colorbar(image, ax=ax_map, label="|grad log p| (fieldgrad)")
    ax_map.contour(x, y, np.exp(log_p.data).T, levels=5, colors="white", linewidths=0.8)
    xq, yq = np.meshgrid(np.linspace(-2.5, 2.5, 11), np.linspace(-2.5, 2.5, 11))
    score = gaussian_score(np.stack([xq, yq], axis=-1), MEAN, covariance(rho_map))
    ax_map.quiver(xq, yq, score[..., 0], score[..., 1], color="white", alpha=0.8)
    ax_map.set(
        xlabel="x", ylabel="y", aspect="equal", title=f"Score field and steepness, ρ = {rho_map}"
    )
    fig.suptitle("The score grad log p: steep across a correlated normal, gentle along it")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    i9, i99 = int(np.argmin(abs(RHOS - 0.9))), int(np.argmin(abs(RHOS - 0.99)))
    rows = [
        check("expected_sq_score_rho_0.9", grid_est[i9], exact(0.9), rtol=1e-6),
        check("expected_sq_score_rho_0.99_grid", grid_est[i99], exact(0.99), rtol=1e-6),
        check(
            "expected_sq_score_rho_0.9_monte_carlo",
            mc_est[i9],
            exact(0.9),
            atol=4 * mc_err[i9],
            rtol=0.0,
        ),
        check(
            "expected_sq_score_rho_0_monte_carlo",
            mc_est[0],
            exact(0.0),
            atol=4 * mc_err[0],
            rtol=0.0,
        ),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
