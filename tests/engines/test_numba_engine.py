"""The numba engine gives the numpy engine's numbers, on every grid, at every point."""

from __future__ import annotations

import math
import os
import threading
import warnings

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad.engines import ENGINES, select_engine
from fieldgrad.engines.kernels import PARALLEL_MIN_SIZE

NUMPY = ENGINES["numpy"]
NUMBA = ENGINES["numba"]
NORMS = (1.0, 2.0, math.inf)


@pytest.mark.parametrize("order", [2, 4])
def test_every_operator_matches_numpy(grid, order, rng, close):
    f = rng.standard_normal(grid.shape)
    v = rng.standard_normal((grid.ndim,) + grid.shape)
    close(NUMBA.gradient(grid, f, order=order), np.stack(NUMPY.gradient(grid, f, order=order)))
    for ord in NORMS:
        close(
            NUMBA.gradient_norm(grid, f, order=order, ord=ord),
            NUMPY.gradient_norm(grid, f, order=order, ord=ord),
        )
    close(NUMBA.laplacian(grid, f, order=order), NUMPY.laplacian(grid, f, order=order))
    close(
        NUMBA.divergence(grid, list(v), order=order), NUMPY.divergence(grid, list(v), order=order)
    )


def test_smooth_fields_at_the_axis_and_poles(rng, close):
    """A smooth field on grids with points exactly on r = 0 and the poles."""
    grid = fg.SphereSurface.from_coords(
        {"theta": np.linspace(0, np.pi, 33), "phi": np.arange(64) * np.pi / 32}
    )
    f = fg.ScalarField.from_function(grid, lambda x, y, z: x * z + y, coords="cartesian")
    for order in (2, 4):
        for ord in NORMS:
            close(
                f.gradient_norm(ord=ord, order=order).data,
                f.gradient_norm(ord=ord, order=order, engine="numpy").data,
            )
        close(f.laplacian(order=order).data, f.laplacian(order=order, engine="numpy").data)
    poles = f.gradient_norm().data[[0, -1]]
    assert np.all(np.isfinite(poles))


def test_chosen_automatically_for_float_arrays():
    assert select_engine(None, np.zeros(3)).name == "numba"
    assert select_engine(None, np.zeros(3, dtype=np.float32)).name == "numba"
    assert select_engine(None, np.zeros(3, dtype=np.float16)).name == "numpy"
    assert select_engine(None, np.zeros(3, dtype=complex)).name == "numpy"
    assert select_engine("numpy", np.zeros(3)).name == "numpy"


def test_public_operators_use_it_and_numpy_stays_selectable(close):
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    f = fg.ScalarField.from_function(grid, lambda r, theta: r**3 * np.sin(2 * theta))
    close(f.gradient_norm().data, f.gradient_norm(engine="numpy").data)
    close(f.gradient().data, f.gradient(engine="numpy").data)
    g = f.gradient()
    close(g.divergence().data, g.divergence(engine="numpy").data)


@pytest.mark.parametrize(
    "grid",
    [
        fg.PolarGrid(radius=(0, 1), shape=(16, 32)),
        fg.SphericalGrid(radius=(0.5, 1), shape=(8, 10, 12)),
        fg.CartesianGrid(bounds=[(0, 1)], shape=(20,)),
    ],
    ids=["polar", "spherical", "cartesian-1d"],
)
def test_float32_stays_float32(grid, rng, close):
    f = rng.standard_normal(grid.shape)
    f32 = f.astype(np.float32)
    v32 = rng.standard_normal((grid.ndim,) + grid.shape).astype(np.float32)
    results = {
        "gradient": (
            NUMBA.gradient(grid, f32, order=2),
            np.stack(NUMPY.gradient(grid, f, order=2)),
        ),
        "norm": (
            NUMBA.gradient_norm(grid, f32, order=4, ord=2.0),
            NUMPY.gradient_norm(grid, f, order=4, ord=2.0),
        ),
        "laplacian": (NUMBA.laplacian(grid, f32, order=2), NUMPY.laplacian(grid, f, order=2)),
        "divergence": (
            NUMBA.divergence(grid, list(v32), order=2),
            NUMPY.divergence(grid, list(v32.astype(float)), order=2),
        ),
    }
    for name, (fast, reference) in results.items():
        assert fast.dtype == np.float32, name
        close(fast, reference, rtol=1e-5)
    # the reference engine keeps the dtype too
    assert NUMPY.laplacian(grid, f32, order=2).dtype == np.float32
    assert NUMPY.divergence(grid, list(v32), order=2).dtype == np.float32


