"""
Field strength read off equipotential spacing
=============================================

Engineers read the strength of an electric field off a plot of
equipotentials: where the lines crowd together, |grad V| is large. This
example measures that spacing in a capacitor filled with two dielectrics and
shows that the field is 2.5 times stronger in the layer with the smaller
permittivity, exactly as the physics says, and how accurate the reading is.

Lines a voltage step dV apart and a distance dn apart mean
|grad V| ~ dV/dn. Here the lines are traced by matplotlib's contour generator
and their spacing is measured, in a parallel-plate capacitor with two
dielectric layers, eps_A = 2 and eps_B = 5, joined by a graded interface. The
displacement D = eps0 eps_r E is the same in both layers, so the field in A
is eps_B / eps_A = 2.5 times stronger and its equipotentials are 2.5 times
closer. The estimate is the mean of |grad V| across the gap between two
lines, so at the midpoint it is exact where V is linear and off by
g'' dn^2 / (24 g) in the graded interface (g = |grad V| along the normal):
the error is predicted, then measured. Lengths are in millimetres, so
gradients come out in V/mm = kV/m.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad.physics import ContourSpacing, contour_spacing_gradient
from fieldgrad.report import check, write_report

NAME = "contour_spacing"
EPSILON_0 = 8.8541878128e-12  # vacuum permittivity, F/m
M_PER_MM = 1e-3
GAP = 10.0  # plate separation, mm
HEIGHT = 4.0  # height of the cross-section shown, far from the plate edges, mm
INTERFACE = 5.0  # where layer A (at the live plate) meets layer B, mm
INTERFACE_WIDTH = 0.4  # e-folding half-width of the graded interface, mm
EPS_A, EPS_B = 2.0, 5.0  # relative permittivities (e.g. PTFE-like and glass-like)
V0 = 1000.0  # volts on the plate at x = 0; the plate at x = GAP is grounded
STEP = 50.0  # volts between neighbouring equipotentials
CORE = 4 * INTERFACE_WIDTH  # region cores start this far from the interface, mm
SAFETY = 1.25  # margin of the stated error bounds over their leading-order terms

# 1/eps_r(x) goes smoothly from 1/eps_A to 1/eps_B (a tanh profile), so
# E = D / (eps0 eps_r) and V have closed forms.
MEAN = (1 / EPS_A + 1 / EPS_B) / 2
HALF_JUMP = (1 / EPS_B - 1 / EPS_A) / 2


def log_cosh(u: np.ndarray) -> np.ndarray:
    """log(cosh(u)) without overflow."""
    return np.logaddexp(u, -u) - np.log(2)


def elastance_integral(x: np.ndarray) -> np.ndarray:
    """Integral of 1/eps_r from the live plate to x (mm)."""
    u, u0 = (x - INTERFACE) / INTERFACE_WIDTH, -INTERFACE / INTERFACE_WIDTH
    return MEAN * x + HALF_JUMP * INTERFACE_WIDTH * (log_cosh(u) - log_cosh(u0))


# The free charge on the plates fixes D: V0 = (D / eps0) * integral of 1/eps_r over the gap.
D_OVER_EPS0 = V0 / float(elastance_integral(np.array(GAP)))  # V/mm
PLATE_CHARGE = EPSILON_0 * D_OVER_EPS0 / M_PER_MM  # sigma = D, C/m^2


def potential(x: np.ndarray) -> np.ndarray:
    """Exact V(x) in volts."""
    return V0 - D_OVER_EPS0 * elastance_integral(x)


def field_strength(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact g = |grad V| = D / (eps0 eps_r(x)) and its first two x-derivatives."""
    u = (x - INTERFACE) / INTERFACE_WIDTH
    sech2 = 1 / np.cosh(u) ** 2
    g = D_OVER_EPS0 * (MEAN + HALF_JUMP * np.tanh(u))
    g1 = D_OVER_EPS0 * HALF_JUMP * sech2 / INTERFACE_WIDTH
    g2 = -2 * D_OVER_EPS0 * HALF_JUMP * sech2 * np.tanh(u) / INTERFACE_WIDTH**2
    return g, g1, g2


