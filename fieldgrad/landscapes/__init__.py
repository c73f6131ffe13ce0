"""Landscapes: optimisers steered by the gradient norm, reaction paths, score functions.

A landscape is a Python callable ``f(x)`` on R^n or a :class:`fieldgrad.ScalarField`
on any grid (value and gradient interpolated from the field).  The optimisers
(:func:`minimize`) and the reaction-path follower (:func:`irc`) record the
gradient norm at every step; :func:`gradient_norm_penalty` makes the landscape
``f + lambda |grad f|^2``.
"""

from fieldgrad.landscapes.clip import array_norm, clip_by_global_norm, clip_by_norm
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
    "array_norm",
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
]


def __getattr__(name: str) -> object:
    # Deprecated for one release: landscapes.vector_norm shared its name with the
    # pointwise fieldgrad.vector_norm of a vector field.
    if name == "vector_norm":
        import warnings

        warnings.warn(
            "fieldgrad.landscapes.vector_norm is renamed array_norm (fieldgrad.vector_norm "
            "is the pointwise norm of a vector field)",
            DeprecationWarning,
            stacklevel=2,
        )
        return array_norm
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
