"""Every layer's backward pass against central finite differences."""

import numpy as np
import pytest

from fieldgrad.learning import (
    AvgPool2d,
    Conv2d,
    Critic,
    CrossEntropyLoss,
    Dense,
    DotProductAttention,
    Flatten,
    MaxPool2d,
    MSELoss,
    ReLU,
    SelfAttention,
    Sequential,
    Tanh,
    gradient_errors,
    numerical_gradient,
    relative_error,
    wgan_gp_loss,
)

TOL = 1e-6


LAYERS = {
    "dense": (lambda: Dense(5, 3, rng=0), (4, 5)),
    "dense_3d_input": (lambda: Dense(5, 3, rng=0), (2, 4, 5)),
    "dense_no_bias": (lambda: Dense(5, 3, bias=False, rng=0), (4, 5)),
    "relu": (ReLU, (3, 7)),
    "tanh": (Tanh, (3, 7)),
    "flatten": (Flatten, (2, 3, 4)),
    "conv": (lambda: Conv2d(2, 3, 3, rng=0), (2, 2, 6, 7)),
    "conv_padded": (lambda: Conv2d(2, 3, (3, 2), padding=1, rng=0), (2, 2, 5, 5)),
    "avgpool": (lambda: AvgPool2d(2), (2, 3, 4, 6)),
    "maxpool": (lambda: MaxPool2d(3), (2, 1, 6, 9)),
    "attention_scaled": (lambda: SelfAttention(6, 4, rng=0), (2, 5, 6)),
    "attention_unscaled": (lambda: SelfAttention(6, 4, scaled=False, rng=0), (2, 5, 6)),
    "critic": (lambda: Critic(2, 8, rng=0), (6, 2)),
    "sequential": (
        lambda: Sequential(
            [Conv2d(1, 2, 3, padding=1, rng=0), ReLU(), MaxPool2d(2), Flatten(), Dense(8, 2, rng=1)]
        ),
        (3, 1, 4, 4),
    ),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_matches_finite_differences(name, rng):
    make, shape = LAYERS[name]
    layer = make()
    # Inputs away from ReLU kinks and max-pool ties: |x| >= 0.1, all distinct.
    x = rng.standard_normal(shape)
    x = np.sign(x) * (0.1 + np.abs(x))
    errors = gradient_errors(layer, x, rng=rng)
    assert set(errors) == {"input", *layer.params}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("scaled", [True, False])
def test_dot_product_attention_backward(scaled, rng):
    q, k, v = (rng.standard_normal(s) for s in [(2, 4, 3), (2, 5, 3), (2, 5, 2)])
    attention = DotProductAttention(scaled=scaled)
    upstream = rng.standard_normal((2, 4, 2))

    def loss():
        return float(np.sum(attention.forward(q, k, v) * upstream))

    loss()
    analytic = attention.backward(upstream)
    for array, grad in zip((q, k, v), analytic, strict=True):
        assert relative_error(grad, numerical_gradient(loss, array)) < TOL


def test_softmax_gradient_through_attention_logits(rng):
    q, k, v = rng.standard_normal((4, 3)), rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    attention = DotProductAttention()
    upstream = rng.standard_normal((4, 2))
    attention.forward(q, k, v)
    attention.backward(upstream)
    logits = attention.logits.copy()

    def loss():
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return float(np.sum((e / e.sum(axis=1, keepdims=True)) @ v * upstream))

    assert relative_error(attention.grad_logits, numerical_gradient(loss, logits)) < TOL


def test_mse_loss_gradient(rng):
    prediction, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    loss = MSELoss()
    loss.forward(prediction, target)
    numeric = numerical_gradient(lambda: loss.forward(prediction, target), prediction)
    loss.forward(prediction, target)
    assert relative_error(loss.backward(), numeric) < TOL


def test_cross_entropy_gradient(rng):
    logits, labels = rng.standard_normal((6, 4)), np.array([0, 3, 1, 1, 2, 0])
    loss = CrossEntropyLoss()
    numeric = numerical_gradient(lambda: loss.forward(logits, labels), logits)
    loss.forward(logits, labels)
    assert relative_error(loss.backward(), numeric) < TOL


def test_critic_input_gradient(rng):
    critic, x = Critic(2, 16, rng=3), rng.standard_normal((5, 2))
    analytic = critic.input_gradient(x)
    numeric = np.stack(
        [numerical_gradient(lambda i=i: float(critic.forward(x)[i]), x)[i] for i in range(5)]
    )
    assert relative_error(analytic, numeric) < TOL


def test_gradient_penalty_second_derivatives(rng):
    critic, x = Critic(2, 16, rng=3), 2 * rng.standard_normal((7, 2))
    _, grads = critic.penalty(x, weight=3.0)
    for name, p in critic.params.items():
        numeric = numerical_gradient(lambda: critic.penalty(x, weight=3.0)[0], p)
        assert relative_error(grads[name], numeric) < TOL, name


def test_wgan_gp_loss_gradient(rng):
    critic = Critic(2, 8, rng=5)
    real, fake = rng.standard_normal((10, 2)) + 2, rng.standard_normal((10, 2))
    _, grads, _ = wgan_gp_loss(critic, real, fake, rng=9)
    for name, p in critic.params.items():
        numeric = numerical_gradient(lambda: wgan_gp_loss(critic, real, fake, rng=9)[0], p)
        assert relative_error(grads[name], numeric) < TOL, name
