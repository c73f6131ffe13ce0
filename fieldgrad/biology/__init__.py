"""Biology: VEGF fields (diffusion with decay) and chemotaxis agents that climb them."""

from .agents import ChemotaxisAgents
from .diffusion import Diffusion, decay_length, steady_diffusion

__all__ = ["ChemotaxisAgents", "Diffusion", "decay_length", "steady_diffusion"]