def run(outdir: str | Path, quick: bool = False) -> dict:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)

    # A cross-section of the capacitor: x across the gap, y along the plates.
    nx = 200 if quick else 2000
    grid = fg.CartesianGrid(bounds=[(0, GAP), (0, HEIGHT)], shape=(nx, nx * 2 // 5))
    V = fg.ScalarField.from_function(
        grid, lambda x, y: potential(x) + 0 * y, name="potential", units="V"
    )
    E = V.gradient_norm()  # fieldgrad's |grad V|, for the map and the last row

    # The engineer's estimate from the traced equipotentials.
    levels = np.arange(STEP, V0, STEP)
    est = contour_spacing_gradient(V, levels)
    x_mid = est.midpoints[:, 0]
    exact = field_strength(x_mid)[0]
    rel_err = (est.gradient_norm - exact) / exact

    # Stated error of the estimate: it is the mean of g over the gap d = STEP / g, so
    # (estimate - g) / g = g'' d^2 / (24 g) + O(d^4). Linear interpolation of V along
    # the grid edges moves each traced line by at most |g'| h^2 / (8 g): a relative
    # spacing error of at most |g'| h^2 / (4 g d). atol = SAFETY * max of the sum.
    h = grid.spacing[0]
    xs = np.linspace(0, GAP, 20001)
    g, g1, g2 = field_strength(xs)
    d = STEP / g
    predicted = g2 * d**2 / (24 * g)
    spacing_atol = SAFETY * float(np.max(np.abs(predicted) + np.abs(g1) * h**2 / (4 * g * d)))
    # fieldgrad's central differences: relative error |g''| h^2 / (6 g).
    norm_atol = SAFETY * float(np.max(np.abs(g2) * h**2 / (6 * g)))

    in_a, in_b = x_mid < INTERFACE - CORE, x_mid > INTERFACE + CORE
    ratio = np.median(est.gradient_norm[in_a]) / np.median(est.gradient_norm[in_b])
    exact_on_grid = field_strength(grid.coords["x"])[0][:, None]
    norm_err = np.max(np.abs(E.data - exact_on_grid) / exact_on_grid)

    rows = [
        check("field_ratio_A_over_B", ratio, EPS_B / EPS_A, rtol=1e-3),
        check(
            "max_rel_error_of_spacing_estimate",
            np.max(np.abs(rel_err)),
            0.0,
            rtol=0.0,
            atol=spacing_atol,
        ),
        check("max_rel_error_fieldgrad_norm", norm_err, 0.0, rtol=0.0, atol=norm_atol),
    ]
    print(f"stated atol: spacing estimate {spacing_atol:.3g}, fieldgrad norm {norm_atol:.3g}")

    spacing = {
        "A": np.median(est.spacing[in_a]),
        "B": np.median(est.spacing[in_b]),
    }
    plot(outdir / f"{NAME}.png", V, E, levels, est, rel_err, xs, predicted, spacing)
    return write_report(NAME, rows, outdir)


def plot(
    path: Path,
    V: fg.ScalarField,
    E: fg.ScalarField,
    levels: np.ndarray,
    est: ContourSpacing,
    rel_err: np.ndarray,
    xs: np.ndarray,
    predicted: np.ndarray,
    spacing: dict[str, float],
) -> None:
    """Equipotentials over the field map, the estimate across the gap, and its error."""
    fig = plt.figure(figsize=(11, 8.5), layout="constrained")
    cells = fig.add_gridspec(2, 2, height_ratios=[1, 1.1])
    ax = fig.add_subplot(cells[0, :])
    E.name, E.units = "|grad V| from fieldgrad", "kV/m"
    E.plot(ax=ax, contour_field=V, contours=levels, vmin=0)
    ax.set(
        xlabel="x across the gap (mm)",
        ylabel="y along the plates (mm)",
        title=(
            f"Capacitor, {V0:g} V across {GAP:g} mm, plate charge "
            f"{PLATE_CHARGE * 1e6:.2f} µC/m²: equipotentials every {STEP:g} V"
        ),
    )
    for level in levels[3::4]:
        x = np.interp(-level, -potential(xs), xs)  # V falls with x
        ax.text(x, HEIGHT * 0.93, f"{level:g} V", ha="center", va="center", fontsize=8,
                bbox={"facecolor": "w", "edgecolor": "none", "pad": 1})  # fmt: skip
    for x0, eps, key in ((INTERFACE / 2, EPS_A, "A"), ((INTERFACE + GAP) / 2, EPS_B, "B")):
        ax.text(x0, HEIGHT * 0.45, f"{key}: eps_r = {eps:g}\nlines {spacing[key]:.3f} mm apart",
                ha="center", va="center", fontsize=11,
                bbox={"facecolor": "w", "alpha": 0.85, "edgecolor": "none"})  # fmt: skip

    ax1, ax2 = fig.add_subplot(cells[1, 0]), fig.add_subplot(cells[1, 1])
    ax1.plot(xs, field_strength(xs)[0], "k", lw=1.5, label="exact D / (eps0 eps_r)")
    ax1.plot(V.grid.coords["x"], E.data[:, 0], "C1--", lw=1.2, label="fieldgrad |grad V|")
    ax1.plot(est.midpoints[:, 0], est.gradient_norm, "o", color="C0", ms=4, mfc="none",
             label="dV / dn from contour spacing")  # fmt: skip
    ax1.set(xlabel="x across the gap (mm)", ylabel="|grad V| (kV/m)",
            title="Field strength across the gap")  # fmt: skip
    ax1.legend(loc="upper right", fontsize=9)
    ax2.axhline(0, color="0.7", lw=0.8)
    ax2.plot(xs, 100 * predicted, "k", lw=1.2, label="predicted g'' dn² / (24 g)")
    ax2.plot(est.midpoints[:, 0], 100 * rel_err, "o", color="C0", ms=4, mfc="none",
             label="measured (dV/dn − g) / g")  # fmt: skip
    ax2.set(xlabel="x across the gap (mm)", ylabel="relative error of dV/dn (%)",
            title="Error of the spacing estimate at the midpoints")  # fmt: skip
    ax2.set_xlim(INTERFACE - 2.5, INTERFACE + 2.5)
    ax2.legend(fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
