"""
Why attention divides by sqrt(d)
================================

Transformers divide their attention logits q . k by sqrt(d), the key size.
This example shows why: without it, the logits of a large model spread so
widely that the softmax picks a single key and the gradient flowing back
through it vanishes; with it, both stay the same at every key size from 8 to
1024.

With queries and keys of independent unit-variance entries, a logit q . k is
a sum of d products and has standard deviation sqrt(d). Unscaled, the
softmax puts nearly all its weight on one key, and the gradient that passes
back through it (its Jacobian is diag(p) - p p^T) collapses. Dividing by
sqrt(d) gives unit variance at every d, so the gradient through the softmax
no longer depends on the key size.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from fieldgrad.learning import DotProductAttention
from fieldgrad.report import check, save_figure, write_report

NAME = "attention_scaling"
KEY_SIZES = 2 ** np.arange(3, 11)  # 8 ... 1024
TOKENS = 64  # queries and keys per sequence
VALUE_SIZE = 16


def measure(scaled: bool, trials: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Logit spread, gradient norm through the softmax and peak attention weight, per key size."""
    out = {"logit_std": [], "grad_logits": [], "grad_query": [], "max_weight": []}
    attention = DotProductAttention(scaled=scaled)
    for d in KEY_SIZES:
        samples = {key: [] for key in out}
        for _ in range(trials):
            q, k = rng.standard_normal((TOKENS, d)), rng.standard_normal((TOKENS, d))
            v = rng.standard_normal((TOKENS, VALUE_SIZE))
            y = attention.forward(q, k, v)
            grad_query, _, _ = attention.backward(rng.standard_normal(y.shape))
            samples["logit_std"].append(attention.logits.std())
            samples["grad_logits"].append(np.linalg.norm(attention.grad_logits, axis=-1).mean())
            samples["grad_query"].append(np.linalg.norm(grad_query, axis=-1).mean())
            samples["max_weight"].append(attention.weights.max(axis=-1).mean())
        for key in out:
            out[key].append(np.mean(samples[key]))
    return {key: np.array(values) for key, values in out.items()}


def run(outdir: str | Path, quick: bool = False) -> dict:
    rng = np.random.default_rng(0)
    trials = 8 if quick else 64
    results = {label: measure(label == "scaled", trials, rng) for label in ("scaled", "unscaled")}

    slope = np.polyfit(np.log(KEY_SIZES), np.log(results["unscaled"]["logit_std"]), 1)[0]
    scaled_grad = results["scaled"]["grad_logits"]
    spread = (scaled_grad.max() - scaled_grad.min()) / scaled_grad.mean()

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8), layout="constrained")
    fig.suptitle(f"Dot-product attention over {TOKENS} tokens, q and k entries N(0, 1)")
    for label, style in (("scaled", "o-"), ("unscaled", "s-")):
        r = results[label]
        name = "q.k / sqrt(d)" if label == "scaled" else "q.k"
        axes[0].loglog(KEY_SIZES, r["logit_std"], style, label=name)
        axes[1].loglog(KEY_SIZES, r["grad_logits"], style, label=name)
        axes[2].semilogx(KEY_SIZES, r["max_weight"], style, label=name)
    axes[0].loglog(KEY_SIZES, np.sqrt(KEY_SIZES), "k--", lw=1, label="sqrt(d)")
    axes[0].set_title(f"spread of the logits (unscaled slope {slope:.3f})")
    axes[0].set_ylabel("standard deviation of the logits")
    axes[1].set_title(f"gradient through the softmax (scaled spread {spread:.3f})")
    axes[1].set_ylabel("mean |d loss / d logits| per query")
    axes[2].axhline(1 / TOKENS, color="k", ls=":", lw=1, label="uniform, 1/tokens")
    axes[2].set_title("saturation of the softmax")
    axes[2].set_ylabel("mean of the largest attention weight")
    for ax in axes:
        ax.set_xlabel("key dimension d")
        ax.legend()
    save_figure(fig, NAME, outdir, dpi=80 if quick else 110)

    rows = [
        # With the 1/sqrt(d) factor the logits are N(0, 1)-like at every d: no trend in d.
        check("scaled_grad_norm_spread", spread, 0.0, atol=0.1),
        # Var(q . k) = d for unit-variance entries, so log std = 0.5 log d + const.
        check("unscaled_logit_std_slope", slope, 0.5, rtol=0.02),
        check("scaled_logit_std", results["scaled"]["logit_std"].mean(), 1.0, rtol=0.02),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
