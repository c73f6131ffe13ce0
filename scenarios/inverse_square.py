"""
Coulomb's inverse-square law and Gauss's law
============================================

The electric field of a point charge falls off as 1/r², and its flux through
any sphere around the charge is the same (Gauss's law). This example
computes E = -grad φ from the potential φ = k/r sampled on a Cartesian and a
spherical grid and recovers both laws: |E| ∝ r⁻² and a flux of 4πk.

On the 3-D Cartesian grid the charge sits between grid points and nothing is
radially symmetric for the stencils. |E| ∝ r⁻² is checked by the slope of
log|E| against log r, away from the singular source; the flux of E through a
sphere around the charge is 4πk whatever its radius and however the field is
interpolated onto it. A dipole's field lines close the page.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

import fieldgrad as fg
from fieldgrad.physics import (
    electric_field,
    flux_through_sphere,
    point_charge_potential,
    point_charges_potential,
)
from fieldgrad.plotting import plot_field
from fieldgrad.report import check, save_figure, write_report

NAME = "inverse_square"
K = 1.0  # k = q / (4π ε0) in units where it is 1
# Fit |E| only where the stencils do not straddle the singularity: r >= this many cells.
SOURCE_CELLS = 6
FIT_RMAX = 0.9  # and inside the box [-1, 1]³
GAUSS_RADIUS = 0.6
# Tolerances: second-order differences and linear interpolation err by O((h/r)²)
# with small constants; measured errors are ~1e-4, a factor or sign slip is >= 1e-1.
SLOPE_RTOL = 2e-3
FLUX_RTOL = 5e-3


def loglog_slope(r: np.ndarray, magnitude: np.ndarray) -> float:
    """Slope of log(magnitude) against log(r) (least squares)."""
    return float(np.polyfit(np.log(r), np.log(magnitude), 1)[0])


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Measure the fall-off exponent and Gauss's flux on two grids; draw E and a dipole."""
    phi = point_charge_potential(k=K)

    # The charge in a box: a 3-D Cartesian grid.
    n = 40 if quick else 128
    box = fg.CartesianGrid(bounds=[(-1, 1)] * 3, shape=(n, n, n))
    potential = fg.ScalarField.from_function(box, phi, coords="cartesian", name="φ = k/r")
    E = electric_field(potential)
    magnitude = E.norm().data
    x, y, z = box.mesh()
    r = np.broadcast_to(np.sqrt(x * x + y * y + z * z), box.shape)
    away = (r >= SOURCE_CELLS * box.spacing[0]) & (r <= FIT_RMAX)
    slope_box = loglog_slope(r[away], magnitude[away])
    sphere_shape = (48, 96) if quick else (128, 256)
    flux_box = flux_through_sphere(E, radius=GAUSS_RADIUS, shape=sphere_shape)

    # The same charge at the centre of a spherical shell grid whose radii are spaced
    # geometrically: the same relative resolution h/r at every distance.
    nr, nt = (64, 16) if quick else (256, 64)
    ball = fg.SphericalGrid.from_coords(
        {
            "r": np.geomspace(0.2, 2.0, nr),
            "theta": (np.arange(nt) + 0.5) * np.pi / nt,
            "phi": np.arange(2 * nt) * np.pi / nt,
        }
    )
    E_ball = electric_field(fg.ScalarField.from_function(ball, phi, coords="cartesian"))
    r_ball = np.broadcast_to(ball.mesh()[0], ball.shape)
    slope_ball = loglog_slope(r_ball.ravel(), E_ball.norm().data.ravel())
    flux_ball = flux_through_sphere(E_ball, radius=GAUSS_RADIUS, shape=sphere_shape)

    rows = [
        check("loglog_slope", slope_box, -2.0, rtol=SLOPE_RTOL),
        check("gauss_flux_over_4pi_k", flux_box / (4 * np.pi * K), 1.0, rtol=FLUX_RTOL),
        check("loglog_slope_spherical_grid", slope_ball, -2.0, rtol=SLOPE_RTOL),
        check(
            "gauss_flux_over_4pi_k_spherical_grid",
            flux_ball / (4 * np.pi * K),
            1.0,
            rtol=FLUX_RTOL,
        ),
    ]

    fig, axes = plt.subplots(1, 3, figsize=(18, 5.6), width_ratios=[1, 1, 1])
    # (a) |E| in the plane through the charge, arrows showing its direction.
    E.name = "E"
    plot_field(E, axes[0], unit_arrows=True, norm=LogNorm(vmin=0.3, vmax=300), at=0.0)
    axes[0].set_title(f"|E| and its direction near z = 0 ({n}³ Cartesian grid)")

    # (b) The inverse-square law: every grid point of the box, and the spherical grid.
    ax = axes[1]
    rng = np.random.default_rng(0)
    near = np.flatnonzero(r < 0.15)  # every point near the source, a sample of the others
    shown = np.union1d(near, rng.choice(r.size, size=3000, replace=False))
    ax.loglog(
        r.flat[shown], magnitude.flat[shown], ".", ms=3, color="k", zorder=3, label="Cartesian grid"
    )
    rr = ball.coords["r"]
    ax.loglog(
        rr, E_ball.norm().data[:, 0, 0], "-", color="tab:orange", lw=3, label="spherical grid"
    )
    ax.loglog(rr, K / rr**2, "k--", lw=1, label="k / r² (exact)")
    ax.axvspan(r[r > 0].min() / 2, SOURCE_CELLS * box.spacing[0], color="grey", alpha=0.2)
    ax.text(0.02, 0.03, "near the source:\nnot fitted", transform=ax.transAxes, fontsize=9)
    ax.set(
        xlabel="distance from the charge r",
        ylabel="|E| = |grad φ|",
        title=f"Fitted slope: {slope_box:.5f} (box), {slope_ball:.5f} (spherical)",
    )
    ax.legend()

    # (c) A dipole: +1 and -1 on the y axis, field lines over log10 |E| in their plane.
    plane = fg.CartesianGrid(bounds=[(-2, 2), (-2, 2)], shape=(100, 100) if quick else (400, 400))
    dipole = point_charges_potential([1.0, -1.0], [(0, 0.5, 0), (0, -0.5, 0)], k=K)
    E_dip = electric_field(fg.ScalarField.from_function(plane, dipole, coords="cartesian"))
    strength = np.log10(E_dip.norm())
    strength.name = "log₁₀ |E|"
    plot_field(strength, axes[2], vectors=E_dip, vector_style="stream", vmin=-1.5, vmax=1.5)
    axes[2].plot([0], [0.5], "o", color="crimson", ms=9)
    axes[2].plot([0], [-0.5], "o", color="royalblue", ms=9)
    axes[2].set_title("A dipole's field lines: +1 (red) and -1 (blue)")

    fig.suptitle("Inverse-square law: E = -grad (k/r)")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
