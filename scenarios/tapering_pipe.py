"""
Poiseuille flow in a tapering and a stenosed artery
===================================================

The pressure that drives blood through an artery falls faster where the
artery is narrow: |dp/dz| grows like R^-4, so halving the radius makes the
pressure fall 16 times faster. This example computes the pressure gradient
in a tapering artery and in one with a stenosis, and rebuilds the flow from
it.

Blood (viscosity 3.5 mPa s) flows at a fixed 5 mL/s through two arteries
10 cm long: one tapering slowly from 2 mm to 1 mm in radius, one of radius
2 mm with a smooth 50 % stenosis. In a slowly varying pipe every
cross-section carries the parabolic Hagen-Poiseuille profile of its local
radius, so dp/dz = -8 mu Q / (pi R^4): the pressure is integrated along the
axis, laid on an axisymmetric CylindricalGrid, and fieldgrad's gradient norm
recovers |dp/dz|. Halving the radius makes the pressure fall 16 times faster.
From that gradient the velocity u = |dp/dz| (R^2 - r^2) / (4 mu) is rebuilt
and integrated over every cross-section: it carries the prescribed flow.
This is a consistency check of the operators, not a flow solver: the pressure
is built from the Poiseuille law, not solved from the equations of motion.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

import fieldgrad as fg
from fieldgrad.physics.flow import (
    BLOOD_VISCOSITY,
    ML,
    MM,
    MMHG,
    flow_rate,
    poiseuille_pressure,
    poiseuille_pressure_gradient,
    poiseuille_velocity,
    reynolds_number,
)
from fieldgrad.report import check, write_report

NAME = "tapering_pipe"
FLOW = 5 * ML  # m^3/s
LENGTH = 100 * MM  # both arteries
RADIUS = 2 * MM  # inlet radius of both
OUTLET_RADIUS = 1 * MM  # the tapering artery ends at half its inlet radius
SEVERITY = 0.5  # the stenosis narrows the radius by half at its throat ...
THROAT = 50 * MM  # ... here ...
STENOSIS_LENGTH = 30 * MM  # ... over this length (a raised-cosine profile)
STATIONS = (5 * MM, 30 * MM, 50 * MM, 70 * MM, 88 * MM)  # velocity profiles drawn here
CM_PER_M = 100.0
SAFETY = 1.25  # margin of the stated tolerances over their leading-order error terms


def tapered(z: np.ndarray) -> np.ndarray:
    """Radius of the tapering artery, linear from RADIUS to OUTLET_RADIUS."""
    return RADIUS + (OUTLET_RADIUS - RADIUS) * z / LENGTH


def stenosed(z: np.ndarray) -> np.ndarray:
    """Radius of the stenosed artery: a raised-cosine narrowing around THROAT."""
    s = np.clip((z - THROAT) / STENOSIS_LENGTH, -0.5, 0.5)
    return RADIUS * (1 - SEVERITY * (1 + np.cos(2 * np.pi * s)) / 2)


PROFILES = (tapered, stenosed)


def pipe_flow(grid: fg.CylindricalGrid, radius: Callable[[np.ndarray], np.ndarray]) -> dict:
    """Pressure, fieldgrad's |dp/dz|, the velocity rebuilt from it and the flow it carries."""
    z = grid.coords["z"]
    p = poiseuille_pressure(z, radius, FLOW)
    pressure = fg.ScalarField(grid, np.broadcast_to(p, grid.shape), name="pressure", units="Pa")
    steepness = pressure.gradient_norm().data  # |grad p| = |dp/dz|, the same at every r
    r, zz = grid.mesh()
    u = poiseuille_velocity(r, radius(zz), steepness)
    velocity = fg.ScalarField(grid, u, name="velocity", units="m/s")
    return {
        "z": z,
        "R": radius(z),
        "p": p,
        "grad": steepness[0],
        "velocity": velocity,
        "Q": flow_rate(velocity),
    }


def run(outdir: str | Path, quick: bool = False) -> dict:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)

    # An odd number of axial cells puts a grid point on the throat.
    nr, nz = (32, 201) if quick else (256, 2001)
    grid = fg.CylindricalGrid(radius=(0, RADIUS), z=(0, LENGTH), shape=(nr, nz))
    taper = pipe_flow(grid, tapered)
    stenosis = pipe_flow(grid, stenosed)

    # Halving the radius: throat of the stenosis against its straight inlet.
    ratio = stenosis["grad"].max() / stenosis["grad"][0]
    # One power law through both arteries.
    radii = np.concatenate([taper["R"], stenosis["R"]])
    grads = np.concatenate([taper["grad"], stenosis["grad"]])
    slope = np.polyfit(np.log(radii), np.log(grads), 1)[0]
    # The worst cross-section of either artery.
    recovered = np.concatenate([taper["Q"], stenosis["Q"]]) / FLOW
    worst = recovered[np.argmax(np.abs(recovered - 1))]

    # Stated tolerances. Central differences of p err by |G''| dz^2 / 6 relative to
    # G = |dp/dz| (G'' from the exact law on a fine axis). The midpoint rule across a
    # section errs by (dr / R)^2 / 2 on the parabola and by up to (dr / R)^2 where the
    # wall cuts a cell; the flow inherits the error of G as well.
    dz = LENGTH / nz
    fine = np.linspace(0, LENGTH, 20001)
    fd_error = (
        max(
            float(np.max(np.abs(np.gradient(np.gradient(law, fine), fine)) / law))
            for law in (poiseuille_pressure_gradient(radius(fine), FLOW) for radius in PROFILES)
        )
        * dz**2
        / 6
    )
    quadrature_error = 1.5 * (RADIUS / nr / OUTLET_RADIUS) ** 2
    rows = [
        check("grad_ratio_half_radius", ratio, 16.0, rtol=SAFETY * 2 * fd_error),
        check("loglog_slope_grad_vs_radius", slope, -4.0, rtol=1e-3),
        check(
            "flow_rate_recovered_over_prescribed",
            worst,
            1.0,
            rtol=SAFETY * (quadrature_error + fd_error),
        ),
    ]
    print(f"stated rtol: finite differences {fd_error:.2g}, quadrature {quadrature_error:.2g}")
    plot(outdir / f"{NAME}.png", taper, stenosis)
    return write_report(NAME, rows, outdir)


