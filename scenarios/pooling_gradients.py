"""
How much gradient reaches each layer: average vs max pooling
============================================================

How much of the training signal reaches the early layers of a convolutional
network depends on its pooling. This example measures the gradient norm at
every layer of a deep stack and shows that each average pool divides it by
exactly k (the pool size) while a max pool keeps it.

Backpropagation through a k x k average pool gives each of the k^2 inputs of
a window 1/k^2 of the window's gradient, so the gradient norm shrinks by
exactly 1/k per pooling layer; a max pool hands the whole gradient to one
input per window. The stack of (3 x 3 convolution, ReLU, pool) blocks is run
forward and backward on random images and the norm of the gradient reaching
every layer is recorded by ``Sequential``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fieldgrad.learning import AvgPool2d, Conv2d, MaxPool2d, MSELoss, ReLU, Sequential
from fieldgrad.report import check, save_figure, write_report

NAME = "pooling_gradients"
CHANNELS = 4
POOLS = {"average": AvgPool2d, "max": MaxPool2d}
STYLE = {"average": ("o", "C0"), "max": ("s", "C1")}


def build(pool: type, k: int, blocks: int, seed: int) -> Sequential:
    """Blocks of (conv 3x3, ReLU, k x k pool); the same conv weights for either pool type."""
    rng = np.random.default_rng(seed)
    layers = []
    for b in range(blocks):
        layers += [Conv2d(1 if b == 0 else CHANNELS, CHANNELS, 3, padding=1, rng=rng), ReLU()]
        layers.append(pool(k))
    return Sequential(layers)


def backprop(pool: type, k: int, blocks: int, batch: int, seed: int = 0):
    """One forward/backward pass of an MSE loss; returns the net and the input gradient."""
    net = build(pool, k, blocks, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((batch, 1, 2 * k**blocks, 2 * k**blocks))
    loss = MSELoss()
    y = net.forward(x)
    loss.forward(y, rng.standard_normal(y.shape))
    return net, net.backward(loss.backward())


def pool_ratios(net: Sequential) -> np.ndarray:
    """Gradient norm below / above every pooling layer."""
    out, down = np.array(net.output_grad_norms), np.array(net.input_grad_norms)
    index = [i for i, layer in enumerate(net.layers) if isinstance(layer, AvgPool2d | MaxPool2d)]
    return down[index] / out[index]


def run(outdir: str | Path, quick: bool = False) -> dict:
    k, blocks, batch = 2, (4 if quick else 6), (1 if quick else 4)

    nets, input_grads = {}, {}
    for name, pool in POOLS.items():
        nets[name], input_grads[name] = backprop(pool, k, blocks, batch)
    ratios = {name: pool_ratios(net) for name, net in nets.items()}
    # Per-layer ratios for other window sizes, on shallower stacks.
    other_k = {
        kk: {n: pool_ratios(backprop(p, kk, 2, 1)[0]) for n, p in POOLS.items()} for kk in (3, 4)
    }

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), layout="constrained")
    fig.suptitle(f"Gradient norm through {blocks} blocks of (conv 3x3, ReLU, {k}x{k} pool)")
    ax = axes[0]
    for name, net in nets.items():
        depth = np.arange(len(net.layers))
        ax.semilogy(depth, net.input_grad_norms, "o-", label=f"{name} pooling")
    for i, layer in enumerate(nets["max"].layers):
        if isinstance(layer, MaxPool2d):
            ax.axvline(i, color="0.85", zorder=0)
    ax.set_xlabel("layer index (grey lines: pooling layers)")
    ax.set_ylabel("|d loss / d layer input|")
    ax.set_title("gradient norm reaching each layer")
    ax.legend()
    ax = axes[1]
    for name, (marker, color) in STYLE.items():
        ax.plot(np.full(blocks, k), ratios[name], marker, color=color, label=f"{name} pooling")
        for kk, r in other_k.items():
            ax.plot(np.full(r[name].size, kk), r[name], marker, color=color)
    ks = np.array([2, 3, 4])
    ax.plot(ks, 1 / ks, "k--", lw=1, label="1/k (exact)")
    ax.axhline(1.0, color="k", lw=1, ls=":", label="1 (exact)")
    ax.set_xticks(ks)
    ax.set_xlabel("pooling window k")
    ax.set_ylabel("|grad below pool| / |grad above pool|")
    ax.set_title("per-layer ratio across each pooling layer")
    ax.legend()
    ax = axes[2]
    magnitudes = [np.abs(input_grads[name][0, 0]) for name in POOLS]
    show = np.hstack([m / m.max() for m in magnitudes])
    ax.imshow(show, cmap="viridis")
    width = input_grads["max"].shape[-1]
    ax.set_title("|d loss / d image|: average (left) vs max (right)")
    ax.set_xlabel("column (px)")
    ax.set_ylabel("row (px)")
    ax.axvline(width - 0.5, color="w")
    save_figure(fig, NAME, outdir, dpi=80 if quick else 110)

    geometric_mean = {name: float(np.exp(np.mean(np.log(r)))) for name, r in ratios.items()}
    rows = [
        check("avgpool_norm_ratio_per_layer", geometric_mean["average"], 1 / k, rtol=1e-10),
        check("maxpool_norm_ratio_per_layer", geometric_mean["max"], 1.0, rtol=1e-10),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
