"""Invariants of image gradients, checked on random images with hypothesis."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from fieldgrad.vision import gradient_magnitude

images = arrays(
    np.float64,
    st.tuples(st.integers(3, 14), st.integers(3, 14)),
    elements=st.floats(-100, 100, allow_nan=False),
)
methods = st.sampled_from(["central", "sobel", "scharr"])
sigmas = st.sampled_from([0.0, 0.7, 1.5])


@settings(max_examples=60, deadline=None)
@given(image=images, method=methods, sigma=sigmas, turns=st.integers(1, 3))
def test_rotating_the_image_rotates_the_magnitude(image, method, sigma, turns):
    rotated = gradient_magnitude(np.rot90(image, turns), method=method, sigma=sigma)
    expected = np.rot90(gradient_magnitude(image, method=method, sigma=sigma), turns)
    np.testing.assert_allclose(rotated, expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(image=images, method=methods)
def test_transposing_and_mirroring_commute_with_the_magnitude(image, method):
    magnitude = gradient_magnitude(image, method=method)
    np.testing.assert_allclose(gradient_magnitude(image.T, method=method), magnitude.T, atol=1e-10)
    np.testing.assert_allclose(
        gradient_magnitude(image[:, ::-1], method=method), magnitude[:, ::-1], atol=1e-10
    )


@settings(max_examples=60, deadline=None)
@given(
    image=images,
    method=methods,
    scale=st.floats(-10, 10, allow_nan=False),
    offset=st.floats(-100, 100, allow_nan=False),
)
def test_magnitude_is_absolutely_homogeneous_and_offset_free(image, method, scale, offset):
    magnitude = gradient_magnitude(image, method=method)
    np.testing.assert_allclose(
        gradient_magnitude(scale * image + offset, method=method),
        abs(scale) * magnitude,
        rtol=1e-9,
        atol=1e-9 * (1 + abs(offset)),
    )


#: Independent derivative filters (scipy.ndimage): smoothing across, central difference along.
SMOOTHING = {
    "central": [0.0, 1.0, 0.0],
    "sobel": [0.25, 0.5, 0.25],
    "scharr": [3 / 16, 10 / 16, 3 / 16],
}


@pytest.mark.parametrize("method", ["central", "sobel", "scharr"])
def test_magnitude_matches_scipy_ndimage_filters_inside(method):
    image = np.random.default_rng(3).standard_normal((9, 11))
    diff, smooth = [0.5, 0.0, -0.5], SMOOTHING[method]  # correlate1d: (f[i+1] - f[i-1]) / 2
    gy = ndimage.correlate1d(ndimage.correlate1d(image, smooth, axis=1), diff[::-1], axis=0)
    gx = ndimage.correlate1d(ndimage.correlate1d(image, smooth, axis=0), diff[::-1], axis=1)
    inside = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(
        gradient_magnitude(image, method=method)[inside], np.hypot(gy, gx)[inside], rtol=1e-12
    )
