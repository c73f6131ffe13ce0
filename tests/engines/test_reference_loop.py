"""The fused kernel against the plain reference loop, tables of every operator, every grid."""

from __future__ import annotations

import numpy as np
import pytest

from fieldgrad.engines.curl import curl_tables
from fieldgrad.engines.kernels import run_kernel
from fieldgrad.engines.reference import reference_kernel
from fieldgrad.engines.tables import (
    MODE_COMPONENTS,
    MODE_NORM1,
    MODE_NORM2,
    MODE_NORMINF,
    MODE_SUM,
    kernel_tables,
)

#: name -> (operator of the tables, kernel mode, inputs are vector components)
CASES = {
    "gradient": ("gradient", MODE_COMPONENTS, False),
    "norm1": ("gradient", MODE_NORM1, False),
    "norm2": ("gradient", MODE_NORM2, False),
    "norminf": ("gradient", MODE_NORMINF, False),
    "laplacian": ("laplacian", MODE_SUM, False),
    "divergence": ("divergence", MODE_SUM, True),
    "curl": ("curl", MODE_SUM, True),
}


def _compare(fast: np.ndarray, slow: np.ndarray) -> None:
    finite = np.isfinite(slow)  # values on an axis or pole are filled afterwards
    assert np.array_equal(finite, np.isfinite(fast))
    scale = np.abs(slow[finite]).max()
    assert np.abs(fast[finite] - slow[finite]).max() <= 1e-12 * scale


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("case", sorted(CASES))
def test_fused_kernel_matches_the_reference_loop(grid, case, order, rng):
    operator, mode, vector = CASES[case]
    if operator == "curl" and grid.ndim == 1:
        pytest.skip("no curl in 1-D")
    data = rng.standard_normal((grid.ndim,) + grid.shape)
    if operator == "curl":
        runs = []
        for k in range(1 if grid.ndim == 2 else 3):
            t = curl_tables(grid, order, "float64", k)
            runs.append((t.tables, tuple(data[c] for c in t.inputs)))
    else:
        inputs = tuple(data) if vector else (data[0],)
        runs = [(kernel_tables(grid, operator, order, "float64"), inputs)]
    for tables, inputs in runs:
        ncomp = grid.ndim if mode == MODE_COMPONENTS else 1
        fast = np.empty((ncomp,) + grid.shape)
        with np.errstate(invalid="ignore", over="ignore"):
            run_kernel(tables, inputs, fast, mode)
            slow = reference_kernel(tables, inputs, mode)
        _compare(fast, slow)
