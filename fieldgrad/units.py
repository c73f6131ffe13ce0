"""Units of fields and grids, with pint doing the algebra.

A grid may carry a length unit (``units="m"``) and a field a unit of its own
(``units="V"``).  Operators derive the unit of their result from both:
gradients, gradient norms and divergences divide by the length unit, the
Laplacian by its square.  Units are kept as strings that pint parses, so
they round-trip through xarray and netCDF attributes (CF ``units``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

__all__ = ["check_length_units", "check_units", "combine_units", "per_length"]

#: Unit string of angular coordinates in xarray attributes.
ANGLE_UNITS = "radian"


@functools.cache
def registry() -> Any:
    """pint's application registry (imported on first use)."""
    import pint

    return pint.get_application_registry()


def _parse(label: str, units: str) -> Any:
    try:
        return registry().parse_units(units)
    except Exception:  # pint raises many kinds of errors on bad input
        msg = f"{label} must be a unit that pint parses (e.g. 'V', 'm / s'), got {units!r}"
        raise ValueError(msg) from None


def _format(unit: Any) -> str:
    return f"{unit:~D}" if unit != registry().dimensionless else ""


def check_units(units: Any, *, name: str = "units") -> str | None:
    """Validate a unit string (None: no units).

    Examples
    --------
    >>> from fieldgrad.units import check_units
    >>> check_units("V / m")
    'V / m'
    >>> check_units("fur ^")
    Traceback (most recent call last):
    ...
    ValueError: units must be a unit that pint parses (e.g. 'V', 'm / s'), got 'fur ^'
    """
    if units is None:
        return None
    if not isinstance(units, str):
        msg = f"{name} must be a string such as 'V' or None, got {type(units).__name__}"
        raise TypeError(msg)
    _parse(name, units)
    return units


def check_length_units(units: Any, *, name: str = "units") -> str | None:
    """Validate a grid's length unit: a unit of length, or None.

    Examples
    --------
    >>> from fieldgrad.units import check_length_units
    >>> check_length_units("km")
    'km'
    >>> check_length_units("s")
    Traceback (most recent call last):
    ...
    ValueError: units must be a unit of length, got 's' ([time])
    """
    units = check_units(units, name=name)
    if units is None:
        return None
    unit = _parse(name, units)
    if unit.dimensionality != registry().meter.dimensionality:
        msg = f"{name} must be a unit of length, got {units!r} ({unit.dimensionality})"
        raise ValueError(msg)
    return units


def per_length(units: str | None, length: str | None, power: int = 1) -> str | None:
    """The unit of a derivative: ``units / length**power`` (None if either is unknown).

    Examples
    --------
    >>> from fieldgrad.units import per_length
    >>> per_length("V", "m"), per_length("K", "km", 2), per_length("V", None)
    ('V / m', 'K / km ** 2', None)
    """
    if units is None or length is None:
        return None
    out = _parse("units", units) / _parse("grid units", length) ** power
    return _format(out) or None  # a slope (m per m) has no unit


def combine_units(ufunc: Any, units: list[str | None]) -> str | None:
    """The unit of a ufunc's result from its inputs' units, by pint's rules.

    ``units`` has one entry per input (None: a plain number or array, which
    is dimensionless).  Adding or comparing quantities of different
    dimensions is an error; multiplication and division combine units;
    functions such as ``log`` and ``exp`` need dimensionless inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.units import combine_units
    >>> combine_units(np.multiply, ["V", "A"]), combine_units(np.add, ["m", "m"])
    ('A * V', 'm')
    >>> combine_units(np.add, ["m", "s"])
    Traceback (most recent call last):
    ...
    ValueError: cannot apply add to fields in 'm' and 's': their units must have the same dimension
    """
    if all(u is None for u in units):
        return None
    ureg = registry()
    quantities = [ureg.Quantity(1.0, "" if u is None else _parse("units", u)) for u in units]
    import pint

    try:
        result = ufunc(*quantities)
    except pint.errors.DimensionalityError:
        names = " and ".join(repr(u or "") for u in units)
        need = "the same dimension" if len(units) > 1 else "no dimension"
        msg = f"cannot apply {ufunc.__name__} to fields in {names}: their units must have {need}"
        raise ValueError(msg) from None
    if isinstance(result, tuple):
        result = result[0]
    plain = ufunc(*([1.0] * len(units)))
    plain = plain[0] if isinstance(plain, tuple) else plain
    magnitude = getattr(result, "magnitude", result)
    if np.any(np.asarray(magnitude, dtype=float) != np.asarray(plain, dtype=float)):
        names = " and ".join(repr(u or "") for u in units)
        msg = (
            f"cannot apply {ufunc.__name__} to fields in {names} without converting one: "
            "give them the same units first"
        )
        raise ValueError(msg)
    if not isinstance(result, pint.Quantity) or np.asarray(magnitude).dtype == bool:
        return None
    return _format(result.units) or None
