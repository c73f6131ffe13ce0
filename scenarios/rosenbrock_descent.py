"""Five first-order optimisers in Rosenbrock's banana valley, gradient norm at every step.
=======================================================================================

Gradient descent, heavy-ball momentum, Nesterov momentum, normalized steps and
an Armijo line search all start at the classic point (-1.2, 1) and stop when
|grad f| <= gtol.  The valley floor is flat and curved while its walls are
steep (Hessian eigenvalues 0.4 and 1001.6 at the minimum), so every method
spends most of its iterations creeping along the floor; momentum gets there
about ten times sooner although its gradient norm rises again and again on the
way.  scipy's BFGS, which also uses curvature, is shown for comparison.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize

from fieldgrad.landscapes import minimize, rosenbrock, rosenbrock_gradient
from fieldgrad.report import check, save_figure, write_report

NAME = "rosenbrock_descent"
START = np.array([-1.2, 1.0])
MINIMUM = np.array([1.0, 1.0])  # analytic minimiser of the Rosenbrock function
# Hessian at the minimum, analytically: [[2 + 800, -400], [-400, 200]]
HESSIAN_AT_MINIMUM = np.array([[802.0, -400.0], [-400.0, 200.0]])
#: method -> learning rate
RUNS = {
    "gd": 1e-3,
    "momentum": 1e-3,
    "nesterov": 1e-3,
    "normalized": 0.1,
    "backtracking": 1.0,
}
COLORS = {
    "gd": "tab:blue",
    "momentum": "tab:orange",
    "nesterov": "tab:red",
    "normalized": "tab:purple",
    "backtracking": "tab:green",
    "BFGS (scipy)": "black",
}


def _thinned(n: int, count: int = 3000) -> np.ndarray:
    """At most ~count log-spaced indices into n points: every early one, and the last."""
    return np.unique(np.append(np.geomspace(1, n, count).astype(int), n)) - 1


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Run every method, draw paths and gradient norms, and report the table."""
    gtol = 1e-2 if quick else 1e-5
    maxiter = 10_000 if quick else 40_000
    results = {
        method: minimize(
            rosenbrock,
            START,
            grad=rosenbrock_gradient,
            method=method,
            lr=lr,
            gtol=gtol,
            maxiter=maxiter,
        )
        for method, lr in RUNS.items()
    }

    bfgs_path = [START]
    bfgs = scipy.optimize.minimize(
        rosenbrock,
        START,
        jac=rosenbrock_gradient,
        method="BFGS",
        options={"gtol": gtol},
        callback=lambda xk: bfgs_path.append(np.copy(xk)),
    )
    bfgs_norms = [np.linalg.norm(rosenbrock_gradient(p)) for p in bfgs_path]

    # Near the minimum |x - x*| <= |grad f| / lambda_min(H); allow twice that.
    lambda_min = np.linalg.eigvalsh(HESSIAN_AT_MINIMUM)[0]
    atol = 2 * gtol / lambda_min

    fig, (ax_path, ax_norm) = plt.subplots(1, 2, figsize=(13, 5.5))
    n_plot = 200 if quick else 400
    xx, yy = np.meshgrid(np.linspace(-2, 2, n_plot), np.linspace(-1, 3, n_plot))
    surface = ax_path.contourf(
        xx,
        yy,
        rosenbrock(np.stack([xx, yy])),
        levels=np.logspace(-3, 3.5, 14),
        cmap="bone_r",
        norm="log",
        extend="both",
    )
    fig.colorbar(surface, ax=ax_path, label="f(x, y)")
    for method, res in results.items():
        shown = _thinned(res.nit + 1)
        label = f"{method} ({res.nit} it.)"
        ax_path.plot(*res.path[shown].T, color=COLORS[method], lw=1.2, label=label)
        ax_norm.loglog(shown + 1, res.grad_norms[shown], color=COLORS[method], lw=1, label=method)
    ax_path.plot(
        *np.array(bfgs_path).T,
        "o-",
        color="black",
        ms=3,
        lw=1,
        label=f"BFGS, scipy ({bfgs.nit} it.)",
    )
    ax_norm.loglog(
        np.arange(1, len(bfgs_norms) + 1),
        bfgs_norms,
        "o-",
        color="black",
        ms=3,
        lw=1,
        label="BFGS (scipy)",
    )
    ax_path.plot(*START, "s", color="white", mec="black", label="start (-1.2, 1)")
    ax_path.plot(*MINIMUM, "*", color="gold", mec="black", ms=14, label="minimum (1, 1)")
    ax_path.set(xlabel="x", ylabel="y", title="Paths over f(x, y) = 100 (y - x²)² + (1 - x)²")
    ax_path.legend(loc="upper left", fontsize=8)
    ax_norm.axhline(gtol, color="grey", ls=":", label=f"gtol = {gtol:g}")
    ax_norm.set(
        xlabel="iteration + 1",
        ylabel="|grad f|",
        title="Gradient norm along the way (momentum's rises and falls)",
    )
    ax_norm.legend(fontsize=8)
    fig.suptitle("Rosenbrock descent: the gradient norm at every step")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    def distance(res: scipy.optimize.OptimizeResult) -> float:
        return float(np.linalg.norm(res.x - MINIMUM))

    momentum = results["momentum"]
    rises = bool(np.any(np.diff(momentum.grad_norms) > 0)) and momentum.success
    rows = [
        check("gd_reaches_minimum", distance(results["gd"]), 0.0, atol=atol),
        check("momentum_reaches_minimum", distance(momentum), 0.0, atol=atol),
        check("nesterov_reaches_minimum", distance(results["nesterov"]), 0.0, atol=atol),
        check("backtracking_reaches_minimum", distance(results["backtracking"]), 0.0, atol=atol),
        check("momentum_grad_norm_increases_at_least_once", float(rises), 1.0, atol=0.0),
        check("bfgs_reaches_minimum", distance(bfgs), 0.0, atol=atol),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    run("results")
