"""Electrostatics: potentials, E = -grad phi and Gauss's law on every 3-D grid."""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.physics import (
    COULOMB_CONSTANT,
    VACUUM_PERMITTIVITY,
    dipole_potential,
    electric_field,
    flux_through_sphere,
    point_charge_field,
    point_charge_potential,
    point_charges_potential,
)


def test_coulomb_constant() -> None:
    assert COULOMB_CONSTANT == pytest.approx(8.9875517862e9, rel=1e-9)
    assert COULOMB_CONSTANT * 4 * np.pi * VACUUM_PERMITTIVITY == pytest.approx(1.0)


def test_point_charge_potential_values() -> None:
    phi = point_charge_potential(k=3.0, source=(1.0, 2.0, -1.0))
    assert phi(1.0, 2.0, 1.0) == pytest.approx(1.5)
    assert phi(4.0, 6.0, -1.0) == pytest.approx(3.0 / 5.0)
    # in the plane: a source with two coordinates, a call with x and y only
    assert point_charge_potential(source=(0.0, 1.0))(0.0, 3.0) == pytest.approx(0.5)
    with np.errstate(all="raise"):
        assert np.isinf(point_charge_potential()(0.0, 0.0, 0.0))


def test_potentials_broadcast_over_grids() -> None:
    grid = fg.CartesianGrid(bounds=[(-1, 1)] * 3, shape=(4, 5, 6))
    phi = fg.ScalarField.from_function(grid, point_charge_potential(), coords="cartesian")
    x, y, z = grid.mesh()
    np.testing.assert_allclose(phi.data, 1 / np.sqrt(x**2 + y**2 + z**2))


def test_superposition() -> None:
    a = point_charge_potential(k=2.0, source=(0, 0, 1))
    b = point_charge_potential(k=-0.5, source=(1, 0, 0))
    both = point_charges_potential([4.0, -1.0], [(0, 0, 1), (1, 0, 0)], k=0.5)
    pts = np.random.default_rng(1).normal(size=(3, 50))
    np.testing.assert_allclose(both(*pts), a(*pts) + b(*pts))


@pytest.mark.parametrize(
    ("charges", "positions"),
    [([1.0, 2.0], [(0, 0, 0)]), ([], []), ([1.0], [(0, 0, 0, 0)]), ([1.0], [(np.nan, 0)])],
)
def test_bad_charges(charges: list, positions: list) -> None:
    with pytest.raises(ValueError, match="positions|charges"):
        point_charges_potential(charges, positions)


def test_ideal_dipole_is_the_limit_of_two_charges() -> None:
    d = 1e-3
    pair = point_charges_potential([1 / d, -1 / d], [(0, 0, d / 2), (0, 0, -d / 2)])
    ideal = dipole_potential((0, 0, 1))
    pts = np.random.default_rng(2).normal(size=(3, 100)) * 3
    np.testing.assert_allclose(pair(*pts), ideal(*pts), rtol=1e-4, atol=1e-8)


def test_dipole_values() -> None:
    phi = dipole_potential((2.0, 0.0, 0.0), k=0.5, centre=(1.0, 0.0, 0.0))
    assert phi(3.0, 0.0, 0.0) == pytest.approx(0.5 * 2 * 2 / 8)
    assert phi(1.0, 5.0, 0.0) == pytest.approx(0.0)


def test_point_charge_field_is_minus_grad_of_the_potential() -> None:
    k, source = 1.7, (0.3, -0.2, 0.1)
    phi, field = point_charge_potential(k, source), point_charge_field(k, source)
    pts = np.random.default_rng(3).uniform(1, 2, size=(3, 20))
    h = 1e-6
    for axis in range(3):
        step = np.zeros((3, 1))
        step[axis] = h
        derivative = (phi(*(pts + step)) - phi(*(pts - step))) / (2 * h)
        np.testing.assert_allclose(field(*pts)[axis], -derivative, rtol=1e-6)


def test_electric_field_is_minus_the_gradient() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    phi = fg.ScalarField.from_function(grid, lambda r, theta: r**2 * np.sin(theta), units="V")
    E = electric_field(phi, order=4, units="V/m")
    np.testing.assert_allclose(E.data, -phi.gradient(order=4).data)
    assert (E.name, E.units) == ("E", "V/m")
    with pytest.raises(TypeError, match="potential must be a ScalarField"):
        electric_field(E)


