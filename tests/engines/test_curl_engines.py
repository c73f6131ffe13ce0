"""The numba and dask engines' curl against the numpy reference on every grid kind."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest

import fieldgrad as fg

#: Engines agree with the numpy reference to this, relative to the largest value.
ENGINE_RTOL = {np.float64: 1e-12, np.float32: 1e-5}


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_engines_agree_with_numpy(grid, order, dtype, rng):
    if grid.ndim == 1:
        pytest.skip("no curl in 1-D")
    # random values exercise every stencil tap and every sign across a mirror
    data = rng.standard_normal((grid.ndim,) + grid.shape).astype(dtype)
    v = fg.VectorField(grid, data)
    ref = np.asarray(fg.curl(v, order=order, engine="numpy").data)
    scale = np.max(np.abs(ref))
    fast = fg.curl(v, order=order, engine="numba").data
    chunks = (grid.ndim,) + tuple(max(4, n // 2) for n in grid.shape)
    lazy = fg.VectorField(grid, da.from_array(data, chunks=chunks)).curl(order=order)
    assert lazy.is_lazy
    for got in (fast, np.asarray(lazy.data.compute())):
        assert got.dtype == dtype
        assert np.max(np.abs(got - ref)) <= ENGINE_RTOL[dtype] * scale
