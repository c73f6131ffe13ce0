"""Attention scaling, losses, optimisers, clipping and bad input."""

import numpy as np
import pytest

from fieldgrad.landscapes import clip_by_global_norm
from fieldgrad.learning import (
    SGD,
    Adam,
    Conv2d,
    Critic,
    CrossEntropyLoss,
    Dense,
    DotProductAttention,
    MSELoss,
    ReLU,
    Sequential,
    Tanh,
    softmax,
    wgan_gp_loss,
)


def test_conv_matches_a_direct_sum(rng):
    conv = Conv2d(2, 3, (2, 3), padding=1, rng=0)
    conv.params["b"][:] = [0.5, -1.0, 2.0]
    x = rng.standard_normal((1, 2, 4, 5))
    y = conv.forward(x)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    W = conv.params["W"]
    i, j = 2, 3
    expected = (xp[0, :, i : i + 2, j : j + 3][None] * W).sum(axis=(1, 2, 3)) + conv.params["b"]
    np.testing.assert_allclose(y[0, :, i, j], expected, rtol=1e-13)
    assert y.shape == (1, 3, 5, 5)


def test_scaled_logits_have_unit_variance_at_any_dimension(rng):
    for d in (16, 256):
        q, k = rng.standard_normal((64, d)), rng.standard_normal((64, d))
        attention = DotProductAttention(scaled=True)
        attention.forward(q, k, np.zeros((64, 1)))
        assert attention.logits.std() == pytest.approx(1.0, rel=0.1)
        unscaled = DotProductAttention(scaled=False)
        unscaled.forward(q, k, np.zeros((64, 1)))
        assert unscaled.logits.std() == pytest.approx(np.sqrt(d), rel=0.1)


def test_softmax_rows_sum_to_one_without_overflow():
    p = softmax(np.array([[1e4, 0.0, -1e4], [1.0, 1.0, 1.0]]))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[1], 1 / 3)


def test_clipping_keeps_the_direction_of_the_network_gradient(rng):
    net = Sequential([Dense(4, 16, gain=5.0, rng=0), Tanh(), Dense(16, 1, gain=5.0, rng=1)])
    loss = MSELoss()
    loss.forward(net.forward(rng.standard_normal((8, 4))), np.zeros((8, 1)))
    net.backward(loss.backward())
    grads = net.gradients()
    clipped, norm = clip_by_global_norm(grads, 0.1)
    flat = np.concatenate([g.ravel() for g in grads])
    flat_clipped = np.concatenate([g.ravel() for g in clipped])
    assert norm == pytest.approx(np.linalg.norm(flat))
    assert np.linalg.norm(flat_clipped) == pytest.approx(0.1)
    cosine = flat @ flat_clipped / (np.linalg.norm(flat) * np.linalg.norm(flat_clipped))
    assert cosine == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("optimizer", [SGD(0.1), Adam(0.05)])
def test_optimisers_fit_a_linear_map(optimizer, rng):
    x = rng.standard_normal((64, 3))
    target = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    net, loss = Sequential([Dense(3, 1, rng=0)]), MSELoss()
    for _ in range(500):
        loss.forward(net.forward(x), target)
        net.backward(loss.backward())
        optimizer.step(net.parameters(), net.gradients())
    assert loss.forward(net.forward(x), target) < 1e-6


def test_critic_learns_the_direction_between_two_clouds(rng):
    real = rng.standard_normal((256, 2)) * 0.3 + [2.0, 0.0]
    fake = rng.standard_normal((256, 2)) * 0.3
    critic, optimizer = Critic(2, 16, rng=0), Adam(0.01, betas=(0.5, 0.9))
    for _ in range(300):
        _, grads, _ = wgan_gp_loss(critic, real, fake, rng=rng)
        optimizer.step(list(critic.params.values()), [grads[k] for k in critic.params])
    gradient = critic.input_gradient(0.5 * (real + fake)).mean(axis=0)
    assert gradient[0] > 0.8 and abs(gradient[1]) < 0.2


def _attend_mismatched():
    return DotProductAttention().forward(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 1)))


def _cross_entropy(labels):
    return CrossEntropyLoss().forward(np.zeros((2, 3)), np.array(labels))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: Dense(3, 2).forward(np.zeros((4, 5))), ValueError, "3 features"),
        (lambda: Dense(0, 2), ValueError, "features"),
        (lambda: Conv2d(2, 3, 3).forward(np.zeros((1, 1, 5, 5))), ValueError, r"\(N, 2, H, W\)"),
        (lambda: Conv2d(1, 1, 5).forward(np.zeros((1, 1, 3, 3))), ValueError, "smaller"),
        (lambda: Conv2d(1, 1, 3, padding=-1), ValueError, "padding"),
        (_attend_mismatched, ValueError, "query"),
        (lambda: MSELoss().forward(np.zeros(3), np.zeros(4)), ValueError, "shape"),
        (lambda: _cross_entropy([0, 3]), ValueError, "labels"),
        (lambda: _cross_entropy([0.0, 1.0]), ValueError, "integers"),
        (lambda: Sequential([ReLU(), "tanh"]), TypeError, "Layer"),
        (lambda: SGD(0.0), ValueError, "lr"),
        (lambda: Adam(-1.0), ValueError, "lr"),
        (lambda: Critic(2, 4).forward(np.zeros((3, 3))), ValueError, r"\(N, 2\)"),
        (
            lambda: wgan_gp_loss(Critic(2, 4), np.zeros((3, 2)), np.zeros((4, 2))),
            ValueError,
            "shape",
        ),
    ],
)
def test_bad_input_is_rejected(call, error, match):
    with pytest.raises(error, match=match):
        call()
