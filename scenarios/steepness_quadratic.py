"""Steepness of the bowl f = x² + 3y²: its gradient and three gradient norms at (2, 1).
====================================================================================

The gradient of f is (2x, 6y), so at (2, 1) it is (4, 6): the Euclidean (L2)
norm ("steepness") is √52 ≈ 7.21, the square root of the sum of squares; the
sum of squares itself, 52, is the squared L2 norm, not a norm (it does not scale
like the gradient: doubling g quadruples it).  The L1 norm, the sum of
magnitudes, is 10, and the L∞ norm, the largest magnitude, is 6.  The
distinction matters wherever a threshold is set on "the gradient norm":
clipping to a maximum norm of 10 leaves this gradient alone in L2 (7.21) and
L1 (10), but a threshold compared with the squared norm (52) would clip it, and
a threshold meant for the squared norm must be squared when applied to the norm.
We get the gradient twice, independently: from f as a Python function (scipy's
adaptive finite differences at the point) and from f sampled on a Cartesian grid
(fieldgrad's gradient, interpolated to the point).  Second-order differences
are exact for a quadratic, so the grid result agrees to rounding error.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from scipy.differentiate import jacobian

import fieldgrad as fg
from fieldgrad.plotting import plot_field
from fieldgrad.report import check, save_figure, write_report

NAME = "steepness_quadratic"
POINT = np.array([2.0, 1.0])
# Analytic gradient at (2, 1): (2 x, 6 y) = (4, 6).
EXACT_GRADIENT = np.array([4.0, 6.0])
# Second-order differences and linear interpolation are exact for this quadratic.
RTOL = 1e-9


def bowl(x, y):
    """f(x, y) = x² + 3 y²."""
    return x**2 + 3 * y**2


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Compare the gradient norms at (2, 1) with the analytic values; draw the bowl."""
    # 1. f as a callable: scipy differentiates it at the point.
    at_point = jacobian(lambda p: bowl(p[0], p[1]), POINT).df

    # 2. f as a field on a grid: fieldgrad's gradient, interpolated at the point.
    shape = (60, 40) if quick else (480, 320)
    grid = fg.CartesianGrid(bounds=[(-3, 3), (-2, 2)], shape=shape)
    f = fg.ScalarField.from_function(grid, bowl, name="f = x² + 3y²")
    grad = f.gradient()
    on_grid = grad.interpolate(POINT)

    norms = {ord_: float(np.linalg.norm(on_grid, ord=ord_)) for ord_ in (1, 2, np.inf)}
    rows = [
        check("grad_norm_at_2_1", norms[2], np.sqrt(52.0), rtol=RTOL),
        check("grad_l1_at_2_1", norms[1], 10.0, rtol=RTOL),
        check("grad_linf_at_2_1", norms[np.inf], 6.0, rtol=RTOL),
        # the squared L2 norm: the sum of the squares, 4^2 + 6^2
        check("grad_norm_squared_at_2_1", float(np.sum(on_grid**2)), 52.0, rtol=RTOL),
        check("jacobian_grad_norm_at_2_1", np.linalg.norm(at_point), np.sqrt(52.0), rtol=RTOL),
    ]

    fig, (ax, ax_norms) = plt.subplots(1, 2, figsize=(13, 5.2), width_ratios=[1.5, 1])
    # Colour: the steepness |grad f|; lines: the level sets of f; arrows: grad f.
    steepness = f.gradient_norm()
    steepness.name = "|grad f|"
    plot_field(steepness, ax, vectors=grad, contour_field=f, contours=12)
    ax.annotate(
        "",
        xy=POINT + 0.08 * EXACT_GRADIENT,
        xytext=POINT,
        arrowprops=dict(arrowstyle="-|>", color="crimson", lw=2.5),
    )
    ax.plot(*POINT, "o", color="crimson", ms=7)
    ax.annotate(
        "∇f(2, 1) = (4, 6)\n|∇f| = √52 ≈ 7.21",
        xy=POINT,
        xytext=(0.9, 1.35),
        ha="right",
        fontsize=10,
        bbox=dict(boxstyle="round", fc="white", ec="crimson"),
        arrowprops=dict(arrowstyle="-", color="crimson"),
    )
    ax.set_title("The bowl f = x² + 3y²: level sets, gradient and steepness")

    # Each norm's ball through g = (4, 6): g lies on the diamond, circle and square.
    g = on_grid
    t = np.linspace(0, 2 * np.pi, 400)
    n1, n2, ninf = norms[1], norms[2], norms[np.inf]
    ax_norms.plot([n1, 0, -n1, 0, n1], [0, n1, 0, -n1, 0], label=f"|g|₁ = {n1:.4g}")
    ax_norms.plot(
        n2 * np.cos(t), n2 * np.sin(t), label=f"|g|₂ = √52 = {n2:.4g}  (|g|₂² = {n2**2:.4g})"
    )
    square = [-ninf, ninf, ninf, -ninf, -ninf]
    ax_norms.plot(square, np.roll(square, 1), label=f"|g|∞ = {ninf:.4g}")
    ax_norms.annotate("", xy=g, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", lw=2))
    ax_norms.plot(*g, "o", color="crimson", ms=6, label=f"g = ∇f(2, 1) = ({g[0]:.3g}, {g[1]:.3g})")
    ax_norms.set(
        xlabel="∂f/∂x",
        ylabel="∂f/∂y",
        aspect="equal",
        title="g = ∇f(2, 1) on the balls of three norms",
    )
    ax_norms.axhline(0, color="grey", lw=0.5)
    ax_norms.axvline(0, color="grey", lw=0.5)
    ax_norms.legend(loc="lower left", fontsize=9)
    fig.tight_layout()

    save_figure(fig, NAME, outdir, dpi=80 if quick else 130)
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
