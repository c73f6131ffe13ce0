"""Testing helpers: field assertions, analytic fields and the convergence harness.

``assert_field_allclose`` compares fields like ``numpy.testing`` compares
arrays (:mod:`fieldgrad.testing.assertions`).  The analytic fields with exact
derivatives (:mod:`fieldgrad.testing.analytic`) and the harness that measures
convergence orders on every grid (:mod:`fieldgrad.testing.convergence`) are
what fieldgrad's own convergence table is built from; ``python -m
fieldgrad.testing`` prints it.
"""

from .analytic import AnalyticField, AxisymmetricGaussian, PlaneWaves, PointSource
from .assertions import assert_field_allclose, basis_vectors
from .convergence import (
    CONVERGENCE_CASES,
    OPERATORS,
    ConvergenceCase,
    convergence_order,
    convergence_table,
    measure,
)

__all__ = [
    "CONVERGENCE_CASES",
    "OPERATORS",
    "AnalyticField",
    "AxisymmetricGaussian",
    "ConvergenceCase",
    "PlaneWaves",
    "PointSource",
    "assert_field_allclose",
    "basis_vectors",
    "convergence_order",
    "convergence_table",
    "measure",
]
