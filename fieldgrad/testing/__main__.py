"""``python -m fieldgrad.testing``: print the measured convergence table (docs/convergence.md)."""

from .convergence import convergence_table

print(convergence_table())
