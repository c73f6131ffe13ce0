"""Gradient norms inside small neural networks, in plain numpy.

Layers with explicit forward and backward passes (dense, convolution,
pooling, attention), losses, a sequential container that records the
gradient norm reaching every layer, optimisers, finite-difference checks and
a WGAN-GP critic.
"""

from fieldgrad.learning.attention import (
    DotProductAttention,
    SelfAttention,
    softmax,
    softmax_backward,
)
from fieldgrad.learning.conv import Conv2d
from fieldgrad.learning.critic import Critic, wgan_gp_loss
from fieldgrad.learning.gradcheck import gradient_errors, numerical_gradient, relative_error
from fieldgrad.learning.layers import Dense, Flatten, Layer, ReLU, Tanh, as_rng
from fieldgrad.learning.losses import CrossEntropyLoss, MSELoss
from fieldgrad.learning.network import Sequential
from fieldgrad.learning.optim import SGD, Adam
from fieldgrad.learning.pooling import AvgPool2d, MaxPool2d

__all__ = [
    "SGD",
    "Adam",
    "AvgPool2d",
    "Conv2d",
    "Critic",
    "CrossEntropyLoss",
    "Dense",
    "DotProductAttention",
    "Flatten",
    "Layer",
    "MSELoss",
    "MaxPool2d",
    "ReLU",
    "SelfAttention",
    "Sequential",
    "Tanh",
    "as_rng",
    "gradient_errors",
    "numerical_gradient",
    "relative_error",
    "softmax",
    "softmax_backward",
    "wgan_gp_loss",
]
