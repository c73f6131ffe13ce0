"""Physics: electrostatics (E = -grad phi, Gauss's law), pipe flow, terrain ..."""

from .electrostatics import (
    COULOMB_CONSTANT,
    VACUUM_PERMITTIVITY,
    dipole_potential,
    electric_field,
    flux_through_sphere,
    point_charge_field,
    point_charge_potential,
    point_charges_potential,
)

__all__ = [
    "COULOMB_CONSTANT",
    "VACUUM_PERMITTIVITY",
    "dipole_potential",
    "electric_field",
    "flux_through_sphere",
    "point_charge_field",
    "point_charge_potential",
    "point_charges_potential",
]
