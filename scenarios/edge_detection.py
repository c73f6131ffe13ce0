"""
Canny edges from image gradient norms
=====================================

Edges in an image are where brightness changes fast, that is where the
gradient norm |grad I| is large; Canny's detector keeps the ridges of that
norm. On a test card whose edges are known the detector's recall and
precision are measured, and the same pipeline then finds the edges of a
photograph.

Canny keeps the ridges of |grad I| (non-maximum suppression along the
gradient) and links them by hysteresis. The synthetic test card has a hard
square, a square with a linear ramp for a border, an anti-aliased disk and a
noisy quadrant; recall and precision are measured within one pixel. The
disk also tests isotropy: around its rim the gradient norm of a
rotation-invariant operator does not depend on the angle. The photograph is
Grace Hopper's portrait shipped with matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.cbook as cbook
import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage

from fieldgrad.report import check, save_figure, write_report
from fieldgrad.vision import edges, gradient_magnitude, synthetic_card

NAME = "edge_detection"
SIGMA = 2.0  # Gaussian smoothing in pixels, for the card and the photograph
METHODS = ("central", "sobel", "scharr")
RIM_HALF_WIDTH = 3.0  # pixels searched either side of the rim for the largest norm


def rim_profile(magnitude: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    """Largest gradient norm along each of 720 rays crossing a circle, by bilinear sampling."""
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    radii = np.linspace(radius - RIM_HALF_WIDTH, radius + RIM_HALF_WIDTH, 121)[:, None]
    rows = centre[0] + radii * np.sin(angles)
    cols = centre[1] + radii * np.cos(angles)
    return ndimage.map_coordinates(magnitude, [rows, cols], order=1).max(axis=0)


def within_one_pixel(found: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Recall and precision, a pixel counting when the other set has a pixel within 1 px."""
    to_truth = ndimage.distance_transform_edt(~truth)
    to_found = ndimage.distance_transform_edt(~found)
    recall = float(np.mean(to_found[truth] <= 1.0))
    precision = float(np.mean(to_truth[found] <= 1.0)) if found.any() else 0.0
    return recall, precision


def run(outdir: str | Path, quick: bool = False) -> dict:

    # The test card: known edges, noise everywhere and four times more in one quadrant.
    card = synthetic_card(128 if quick else 256, noise=0.02, seed=1)
    card_norm = gradient_magnitude(card.image, method="sobel", sigma=SIGMA)
    card_edges = edges(card.image, sigma=SIGMA)
    recall, precision = within_one_pixel(card_edges, card.true_edges)

    # Isotropy: the noise-free disk's rim, for each derivative stencil.
    profiles = {
        method: rim_profile(
            gradient_magnitude(card.clean, method=method, sigma=SIGMA),
            card.disk_centre,
            card.disk_radius,
        )
        for method in METHODS
    }
    rim = profiles["scharr"]
    anisotropy = (rim.max() - rim.min()) / rim.mean()

    # The photograph: colour becomes Rec. 709 luminance inside gradient_magnitude and edges.
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        photo = plt.imread(f)
    if quick:
        photo = photo[::2, ::2]
    photo_norm = gradient_magnitude(photo, method="sobel", sigma=SIGMA)
    photo_edges = edges(photo, sigma=SIGMA)

    fig, axes = plt.subplots(2, 4, figsize=(17, 8.5), layout="constrained")
    fig.suptitle(f"Canny edges from the gradient norm (Gaussian sigma = {SIGMA:g} px)")
    ax = axes[0, 0]
    ax.imshow(card.image, cmap="gray", vmin=0, vmax=1)
    ax.set_title("test card: step, ramp, disk, noise")
    im = axes[0, 1].imshow(card_norm, cmap="magma")
    axes[0, 1].set_title("|grad I| (Sobel)")
    fig.colorbar(im, ax=axes[0, 1], shrink=0.8, label="grey levels / px")
    overlay = np.zeros((*card.image.shape, 3))
    overlay[card.true_edges] = (0.35, 0.35, 0.35)
    overlay[card_edges] = (1.0, 0.2, 0.2)
    overlay[card_edges & (ndimage.distance_transform_edt(~card.true_edges) <= 1)] = (0.2, 1, 0.4)
    axes[0, 2].imshow(overlay)
    axes[0, 2].set_title(f"edges: recall {recall:.3f}, precision {precision:.3f}")
    ax = axes[0, 3]
    degrees = np.linspace(0, 360, rim.size, endpoint=False)
    for method, profile in profiles.items():
        spread = (profile.max() - profile.min()) / profile.mean()
        ax.plot(degrees, profile / profile.mean(), label=f"{method}: spread {spread:.3f}")
    ax.set_xlabel("angle around the disk (degrees)")
    ax.set_ylabel("max |grad I| on the rim / its mean")
    ax.set_title("isotropy around the disk's rim")
    ax.legend()
    axes[1, 0].imshow(photo)
    axes[1, 0].set_title("Grace Hopper (matplotlib sample)")
    im = axes[1, 1].imshow(photo_norm, cmap="magma", vmax=np.percentile(photo_norm, 99.5))
    axes[1, 1].set_title("|grad luminance| (Sobel)")
    fig.colorbar(im, ax=axes[1, 1], shrink=0.8, label="grey levels / px")
    axes[1, 2].imshow(photo_edges, cmap="gray_r")
    axes[1, 2].set_title(f"Canny edges ({photo_edges.mean():.1%} of pixels)")
    ax = axes[1, 3]
    ax.hist(photo_norm.ravel(), bins=200, log=True, color="tab:gray", label="all pixels")
    ax.hist(photo_norm[photo_edges], bins=200, log=True, color="tab:red", label="edge pixels")
    ax.set_xlabel("|grad luminance| (grey levels / px)")
    ax.set_ylabel("pixels")
    ax.set_title("gradient-norm distribution")
    ax.legend()
    for ax in axes[:, :3].ravel():
        ax.set_xlabel("column (px)")
        ax.set_ylabel("row (px)")
    save_figure(fig, NAME, outdir, dpi=80 if quick else 110)

    rows = [
        # A perfect detector finds every true edge pixel and nothing else.
        check("edge_recall", recall, 1.0, rtol=0.05),
        check("edge_precision", precision, 1.0, rtol=0.05),
        # (max - min) / mean of the Scharr norm around the rim: 0 for an isotropic operator.
        check("rotation_invariance", anisotropy, 0.0, atol=0.05),
    ]
    return write_report(NAME, rows, outdir)


if __name__ == "__main__":
    from fieldgrad.cli import run_example

    run_example(run)
