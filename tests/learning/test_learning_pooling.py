"""Exact gradient-norm laws of pooling, and the per-layer record of Sequential."""

import numpy as np
import pytest

from fieldgrad.learning import AvgPool2d, Conv2d, MaxPool2d, ReLU, Sequential


@pytest.mark.parametrize("k", [2, 3, 4])
def test_max_pooling_preserves_the_gradient_norm_exactly(k, rng):
    pool = MaxPool2d(k)
    pool.forward(rng.standard_normal((2, 3, 4 * k, 5 * k)))
    upstream = rng.standard_normal((2, 3, 4, 5))
    down = pool.backward(upstream)
    assert np.linalg.norm(down) == pytest.approx(np.linalg.norm(upstream), rel=1e-15)
    # One non-zero per window, equal to the upstream value.
    np.testing.assert_array_equal(np.sort(down[down != 0]), np.sort(upstream.ravel()))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_average_pooling_scales_the_gradient_norm_by_one_over_k(k, rng):
    pool = AvgPool2d(k)
    pool.forward(rng.standard_normal((2, 3, 4 * k, 5 * k)))
    upstream = rng.standard_normal((2, 3, 4, 5))
    ratio = np.linalg.norm(pool.backward(upstream)) / np.linalg.norm(upstream)
    assert ratio == pytest.approx(1 / k, rel=1e-14)


def test_pooling_forward_values():
    x = np.arange(36.0).reshape(1, 1, 6, 6)
    np.testing.assert_array_equal(MaxPool2d(3).forward(x)[0, 0], [[14.0, 17.0], [32.0, 35.0]])
    np.testing.assert_array_equal(AvgPool2d(3).forward(x)[0, 0], [[7.0, 10.0], [25.0, 28.0]])


def test_max_pool_ties_go_to_the_first_maximum():
    pool = MaxPool2d(2)
    pool.forward(np.ones((2, 2)))
    np.testing.assert_array_equal(pool.backward(np.array([[3.0]])), [[3.0, 0.0], [0.0, 0.0]])


def test_sequential_records_the_norm_ratio_of_each_pooling_layer(rng):
    net = Sequential([Conv2d(1, 2, 3, padding=1, rng=0), ReLU(), AvgPool2d(2), MaxPool2d(2)])
    y = net.forward(rng.standard_normal((1, 1, 8, 8)))
    net.backward(rng.standard_normal(y.shape))
    ratios = np.array(net.input_grad_norms) / np.array(net.output_grad_norms)
    assert ratios[2] == pytest.approx(0.5, rel=1e-14)
    assert ratios[3] == pytest.approx(1.0, rel=1e-14)
    assert net.output_grad_norms[:-1] == net.input_grad_norms[1:]
    assert net.param_grad_norms[0] > 0 and net.param_grad_norms[1:] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("pool", [AvgPool2d, MaxPool2d])
def test_pooling_rejects_bad_input(pool):
    with pytest.raises(ValueError, match="multiples of 2"):
        pool(2).forward(np.zeros((1, 1, 5, 4)))
    with pytest.raises(ValueError, match="kernel_size"):
        pool(0)
    with pytest.raises(ValueError, match="kernel_size"):
        pool(1.5)
