"""Five first-order optimisers in Rosenbrock's banana valley, gradient norm at every step.
=======================================================================================

Gradient descent, heavy-ball momentum, Nesterov momentum, normalized steps and
an Armijo line search all start at the classic point (-1.2, 1) and stop when
|grad f| <= gtol.  The valley floor is flat and curved while its walls are
steep (Hessian eigenvalues 0.4 and 1001.6 at the minimum), so every method
spends most of its iterations creeping along the floor; momentum gets there
about ten times sooner although its gradient norm rises again and again on the
way, but so does plain descent's here: the valley is not convex.  scipy's BFGS,
which also uses curvature, is shown for comparison.  On a convex quadratic
(curvatures 1 and 100) momentum is isolated: with lr < 2 / L every
eigencomponent of the gradient shrinks by |1 - lr lambda| < 1 per step, so
plain descent's gradient norm never rises, while heavy ball's does, and heavy
ball still reaches the same gtol about five times sooner.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize

from fieldgrad.landscapes import Quadratic, minimize, rosenbrock, rosenbrock_gradient
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
    "normalized_adaptive": 0.1,
    "backtracking": 1.0,
}
COLORS = {
    "gd": "tab:blue",
    "momentum": "tab:orange",
    "nesterov": "tab:red",
    "normalized_adaptive": "tab:purple",
    "backtracking": "tab:green",
    "BFGS (scipy)": "black",
}

#: The convex quadratic on which momentum is isolated: curvatures 1 and L = 100, rotated 30°.
_ROT = np.array([[np.cos(np.pi / 6), -np.sin(np.pi / 6)], [np.sin(np.pi / 6), np.cos(np.pi / 6)]])
CURVATURES = np.array([1.0, 100.0])
QUADRATIC = Quadratic(_ROT @ np.diag(CURVATURES) @ _ROT.T)
QUADRATIC_LR = 1 / CURVATURES[-1]  # < 2 / L: |1 - lr lambda| < 1 for both curvatures
QUADRATIC_MOMENTUM = 0.9
QUADRATIC_GTOL = 1e-8


def closed_form_grad_norms(mu: float, n: int) -> np.ndarray:
    """|grad f| at steps 0..n-1 of heavy ball (gd for mu = 0) on QUADRATIC, from START.

    In the eigenbasis each component e of x obeys e_{k+1} = (1 + mu - lr lam) e_k - mu e_{k-1}
    with e_1 = (1 - lr lam) e_0, so e_k = alpha z1^k + beta z2^k, z the roots of
    z^2 - (1 + mu - lr lam) z + mu = 0; the gradient component is lam e_k.
    """
    lam, lr = CURVATURES, QUADRATIC_LR
    e0 = _ROT.T @ START
    k = np.arange(n)[:, None]
    if mu == 0:  # gradient descent: e_k = (1 - lr lam)^k e_0
        e = (1 - lr * lam) ** k * e0
    else:
        b = 1 + mu - lr * lam
        disc = np.sqrt((b**2 - 4 * mu).astype(complex))
        z1, z2 = (b + disc) / 2, (b - disc) / 2
        e1 = (1 - lr * lam) * e0
        alpha = (e1 - z2 * e0) / (z1 - z2)
        beta = e0 - alpha
        e = np.real(alpha * z1**k + beta * z2**k)
    return np.linalg.norm(lam * e, axis=1)


def rises(norms: np.ndarray) -> int:
    """How many steps increase the gradient norm."""
    return int(np.sum(np.diff(norms) > 0))


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

    quadratic = {
        mu: minimize(
            QUADRATIC,
            START,
            method="momentum" if mu else "gd",
            lr=QUADRATIC_LR,
            momentum=mu,
            gtol=QUADRATIC_GTOL,
            maxiter=100_000,
        )
        for mu in (0.0, QUADRATIC_MOMENTUM)
    }
    # the closed forms, long enough to pass gtol; their first k with |g_k| <= gtol
    closed = {mu: closed_form_grad_norms(mu, 2 * res.nit + 10) for mu, res in quadratic.items()}
    closed_nit = {mu: int(np.argmax(norms <= QUADRATIC_GTOL)) for mu, norms in closed.items()}

    # Near the minimum |x - x*| <= |grad f| / lambda_min(H); allow twice that.
    lambda_min = np.linalg.eigvalsh(HESSIAN_AT_MINIMUM)[0]
    atol = 2 * gtol / lambda_min

    fig, (ax_path, ax_norm, ax_quad) = plt.subplots(1, 3, figsize=(19, 5.5))
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
    for mu, res in quadratic.items():
        label = f"momentum {mu:g}" if mu else "gd"
        color = "tab:orange" if mu else "tab:blue"
        k = np.arange(res.nit + 1)
        ax_quad.semilogy(k, res.grad_norms, color=color, lw=1.2, label=f"{label} ({res.nit} it.)")
        ax_quad.semilogy(
            k, closed[mu][: res.nit + 1], ":", color="black", lw=1, label=f"{label}: closed form"
        )
        up = np.flatnonzero(np.diff(res.grad_norms) > 0) + 1
        if up.size:
            ax_quad.semilogy(
                up, res.grad_norms[up], "^", color=color, ms=2, alpha=0.6, label=f"{label}: rises"
            )
    ax_quad.axhline(QUADRATIC_GTOL, color="grey", ls=":")
    ax_quad.set(
        xlabel="iteration",
        ylabel="|grad f|",
        title=f"Convex quadratic, curvatures 1 and 100, lr = {QUADRATIC_LR:g}",
    )
    ax_quad.legend(fontsize=8)
    fig.suptitle("Rosenbrock descent: the gradient norm at every step")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    def distance(res: scipy.optimize.OptimizeResult) -> float:
        return float(np.linalg.norm(res.x - MINIMUM))

    momentum = results["momentum"]
    momentum_rose = rises(momentum.grad_norms) > 0 and momentum.success
    rows = [
        check("gd_reaches_minimum", distance(results["gd"]), 0.0, atol=atol),
        check("momentum_reaches_minimum", distance(momentum), 0.0, atol=atol),
        check("nesterov_reaches_minimum", distance(results["nesterov"]), 0.0, atol=atol),
        check("backtracking_reaches_minimum", distance(results["backtracking"]), 0.0, atol=atol),
        check("momentum_grad_norm_increases_at_least_once", float(momentum_rose), 1.0, atol=0.0),
        check("bfgs_reaches_minimum", distance(bfgs), 0.0, atol=atol),
        # momentum isolated: plain descent's norm never rises on a convex quadratic (proof)
        check("quadratic_gd_grad_norm_rises", rises(quadratic[0.0].grad_norms), 0, atol=0),
        check(
            "quadratic_momentum_grad_norm_rises",
            rises(quadratic[QUADRATIC_MOMENTUM].grad_norms),
            rises(closed[QUADRATIC_MOMENTUM][: closed_nit[QUADRATIC_MOMENTUM] + 1]),
            atol=0,
        ),
        check("quadratic_gd_iterations_to_gtol", quadratic[0.0].nit, closed_nit[0.0], atol=0),
        check(
            "quadratic_momentum_iterations_to_gtol",
            quadratic[QUADRATIC_MOMENTUM].nit,
            closed_nit[QUADRATIC_MOMENTUM],
            atol=0,
        ),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
