"""``out=``: every operator writes into the given array, on every engine.

The numba engine's kernel writes straight into ``out``: a warm second call
allocates nothing of the output's size (measured with tracemalloc, which
numpy reports its allocations to).
"""

from __future__ import annotations

import math
import tracemalloc

import dask.array as da
import numpy as np
import pytest

import fieldgrad as fg

ENGINES = ("numpy", "numba", "dask")
#: A warm numba call may allocate at most this fraction of the output's bytes.
ALLOCATION_FRACTION = 0.1


def _field(grid, rng, *, vector=False, lazy=False):
    shape = ((grid.ndim,) if vector else ()) + grid.shape
    data = rng.standard_normal(shape)
    if lazy:
        data = da.from_array(data, chunks=tuple(max(4, n // 2) for n in shape))
    return fg.VectorField(grid, data) if vector else fg.ScalarField(grid, data)


#: name -> (call with out, shape of out given the grid, input is a vector field)
OPERATIONS = {
    "gradient": (lambda f, **kw: fg.gradient(f, **kw), lambda g: (g.ndim,) + g.shape, False),
    "gradient_norm-1": (lambda f, **kw: fg.gradient_norm(f, ord=1, **kw), lambda g: g.shape, False),
    "gradient_norm-2": (lambda f, **kw: fg.gradient_norm(f, **kw), lambda g: g.shape, False),
    "gradient_norm-inf": (
        lambda f, **kw: fg.gradient_norm(f, ord=math.inf, **kw),
        lambda g: g.shape,
        False,
    ),
    "laplacian": (lambda f, **kw: fg.laplacian(f, **kw), lambda g: g.shape, False),
    "divergence": (lambda f, **kw: fg.divergence(f, **kw), lambda g: g.shape, True),
    "curl": (
        lambda f, **kw: fg.curl(f, **kw),
        lambda g: g.shape if g.ndim == 2 else (3,) + g.shape,
        True,
    ),
}

GRIDS = {
    "polar-axis-point": lambda: fg.PolarGrid.from_coords(
        {"r": np.linspace(0, 1, 11), "theta": np.arange(16) * math.pi / 8}
    ),
    "spherical-pole-points": lambda: fg.SphericalGrid.from_coords(
        {
            "r": np.linspace(0.5, 1, 8),
            "theta": np.linspace(0, math.pi, 9),
            "phi": np.arange(12) * math.pi / 6,
        }
    ),
    "cartesian-3d": lambda: fg.CartesianGrid([(0, 1)] * 3, (9, 10, 11)),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("op", sorted(OPERATIONS))
@pytest.mark.parametrize("name", sorted(GRIDS))
def test_out_is_the_result(name, op, engine, rng):
    grid = GRIDS[name]()
    call, shape, vector = OPERATIONS[op]
    field = _field(grid, rng, vector=vector, lazy=engine == "dask")
    expected = np.asarray(call(field.compute(), engine="numpy").data)
    out = np.full(shape(grid), np.nan)
    result = call(field, engine=engine, out=out)
    assert result.data is out
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_out_may_be_a_strided_view(engine, rng):
    grid = GRIDS["polar-axis-point"]()
    f = _field(grid, rng)
    big = np.zeros(grid.shape + (2,))
    out = big[..., 1]
    assert fg.gradient_norm(f, engine=engine, out=out).data is out
    np.testing.assert_allclose(big[..., 1], f.gradient_norm(engine="numpy").data, rtol=1e-12)
    assert not big[..., 0].any()


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_out_may_be_the_input(engine, rng):
    grid = GRIDS["polar-axis-point"]()
    data = rng.standard_normal(grid.shape)
    expected = fg.laplacian(fg.ScalarField(grid, data), engine="numpy").data
    f = fg.ScalarField(grid, data.copy())
    assert fg.laplacian(f, engine=engine, out=f.data).data is f.data
    np.testing.assert_allclose(f.data, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


def test_field_methods_take_out(rng):
    grid = GRIDS["cartesian-3d"]()
    f = _field(grid, rng)
    v = _field(grid, rng, vector=True)
    for result, out in (
        (f.gradient, np.empty((3,) + grid.shape)),
        (f.gradient_norm, np.empty(grid.shape)),
        (f.laplacian, np.empty(grid.shape)),
        (v.divergence, np.empty(grid.shape)),
        (v.curl, np.empty((3,) + grid.shape)),
        (v.norm, np.empty(grid.shape)),
    ):
        assert result(out=out).data is out
    np.testing.assert_allclose(v.norm(out=np.empty(grid.shape)).data, fg.vector_norm(v).data)


@pytest.mark.parametrize(
    ("out", "error", "message"),
    [
        (np.empty((4, 4)), ValueError, r"out must have shape \(10, 12\), got \(4, 4\)"),
        (np.empty((10, 12), np.float32), TypeError, "out must have dtype float64, got float32"),
        ([[0.0] * 12] * 10, TypeError, "out must be a numpy array or None, got list"),
        (np.broadcast_to(np.zeros(12), (10, 12)), ValueError, "out must be a writeable array"),
    ],
    ids=["shape", "dtype", "type", "read-only"],
)
@pytest.mark.parametrize("op", ["gradient_norm-2", "laplacian", "divergence", "curl"])
def test_bad_out_is_refused(op, out, error, message, rng):
    grid = fg.PolarGrid(radius=(0, 1), shape=(10, 12))
    call, _, vector = OPERATIONS[op]
    with pytest.raises(error, match=message):
        call(_field(grid, rng, vector=vector), out=out)


def test_bad_out_of_vector_norm_and_gradient(rng):
    grid = fg.PolarGrid(radius=(0, 1), shape=(10, 12))
    f = _field(grid, rng)
    with pytest.raises(ValueError, match=r"out must have shape \(2, 10, 12\)"):
        fg.gradient(f, out=np.empty(grid.shape))
    with pytest.raises(ValueError, match="out must have shape"):
        fg.vector_norm(f.gradient(), out=np.empty((2,) + grid.shape))


@pytest.mark.parametrize(
    "op",
    [
        "gradient",
        "gradient_norm-1",
        "gradient_norm-2",
        "gradient_norm-inf",
        "laplacian",
        "divergence",
        "curl",
    ],
)
@pytest.mark.parametrize(
    "make",
    [
        lambda: fg.CartesianGrid([(0, 1)] * 2, (512, 512)),
        lambda: fg.PolarGrid.from_coords(
            {"r": np.linspace(0, 1, 512), "theta": np.arange(512) * math.pi / 256}
        ),
    ],
    ids=["cartesian", "polar-axis-point"],
)
def test_numba_writes_into_out_without_allocating(make, op, rng):
    grid = make()
    call, shape, vector = OPERATIONS[op]
    field = _field(grid, rng, vector=vector)
    out = np.empty(shape(grid))
    call(field, engine="numba", out=out)  # compile and build the tables
    tracemalloc.start()
    try:
        result = call(field, engine="numba", out=out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.data is out
    assert peak < ALLOCATION_FRACTION * out.nbytes, (peak, out.nbytes)
