"""Biology: VEGF fields (diffusion with decay) and chemotaxis agents that climb and change them."""

from .agents import ChemotaxisAgents
from .coupling import Coupled, couple
from .deposition import CloudInCell
from .diffusion import Diffusion, decay_length, steady_diffusion

__all__ = [
    "ChemotaxisAgents",
    "CloudInCell",
    "Coupled",
    "Diffusion",
    "couple",
    "decay_length",
    "steady_diffusion",
]
