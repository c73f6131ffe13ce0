"""The discretization: stencils, ghost extension, mirrors, axis fills and norms.

This layer sits between the grids and the engines.  It turns a grid's public
description (coordinates, separable scale factors, what lies beyond each edge)
into finite-difference stencils, and knows nothing of fields or engines.
"""

from .cache import per_grid
from .fill import FillStep, apply_fill, fill_axis_points, fill_plan, fill_rows
from .metric import log_derivatives, metric_order, scale_log_derivatives
from .mirrors import mirror_index, see_through
from .norms import SUPPORTED_NORMS, check_ord, component_norm
from .stencils import (
    SUPPORTED_ORDERS,
    AxisExtension,
    apply_along,
    axis_extension,
    axis_points,
    check_order,
    derivative_matrix,
    extend,
    fornberg_weights,
    half_width,
    stencil_size,
)

__all__ = [
    "SUPPORTED_NORMS",
    "SUPPORTED_ORDERS",
    "AxisExtension",
    "FillStep",
    "apply_along",
    "apply_fill",
    "axis_extension",
    "axis_points",
    "check_ord",
    "check_order",
    "component_norm",
    "derivative_matrix",
    "extend",
    "fill_axis_points",
    "fill_plan",
    "fill_rows",
    "fornberg_weights",
    "half_width",
    "log_derivatives",
    "metric_order",
    "mirror_index",
    "per_grid",
    "scale_log_derivatives",
    "see_through",
    "stencil_size",
]
