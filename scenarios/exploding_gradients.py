"""
Exploding gradients, and training rescued by clipping
=====================================================

In a deep network the gradient is multiplied by every layer's weights on its
way back, so it can grow exponentially with depth and wreck the first
training step. This example measures that growth in a deep linear chain and
shows that clipping the global gradient norm lets the same learning rate
train the network to zero loss.

Each layer multiplies the backward signal by its transposed weight matrix;
with weights drawn from N(0, gain^2 / width) that multiplies the gradient
norm by about ``gain`` per layer, so the gradient reaching the first layer is
gain^depth times larger than at the output. Trained by plain gradient
descent on a realisable regression target (a linear map, so the minimum loss
is exactly 0), the first update overshoots and the loss overflows. Clipping
the gradients of all layers together to a global norm of 1
(``clip_by_global_norm``) keeps their direction, bounds the step, and the
loss then falls to 0.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fieldgrad.landscapes import clip_by_global_norm
from fieldgrad.learning import SGD, Dense, MSELoss, Sequential
from fieldgrad.report import check, save_figure, write_report

NAME = "exploding_gradients"
GAIN = 1.5  # weight scale: the gradient norm grows by about this factor per layer
LEARNING_RATE = 0.05
MAX_NORM = 1.0
SAMPLES = 64
OVERFLOW = 1e30  # a loss above this counts as diverged


def make_problem(depth: int, width: int, seed: int = 0):
    """A fresh deep linear net and a realisable target y = x v, |v| = 1."""
    rng = np.random.default_rng(seed)
    layers = [Dense(width, width, gain=GAIN, bias=False, rng=rng) for _ in range(depth - 1)]
    net = Sequential([*layers, Dense(width, 1, gain=GAIN, bias=False, rng=rng)])
    x = rng.standard_normal((SAMPLES, width))
    v = rng.standard_normal((width, 1))
    return net, x, x @ (v / np.linalg.norm(v))


def initial_gradients(depth: int, width: int, seeds: int) -> tuple[np.ndarray, np.ndarray]:
    """Norm of the gradient reaching each layer, and its growth across each layer, per seed."""
    reaching, growth = [], []
    for seed in range(seeds):
        net, x, y = make_problem(depth, width, seed)
        loss = MSELoss()
        loss.forward(net.forward(x), y)
        net.backward(loss.backward())
        reaching.append(net.input_grad_norms)
        growth.append(np.array(net.input_grad_norms) / np.array(net.output_grad_norms))
    return np.array(reaching), np.array(growth)


def train(depth: int, width: int, steps: int, *, clip: bool):
    """Gradient descent; returns losses and global gradient norms (before clipping) per step."""
    net, x, y = make_problem(depth, width)
    loss, optimizer = MSELoss(), SGD(LEARNING_RATE)
    losses, norms = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            value = loss.forward(net.forward(x), y)
            losses.append(value)
            if not np.isfinite(value) or value > OVERFLOW:
                break
            net.backward(loss.backward())
            grads, global_norm = clip_by_global_norm(net.gradients(), MAX_NORM)
            norms.append(global_norm)
            optimizer.step(net.parameters(), grads if clip else net.gradients())
    return np.array(losses), np.array(norms)


def run(outdir: str | Path, quick: bool = False) -> dict:
    depth, width, steps, seeds = (8, 8, 2500, 32) if quick else (10, 16, 6000, 64)

    # Per-layer gradient norms at initialisation, over many random draws of the weights:
    # the mean square of the growth factor is gain^2 whatever the width.
    reaching, growth = initial_gradients(depth, width, seeds)
    growth_rate = float(np.sqrt(np.mean(growth**2)))
    typical = np.exp(np.mean(np.log(reaching), axis=0))

    unclipped, unclipped_norms = train(depth, width, steps, clip=False)
    clipped, clipped_norms = train(depth, width, steps, clip=True)
    diverged = (not np.isfinite(unclipped[-1])) or unclipped[-1] > OVERFLOW

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), layout="constrained")
    fig.suptitle(f"A {depth}-layer linear chain with weights N(0, {GAIN}^2 / width)")
    ax = axes[0]
    layer = np.arange(depth)
    for norms in reaching[:8]:
        ax.semilogy(layer, norms, "-", color="C0", alpha=0.25, lw=0.8)
    ax.semilogy(layer, typical, "o-", color="C0", label=f"geometric mean of {seeds} draws")
    reference = typical[-1] * GAIN ** (depth - 1 - layer)
    ax.semilogy(layer, reference, "k--", label=f"{GAIN}^(depth - 1 - i)")
    ax.set_xlabel("layer i (0 = input side)")
    ax.set_ylabel("|d loss / d input of layer i|")
    ax.set_title(f"at initialisation: rms growth x{growth_rate:.3f} per layer")
    ax.legend()
    ax = axes[1]
    ax.semilogy(np.maximum(clipped, 1e-300), label=f"clipped to global norm {MAX_NORM:g}")
    finite = np.isfinite(unclipped)
    ax.semilogy(np.flatnonzero(finite), unclipped[finite], "o-", color="C3", label="unclipped")
    ax.annotate(
        "overflow",
        (np.flatnonzero(finite)[-1], unclipped[finite][-1]),
        xytext=(10, -10),
        textcoords="offset points",
        color="C3",
    )
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("mean squared error")
    ax.set_title(f"training, learning rate {LEARNING_RATE:g} (minimum loss 0)")
    ax.legend()
    ax = axes[2]
    ax.semilogy(clipped_norms, label="clipped run")
    ax.semilogy(unclipped_norms, "o", color="C3", label="unclipped run")
    ax.axhline(MAX_NORM, color="k", ls=":", label="clipping threshold")
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("global gradient norm before clipping")
    ax.set_title("global gradient norm")
    ax.legend()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 110)

    rows = [
        # E |g W^T|^2 = gain^2 |g|^2 for W with entries N(0, gain^2 / width).
        check("gradient_growth_per_layer", growth_rate, GAIN, rtol=0.1),
        check("unclipped_diverges", float(diverged), 1.0, rtol=0.0),
        # The target is realisable, so the minimum of the loss is exactly 0.
        check("clipped_final_loss", clipped[-1], 0.0, atol=1e-6),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
