"""Gradient-norm penalty: J = f + lambda |grad f|^2 shrinks the basin of a sharp minimum
=====================================================================================

Penalising the squared steepness, as gradient-norm regularisation does when
training neural networks, should steer descent away from sharp minima.  Here
f = q1 q2 / (q1 + q2) joins a sharp quadratic well q1 (curvature 8) and a flat
one q2 (curvature 1), both of depth exactly 0, through a saddle.  The gradient
of J = f + lambda |grad f|^2 is (I + 2 lambda H) grad f, so the minimisers stay
where they are, but a well of curvature k steepens to k (1 + 2 lambda k): the
sharp well's walls rise far more than the flat one's, and its basin halves.
The penalty also creates stationary points where grad f is an eigenvector of
the Hessian H with eigenvalue -1 / (2 lambda), here on the steep walls either
side of the saddle, and the saddle itself, where f curves down by
h < -1 / (2 lambda), becomes a minimum of J (curvature h (1 + 2 lambda h) > 0)
that catches the starts in between.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import scipy.optimize

from fieldgrad.landscapes import gradient_norm_penalty, minimize
from fieldgrad.report import check, save_figure, write_report

NAME = "gradient_norm_penalty"
SHARP = np.array([-1.0, 0.0])  # the minimisers of f (f = 0 exactly there)
FLAT = np.array([2.0, 0.0])
K_SHARP, K_FLAT = 8.0, 1.0  # curvatures of the two wells
SADDLE = np.array([0.0, 0.0])  # where grad f = 0 between them (q_sharp = 4, q_flat = 2)
LAM = 0.2
LR = 0.03  # stable for plain descent on f and on J: lr * max curvature < 2 everywhere
GTOL = 1e-6
#: An end point within this distance of a stationary point counts as reaching it.
REACHED = 1e-3
BOX = ((-3.0, 5.0), (-3.0, 3.0))
ENDS = {"sharp": SHARP, "flat": FLAT, "saddle": SADDLE}


def _wells(p: np.ndarray) -> tuple[np.ndarray, ...]:
    """q_i = k_i |p - c_i|^2 / 2 and their gradients, for points of shape (2, ...)."""
    col = (2,) + (1,) * (p.ndim - 1)
    g1 = K_SHARP * (p - SHARP.reshape(col))
    g2 = K_FLAT * (p - FLAT.reshape(col))
    q1 = 0.5 * np.sum(g1**2, axis=0) / K_SHARP
    q2 = 0.5 * np.sum(g2**2, axis=0) / K_FLAT
    return q1, q2, g1, g2


def f(p: np.ndarray) -> np.ndarray:
    """f = q1 q2 / (q1 + q2): ~ q1 near the sharp well, ~ q2 near the flat one, 0 at both."""
    q1, q2, _, _ = _wells(np.asarray(p, dtype=float))
    return q1 * q2 / (q1 + q2)


def grad_f(p: np.ndarray) -> np.ndarray:
    """grad f = (q2^2 grad q1 + q1^2 grad q2) / (q1 + q2)^2."""
    q1, q2, g1, g2 = _wells(np.asarray(p, dtype=float))
    return (q2**2 * g1 + q1**2 * g2) / (q1 + q2) ** 2


def hessian_times(p: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H v with H = (q2^2 k1 + q1^2 k2) / s^2 I - 2 u u^T / s^3, u = q2 grad q1 - q1 grad q2."""
    q1, q2, g1, g2 = _wells(p)
    s = q1 + q2
    u = q2 * g1 - q1 * g2
    return (q2**2 * K_SHARP + q1**2 * K_FLAT) / s**2 * v - 2 / s**3 * u * np.sum(u * v, axis=0)


def j_analytic(p: np.ndarray, lam: float) -> np.ndarray:
    """J = f + lam |grad f|^2, written out (the reference, not gradient_norm_penalty)."""
    return f(p) + lam * np.sum(grad_f(p) ** 2, axis=0)


def grad_j_analytic(p: np.ndarray, lam: float) -> np.ndarray:
    """grad J = grad f + 2 lam H grad f, written out with the analytic Hessian."""
    g = grad_f(p)
    return g + 2 * lam * hessian_times(p, g)


def reference_descent(starts: np.ndarray, lam: float, maxiter: int) -> np.ndarray:
    """Plain gradient descent on the analytic J from every start at once: x <- x - lr grad J."""
    x = starts.copy()
    for _ in range(maxiter):
        g = grad_j_analytic(x, lam)
        if np.all(np.sqrt(np.sum(g**2, axis=0)) <= GTOL):
            break
        x = x - LR * g
    return x


