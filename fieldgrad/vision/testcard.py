"""A synthetic test card whose edges are known exactly: step, ramp, disk and noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SyntheticCard", "synthetic_card"]

#: Grey level of the background and of the bright shapes.
BACKGROUND, FOREGROUND = 0.2, 0.8
#: Width in pixels of the linear ramp around the soft square.
RAMP_WIDTH = 8.0


@dataclass(frozen=True)
class SyntheticCard:
    """A test image with its true edges.

    Attributes
    ----------
    image : numpy.ndarray
        The grey image, values near [0.2, 0.8] plus noise.
    clean : numpy.ndarray
        The same image without noise.
    true_edges : numpy.ndarray of bool
        Pixels whose centre lies within half a pixel of an edge curve (the
        outline of the hard square, the mid-line of the ramp, the disk's rim).
    disk_centre : tuple of float
        ``(row, column)`` of the disk's centre, in pixels.
    disk_radius : float
        Radius of the disk, in pixels.

    Examples
    --------
    Cards are drawn by :func:`synthetic_card`:

    >>> from fieldgrad.vision import SyntheticCard, synthetic_card
    >>> card = synthetic_card(64, noise=0.0)
    >>> isinstance(card, SyntheticCard), card.image.shape == card.true_edges.shape
    (True, True)
    """

    image: np.ndarray
    clean: np.ndarray
    true_edges: np.ndarray
    disk_centre: tuple[float, float]
    disk_radius: float


def synthetic_card(size: int = 256, *, noise: float = 0.02, seed: int | None = 0) -> SyntheticCard:
    """Draw a test card with four quadrants: a hard square, a ramped square, a disk, noise.

    Top left: a square with step edges. Top right: a square whose border is a
    linear ramp :data:`RAMP_WIDTH` pixels wide (its edge is the ramp's
    mid-line). Bottom left: an anti-aliased disk. Bottom right: background
    only, with four times the noise of the rest of the card (no edges there).
    Gaussian noise of standard deviation `noise` covers the whole card.

    Parameters
    ----------
    size : int
        Height and width in pixels (>= 32).
    noise : float, keyword-only
        Standard deviation of the additive Gaussian noise (>= 0).
    seed : int or None, keyword-only
        Seed of the noise.

    Returns
    -------
    SyntheticCard

    Examples
    --------
    >>> from fieldgrad.vision import synthetic_card
    >>> card = synthetic_card(64, noise=0.0)
    >>> card.image.shape, bool(card.true_edges.any())
    ((64, 64), True)
    """
    if size < 32:
        msg = f"size must be >= 32 pixels, got {size!r}"
        raise ValueError(msg)
    if not noise >= 0:
        msg = f"noise must be >= 0, got {noise!r}"
        raise ValueError(msg)
    y, x = np.indices((size, size), dtype=float)
    contrast = FOREGROUND - BACKGROUND
    distances = []

    # Hard square: pixels lo..hi-1 are bright, its edges lie at lo - 1/2 and hi - 1/2.
    lo, hi = round(0.1 * size), round(0.4 * size)
    inside = (y >= lo) & (y < hi) & (x >= lo) & (x < hi)
    clean = np.where(inside, FOREGROUND, BACKGROUND)
    centre, half = (lo + hi - 1) / 2, (hi - lo) / 2
    distances.append(np.abs(np.maximum(np.abs(y - centre), np.abs(x - centre)) - half))

    # Ramped square: a linear ramp across its border, centred on the outline.
    cy, cx, half = 0.25 * size, 0.75 * size - 0.5, 0.15 * size
    chebyshev = np.maximum(np.abs(y - cy), np.abs(x - cx))
    clean = clean + contrast * np.clip((half - chebyshev) / RAMP_WIDTH + 0.5, 0.0, 1.0)
    distances.append(np.abs(chebyshev - half))

    # Disk, anti-aliased over one pixel.
    disk_centre, radius = (0.72 * size + 0.3, 0.27 * size + 0.2), 0.18 * size
    r = np.hypot(y - disk_centre[0], x - disk_centre[1])
    clean = clean + contrast * np.clip(radius - r + 0.5, 0.0, 1.0)
    distances.append(np.abs(r - radius))

    rng = np.random.default_rng(seed)
    sigma = np.where((y >= size / 2) & (x >= size / 2), 4.0 * noise, noise)
    image = clean + sigma * rng.standard_normal(clean.shape)
    true_edges = np.minimum.reduce(distances) <= 0.5
    return SyntheticCard(image, clean, true_edges, disk_centre, radius)
