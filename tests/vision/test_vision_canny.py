"""Canny edges: exact small cases, thresholds, the synthetic card, bad input."""

import numpy as np
import pytest
from scipy import ndimage

from fieldgrad.vision import (
    auto_thresholds,
    edges,
    hysteresis_threshold,
    non_maximum_suppression,
    otsu_threshold,
    synthetic_card,
)


@pytest.mark.parametrize("sigma", [0.0, 1.0, 2.0])
def test_vertical_step_gives_a_one_pixel_line_at_the_step(sigma):
    image = np.zeros((20, 24))
    image[:, 12:] = 1.0
    found = edges(image, sigma=sigma)
    columns = np.flatnonzero(found.any(axis=0))
    assert columns.size == 1
    assert columns[0] in (11, 12)
    assert found[:, columns[0]].all()


def test_horizontal_step_gives_a_one_pixel_line_at_the_step():
    image = np.zeros((24, 20))
    image[9:, :] = 3.0
    found = edges(image, sigma=1.0)
    rows = np.flatnonzero(found.any(axis=1))
    assert rows.size == 1 and rows[0] in (8, 9)
    assert found[rows[0]].all()


@pytest.mark.parametrize("value", [0.0, 5.0])
def test_flat_image_has_no_edges(value):
    assert not edges(np.full((16, 16), value)).any()
    assert not edges(np.full((16, 16), value), low=0.0, high=0.0).any()


def test_disk_edges_lie_on_the_rim():
    y, x = np.indices((64, 64), dtype=float)
    r = np.hypot(y - 31.7, x - 32.2)
    image = np.clip(20.0 - r + 0.5, 0.0, 1.0)
    found = edges(image, sigma=1.5)
    assert abs(r[found] - 20.0).max() <= 1.0
    # The rim is closed: every angle has an edge pixel.
    angles = np.arctan2(*np.nonzero(found) - np.array([[31.7], [32.2]]))
    counts, _ = np.histogram(angles, bins=36, range=(-np.pi, np.pi))
    assert counts.min() > 0


def test_high_threshold_above_every_gradient_gives_no_edges():
    image = np.zeros((16, 16))
    image[:, 8:] = 1.0
    assert not edges(image, high=10.0).any()
    assert edges(image, low=0.1).any()


def test_card_edges_match_the_known_edges():
    card = synthetic_card(128, noise=0.02)
    found = edges(card.image, sigma=2.0)
    to_truth = ndimage.distance_transform_edt(~card.true_edges)
    to_found = ndimage.distance_transform_edt(~found)
    assert np.mean(to_truth[found] <= 1) > 0.97
    assert np.mean(to_found[card.true_edges] <= 1) > 0.95


def test_diagonal_edge_is_thinned_to_the_diagonal():
    y, x = np.indices((16, 16), dtype=float)
    found = edges(np.tanh((x - y) / 1.5), sigma=0.0)
    np.testing.assert_array_equal(found, np.eye(16, dtype=bool))


def test_non_maximum_suppression_keeps_only_the_crest():
    magnitude = np.tile([0.0, 1.0, 2.0, 3.0, 2.5, 1.0], (4, 1))
    thin = non_maximum_suppression(magnitude, (np.zeros((4, 6)), -np.ones((4, 6))))
    np.testing.assert_array_equal(thin, np.where(magnitude == 3.0, 3.0, 0.0))


def test_hysteresis_keeps_weak_pixels_connected_to_strong_ones():
    magnitude = np.array(
        [
            [0.0, 0.5, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.5, 0.0, 0.5],
            [0.0, 0.0, 0.0, 2.0, 0.0],
            [0.5, 0.5, 0.0, 0.0, 0.0],
        ]
    )
    kept = hysteresis_threshold(magnitude, 0.4, 1.0)
    expected = np.zeros_like(kept)
    expected[0, 1] = expected[1, 2] = expected[1, 4] = expected[2, 3] = True
    np.testing.assert_array_equal(kept, expected)


def test_otsu_splits_two_clusters(rng):
    values = np.concatenate([rng.normal(1.0, 0.1, 500), rng.normal(4.0, 0.2, 100)])
    assert 1.4 < otsu_threshold(values) < 3.5
    assert otsu_threshold(np.full(10, 2.0)) == 2.0


def test_auto_thresholds_ignore_zeros_and_keep_the_ratio():
    assert auto_thresholds(np.zeros((4, 4))) == (0.0, 0.0)
    low, high = auto_thresholds(np.r_[np.zeros(1000), np.full(50, 0.1), np.full(10, 1.0)])
    assert 0.1 < high <= 1.0
    assert low == pytest.approx(0.5 * high)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sigma": -0.5}, "sigma"),
        ({"low": 2.0, "high": 1.0}, "low must be <= high"),
        ({"low": -1.0}, "low"),
        ({"high": np.inf}, "high"),
    ],
)
def test_bad_options_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        edges(np.zeros((8, 8)), **kwargs)


def test_bad_images_are_rejected():
    with pytest.raises(ValueError, match="shape"):
        edges(np.zeros((8, 8, 5)))
    with pytest.raises(TypeError, match="numeric"):
        edges(np.full((8, 8), None))
    with pytest.raises(ValueError, match="low <= high"):
        hysteresis_threshold(np.zeros((3, 3)), 1.0, 0.5)
    with pytest.raises(ValueError, match="finite"):
        otsu_threshold(np.array([np.nan]))
