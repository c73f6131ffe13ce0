"""Time order of each method, against scipy's DOP853 on the same semi-discrete system.

With fixed steps (``adaptive=False``) the global error of the explicit
Bogacki-Shampine scheme falls as ``dt^3`` and of the IMEX ARS(2,2,2) scheme as
``dt^2``.  The adaptive methods (BDF included, whose order varies) keep the
error proportional to ``rtol``.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import fieldgrad as fg
from fieldgrad import pde
from fieldgrad.testing import convergence_order

STEPS = (0.1, 0.05, 0.025, 0.0125)
TOLERANCES = (1e-4, 1e-5, 1e-6)
#: Nominal orders with fixed steps.
ORDERS = {"explicit": 3, "imex": 2}


@pytest.fixture(scope="module")
def problem():
    line = fg.CartesianGrid(bounds=[(0, 1)], shape=(32,), periodic=True)
    u = fg.ScalarField.from_function(line, lambda x: 0.5 + 0.4 * np.sin(2 * np.pi * x), name="u")
    eq = pde.FisherKPP(diffusivity=1e-3, rate=2.0)
    system = eq.system(line, ("u",))
    reference = solve_ivp(
        system.rhs, (0, 1), u.data.copy(), method="DOP853", rtol=1e-13, atol=1e-14
    ).y[:, -1]
    return eq, u, reference


@pytest.mark.parametrize("method", sorted(ORDERS))
def test_fixed_step_order(problem, method: str) -> None:
    eq, u, reference = problem
    errors = []
    for dt in STEPS:
        sol = pde.solve(eq, u, 1.0, dt=dt, method=method, adaptive=False)
        errors.append(np.abs(sol.final.data - reference).max())
    order = convergence_order(STEPS, errors)
    assert order == pytest.approx(ORDERS[method], abs=0.15), errors


@pytest.mark.parametrize("method", ["explicit", "imex", "implicit"])
def test_error_follows_rtol(problem, method: str) -> None:
    eq, u, reference = problem
    errors = []
    for rtol in TOLERANCES:
        sol = pde.solve(eq, u, 1.0, method=method, rtol=rtol, atol=1e-12)
        errors.append(np.abs(sol.final.data - reference).max())
    slope = convergence_order(TOLERANCES, errors)
    assert 0.6 <= slope <= 1.4, errors
    assert errors[-1] < 20 * TOLERANCES[-1]
