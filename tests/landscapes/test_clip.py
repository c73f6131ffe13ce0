"""Gradient clipping: caps the norm, keeps the direction, handles non-finite norms."""

from __future__ import annotations

import numpy as np
import pytest

from fieldgrad.landscapes import array_norm, clip_by_global_norm, clip_by_norm


@pytest.mark.parametrize("ord", [1, 2, np.inf])
def test_clip_by_norm_caps_the_norm_and_keeps_the_direction(ord):
    g = np.array([[3.0, -4.0], [12.0, 0.5]])
    clipped = clip_by_norm(g, 2.0, ord)
    assert np.linalg.norm(clipped.ravel(), ord) == pytest.approx(2.0)
    assert clipped.shape == g.shape
    # same direction: a positive multiple of g
    ratio = clipped / g
    assert np.allclose(ratio, ratio[0, 0]) and ratio[0, 0] > 0


def test_clip_by_norm_leaves_small_gradients_alone():
    g = np.array([0.3, -0.4])
    out = clip_by_norm(g, 1.0)
    assert np.array_equal(out, g)
    assert out is not g  # a new array: the caller's gradient is never modified
    g_exact = np.array([3.0, 4.0])
    assert np.array_equal(clip_by_norm(g_exact, 5.0), g_exact)  # exactly at the cap


def test_clip_by_norm_does_not_modify_its_input():
    g = np.array([30.0, 40.0])
    clip_by_norm(g, 1.0)
    assert np.array_equal(g, [30.0, 40.0])


def test_clip_by_norm_of_zero_is_zero():
    assert np.array_equal(clip_by_norm(np.zeros(3), 1.0), np.zeros(3))


def test_huge_gradients_are_clipped_without_overflow():
    g = np.array([3e200, 4e200])
    assert array_norm(g) == pytest.approx(5e200)
    assert np.allclose(clip_by_norm(g, 1.0), [0.6, 0.8])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_norms_follow_the_policy(bad):
    g = np.array([1.0, bad])
    with pytest.raises(ValueError, match="must be finite to be clipped"):
        clip_by_norm(g, 1.0)
    assert np.array_equal(clip_by_norm(g, 1.0, nonfinite="zero"), [0.0, 0.0])
    passed = clip_by_norm(g, 1.0, nonfinite="pass")
    assert np.array_equal(passed, g, equal_nan=True)


def test_global_norm_is_the_norm_of_all_entries():
    arrays = [np.array([[1.0, 2.0], [2.0, 0.0]]), np.array([4.0]), np.array([[[0.0, -2.0]]])]
    flat = np.concatenate([a.ravel() for a in arrays])
    clipped, norm = clip_by_global_norm(arrays, 1.0)
    assert norm == pytest.approx(np.linalg.norm(flat))  # 5.0
    assert [c.shape for c in clipped] == [a.shape for a in arrays]
    joined = np.concatenate([c.ravel() for c in clipped])
    assert np.linalg.norm(joined) == pytest.approx(1.0)
    # one common factor for every array: the joint direction is kept
    assert np.allclose(joined, flat / norm)


def test_global_clipping_below_the_cap_is_a_no_op():
    arrays = [np.array([0.1, 0.2]), np.array([0.3])]
    clipped, norm = clip_by_global_norm(arrays, 10.0)
    assert norm == pytest.approx(np.sqrt(0.14))
    assert all(np.array_equal(c, a) for c, a in zip(clipped, arrays, strict=True))


def test_global_clipping_differs_from_per_array_clipping():
    arrays = [np.array([3.0, 4.0]), np.array([0.1])]
    clipped, _ = clip_by_global_norm(arrays, 1.0)
    per_array = [clip_by_norm(a, 1.0) for a in arrays]
    # per-array clipping leaves the small array alone; global clipping shrinks it too
    assert per_array[1][0] == pytest.approx(0.1)
    assert clipped[1][0] < 0.1


def test_global_clipping_of_nothing():
    clipped, norm = clip_by_global_norm([], 1.0)
    assert clipped == [] and norm == 0.0


def test_global_clipping_with_a_nan_layer():
    arrays = [np.array([1.0, 2.0]), np.array([np.nan])]
    with pytest.raises(ValueError, match="must be finite"):
        clip_by_global_norm(arrays, 1.0)
    zeroed, norm = clip_by_global_norm(arrays, 1.0, nonfinite="zero")
    assert np.isnan(norm)
    assert all(np.array_equal(z, np.zeros_like(a)) for z, a in zip(zeroed, arrays, strict=True))
    passed, _ = clip_by_global_norm(arrays, 1.0, nonfinite="pass")
    assert np.array_equal(passed[1], arrays[1], equal_nan=True)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, np.nan])
def test_max_norm_must_be_positive(max_norm):
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_by_norm([1.0], max_norm)
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_by_global_norm([np.ones(2)], max_norm)


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="nonfinite must be one of"):
        clip_by_norm([1.0], 1.0, nonfinite="ignore")
    with pytest.raises(ValueError, match="ord must be one of"):
        clip_by_norm([1.0], 1.0, ord=3)