def plot(path: Path, taper: dict, stenosis: dict) -> None:
    """Velocity in both arteries, pressure along them, and |dp/dz| against the radius."""
    fig = plt.figure(figsize=(13, 10), layout="constrained")
    cells = fig.add_gridspec(3, 3, height_ratios=[0.6, 0.6, 1])
    top = fig.add_subplot(cells[0, :])
    maps = [top, fig.add_subplot(cells[1, :], sharex=top)]
    mm = FuncFormatter(lambda v, _: f"{v / MM:g}")
    vmax = max(taper["velocity"].data.max(), stenosis["velocity"].data.max()) * CM_PER_M
    for ax, case, title in zip(
        maps,
        (taper, stenosis),
        ("Tapering artery, R: 2 mm to 1 mm", "Artery with a 50 % stenosis"),
        strict=True,
    ):
        grid = case["velocity"].grid
        u = fg.ScalarField(grid, case["velocity"].data * CM_PER_M, name="u", units="cm/s")
        u.plot(ax=ax, cmap="magma", vmin=0, vmax=vmax)
        ax.plot(case["z"], case["R"], "w", case["z"], -case["R"], "w", lw=1.5)
        # Velocity profiles drawn as curves z + u(r) * scale at a few stations.
        scale = 8 * MM / (vmax / CM_PER_M)
        r = np.linspace(-RADIUS, RADIUS, 201)
        for z0 in STATIONS:
            k = np.argmin(np.abs(case["z"] - z0))
            prof = poiseuille_velocity(r, case["R"][k], case["grad"][k])
            ax.plot(case["z"][k] + 0 * r, r, color="0.8", lw=0.6)
            ax.plot(case["z"][k] + prof * scale, r, color="c", lw=1.3)
        re = reynolds_number(FLOW, case["R"].min())
        ax.set_title(
            f"{title}: velocity from fieldgrad's |dp/dz|, mean Q recovered = "
            f"{case['Q'].mean() / ML:.4f} mL/s, peak Re = {re:.0f}"
        )
        ax.xaxis.set_major_formatter(mm)
        ax.yaxis.set_major_formatter(mm)
        ax.set(xlabel="", ylabel="r (mm)", xlim=(0, LENGTH), ylim=(-RADIUS * 1.05, RADIUS * 1.05))

    top.tick_params(labelbottom=False)
    ax.set_xlabel("z along the artery (mm)")

    ax1, ax2, ax3 = (fig.add_subplot(cells[2, k]) for k in range(3))
    for case, label, colour in ((taper, "tapering", "C0"), (stenosis, "stenosed", "C3")):
        ax1.plot(case["z"] / MM, case["p"] / MMHG, color=colour, label=label)
        ax2.plot(case["z"] / MM, case["grad"] / MMHG / CM_PER_M, color=colour, lw=2.5,
                 alpha=0.5, label=f"{label}: fieldgrad |grad p|")  # fmt: skip
        exact = poiseuille_pressure_gradient(case["R"], FLOW)
        ax2.plot(case["z"] / MM, exact / MMHG / CM_PER_M, "k:", lw=1)
        ax3.loglog(case["R"] / MM, case["grad"] / MMHG / CM_PER_M, ".", color=colour, ms=3,
                   label=label)  # fmt: skip
    ax2.plot([], [], "k:", label="8 μ Q / (π R⁴)")
    ax1.set(xlabel="z (mm)", ylabel="pressure above outlet (mmHg)",
            title="Pressure along the artery")  # fmt: skip
    ax2.set(xlabel="z (mm)", ylabel="|dp/dz| (mmHg/cm)", title="Pressure gradient")
    radii = np.geomspace(OUTLET_RADIUS, RADIUS, 50)
    law = poiseuille_pressure_gradient(radii, FLOW) / MMHG / CM_PER_M
    ax3.loglog(radii / MM, law, "k:", lw=1, label="slope −4")
    ax3.set(xlabel="radius R (mm)", ylabel="|dp/dz| (mmHg/cm)",
            title=f"|dp/dz| against R at Q = {FLOW / ML:g} mL/s")  # fmt: skip
    ax3.set_xticks([1, 1.5, 2], ["1", "1.5", "2"])
    ax3.set_yticks([0.2, 0.5, 1, 2, 3], ["0.2", "0.5", "1", "2", "3"])
    ax3.minorticks_off()
    k = np.argmax(stenosis["grad"])
    ax2.annotate(
        f"× {stenosis['grad'][k] / stenosis['grad'][0]:.2f} at the throat (R halved)",
        (stenosis["z"][k] / MM, stenosis["grad"][k] / MMHG / CM_PER_M),
        xytext=(-8, -6),
        textcoords="offset points",
        ha="right",
        fontsize=9,
    )
    ax1.legend(fontsize=9)
    ax2.legend(fontsize=9, loc="center left")
    ax3.legend(fontsize=9)
    fig.suptitle(
        f"Hagen–Poiseuille flow of blood (μ = {BLOOD_VISCOSITY * 1e3:g} mPa s) "
        f"at {FLOW / ML:g} mL/s"
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
