"""Geodesic distance on the Earth: solving |grad d| = 1 on a SphereSurface
=======================================================================

The great-circle distance d from a place grows by one kilometre per kilometre
walked straight away from it, so it solves the eikonal equation |grad d| = 1.
fieldgrad computes d with fast marching on the sphere's own latitude-longitude
grid, across the poles and the 180° seam, from two sources (the North Pole and
0°N 0°E), and compares it with the haversine formula; walking down grad d from
a far point traces the shortest route, which must be a great circle.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad import fronts
from fieldgrad.grids import EARTH_RADIUS
from fieldgrad.plotting import plot_field, plot_sphere_3d
from fieldgrad.report import check, save_figure, write_report

NAME = "sphere_geodesic"
R_KM = EARTH_RADIUS / 1000
CAP = np.radians(10.0)  # excluded around each source and its antipode (cusps of d)
# |grad d| of the marched distance errs by O(h^2) away from the cusps;
# allow this many times (dtheta / CAP)^2 (measured: about 0.3 in quick and full mode).
GRAD_SAFETY = 3.0
# The marched distance errs by O(h^2) away from the antipode and by O(h) at it:
# allow this many grid spacings at the antipode, relative to half the circumference.
ANTIPODE_CELLS = 0.5
SOURCES = {"the North Pole": (0.0, 0.0), "0°N 0°E": (np.pi / 2, 0.0)}
START = (np.radians(50.0), np.radians(250.0))  # 40°N 110°W: the route ends on the seam (0°)


def haversine_km(theta0: float, phi0: float, theta, phi):
    """Great-circle distance in km from (theta0, phi0) by the haversine formula."""
    a = (
        np.sin((theta - theta0) / 2) ** 2
        + np.sin(theta0) * np.sin(theta) * np.sin((phi - phi0) / 2) ** 2
    )
    return 2 * R_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def to_lonlat(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mollweide axes' longitude in [-pi, pi) and latitude of (theta, phi) points."""
    return np.mod(points[:, 1] + np.pi, 2 * np.pi) - np.pi, np.pi / 2 - points[:, 0]


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Distance by fast marching against haversine, |grad d| = 1, a great-circle route."""
    shape = (90, 180) if quick else (360, 720)
    earth = fg.SphereSurface(radius=R_KM, shape=shape)
    theta, phi = earth.mesh()
    dtheta = earth.spacing[0]

    worst_grad, worst_error, fields = 0.0, 0.0, {}
    for label, source in SOURCES.items():
        d = fronts.distance(earth, [source])
        d.name, d.units = f"distance from {label}", "km"
        exact = haversine_km(*source, theta, phi)
        worst_error = max(worst_error, float(np.abs(d.data - exact).max()))
        angle = exact / R_KM
        outside = (angle > CAP) & (angle < np.pi - CAP)
        norm = d.gradient_norm()
        worst_grad = max(worst_grad, float(np.abs(norm.data[outside] - 1).max()))
        fields[label] = (d, norm)

    # The fastest route from 40°N 110°W down grad d to 0°N 0°E.
    d_eq = fields["0°N 0°E"][0]
    path = fronts.shortest_path(d_eq, START)
    xyz = np.stack(earth.to_cartesian(*path.T), axis=-1)
    a = np.array([float(c) for c in earth.to_cartesian(*SOURCES["0°N 0°E"])])
    b = np.array([float(c) for c in earth.to_cartesian(*START)])
    normal = np.cross(a, b) / np.linalg.norm(np.cross(a, b))
    offset = float(np.abs(xyz @ normal).max())  # km off the great circle's plane
    length = float(np.linalg.norm(np.diff(xyz, axis=0), axis=1).sum())
    length += float(np.linalg.norm(xyz[-1] - a))  # the last fraction of a step
    geodesic = float(haversine_km(*SOURCES["0°N 0°E"], *START))

    spacing_km = dtheta * R_KM
    rows = [
        check("max_abs_grad_norm_minus_1", worst_grad, 0.0, atol=GRAD_SAFETY * (dtheta / CAP) ** 2),
        check(
            "max_error_vs_haversine_over_half_circumference",
            worst_error / (np.pi * R_KM),
            0.0,
            atol=ANTIPODE_CELLS * spacing_km / (np.pi * R_KM),
        ),
        check("path_max_offset_from_great_circle_km", offset, 0.0, atol=0.5 * spacing_km),
        check("path_length_km", length, geodesic, rtol=2e-3),
    ]

    fig = plt.figure(figsize=(17, 5.4))
    ax_map = fig.add_subplot(1, 3, 1, projection="mollweide")
    plot_field(d_eq, ax_map, contours=np.arange(2000, 20000, 2000), cmap="cividis")
    lon, lat = to_lonlat(path)
    ax_map.plot(lon, lat, ".", color="crimson", ms=2)
    ax_map.set_title("Distance from 0°N 0°E (every 2000 km), route from 40°N 110°W", pad=12)

    ax_globe = fig.add_subplot(1, 3, 2, projection="3d")
    plot_sphere_3d(d_eq, ax_globe, cmap="cividis", elev=20, azim=-35)
    ax_globe.plot(*(1.01 * xyz.T), color="crimson", lw=2)
    ax_globe.set_title("The same distance and route on the globe")

    error = fg.ScalarField(
        earth, np.abs(d_eq.data - haversine_km(*SOURCES["0°N 0°E"], theta, phi)) + 1e-6
    )
    error = np.log10(error)
    error.name = "log₁₀ |d - haversine| (km)"
    ax_err = fig.add_subplot(1, 3, 3, projection="mollweide")
    plot_field(error, ax_err, cmap="magma", vmin=-3, vmax=1.5)
    ax_err.set_title(f"Error of the marched distance: worst {worst_error:.2g} km", pad=12)

    fig.suptitle(f"Geodesic distance on a sphere of radius {R_KM:.0f} km by fast marching")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
