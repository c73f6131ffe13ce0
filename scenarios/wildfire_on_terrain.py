"""Wildfire on real terrain: arrival times of a front that runs faster on steep ground.
====================================================================================

A grass fire spreads faster where the ground is steep: flames lean over the
unburnt fuel upslope and preheat it.  With a spread rate that grows with the
terrain's gradient norm, F = F0 (1 + K |grad z|) (the same in every direction,
a simplification of the real upslope-downslope difference), the arrival time
T of the front solves |grad T| = 1 / F.  fieldgrad solves it by fast marching on the
Jacksboro fault DEM (the terrain of the `terrain_slope` example) laid on a
patch of the spherical Earth, and checks the solver where the answer is known:
on flat ground and on a uniform slope T is the great-circle distance over the
speed, and terrain can only make the fire arrive earlier.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad import fronts
from fieldgrad.physics import jacksboro_elevation
from fieldgrad.report import check, save_figure, write_report

NAME = "wildfire_on_terrain"
F0 = 500.0  # m/h: spread rate on flat ground
K = 4.0  # spread rate gained per unit of slope (rise per metre)
UNIFORM_SLOPE = 0.25  # rise per metre of the uniform-slope check
FRONT_EVERY = 4.0  # hours between drawn fronts


def great_circle_m(grid: fg.SphereSurface, source: tuple[float, float]) -> np.ndarray:
    """Haversine distance in metres from ``source`` to every grid point."""
    theta, phi = grid.mesh()
    t0, p0 = source
    a = np.sin((theta - t0) / 2) ** 2 + np.sin(t0) * np.sin(theta) * np.sin((phi - p0) / 2) ** 2
    return 2 * grid.radius * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Fire arrival times on the DEM; checks on flat ground and a uniform slope."""
    elevation = jacksboro_elevation(every=4 if quick else 1)
    patch = elevation.grid
    (t0, t1), (p0, p1) = patch.bounds
    ignition = (t0 + 0.45 * (t1 - t0), p0 + 0.52 * (p1 - p0))  # between grid points

    steepness = elevation.gradient_norm()  # rise per metre on the sphere patch
    spread = F0 * (1 + K * steepness)
    spread.name, spread.units = "spread rate", "m/h"
    T = fronts.travel_time(patch, [ignition], speed=spread)
    T.name, T.units = "fire arrival time", "h"

    # Known answers: flat ground, and a uniform slope rising to the north (z = s R theta).
    distance = great_circle_m(patch, ignition)
    flat = fronts.travel_time(patch, [ignition], speed=F0)
    tilted = fg.ScalarField.from_function(
        patch, lambda theta, phi: -UNIFORM_SLOPE * patch.radius * theta + 0 * phi
    )
    uniform = fronts.travel_time(patch, [ignition], speed=F0 * (1 + K * tilted.gradient_norm()))
    uniform_exact = distance / (F0 * (1 + K * UNIFORM_SLOPE))

    rows = [
        check(
            "flat_max_rel_error",
            float(np.abs(flat.data * F0 - distance).max() / distance.max()),
            0.0,
            atol=1e-6,
        ),
        check(
            "uniform_slope_max_rel_error",
            float(np.abs(uniform.data - uniform_exact).max() / uniform_exact.max()),
            0.0,
            atol=1e-6,
        ),
        # F >= F0 everywhere, so no point may burn later than on flat ground
        check(
            "terrain_later_than_flat_rel",
            max(0.0, float((T.data - flat.data).max())) / float(flat.data.max()),
            0.0,
            atol=1e-9,
        ),
    ]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6), layout="constrained")
    lon = np.rad2deg(patch.coords["phi"])
    lat = 90 - np.rad2deg(patch.coords["theta"])
    aspect = 1 / np.cos(np.deg2rad(lat.mean()))
    mesh = ax1.pcolormesh(lon, lat, spread.data, cmap="YlOrRd", shading="nearest")
    fig.colorbar(mesh, ax=ax1, label="spread rate F (m/h)", shrink=0.8)
    ax1.contour(lon, lat, elevation.data, levels=12, colors="k", linewidths=0.4)
    ax1.set(aspect=aspect, xlabel="longitude (°)", ylabel="latitude (°)",
            title=f"Spread rate F0 (1 + {K:g} |grad z|) over the elevation contours")  # fmt: skip
    mesh = ax2.pcolormesh(lon, lat, T.data, cmap="inferno_r", shading="nearest")
    fig.colorbar(mesh, ax=ax2, label="arrival time (h)", shrink=0.8)
    levels = np.arange(FRONT_EVERY, T.data.max(), FRONT_EVERY)
    ax2.contour(lon, lat, T.data, levels=levels, colors="w", linewidths=1.0)
    ax2.contour(lon, lat, flat.data, levels=levels, colors="c", linewidths=0.8, linestyles="--")
    ig_lat, ig_lon = 90 - np.rad2deg(ignition[0]), np.rad2deg(ignition[1])
    ax2.plot(ig_lon, ig_lat, "*", color="gold", ms=14, mec="k")
    ax2.set(aspect=aspect, xlabel="longitude (°)", ylabel="latitude (°)",
            title=f"Fire fronts every {FRONT_EVERY:g} h (white), on flat ground "
                  "(dashed)")  # fmt: skip
    fig.suptitle("A fire spreading faster on steep ground: the Jacksboro fault DEM (Tennessee)")
    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
