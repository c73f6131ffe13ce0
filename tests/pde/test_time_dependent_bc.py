"""Boundary values that depend on time: u = exp(-t) cos(x) solves u_t = u_xx.

Its value, outward derivative or Robin combination at the ends of [0, 1]
changes with t; with those conditions every method must converge to it at
second order in space (time-stepping error far below).
"""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad import pde
from fieldgrad.testing import convergence_order

SIZES = (16, 32, 64)

CONDITIONS = {
    "dirichlet": {"x": ("dirichlet", lambda x, t: np.exp(-t) * np.cos(x))},
    "neumann": {
        "x-": ("neumann", lambda x, t: 0 * x),
        "x+": ("neumann", lambda x, t: -np.exp(-t) * np.sin(x)),
    },
    "robin": {"x+": ("robin", (1.0, 1.0, lambda x, t: np.exp(-t) * (np.cos(x) - np.sin(x))))},
}


@pytest.mark.parametrize("method", ["explicit", "imex", "implicit"])
@pytest.mark.parametrize("kind", sorted(CONDITIONS))
def test_time_dependent_boundary_values(kind: str, method: str) -> None:
    errors = []
    for n in SIZES:
        line = fg.CartesianGrid(bounds=[(0, 1)], shape=(n,))
        u0 = fg.ScalarField.from_function(line, lambda x: np.cos(x), name="u")
        eq = pde.Diffusion(1.0, bc=CONDITIONS[kind])
        sol = pde.solve(eq, u0, 1.0, method=method, rtol=1e-9, atol=1e-12)
        exact = np.exp(-1.0) * np.cos(line.coords["x"])
        errors.append(np.abs(sol.final.data - exact).max())
    assert convergence_order([1 / n for n in SIZES], errors) >= 1.9, errors
    assert errors[-1] < 1e-5
