"""Distance along the Earth's surface has steepness 1: |grad d| = 1 on a SphereSurface.
====================================================================================

The great-circle distance from a point, d = R · (angle from the point), grows
by one kilometre per kilometre walked straight away from it, so its gradient
norm on the sphere is exactly 1 everywhere except at the point itself and at
its antipode, where d has a cusp.  We take two sources: the North Pole
(d = R θ, simple in the grid's own colatitude) and the point 0°N 0°E on the
equator (d = R arccos(x / R), where fieldgrad's stencils must cross the poles
and the periodic seam).  Outside a small cap around each source and antipode
the gradient norm stays within the central-difference error of 1.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad.grids import EARTH_RADIUS
from fieldgrad.plotting import plot_field, plot_sphere_3d
from fieldgrad.report import check, save_figure, write_report

NAME = "sphere_geodesic"
R_KM = EARTH_RADIUS / 1000
CAP = np.radians(10.0)  # excluded around each source and its antipode
# Central differences err by about (Δθ/α)²/6 at angular distance α from a cusp;
# allow three times that at the edge of the cap.
CAP_SAFETY = 3.0


def angle_from(theta0: float, phi0: float, theta, phi):
    """Angle between the points (theta0, phi0) and (theta, phi) of the unit sphere."""
    cos_angle = np.sin(theta0) * np.sin(theta) * np.cos(phi - phi0) + np.cos(theta0) * np.cos(theta)
    return np.arccos(np.clip(cos_angle, -1.0, 1.0))


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Check |grad d| = 1 for two distance fields on the sphere; draw maps and a globe."""
    shape = (90, 180) if quick else (360, 720)
    earth = fg.SphereSurface(radius=R_KM, shape=shape)
    theta, phi = earth.mesh()

    from_pole = fg.ScalarField.from_function(
        earth, lambda theta, phi: R_KM * theta + 0 * phi, name="distance from the North Pole"
    )
    from_equator = fg.ScalarField.from_function(
        earth,
        lambda x, y, z: R_KM * np.arccos(np.clip(x / R_KM, -1.0, 1.0)),
        coords="cartesian",
        name="distance from 0°N 0°E",
        units="km",
    )

    worst = 0.0
    norms = {}
    for field, (theta0, phi0) in ((from_pole, (0.0, 0.0)), (from_equator, (np.pi / 2, 0.0))):
        norm = field.gradient_norm()
        angle = angle_from(theta0, phi0, theta, phi)
        outside = (angle > CAP) & (angle < np.pi - CAP)
        worst = max(worst, float(np.abs(norm.data[outside] - 1).max()))
        norms[field.name] = norm
    dtheta = earth.spacing[0]
    atol = CAP_SAFETY * (dtheta / CAP) ** 2 / 6
    rows = [check("max_abs_grad_norm_minus_1", worst, 0.0, atol=atol)]

    fig = plt.figure(figsize=(17, 5.4))
    ax_map = fig.add_subplot(1, 3, 1, projection="mollweide")
    plot_field(
        from_equator,
        ax_map,
        contours=np.arange(2000, 20000, 2000),
        vectors="gradient",
        unit_arrows=True,
        cmap="cividis",
    )
    ax_map.set_title("Distance from 0°N 0°E (every 2000 km), arrows: grad d", pad=12)

    ax_globe = fig.add_subplot(1, 3, 2, projection="3d")
    plot_sphere_3d(from_equator, ax_globe, cmap="cividis", elev=20, azim=-35)
    ax_globe.set_title("The same distance on the globe")

    # Where |grad d| departs from 1: at the cusps, the source and its antipode.
    error = np.log10(np.abs(norms[from_equator.name] - 1) + 1e-16)
    error.name = "log₁₀ | |grad d| - 1 |"
    ax_err = fig.add_subplot(1, 3, 3, projection="mollweide")
    plot_field(error, ax_err, cmap="magma", vmin=-6, vmax=0)
    cap = np.linspace(0, 2 * np.pi, 200)
    for lon0 in (0.0, np.pi):  # the excluded caps: circles of angular radius CAP
        lon = lon0 + np.arctan2(np.sin(CAP) * np.sin(cap), np.cos(CAP))
        lat = np.arcsin(np.sin(CAP) * np.cos(cap))
        ax_err.plot(np.mod(lon + np.pi, 2 * np.pi) - np.pi, lat, ".", color="cyan", ms=1)
    ax_err.set_title(f"| |grad d| - 1 |: worst outside the 10° caps {worst:.1e}", pad=12)

    fig.suptitle(f"Geodesic distance on a sphere of radius {R_KM:.0f} km: |grad d| = 1")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    run("results")
