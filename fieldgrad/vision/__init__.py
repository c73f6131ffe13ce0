"""Image gradients and edge detection.

Gradient norms of images (central differences, Sobel, Scharr) and the Canny
edge detector, on plain arrays, colour images and fields on Cartesian grids.
"""

from fieldgrad.vision.canny import LOW_TO_HIGH, auto_thresholds, edges, non_maximum_suppression
from fieldgrad.vision.color import LUMA_WEIGHTS, REC601_WEIGHTS, REC709_WEIGHTS, to_luminance
from fieldgrad.vision.gradients import (
    CENTRAL_DIFFERENCE,
    GRADIENT_METHODS,
    SCHARR_SMOOTHING,
    SOBEL_SMOOTHING,
    gradient_magnitude,
    image_gradient,
)
from fieldgrad.vision.testcard import SyntheticCard, synthetic_card
from fieldgrad.vision.thresholds import EIGHT_CONNECTED, hysteresis_threshold, otsu_threshold

__all__ = [
    "CENTRAL_DIFFERENCE",
    "EIGHT_CONNECTED",
    "GRADIENT_METHODS",
    "LOW_TO_HIGH",
    "LUMA_WEIGHTS",
    "REC601_WEIGHTS",
    "REC709_WEIGHTS",
    "SCHARR_SMOOTHING",
    "SOBEL_SMOOTHING",
    "SyntheticCard",
    "auto_thresholds",
    "edges",
    "gradient_magnitude",
    "hysteresis_threshold",
    "image_gradient",
    "non_maximum_suppression",
    "otsu_threshold",
    "synthetic_card",
    "to_luminance",
]
