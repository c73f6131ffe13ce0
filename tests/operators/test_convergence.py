"""Measured convergence orders of every operator on every grid, over the whole grid.

The analytic fields and grids live in ``fieldgrad.testing.CONVERGENCE_CASES``
(the same cases print the table in docs/convergence.md).  Errors are taken in
the max norm over every grid point, including the cells next to r = 0, the
poles, the periodic seam and the edges.
"""

from functools import cache

import numpy as np
import pytest

from fieldgrad.testing import CONVERGENCE_CASES, measure

#: The fitted order may fall short of the nominal order by at most this much.
ORDER_MARGIN = 0.2

PARAMS = [
    pytest.param(case, op, order, id=f"{case.name}-{op}-order{order}")
    for case in CONVERGENCE_CASES
    for op in case.operators
    for order in case.orders
]


@cache
def _results(name: str):
    case = next(c for c in CONVERGENCE_CASES if c.name == name)
    return measure(case)


@pytest.mark.parametrize(("case", "op", "order"), PARAMS)
def test_measured_order_reaches_nominal(case, op, order):
    errors, fitted = _results(case.name)[op, order]
    assert all(np.isfinite(errors))
    assert all(a > b for a, b in zip(errors, errors[1:], strict=False)), errors
    assert fitted >= order - ORDER_MARGIN, (errors, fitted)


def test_every_grid_kind_is_covered():
    kinds = {type(case.make_grid(case.resolutions[0])).__name__ for case in CONVERGENCE_CASES}
    assert kinds == {
        "CartesianGrid",
        "PolarGrid",
        "SphericalGrid",
        "SphereSurface",
        "CylindricalGrid",
    }