def classify(ends: np.ndarray) -> np.ndarray:
    """0 sharp, 1 flat, 2 the saddle of f, 3 anything else, for end points of shape (2, k)."""
    label = np.full(ends.shape[1], 3)
    for i, point in enumerate(ENDS.values()):
        label[np.linalg.norm(ends - point[:, None], axis=0) < REACHED] = i
    return label


def start_grid(nx: int, ny: int) -> np.ndarray:
    """Cell centres of an nx x ny grid over BOX (none lies on the symmetry axis y = 0)."""
    (x0, x1), (y0, y1) = BOX
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    xx, yy = np.meshgrid(xs, ys)
    return np.stack([xx.ravel(), yy.ravel()])


def stationary_points_of_j(lam: float, starts: np.ndarray) -> np.ndarray:
    """Roots of the analytic grad J from many starts (scipy.optimize.root), deduplicated."""
    found: list[np.ndarray] = []
    for x0 in starts.T:
        # a short first step (factor 0.1) keeps the solver near its start on the stiff walls
        sol = scipy.optimize.root(
            lambda p: grad_j_analytic(p, lam), x0, tol=1e-13, options={"factor": 0.1}
        )
        if sol.success and np.linalg.norm(grad_j_analytic(sol.x, lam)) < 1e-9:
            if not any(np.linalg.norm(sol.x - p) < 1e-6 for p in found):
                found.append(sol.x)
    return np.array(sorted(found, key=lambda p: tuple(p)))


def curvature_of_j(J, point: np.ndarray, step: float = 1e-4) -> float:
    """d2J/dx2 at a point, by a central second difference of the package's J."""
    e = np.array([step, 0.0])
    return float((J(point + e) - 2 * J(point) + J(point - e)) / step**2)


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Descend f and J from a grid of starts, find J's stationary points, report the table."""
    starts = start_grid(6, 4) if quick else start_grid(16, 12)
    maxiter = 5_000
    # fieldgrad: minimize on f, and on J from gradient_norm_penalty given f and grad f only
    # (so H grad f is a difference of gradients, not the analytic Hessian of the reference)
    J = gradient_norm_penalty(f, LAM, grad=grad_f)
    ends = {
        0.0: np.array(
            [minimize(f, x0, grad=grad_f, lr=LR, gtol=GTOL, maxiter=maxiter).x for x0 in starts.T]
        ).T,
        LAM: np.array([minimize(J, x0, lr=LR, gtol=GTOL, maxiter=maxiter).x for x0 in starts.T]).T,
    }
    labels = {lam: classify(e) for lam, e in ends.items()}
    ref_labels = {lam: classify(reference_descent(starts, lam, maxiter)) for lam in ends}

    # the minimisers of J: fieldgrad's descent against scipy's BFGS on the analytic J
    minimisers = {}
    for name in ("sharp", "flat"):
        x0 = ENDS[name] + [0.3, 0.2]
        ours = minimize(J, x0, lr=LR, gtol=1e-10, maxiter=maxiter).x
        theirs = scipy.optimize.minimize(
            j_analytic, x0, args=(LAM,), jac=grad_j_analytic, method="BFGS", options={"gtol": 1e-12}
        ).x
        minimisers[name] = (ours, theirs)

    stationary = stationary_points_of_j(LAM, start_grid(20, 16))
    slopes = np.linalg.norm(grad_f(stationary.T), axis=0)
    new = stationary[slopes > 1e-6]  # stationary for J, not for f
    g_new = grad_f(new.T)
    rayleigh = np.sum(g_new * hessian_times(new.T, g_new), axis=0) / np.sum(g_new**2, axis=0)

    fig = _figure(starts, labels, stationary, new, quick)
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    n = starts.shape[1]
    one_start = 1.0 / n

    def fraction(lam: float, which: int, reference: bool = False) -> float:
        return float(np.mean((ref_labels if reference else labels)[lam] == which))

    rows = []
    for lam, tag in ((0.0, "lambda_0"), (LAM, "penalised")):
        for i, name in enumerate(("sharp", "flat")):
            rows.append(
                check(
                    f"{name}_fraction_{tag}",
                    fraction(lam, i),
                    fraction(lam, i, reference=True),
                    atol=one_start,
                )
            )
    rows.append(
        check(
            "saddle_fraction_penalised",
            fraction(LAM, 2),
            fraction(LAM, 2, reference=True),
            atol=one_start,
        )
    )
    for name, (ours, theirs) in minimisers.items():
        rows.append(
            check(f"{name}_minimiser_vs_scipy", float(np.linalg.norm(ours - theirs)), 0, atol=1e-8)
        )
        rows.append(
            check(f"{name}_minimiser_kept", float(np.linalg.norm(ours - ENDS[name])), 0, atol=1e-8)
        )
    for name, k in (("sharp", K_SHARP), ("flat", K_FLAT)):
        rows.append(
            check(
                f"{name}_curvature_of_j",
                curvature_of_j(J, ENDS[name]),
                k * (1 + 2 * LAM * k),
                rtol=1e-5,
            )
        )
    rows.append(
        check(
            "new_stationary_points_curvature_along_grad",
            rayleigh[np.argmax(np.abs(rayleigh + 1 / (2 * LAM)))],
            -1 / (2 * LAM),
            rtol=1e-6,
        )
    )
    return write_report(NAME, rows, outdir)


