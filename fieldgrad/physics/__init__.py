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
from .flow import (
    BLOOD_DENSITY,
    BLOOD_VISCOSITY,
    MMHG,
    flow_rate,
    poiseuille_pressure,
    poiseuille_pressure_gradient,
    poiseuille_velocity,
    reynolds_number,
)
from .terrain import (
    ContourSpacing,
    contour_spacing_gradient,
    east_north_gradient,
    hillshade,
    jacksboro_elevation,
    slope_degrees,
)

__all__ = [
    "BLOOD_DENSITY",
    "BLOOD_VISCOSITY",
    "COULOMB_CONSTANT",
    "ContourSpacing",
    "MMHG",
    "VACUUM_PERMITTIVITY",
    "contour_spacing_gradient",
    "dipole_potential",
    "east_north_gradient",
    "electric_field",
    "flow_rate",
    "flux_through_sphere",
    "hillshade",
    "jacksboro_elevation",
    "point_charge_field",
    "point_charge_potential",
    "point_charges_potential",
    "poiseuille_pressure",
    "poiseuille_pressure_gradient",
    "poiseuille_velocity",
    "reynolds_number",
    "slope_degrees",
]
