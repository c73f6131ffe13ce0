"""Keller-Segel: linear growth rates against the linearised 2x2 system; cells conserved.

Around the uniform state ``u0 = 1``, ``c0 = production u0 / decay`` a mode
with ``lap = -k^2`` evolves by the matrix
``[[-Du k^2, chi u0 k^2], [production, -Dc k^2 - decay]]``; its largest
eigenvalue is the growth rate.  ``k^2`` is ``|k|^2`` of a Fourier mode on a
periodic box and ``l(l+1)/R^2`` of a spherical harmonic.  The upwinded
chemotactic flux is linear in the perturbation at first order, so the
discrete rate converges to this one.
"""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad import pde

CELL_D, CHEMICAL_D, PRODUCTION, DECAY = 0.1, 1.0, 1.0, 1.0
#: Amplitude of the perturbation: small enough for the linear regime.
EPSILON = 1e-3
#: Accepted relative error of the measured rate (the issue asks for 1-2 %).
RATE_RTOL = 0.01
#: Accepted relative drift of the total number of cells.
MASS_RTOL = 1e-10


def linear_rate(chi: float, k2: float) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of the linearised system and its eigenvector (du = 1)."""
    jac = np.array([[-CELL_D * k2, chi * k2], [PRODUCTION, -CHEMICAL_D * k2 - DECAY]])
    values, vectors = np.linalg.eig(jac)
    i = int(np.argmax(values.real))
    return float(values[i].real), vectors[:, i].real / vectors[0, i].real


def measured_rate(grid: fg.Grid, mode, chi: float, k2: float, t_end: float) -> tuple[float, float]:
    rate, (du, dc) = linear_rate(chi, k2)
    m = fg.ScalarField.from_function(grid, mode).data
    state = {
        "u": fg.ScalarField(grid, 1 + EPSILON * du * m),
        "c": fg.ScalarField(grid, 1 + EPSILON * dc * m),
    }
    eq = pde.KellerSegel(CELL_D, CHEMICAL_D, chi, PRODUCTION, DECAY)
    sol = pde.solve(eq, state, t_end, rtol=1e-8, atol=1e-10)
    assert sol.success, sol.message
    vol = grid.cell_volumes()
    amplitude = ((sol.final["u"].data - 1) * m * vol).sum() / (EPSILON * (m * m * vol).sum())
    return float(np.log(amplitude) / t_end), rate


def test_growth_rate_of_a_fourier_mode_on_a_periodic_box() -> None:
    box = fg.CartesianGrid(bounds=[(0, 2 * np.pi)] * 2, shape=(32, 32), periodic=True)
    got, exact = measured_rate(box, lambda x, y: np.cos(x) * np.cos(y), 1.0, 2.0, 2.0)
    assert exact > 0.3  # an unstable mode
    assert got == pytest.approx(exact, rel=RATE_RTOL)


def test_growth_rate_of_a_spherical_harmonic_on_the_sphere() -> None:
    radius = 1.5
    sphere = fg.SphereSurface(radius=radius, shape=(24, 48))
    k2 = 2 * 3 / radius**2  # Y_2^1: l(l+1)/R^2
    mode = lambda theta, phi: np.sin(theta) * np.cos(theta) * np.cos(phi)  # noqa: E731
    got, exact = measured_rate(sphere, mode, 2.0, k2, 1.5)
    assert exact > 0.3
    assert got == pytest.approx(exact, rel=RATE_RTOL)


def test_a_stable_mode_decays_at_its_rate() -> None:
    box = fg.CartesianGrid(bounds=[(0, 2 * np.pi)], shape=(64,), periodic=True)
    got, exact = measured_rate(box, lambda x: np.cos(2 * x), 0.2, 4.0, 1.0)
    assert exact < 0
    assert got == pytest.approx(exact, rel=RATE_RTOL)


GRIDS = {
    "disk": (
        fg.PolarGrid(radius=(0, 1), shape=(12, 24)),
        lambda r, theta: (
            1 + 0.5 * np.exp(-20 * ((r * np.cos(theta) - 0.3) ** 2 + (r * np.sin(theta)) ** 2))
        ),
    ),
    "ball": (
        fg.SphericalGrid(radius=(0, 1), shape=(6, 6, 12)),
        lambda r, theta, phi: 1 + 0.5 * r * np.cos(theta) + 0.3 * r * np.sin(theta) * np.cos(phi),
    ),
    "sphere": (
        fg.SphereSurface(radius=1.0, shape=(12, 24)),
        lambda theta, phi: 1 + 0.5 * np.cos(theta) ** 3 + 0.2 * np.sin(theta) * np.sin(phi),
    ),
    "pipe": (
        fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(10, 12)),
        lambda r, z: 1 + 0.5 * np.cos(np.pi * z / 2) * (1 - r**2),
    ),
}


@pytest.mark.parametrize("method", ["imex", "implicit"])
@pytest.mark.parametrize("name", sorted(GRIDS))
def test_cells_are_conserved_and_stay_positive_with_no_flux(name: str, method: str) -> None:
    grid, initial = GRIDS[name]
    u = fg.ScalarField.from_function(grid, initial)
    eq = pde.KellerSegel(0.05, 1.0, 5.0, 1.0, 1.0, saturation=0.1)
    sol = pde.solve(eq, {"u": u, "c": u.copy()}, t_end=0.5, method=method)
    assert sol.success, sol.message
    vol = grid.cell_volumes()
    before, after = (u.data * vol).sum(), (sol.final["u"].data * vol).sum()
    assert abs(after / before - 1) < MASS_RTOL
    assert sol.final["u"].data.max() > 2 * u.data.max()  # the cells did aggregate
    assert sol.final["u"].data.min() >= 0


def test_logistic_growth_is_the_only_change_of_the_cell_total() -> None:
    sphere = fg.SphereSurface(radius=1.0, shape=(12, 24))
    u = fg.ScalarField(sphere, np.full(sphere.shape, 0.2))
    eq = pde.KellerSegel(0.1, 1.0, 1.0, 1.0, 1.0, growth=1.0)
    sol = pde.solve(eq, {"u": u, "c": u.copy()}, t_end=1.0, rtol=1e-8, atol=1e-10)
    exact = 1 / (1 + 4 * np.exp(-1.0))  # logistic from 0.2, uniform
    assert np.allclose(sol.final["u"].data, exact, rtol=1e-6)