COLORS = ["tab:red", "tab:blue", "tab:orange", "grey"]
END_LABELS = ["start → sharp minimum", "start → flat minimum", "start → f's saddle", "elsewhere"]


def _figure(starts, labels, stationary, new, quick):
    """Basins of f and of J (reference loop on a fine grid, fieldgrad's starts on top)."""
    fine = start_grid(80, 60) if quick else start_grid(240, 180)
    xs = np.unique(fine[0])
    ys = np.unique(fine[1])
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.4), width_ratios=[1, 1, 0.9])
    cmap = plt.matplotlib.colors.ListedColormap([c for c in COLORS])
    for ax, lam in zip(axes[:2], (0.0, LAM), strict=True):
        basin = classify(reference_descent(fine, lam, 5_000)).reshape(len(ys), len(xs))
        ax.pcolormesh(xs, ys, basin, cmap=cmap, vmin=-0.5, vmax=3.5, alpha=0.35, shading="nearest")
        xx, yy = np.meshgrid(xs, ys)
        level = j_analytic(np.stack([xx, yy]), lam)
        ax.contour(xs, ys, level, levels=np.geomspace(0.05, 40, 12), colors="k", linewidths=0.6)
        for i, name in enumerate(END_LABELS):
            sel = labels[lam] == i
            if sel.any():
                ax.plot(*starts[:, sel], "o", color=COLORS[i], mec="k", ms=5, label=name)
        ax.plot(*SHARP, "*", color="gold", mec="k", ms=15)
        ax.plot(*FLAT, "*", color="gold", mec="k", ms=15)
        ax.set(xlabel="x", ylabel="y", aspect="equal", xlim=BOX[0], ylim=BOX[1])
    axes[0].set_title("f: where plain descent ends (dots: fieldgrad)")
    axes[1].set_title(f"J = f + {LAM:g} |∇f|²: the sharp basin shrinks")
    axes[1].plot(
        *SADDLE, "P", color="tab:orange", mec="k", ms=11, label="f's saddle: a minimum of J"
    )
    axes[1].plot(*new.T, "X", color="white", mec="k", ms=11, label="new stationary points of J")
    axes[0].legend(fontsize=8, loc="upper right", framealpha=0.9)
    axes[1].legend(fontsize=8, loc="upper right", framealpha=0.9)

    # along the axis y = 0 through both wells
    t = np.linspace(-2.2, 3.5, 800)
    line = np.stack([t, np.zeros_like(t)])
    ax = axes[2]
    ax.plot(t, f(line), color="k", label="f")
    ax.plot(t, j_analytic(line, LAM), color="tab:purple", label="J")
    for p in stationary:
        ax.axvline(p[0], color="grey", lw=0.5, ls=":")
    ax.plot(
        new[:, 0],
        j_analytic(new.T, LAM),
        "X",
        color="white",
        mec="k",
        ms=10,
        label="new stationary points: H ∇f = -∇f / (2λ)",
    )
    ax.plot(
        *SADDLE[:1],
        j_analytic(SADDLE, LAM),
        "P",
        color="tab:orange",
        mec="k",
        ms=10,
        label="f's saddle: a minimum of J",
    )
    ax.set(
        xlabel="x (y = 0)",
        ylabel="value",
        ylim=(-0.2, 4),
        title="Along the line through both wells",
    )
    ax.legend(fontsize=8, loc="upper center")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