def test_nan_stays_local_as_in_numpy():
    grid = fg.SphereSurface(radius=1.0, shape=(16, 32))
    f = np.ones(grid.shape)
    f[5, 7] = np.nan
    f[0, 3] = np.nan  # next to a pole: its stencils reach across
    for order in (2, 4):
        fast = NUMBA.gradient_norm(grid, f, order=order, ord=2.0)
        reference = NUMPY.gradient_norm(grid, f, order=order, ord=2.0)
        assert np.array_equal(np.isnan(fast), np.isnan(reference))
        assert 0 < np.isnan(fast).sum() < 40
        lap = NUMBA.laplacian(grid, f, order=order)
        assert np.array_equal(np.isnan(lap), np.isnan(NUMPY.laplacian(grid, f, order=order)))


def test_non_contiguous_input(rng, close):
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(12, 10))
    f = rng.standard_normal((10, 12)).T
    assert not f.flags.c_contiguous
    fast = NUMBA.gradient_norm(grid, f, order=2, ord=2.0)
    close(fast, NUMPY.gradient_norm(grid, f, order=2, ord=2.0))


def test_parallel_kernel_on_a_large_grid(rng, close):
    """Large enough for the multi-threaded kernel; identical to the serial one."""
    from fieldgrad.engines import kernels
    from fieldgrad.engines.tables import MODE_NORM2, kernel_tables

    grid = fg.SphericalGrid(radius=(0, 1), shape=(40, 48, 60))
    assert grid.size >= PARALLEL_MIN_SIZE
    f = rng.standard_normal(grid.shape)
    fast = NUMBA.gradient_norm(grid, f, order=2, ord=2.0)
    close(fast, NUMPY.gradient_norm(grid, f, order=2, ord=2.0))
    serial = np.empty((1,) + grid.shape)
    tables = kernel_tables(grid, "gradient", 2, "float64")
    kernels.run_kernel(tables, (f,), serial, MODE_NORM2, parallel=False)
    np.testing.assert_array_equal(fast, serial[0])


def test_concurrent_calls_from_threads(rng):
    """Threads calling the engine at once (one runs the thread pool, the others serially)."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(320, 320))
    f = rng.standard_normal(grid.shape)
    expected = NUMBA.gradient_norm(grid, f, order=2, ord=2.0)
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(NUMBA.gradient_norm(grid, f, order=2, ord=2.0))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    for r in results:
        np.testing.assert_array_equal(r, expected)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_after_parallel_run(rng):
    """A child forked after the thread pool ran (multiprocessing's default on Linux)
    still computes: the pool's threads did not survive the fork, so the child
    starts its own."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(320, 320))
    f = rng.standard_normal(grid.shape)
    expected = NUMBA.gradient_norm(grid, f, order=2, ord=2.0)
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded process
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            result = NUMBA.gradient_norm(grid, f, order=2, ord=2.0)
            os.write(write, b"1" if np.array_equal(result, expected) else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert answer == b"1"


@pytest.mark.parametrize("operator", ["gradient", "laplacian", "divergence"])
def test_an_evenly_spaced_innermost_axis_has_one_set_of_weights(operator):
    """The fused rows hold the innermost window's weights as constants: on an evenly
    spaced axis every point of the window has exactly the same weights (built from
    the one spacing, not from coordinates that differ in their last bits)."""
    from fieldgrad.engines.tables import kernel_tables

    for grid in (
        fg.CartesianGrid(bounds=[(0, 1), (-0.3, 0.7)], shape=(9, 301)),
        fg.PolarGrid(radius=(0, 1), shape=(8, 360)),
        fg.SphereSurface(radius=2.0, shape=(9, 250)),
        fg.SphericalGrid(radius=(0, 1), shape=(5, 6, 100)),
    ):
        t = kernel_tables(grid, operator, 2, "float64")
        start, stop, half, _, uniform = (int(v) for v in t.fast[2])
        window = t.weights[2, : 2 * half + 1, start:stop]
        assert stop - start >= grid.shape[-1] - 2 * half
        assert uniform == 1
        assert np.array_equal(window, np.repeat(window[:, :1], window.shape[1], axis=1))
    coords = {"x": np.linspace(0, 1, 5), "y": np.geomspace(0.1, 2, 40)}
    uneven = fg.CartesianGrid.from_coords(coords)
    assert kernel_tables(uneven, operator, 2, "float64").fast[2, 4] == 0