def test_electric_field_converges_at_second_order() -> None:
    """In a box beside the charge, max |E - E_exact| falls like h^2."""
    field = point_charge_field()
    errors, steps = [], []
    for n in (32, 64, 128):
        grid = fg.CartesianGrid(bounds=[(1, 2)] * 3, shape=(n, n, n))
        phi = fg.ScalarField.from_function(grid, point_charge_potential(), coords="cartesian")
        exact = np.stack(np.broadcast_arrays(*field(*grid.mesh())))
        errors.append(np.abs(electric_field(phi).data - exact).max())
        steps.append(grid.spacing[0])
    slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
    assert abs(slope - 2) < 0.2


def test_flux_of_the_exact_field_is_4_pi_k() -> None:
    k = 2.5
    # centred sphere: E.n = k / R^2 everywhere and the cell areas are exact
    flux = flux_through_sphere(point_charge_field(k), radius=0.7, shape=(8, 16))
    assert flux == pytest.approx(4 * np.pi * k, rel=1e-12)
    # off-centre sphere still enclosing the charge
    flux = flux_through_sphere(point_charge_field(k), centre=(0.2, -0.1, 0.3), radius=1.0)
    assert flux == pytest.approx(4 * np.pi * k, rel=1e-3)
    # a sphere beside the charge encloses nothing
    beside = flux_through_sphere(point_charge_field(k), centre=(2.0, 0, 0), radius=1.0)
    assert abs(beside) < 1e-3 * 4 * np.pi * k


def test_flux_of_a_dipole_vanishes() -> None:
    pair = ([1.0, -1.0], [(0, 0, 0.1), (0, 0, -0.1)])
    plus, minus = (point_charge_field(q, p) for q, p in zip(*pair, strict=True))

    def field(x, y, z):
        return tuple(a + b for a, b in zip(plus(x, y, z), minus(x, y, z), strict=True))

    assert abs(flux_through_sphere(field, radius=0.5)) < 1e-10


def test_flux_quadrature_converges() -> None:
    field = point_charge_field()
    errors = [
        abs(flux_through_sphere(field, centre=(0.3, 0.2, 0.1), shape=(n, 2 * n)) - 4 * np.pi)
        for n in (8, 16, 32)
    ]
    assert errors[0] > errors[1] > errors[2]


GRIDS = {
    "cartesian": fg.CartesianGrid(bounds=[(-1, 1)] * 3, shape=(40, 40, 40)),
    "spherical": fg.SphericalGrid(radius=(0.1, 2), shape=(64, 16, 32)),
    "cylindrical": fg.CylindricalGrid(radius=(0, 1), z=(-1, 1), shape=(40, 32, 80)),
    "axisymmetric": fg.CylindricalGrid(radius=(0, 1), z=(-1, 1), shape=(40, 80)),
}


@pytest.mark.parametrize("kind", list(GRIDS))
def test_gauss_law_from_an_interpolated_field_on_every_3d_grid(kind: str) -> None:
    grid = GRIDS[kind]
    source = (0.0, 0.0, 0.1)  # on the axis of the cylinders, off the grid points
    phi = fg.ScalarField.from_function(
        grid, point_charge_potential(source=source), coords="cartesian"
    )
    E = electric_field(phi)
    # an off-centre sphere: components must be turned into Cartesian ones correctly
    around = flux_through_sphere(E, centre=(0.05, -0.04, 0.1), radius=0.5, shape=(32, 64))
    assert around / (4 * np.pi) == pytest.approx(1.0, rel=1e-2)
    beside = flux_through_sphere(E, centre=(0.45, 0.2, 0.1), radius=0.3, shape=(32, 64))
    assert abs(beside / (4 * np.pi)) < 1e-2


def test_flux_errors() -> None:
    polar = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    E = fg.VectorField(polar, np.ones((2, 8, 16)))
    with pytest.raises(ValueError, match="3-D space"):
        flux_through_sphere(E, radius=0.5)
    with pytest.raises(TypeError, match="callable"):
        flux_through_sphere(np.ones(3), radius=0.5)
    with pytest.raises(ValueError, match="radius"):
        flux_through_sphere(point_charge_field(), radius=-1.0)
    box = fg.CartesianGrid(bounds=[(-1, 1)] * 3, shape=(8, 8, 8))
    with pytest.raises(ValueError, match="within the grid"):
        flux_through_sphere(fg.VectorField(box, np.ones((3, 8, 8, 8))), radius=2.0)
