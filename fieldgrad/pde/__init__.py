"""Fields that evolve: equations on every grid and the time steppers that solve them."""

from .equations import Diffusion, Equation, FisherKPP, ReactionDiffusion
from .solve import METHODS, Solution, solve
from .system import System
from .transport import Advection, KellerSegel

__all__ = [
    "METHODS",
    "Advection",
    "Diffusion",
    "Equation",
    "FisherKPP",
    "KellerSegel",
    "ReactionDiffusion",
    "Solution",
    "System",
    "solve",
]
