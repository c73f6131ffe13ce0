"""Landscapes: optimisers steered by the gradient norm, reaction paths, score functions.

A landscape is a Python callable ``f(x)`` on R^n or a :class:`fieldgrad.ScalarField`
on any grid (value and gradient interpolated from the field).  The optimisers
(:func:`minimize`) and the reaction-path follower (:func:`irc`) record the
gradient norm at every step; :func:`gradient_norm_penalty` makes the landscape
``f + lambda |grad f|^2``.
"""

from fieldgrad.landscapes.clip import clip_by_global_norm, clip_by_norm, vector_norm
from fieldgrad.landscapes.irc import IRCBranch, IRCResult, irc
from fieldgrad.landscapes.optimize import DEFAULT_LR, METHODS, minimize
from fieldgrad.landscapes.penalty import GradientNormPenalty, gradient_norm_penalty
from fieldgrad.landscapes.potentials import (
    MULLER_BROWN_MINIMA,
    MULLER_BROWN_MINIMUM_ENERGIES,
    MULLER_BROWN_SADDLE_ENERGIES,
    MULLER_BROWN_SADDLES,
    Quadratic,
    muller_brown,
    muller_brown_gradient,
    muller_brown_hessian,
    rosenbrock,
    rosenbrock_gradient,
    rosenbrock_hessian,
)
from fieldgrad.landscapes.score import expected_score_norm_sq, gaussian_score

__all__ = [
    "DEFAULT_LR",
    "METHODS",
    "MULLER_BROWN_MINIMA",
    "MULLER_BROWN_MINIMUM_ENERGIES",
    "MULLER_BROWN_SADDLES",
    "MULLER_BROWN_SADDLE_ENERGIES",
    "GradientNormPenalty",
    "IRCBranch",
    "IRCResult",
    "Quadratic",
    "clip_by_global_norm",
    "clip_by_norm",
    "expected_score_norm_sq",
    "gaussian_score",
    "gradient_norm_penalty",
    "irc",
    "minimize",
    "muller_brown",
    "muller_brown_gradient",
    "muller_brown_hessian",
    "rosenbrock",
    "rosenbrock_gradient",
    "rosenbrock_hessian",
    "vector_norm",
]
