"""Image gradients: agreement with numpy and scipy, colour handling, bad input."""

import numpy as np
import pytest
from scipy import ndimage

from fieldgrad.vision import (
    REC601_WEIGHTS,
    REC709_WEIGHTS,
    gradient_magnitude,
    image_gradient,
    to_luminance,
)

METHODS = ["central", "sobel", "scharr"]


def test_central_equals_numpy_gradient(rng):
    image = rng.standard_normal((17, 23))
    gy, gx = image_gradient(image, method="central")
    ny, nx = np.gradient(image)
    np.testing.assert_allclose(gy, ny, rtol=0, atol=1e-14)
    np.testing.assert_allclose(gx, nx, rtol=0, atol=1e-14)
    np.testing.assert_allclose(gradient_magnitude(image), np.hypot(ny, nx), rtol=1e-14)


def test_sobel_equals_scipy_sobel_per_axis(rng):
    image = rng.standard_normal((19, 16))
    sy = ndimage.sobel(image, axis=0)
    sx = ndimage.sobel(image, axis=1)
    # scipy's un-normalised Sobel: 2 (difference) x 4 (smoothing) = 8 times the derivative.
    magnitude = gradient_magnitude(image, method="sobel")
    interior = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(magnitude[interior], np.hypot(sy, sx)[interior] / 8, rtol=1e-13)
    # At the border fieldgrad uses the one-sided difference, twice scipy's reflected one.
    sy[[0, -1], :] *= 2
    sx[:, [0, -1]] *= 2
    np.testing.assert_allclose(magnitude, np.hypot(sy, sx) / 8, rtol=1e-13)


def test_scharr_weights_on_a_single_bright_pixel():
    image = np.zeros((5, 5))
    image[2, 2] = 1.0
    _, gx = image_gradient(image, method="scharr")
    # d/dx at (row, 1) is +1/2 times the Scharr smoothing [3, 10, 3] / 16 across rows.
    np.testing.assert_allclose(gx[1:4, 1], np.array([3, 10, 3]) / 32)
    np.testing.assert_allclose(gx[1:4, 3], -np.array([3, 10, 3]) / 32)


@pytest.mark.parametrize("method", METHODS)
def test_linear_image_is_differentiated_exactly(method):
    y, x = np.mgrid[0:12, 0:9].astype(float)
    image = 1.5 * x - 2.0 * y + 7.0
    gy, gx = image_gradient(image, method=method)
    np.testing.assert_allclose(gy, -2.0, rtol=1e-13)
    np.testing.assert_allclose(gx, 1.5, rtol=1e-13)
    np.testing.assert_allclose(gradient_magnitude(image, method=method), 2.5, rtol=1e-13)


@pytest.mark.parametrize("method", METHODS)
def test_smoothing_keeps_the_slope_of_a_linear_image_inside(method):
    y, x = np.mgrid[0:40, 0:40].astype(float)
    mag = gradient_magnitude(3.0 * x + 4.0 * y, method=method, sigma=2.0)
    np.testing.assert_allclose(mag[10:-10, 10:-10], 5.0, rtol=1e-12)


def test_smoothing_reduces_noise_gradient(rng):
    image = rng.standard_normal((64, 64))
    rough = gradient_magnitude(image, method="sobel").mean()
    smooth = gradient_magnitude(image, method="sobel", sigma=2.0).mean()
    assert smooth < 0.2 * rough


@pytest.mark.parametrize("weights", ["rec709", "rec601"])
def test_luminance_weights_sum_to_one_and_grey_is_grey(weights):
    assert REC709_WEIGHTS.sum() == pytest.approx(1.0)
    assert REC601_WEIGHTS.sum() == pytest.approx(1.0)
    grey = np.full((3, 4, 3), 0.25)
    np.testing.assert_allclose(to_luminance(grey, weights=weights), 0.25)


def test_colour_image_uses_rec709_luminance_and_ignores_alpha(rng):
    rgba = rng.uniform(0, 1, size=(10, 12, 4))
    luminance = rgba[..., :3] @ REC709_WEIGHTS
    expected = gradient_magnitude(luminance, method="sobel")
    np.testing.assert_allclose(gradient_magnitude(rgba, method="sobel"), expected, rtol=1e-13)
    np.testing.assert_allclose(gradient_magnitude(rgba[..., :3], method="sobel"), expected)


def test_integer_images_are_not_rescaled():
    image = np.zeros((6, 6), dtype=np.uint8)
    image[:, 3:] = 200
    assert gradient_magnitude(image).max() == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("image", "kwargs", "error", "match"),
    [
        (np.zeros((5, 5)), {"method": "prewitt"}, ValueError, "method"),
        (np.zeros((5, 5)), {"sigma": -1.0}, ValueError, "sigma"),
        (np.zeros((5, 5)), {"sigma": np.nan}, ValueError, "sigma"),
        (np.zeros((5, 5, 2)), {}, ValueError, r"\(H, W, 3\|4\)"),
        (np.zeros((5, 5, 3, 1)), {}, ValueError, "shape"),
        (np.zeros(5), {}, ValueError, "shape"),
        (np.zeros((1, 5)), {}, ValueError, "at least 2 pixels"),
        (np.array([["a", "b"], ["c", "d"]]), {}, TypeError, "numeric"),
        (np.zeros((4, 4), dtype=complex), {}, TypeError, "real"),
    ],
)
def test_bad_input_is_rejected(image, kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_magnitude(image, **kwargs)


def test_unknown_luminance_weights_are_rejected():
    with pytest.raises(ValueError, match="weights"):
        to_luminance(np.zeros((3, 3, 3)), weights="srgb")
