"""
A WGAN-GP critic: the gradient penalty drives |grad D| to 1
===========================================================

A Wasserstein GAN needs a critic whose gradient norm is at most 1; the
gradient penalty of WGAN-GP (Gulrajani et al., 2017) enforces it softly. This
example trains such a critic between two point clouds whose distance is
known and shows that the penalty holds |grad D| near 1, with an excess that
falls as 1 / lambda, while without it the gradient grows without bound.

The critic D maximises E D(real) - E D(fake) - lambda E (|grad D(x)| - 1)^2,
the penalty taken on random points between real and fake samples. The
"fake" cloud is the "real" ring translated by m, so the Wasserstein-1
distance between them is exactly |m| and the best 1-Lipschitz critic is
linear along m with |grad D| = 1. For a linear critic of slope s the
penalised objective s |m| - lambda (s - 1)^2 is largest at
s = 1 + |m| / (2 lambda).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fieldgrad.learning import Adam, Critic, wgan_gp_loss
from fieldgrad.report import check, save_figure, write_report

NAME = "gradient_penalty"
SHIFT = np.array([1.2, 0.9])  # real = fake + SHIFT, so W1(real, fake) = |SHIFT| = 1.5
RING_RADIUS, RING_WIDTH = 0.5, 0.05
PENALTY = 10.0  # lambda of WGAN-GP
HIDDEN = 32
BATCH = 256


def ring(n: int, centre: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Points on a noisy circle."""
    theta = rng.uniform(0, 2 * np.pi, n)
    r = RING_RADIUS + RING_WIDTH * rng.standard_normal(n)
    return np.c_[r * np.cos(theta), r * np.sin(theta)] + centre


def train(weight: float, steps: int, lr: float, seed: int = 0):
    """Train a critic; returns it and the mean |grad D| on each step's interpolates."""
    rng = np.random.default_rng(seed)
    critic = Critic(2, HIDDEN, rng=seed + 1)
    optimizer = Adam(lr, betas=(0.5, 0.9))
    history = []
    for _ in range(steps):
        real, fake = ring(BATCH, SHIFT, rng), ring(BATCH, np.zeros(2), rng)
        _, grads, points = wgan_gp_loss(critic, real, fake, weight=weight, rng=rng)
        history.append(np.linalg.norm(critic.input_gradient(points), axis=1).mean())
        optimizer.step(list(critic.params.values()), [grads[k] for k in critic.params])
    return critic, np.array(history)


def evaluate(critic: Critic, n: int, seed: int = 99):
    """|grad D| on fresh interpolates and the critic's estimate of W1 per unit slope."""
    rng = np.random.default_rng(seed)
    real, fake = ring(n, SHIFT, rng), ring(n, np.zeros(2), rng)
    e = rng.uniform(size=(n, 1))
    points = e * real + (1 - e) * fake
    norms = np.linalg.norm(critic.input_gradient(points), axis=1)
    gap = critic.forward(real).mean() - critic.forward(fake).mean()
    return real, fake, points, norms, float(gap / norms.mean())


def run(outdir: str | Path, quick: bool = False) -> dict:
    steps, lr = (400, 5e-3) if quick else (1500, 2e-3)
    lambdas = np.array([3.0, 10.0, 30.0] if quick else [1.0, 3.0, 10.0, 30.0, 100.0])
    w1 = float(np.linalg.norm(SHIFT))

    critics, histories = {}, {}
    for weight in [0.0, *lambdas]:
        critics[weight], histories[weight] = train(weight, steps, lr)
    sweep = np.array([evaluate(critics[w], 4096)[3].mean() for w in lambdas])
    real, fake, points, norms, w1_estimate = evaluate(critics[PENALTY], 4096)
    # Least-squares slope of (mean |grad D| - 1) against 1/lambda: |m| / 2 for linear critics.
    slope = float(np.sum((sweep - 1) / lambdas) / np.sum(1 / lambdas**2))

    fig, axes = plt.subplots(1, 3, figsize=(17, 5), layout="constrained")
    fig.suptitle(f"WGAN-GP critic between two rings, |m| = W1 = {w1:g}")
    ax = axes[0]
    xs = np.linspace(-1.0, 2.5, 141)
    ys = np.linspace(-1.0, 2.0, 121)
    X, Y = np.meshgrid(xs, ys)
    grid = np.c_[X.ravel(), Y.ravel()]
    D = critics[PENALTY].forward(grid).reshape(X.shape)
    contours = ax.contourf(X, Y, D, levels=20, cmap="RdBu_r")
    fig.colorbar(contours, ax=ax, label="critic D(x)")
    ax.plot(*fake[:300].T, ".", color="k", ms=3, label="fake")
    ax.plot(*real[:300].T, ".", color="gold", ms=3, label="real = fake + m")
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title(f"critic with penalty lambda = {PENALTY:g}")
    ax.legend(loc="lower right")
    ax = axes[1]
    ax.hist(norms, bins=60, color="C0")
    ax.axvline(1.0, color="k", ls="--", label="1 (penalty target)")
    ax.axvline(1 + w1 / (2 * PENALTY), color="C3", ls=":", label="1 + W1 / (2 lambda)")
    ax.set_xlabel("|grad D| on interpolates")
    ax.set_ylabel("points")
    ax.set_title(f"lambda = {PENALTY:g}: mean {norms.mean():.3f}")
    ax.legend()
    ax = axes[2]
    for weight, history in histories.items():
        ax.semilogy(history, label=f"lambda = {weight:g}", lw=1)
    ax.axhline(1.0, color="k", ls="--", lw=1)
    ax.set_xlabel("training step (Adam)")
    ax.set_ylabel("mean |grad D| on the batch's interpolates")
    ax.set_title(f"penalty law: (mean |grad D| - 1) x lambda = {slope:.3f}")
    ax.legend()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 110)

    rows = [
        check("mean_grad_norm_on_interpolates", norms.mean(), 1.0, rtol=0.1),
        # Optimum of s |m| - lambda (s - 1)^2 for a linear critic of slope s.
        check("penalty_excess_slope", slope, w1 / 2, rtol=0.05),
        # E D(real) - E D(fake) per unit of slope estimates W1 = |m| for a translation.
        check("wasserstein_distance", w1_estimate, w1, rtol=0.02),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
