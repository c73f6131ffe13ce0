"""Small grids of every kind for the engine tests, as a parametrised ``grid`` fixture."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fieldgrad as fg

#: One small grid of each kind the engines must handle, by name.
GRIDS = {
    "cartesian-1d": lambda: fg.CartesianGrid(bounds=[(0, 1)], shape=(17,)),
    "cartesian-2d-periodic": lambda: fg.CartesianGrid(
        bounds=[(0, 1), (0, 2)], shape=(12, 15), periodic=(True, False)
    ),
    "cartesian-3d": lambda: fg.CartesianGrid(
        bounds=[(0, 1), (0, 2), (-1, 1)], shape=(9, 10, 11), periodic=(False, True, False)
    ),
    "cartesian-2d-nonuniform": lambda: fg.CartesianGrid.from_coords(
        {"x": np.geomspace(0.1, 2.0, 13), "y": np.cumsum(np.linspace(0.05, 0.2, 14))}
    ),
    "polar-disk": lambda: fg.PolarGrid(radius=(0, 1), shape=(10, 16)),
    "polar-annulus": lambda: fg.PolarGrid(radius=(0.5, 1.5), shape=(10, 12)),
    "polar-sector": lambda: fg.PolarGrid(radius=(0, 1), shape=(10, 12), angle=(0.2, 1.2)),
    "polar-axis-point": lambda: fg.PolarGrid.from_coords(
        {"r": np.linspace(0, 1, 11), "theta": np.arange(16) * math.pi / 8}
    ),
    "polar-log-radius": lambda: fg.PolarGrid.from_coords(
        {"r": np.geomspace(0.05, 1, 12), "theta": np.arange(16) * math.pi / 8}
    ),
    "spherical-ball": lambda: fg.SphericalGrid(radius=(0, 1), shape=(10, 9, 12)),
    "spherical-shell": lambda: fg.SphericalGrid(radius=(0.5, 1), shape=(10, 10, 12)),
    "spherical-pole-points": lambda: fg.SphericalGrid.from_coords(
        {
            "r": np.linspace(0.5, 1, 10),
            "theta": np.linspace(0, math.pi, 11),
            "phi": np.arange(12) * math.pi / 6,
        }
    ),
    "sphere-whole": lambda: fg.SphereSurface(radius=2.0, shape=(12, 24)),
    "sphere-pole-points": lambda: fg.SphereSurface.from_coords(
        {"theta": np.linspace(0, math.pi, 13), "phi": np.arange(24) * math.pi / 12}, radius=1.5
    ),
    "sphere-patch": lambda: fg.SphereSurface(
        radius=6.0, shape=(12, 14), colatitude=(0.3, 1.2), longitude=(0.5, 1.5)
    ),
    "cylindrical-rz": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(10, 12)),
    "cylindrical-rz-axis-point": lambda: fg.CylindricalGrid.from_coords(
        {"r": np.linspace(0, 1, 11), "z": np.linspace(0, 5, 13)}
    ),
    "cylindrical-full": lambda: fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(10, 12, 11)),
}


@pytest.fixture(params=sorted(GRIDS))
def grid(request: pytest.FixtureRequest) -> fg.Grid:
    """Each grid of :data:`GRIDS` in turn."""
    return GRIDS[request.param]()


def relative_error(actual: np.ndarray, desired: np.ndarray) -> float:
    """Largest difference relative to the largest value of ``desired`` (finite points)."""
    finite = np.isfinite(desired)
    assert np.array_equal(finite, np.isfinite(actual)), "the engines disagree on non-finite points"
    scale = float(np.abs(desired[finite]).max(initial=0.0)) or 1.0
    return float(np.abs(actual[finite] - desired[finite]).max(initial=0.0)) / scale


@pytest.fixture
def close():
    """``close(actual, desired, rtol)``: equal to ``rtol`` relative to the field's scale."""

    def check(actual: np.ndarray, desired: np.ndarray, rtol: float = 1e-12) -> None:
        actual, desired = np.asarray(actual), np.asarray(desired)
        assert actual.shape == desired.shape
        error = relative_error(actual, desired)
        assert error <= rtol, f"relative error {error:.3g} > {rtol:g}"

    return check
