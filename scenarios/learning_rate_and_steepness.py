"""A fixed learning rate overshoots where the landscape is steep and crawls where it is flat.
==========================================================================================

On the quartic bowl f(x, y) = (x^2 + 2 y^2)^2 / 4 the steepness |grad f| grows
like r^3: steep far out, flat near the minimum at the origin.  Gradient
descent with a fixed learning rate lr moves by lr |grad f|, so far out it
overshoots (from r > sqrt(2 / lr) on the x-axis it diverges) and near the
minimum it crawls: r_k -> 1 / sqrt(2 lr k) whatever the start.  Normalized
descent, x <- x - h grad f / |grad f|, ignores the steepness altogether: every
step has length h, so it reaches the minimum's neighbourhood at constant speed,
then steps back and forth across the minimum, within h of it, for ever.
Halving h whenever f would rise ("normalized_adaptive") and an Armijo line
search with a generous first trial step settle at the minimum in a few dozen
iterations; a line search whose first trial is 1 crawls like gradient descent,
because backtracking only ever shortens steps.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fieldgrad.landscapes import minimize
from fieldgrad.report import Row, check, save_figure, write_report

NAME = "learning_rate_and_steepness"
START = np.array([2.5, 1.5])
GTOL = 1e-9
#: |grad f| >= r^3 on this landscape, so |grad f| <= gtol puts the point within gtol^(1/3)
DISTANCE_BOUND = GTOL ** (1 / 3)
#: label -> (method, learning rate)
RUNS = {
    "gd, lr = 0.05": ("gd", 0.05),
    "gd, lr = 0.005": ("gd", 0.005),
    "normalized, h = 0.25": ("normalized", 0.25),
    "normalized_adaptive, h from 0.25": ("normalized_adaptive", 0.25),
    "backtracking, first trial 1e8": ("backtracking", 1e8),
    "backtracking, first trial 1": ("backtracking", 1.0),
}
COLORS = ["tab:blue", "tab:cyan", "tab:red", "tab:purple", "tab:green", "tab:olive"]
#: Step length of the fixed-step normalized run.
H = RUNS["normalized, h = 0.25"][1]
#: The direction of grad f is that of A x with A = diag(1, 2) (f is a function of x^T A x),
#: whose cosine with x is at least 2 sqrt(2) / 3; so the distance falls while it is at least
#: h / (2 cos) and the iterates never leave the ball of radius h sqrt(1 + 1 / (4 cos^2)).
MIN_COSINE = 2 * np.sqrt(2) / 3
BALL_OVER_H = np.sqrt(1 + 1 / (4 * MIN_COSINE**2))
#: The last iterates of the fixed-step run, over which the final oscillation is measured.
TAIL = 100


def bowl(p: np.ndarray) -> float:
    """f(x, y) = (x^2 + 2 y^2)^2 / 4, minimum 0 at the origin."""
    return 0.25 * (p[0] ** 2 + 2 * p[1] ** 2) ** 2


def bowl_gradient(p: np.ndarray) -> np.ndarray:
    """grad f = (x^2 + 2 y^2) (x, 2 y)."""
    s = p[0] ** 2 + 2 * p[1] ** 2
    return np.array([s * p[0], 2 * s * p[1]])


def gd_diverges(r0: float, lr: float) -> bool:
    """Whether gradient descent from (r0, 0) blows up within 200 iterations."""
    res = minimize(bowl, [r0, 0.0], grad=bowl_gradient, method="gd", lr=lr, maxiter=200)
    return not res.success and res.message.startswith("diverged")


def divergence_radius(lr: float, *, rtol: float = 1e-6) -> float:
    """Bisect for the start radius on the x-axis beyond which gd diverges."""
    lo, hi = 0.5 * np.sqrt(2 / lr), 2 * np.sqrt(2 / lr)
    while hi - lo > rtol * lo:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if gd_diverges(mid, lr) else (mid, hi)
    return 0.5 * (lo + hi)


def at_most(quantity: str, computed: float, bound: float) -> Row:
    """A row that is ok when the computed value does not exceed the bound (the reference)."""
    computed, bound = float(computed), float(bound)
    rel = abs(computed - bound) / abs(bound)
    return Row(quantity, computed, bound, rel, bool(np.isfinite(computed) and computed <= bound))


def run(outdir: str | Path, quick: bool = False) -> dict:
    """Run the step rules, draw paths, distances and step lengths, and report the table."""
    maxiter = 2_000 if quick else 20_000
    results = {
        label: minimize(
            bowl, START, grad=bowl_gradient, method=method, lr=lr, gtol=GTOL, maxiter=maxiter
        )
        for label, (method, lr) in RUNS.items()
    }

    fig, (ax_path, ax_dist, ax_step) = plt.subplots(1, 3, figsize=(17, 5.2))
    xx, yy = np.meshgrid(np.linspace(-3, 3, 300), np.linspace(-2, 2, 200))
    ax_path.contourf(
        xx,
        yy,
        bowl(np.stack([xx, yy])),
        levels=np.logspace(-4, 2.5, 14),
        norm="log",
        cmap="Greys",
        extend="both",
    )
    for (label, res), color in zip(results.items(), COLORS, strict=True):
        k = np.arange(res.nit + 1)
        distance = np.linalg.norm(res.path, axis=1)
        steps = np.linalg.norm(np.diff(res.path, axis=0), axis=1)
        ax_path.plot(*res.path.T, ".-", color=color, ms=3, lw=1, label=f"{label} ({res.nit} it.)")
        ax_dist.loglog(k + 1, distance, color=color, label=label)
        ax_step.loglog(res.grad_norms[:-1], steps, ".", color=color, ms=3, label=label)
    for lr, color in ((0.05, "tab:blue"), (0.005, "tab:cyan")):
        k = np.logspace(1, np.log10(maxiter), 50)
        ax_dist.loglog(
            k, 1 / np.sqrt(2 * lr * k), ":", color=color, lw=2, label=f"1 / sqrt(2 lr k), lr = {lr}"
        )
    ax_path.plot(*START, "s", color="white", mec="black", label="start")
    ax_path.plot(0, 0, "*", color="gold", mec="black", ms=14, label="minimum")
    ax_path.set(
        xlabel="x",
        ylabel="y",
        xlim=(-3, 3),
        ylim=(-2, 2),
        aspect="equal",
        title="Paths over f = (x² + 2y²)² / 4",
    )
    ax_path.legend(fontsize=7, loc="lower left")
    ax_dist.axhline(
        DISTANCE_BOUND,
        color="grey",
        ls="--",
        lw=0.8,
        label="gtol^(1/3): reached when |grad f| <= gtol",
    )
    ax_dist.axhline(H, color="tab:red", ls="--", lw=0.8, label="h = 0.25: normalized stays below")
    ax_dist.set(
        xlabel="iteration + 1",
        ylabel="distance to the minimum",
        title="Fixed steps crawl as 1 / sqrt(2 lr k)",
        ylim=(1e-9, 10),
    )
    ax_dist.legend(fontsize=7, loc="lower left")
    ax_step.set(
        xlabel="|grad f| at the step", ylabel="step length", title="Step length against steepness"
    )
    ax_step.legend(fontsize=7)
    ax_step.axhline(H, color="tab:red", lw=0.8, ls="--")
    fig.suptitle("Learning rate and steepness: fixed, normalized and line-search steps")
    fig.tight_layout()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 120)

    lr_big, lr_small = RUNS["gd, lr = 0.05"][1], RUNS["gd, lr = 0.005"][1]
    big, small = results["gd, lr = 0.05"], results["gd, lr = 0.005"]
    # first step: y1 = y0 (1 - 2 lr (x0^2 + 2 y0^2)), so it crosses y = 0 iff 2 lr s0 > 1
    predicted_cross = 2 * lr_big * (START[0] ** 2 + 2 * START[1] ** 2) > 1
    crossed = big.path[1, 1] * START[1] < 0

    def distance(label: str) -> float:
        return float(np.linalg.norm(results[label].x))

    fixed = results["normalized, h = 0.25"]
    steps = np.linalg.norm(np.diff(fixed.path, axis=0), axis=1)
    worst_step = steps[np.argmax(np.abs(steps - H))]
    r = np.linalg.norm(fixed.path, axis=1)
    inside = r[np.argmax(r <= BALL_OVER_H * H) :]

    rows = [
        check("gd_first_step_overshoots", float(crossed), float(predicted_cross), atol=0.0),
        check(
            "gd_divergence_radius_lr_0.05",
            divergence_radius(lr_big),
            np.sqrt(2 / lr_big),
            rtol=1e-4,
        ),
        check(
            "gd_lr_0.05_final_distance",
            np.linalg.norm(big.x),
            1 / np.sqrt(2 * lr_big * big.nit),
            rtol=0.03,
        ),
        check(
            "gd_lr_0.005_final_distance",
            np.linalg.norm(small.x),
            1 / np.sqrt(2 * lr_small * small.nit),
            rtol=0.03,
        ),
        check(
            "normalized_adaptive_distance_to_minimum",
            distance("normalized_adaptive, h from 0.25"),
            0.0,
            atol=DISTANCE_BOUND,
        ),
        # the step whose length is farthest from h, over h
        check("normalized_step_length_over_h", worst_step / H, 1.0, rtol=1e-12),
        at_most("normalized_distance_after_entering_over_h", inside.max() / H, BALL_OVER_H),
        at_most("normalized_final_amplitude_over_h", r[-TAIL:].max() / H, 1.0),
        # the last two iterates lie on either side of the minimum, on a line through it
        check("normalized_last_two_distances_sum_over_h", (r[-1] + r[-2]) / H, 1.0, rtol=1e-9),
        check(
            "backtracking_distance_to_minimum",
            distance("backtracking, first trial 1e8"),
            0.0,
            atol=DISTANCE_BOUND,
        ),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
