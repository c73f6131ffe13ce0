"""Eigenmodes of the Laplacian decay at their eigenvalue, on the disk through r = 0 and the sphere.

The decay rate is measured from the projection of the solution onto the
initial mode, ``-log(<u(t), u0> / <u0, u0>) / t``, and must converge to the
analytic eigenvalue at second order over refinements of the grid.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import j0, j1, jn_zeros

import fieldgrad as fg
from fieldgrad import pde
from fieldgrad.testing import convergence_order

#: Grid refinements (points along the radius or the colatitude).
SIZES = (8, 16, 32)
#: Required order of the decay rate (nominal 2).
MIN_ORDER = 1.8
#: Time-stepping tolerances far below the spatial error.
TIGHT = {"rtol": 1e-9, "atol": 1e-12}
J01 = jn_zeros(0, 1)[0]
J11 = jn_zeros(1, 1)[0]


def decay_rate(
    grid: fg.Grid, mode, diffusivity: float, t_end: float, bc, method="implicit"
) -> float:
    u0 = fg.ScalarField.from_function(grid, mode, name="u")
    sol = pde.solve(pde.Diffusion(diffusivity, bc=bc), u0, t_end, method=method, **TIGHT)
    assert sol.success, sol.message
    vol = grid.cell_volumes()
    amplitude = (sol.final.data * u0.data * vol).sum() / (u0.data**2 * vol).sum()
    return float(-np.log(amplitude) / t_end)


@pytest.mark.parametrize(
    ("mode", "eigenvalue", "angles"),
    [
        (lambda r, theta: j0(J01 * r) + 0 * theta, J01**2, lambda n: 8),
        (lambda r, theta: j1(J11 * r) * np.cos(theta), J11**2, lambda n: 2 * n),
    ],
    ids=["J0", "J1_cos"],
)
def test_disk_dirichlet_modes_decay_at_d_j_squared(mode, eigenvalue, angles) -> None:
    diffusivity, t_end = 0.5, 0.6
    errors = []
    for n in SIZES:
        disk = fg.PolarGrid(radius=(0, 1), shape=(n, angles(n)))
        rate = decay_rate(disk, mode, diffusivity, t_end, {"r+": ("dirichlet", 0.0)})
        errors.append(abs(rate / (diffusivity * eigenvalue) - 1))
    order = convergence_order([1 / n for n in SIZES], errors)
    assert order >= MIN_ORDER, (order, errors)
    assert errors[-1] < 2e-3


def test_sphere_y21_decays_at_d_l_lplus1_over_r_squared() -> None:
    radius, diffusivity, t_end = 2.0, 0.5, 1.0
    exact = diffusivity * 2 * 3 / radius**2
    errors = []
    for n in SIZES:
        sphere = fg.SphereSurface(radius=radius, shape=(n, 2 * n))
        mode = lambda theta, phi: np.sin(theta) * np.cos(theta) * np.cos(phi)  # noqa: E731
        errors.append(abs(decay_rate(sphere, mode, diffusivity, t_end, None) / exact - 1))
    order = convergence_order([1 / n for n in SIZES], errors)
    assert order >= MIN_ORDER, (order, errors)
    assert errors[-1] < 5e-3


@pytest.mark.parametrize("method", ["explicit", "imex"])
def test_other_methods_give_the_same_disk_rate(method: str) -> None:
    disk = fg.PolarGrid(radius=(0, 1), shape=(16, 8))
    mode = lambda r, theta: j0(J01 * r) + 0 * theta  # noqa: E731
    bc = {"r+": ("dirichlet", 0.0)}
    reference = decay_rate(disk, mode, 0.5, 0.6, bc, method="implicit")
    assert decay_rate(disk, mode, 0.5, 0.6, bc, method=method) == pytest.approx(reference, rel=1e-6)
