"""Seismic travel times: a point source where the speed grows with depth.
======================================================================

In the Earth's crust seismic waves travel faster at depth, and a common model is
a speed growing linearly, v(z) = v0 + g z.  First-arrival times then have a
closed form, T = arccosh(1 + g² |x - s|² / (2 v(s) v(x))) / g, and the rays
are arcs of circles centred where v would vanish.  fieldgrad solves
|grad T| = 1 / v by second-order factored fast marching from an off-grid
source, traces rays back down grad T, and checks both against the theory.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad import fronts
from fieldgrad.report import check, save_figure, write_report

NAME = "seismic_travel_time"
V0 = 2.0  # km/s at the surface
GRADIENT = 0.3  # 1/s: speed gained per km of depth
# km; narrow enough that every first-arrival ray stays inside (the closed form
# is for an unbounded medium; rays to the far bottom corners of a wider section
# would dip below its floor)
WIDTH, DEPTH = 16.0, 10.0
SOURCE = (5.3, 2.2)  # (x, depth) in km, between grid points
RECEIVERS = (8.0, 11.0, 14.0, 15.5)  # x of stations at the surface, km
STATION = 14.0  # the station whose first arrival is reported


def speed(x, y):
    """Speed in km/s at depth ``y`` (km)."""
    return V0 + GRADIENT * y + 0 * x


def exact_time(x, y):
    """First-arrival time in s from SOURCE in the linear-speed medium."""
    sx, sy = SOURCE
    dist2 = (x - sx) ** 2 + (y - sy) ** 2
    return np.arccosh(1 + GRADIENT**2 * dist2 / (2 * speed(sx, sy) * speed(x, y))) / GRADIENT


def ray_circle(receiver: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre and radius of the circular ray through SOURCE and ``receiver``."""
    yc = -V0 / GRADIENT  # where v would vanish
    s = np.asarray(SOURCE)
    # the centre (xc, yc) is equidistant from both ends
    xc = ((receiver @ receiver - s @ s) - 2 * yc * (receiver[1] - s[1])) / (
        2 * (receiver[0] - s[0])
    )
    centre = np.array([xc, yc])
    return centre, float(np.linalg.norm(s - centre))


def solve(n: int) -> tuple[fg.CartesianGrid, fg.ScalarField, float]:
    """Travel times on an n-by-5n/8 grid (square cells) and their worst error."""
    grid = fg.CartesianGrid(bounds=[(0, WIDTH), (0, DEPTH)], shape=(n, n * 5 // 8))
    T = fronts.travel_time(grid, [SOURCE], speed=speed)
    T.name, T.units = "first-arrival time", "s"
    return grid, T, float(np.abs(T.data - exact_time(*grid.to_cartesian())).max())


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Travel times and rays against the closed forms of the linear-speed medium."""
    n = 128 if quick else 512
    _, _, coarse_error = solve(n // 2)
    grid, T, error = solve(n)
    order = np.log2(coarse_error / error)

    station = np.array([STATION, grid.coords["y"][0]])
    arrival = float(T.interpolate(station, method="cubic"))
    rays, deviation = [], 0.0
    for x in RECEIVERS:
        receiver = np.array([x, grid.coords["y"][0]])
        ray = fronts.shortest_path(T, receiver)
        centre, radius = ray_circle(receiver)
        deviation = max(
            deviation, float(np.abs(np.linalg.norm(ray - centre, axis=1) - radius).max())
        )
        rays.append(ray)
    h = WIDTH / n

    rows = [
        check("max_abs_error_s", error, 0.0, atol=0.05 * h**2),
        check("convergence_order", order, 2.0, atol=0.3),
        check("first_arrival_at_14_km_s", arrival, float(exact_time(*station)), rtol=1e-4),
        check("ray_max_deviation_from_circle_km", deviation, 0.0, atol=0.5 * h),
    ]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 4.8), layout="constrained")
    x, y = (np.broadcast_to(c, grid.shape) for c in grid.to_cartesian())
    image = ax1.pcolormesh(x, y, T.data, cmap="viridis", shading="nearest")
    ax1.contour(x, y, T.data, levels=np.arange(0.5, 8, 0.5), colors="w", linewidths=0.7)
    for ray in rays:
        ax1.plot(ray[:, 0], ray[:, 1], color="crimson", lw=1.5)
    ax1.plot(*SOURCE, "*", color="gold", ms=14, mec="k")
    ax1.plot(RECEIVERS, [0.1] * len(RECEIVERS), "v", color="k", ms=8)
    fig.colorbar(image, ax=ax1, label="first-arrival time (s)")
    ax1.set(xlabel="x (km)", ylabel="depth (km)", aspect="equal",
            title="Wavefronts every 0.5 s and rays to the stations (circular arcs)")  # fmt: skip
    ax1.invert_yaxis()

    log_error = np.log10(np.abs(T.data - exact_time(x, y)) + 1e-12)
    image = ax2.pcolormesh(x, y, log_error, cmap="magma", shading="nearest", vmin=-7, vmax=-3)
    fig.colorbar(image, ax=ax2, label="log₁₀ |T - closed form| (s)")
    ax2.set(xlabel="x (km)", ylabel="depth (km)", aspect="equal",
            title=f"Error: worst {error:.1e} s; order {order:.2f} from {n // 2} to {n} "
                  "cells")  # fmt: skip
    ax2.invert_yaxis()
    fig.suptitle(
        f"Travel times for v = {V0:g} + {GRADIENT:g} z km/s: second order from an off-grid source"
    )
    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
