"""The dask engine stays lazy and gives the in-memory engines' numbers, chunk by chunk."""

from __future__ import annotations

import math

import dask
import dask.array as da
import numpy as np
import pytest
from dask.callbacks import Callback

import fieldgrad as fg
from fieldgrad.engines import ENGINES, select_engine
from fieldgrad.engines.dask_engine import halo_chunks

NUMPY = ENGINES["numpy"]
DASK = ENGINES["dask"]


def odd_chunks(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Uneven chunks: about a third of each axis, never dividing it evenly."""
    return tuple(max(2, n // 3 + 1) for n in shape)


class CountComputes(Callback):
    """Counts how many times a dask graph is executed."""

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0

    def _start(self, dsk: object) -> None:
        self.runs += 1


def lazy(x: object) -> bool:
    return isinstance(x, da.Array)


@pytest.mark.parametrize("order", [2, 4])
def test_every_operator_matches_numpy_on_odd_chunks(grid, order, rng, close):
    f = rng.standard_normal(grid.shape)
    v = rng.standard_normal((grid.ndim,) + grid.shape)
    chunks = odd_chunks(grid.shape)
    fd = da.from_array(f, chunks=chunks)
    vd = [da.from_array(c, chunks=chunks) for c in v]
    results = {
        "gradient": (
            DASK.gradient(grid, fd, order=order),
            np.stack(NUMPY.gradient(grid, f, order=order)),
        ),
        "norm-1": (
            DASK.gradient_norm(grid, fd, order=order, ord=1.0),
            NUMPY.gradient_norm(grid, f, order=order, ord=1.0),
        ),
        "norm-inf": (
            DASK.gradient_norm(grid, fd, order=order, ord=math.inf),
            NUMPY.gradient_norm(grid, f, order=order, ord=math.inf),
        ),
        "norm-2": (
            DASK.gradient_norm(grid, fd, order=order, ord=2.0),
            NUMPY.gradient_norm(grid, f, order=order, ord=2.0),
        ),
        "laplacian": (
            DASK.laplacian(grid, fd, order=order),
            NUMPY.laplacian(grid, f, order=order),
        ),
        "divergence": (
            DASK.divergence(grid, vd, order=order),
            NUMPY.divergence(grid, list(v), order=order),
        ),
    }
    for name, (lazy_result, reference) in results.items():
        assert lazy(lazy_result), name
        (computed,) = dask.compute(lazy_result, scheduler="threads")
        close(computed, reference)


def test_stays_lazy_until_computed(close):
    grid = fg.SphereSurface(radius=1.0, shape=(24, 48))
    f = fg.ScalarField.from_function(
        grid, lambda theta, phi: np.sin(theta) ** 2 * np.cos(phi), chunks=(7, 10)
    )
    with CountComputes() as counter:
        norm = f.gradient_norm(order=4)
        grad = f.gradient()
        lap = f.laplacian()
        div = grad.divergence()
        assert counter.runs == 0
        assert norm.is_lazy and grad.is_lazy and lap.is_lazy and div.is_lazy
        assert all(lazy(x.data) for x in (norm, grad, lap, div))
        values = norm.data.compute()
        assert counter.runs == 1
    close(values, f.compute().gradient_norm(order=4, engine="numpy").data)


def test_chosen_automatically_for_dask_arrays():
    assert select_engine(None, da.zeros(4, chunks=2)).name == "dask"


@pytest.mark.parametrize("chunks", [1, 2, (1, 5)])
def test_chunks_smaller_than_the_halo(chunks, rng, close):
    grid = fg.SphereSurface(radius=1.0, shape=(12, 16))
    f = rng.standard_normal(grid.shape)
    fd = da.from_array(f, chunks=chunks)
    for order in (2, 4):
        norm = DASK.gradient_norm(grid, fd, order=order, ord=2.0)
        close(norm.compute(), NUMPY.gradient_norm(grid, f, order=order, ord=2.0))
        lap = DASK.laplacian(grid, fd, order=order)
        close(lap.compute(), NUMPY.laplacian(grid, f, order=order))


def test_halo_chunks():
    assert halo_chunks((3, 3, 3), 2) == (3, 3, 3)
    assert halo_chunks((1, 1, 1, 1, 1), 2) == (2, 3)
    assert halo_chunks((1,), 4) == (1,)
    assert sum(halo_chunks((4, 1, 2, 1, 1), 3)) == 9


def test_periodic_and_pole_ghosts_across_chunks(rng, close):
    """Ghosts come from far-away chunks: the other end of a periodic axis, the opposite
    longitude across a pole, the opposite side across r = 0."""
    grids = [
        fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(11, 13), periodic=True),
        fg.SphereSurface(radius=1.0, shape=(10, 20)),
        fg.SphericalGrid(radius=(0, 1), shape=(8, 10, 12)),
    ]
    for grid in grids:
        f = rng.standard_normal(grid.shape)
        fd = da.from_array(f, chunks=tuple(max(3, n // 4) for n in grid.shape))
        close(
            DASK.gradient_norm(grid, fd, order=4, ord=2.0).compute(),
            NUMPY.gradient_norm(grid, f, order=4, ord=2.0),
        )


def test_float32_stays_float32(rng, close):
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 24))
    f = rng.standard_normal(grid.shape)
    fd = da.from_array(f.astype(np.float32), chunks=(5, 7))
    norm = DASK.gradient_norm(grid, fd, order=2, ord=2.0)
    assert norm.dtype == np.float32
    computed = norm.compute()
    assert computed.dtype == np.float32
    close(computed, NUMPY.gradient_norm(grid, f, order=2, ord=2.0), rtol=1e-5)


def test_unsupported_dtype_is_a_clear_error():
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    with pytest.raises(TypeError, match="data must be float32 or float64"):
        DASK.gradient_norm(grid, da.zeros(8, chunks=4, dtype=complex), order=2, ord=2.0)


def test_xarray_accessor_stays_lazy(close):
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    f = fg.ScalarField.from_function(grid, lambda r, theta: r**2 * np.cos(theta), chunks=(5, 9))
    array = f.to_xarray()
    assert lazy(array.data)
    with CountComputes() as counter:
        norm = array.fieldgrad.gradient_norm()
        assert counter.runs == 0
    assert lazy(norm.data)
    assert norm.dims == ("r", "theta")
    close(norm.values, f.compute().gradient_norm(engine="numpy").data)
    unnamed = array.drop_attrs().transpose("theta", "r")
    result = unnamed.fieldgrad.gradient_norm()
    assert lazy(result.data) and result.dims == ("theta", "r")
    close(result.values.T, f.compute().gradient_norm(engine="numpy").data)


@pytest.mark.slow
def test_distributed_local_cluster(close):
    distributed = pytest.importorskip("distributed")
    grid = fg.SphereSurface(radius=1.0, shape=(24, 48))
    f = fg.ScalarField.from_function(
        grid, lambda theta, phi: np.cos(theta) * np.sin(2 * phi), chunks=(7, 13)
    )
    reference = f.compute().gradient_norm(order=4, engine="numpy").data
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, distributed.Client(cluster):
        norm = f.gradient_norm(order=4)
        computed = norm.data.compute()
        biggest = float(norm.data.max().compute())
    close(computed, reference)
    assert biggest == pytest.approx(reference.max(), rel=1e-12)


def test_input_chunks_are_read_whole_only_by_their_interior():
    """Each input chunk is read by one task that needs it whole (its interior part);
    every other reader takes a copy of a few layers, so the chunk is freed early."""
    from dask.core import get_dependencies

    from fieldgrad.engines.halo import _take

    grid = fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(36, 36, 36))
    data = da.random.default_rng(0).random(grid.shape, chunks=12)
    out = fg.ScalarField(grid, data).gradient_norm().data
    graph = dict(out.__dask_graph__())
    inputs = {key for key in graph if isinstance(key, tuple) and key[0] == data.name}
    whole_readers: dict = {key: [] for key in inputs}
    for key, task in graph.items():
        for dep in get_dependencies(graph, key) & inputs:
            func = task[0] if isinstance(task, tuple) else getattr(task, "func", None)
            if func is not _take:
                whole_readers[dep].append(key)
    assert len(inputs) == 27
    assert all(len(readers) == 1 for readers in whole_readers.values()), whole_readers
    np.testing.assert_allclose(
        out.compute(), fg.ScalarField(grid, data.compute()).gradient_norm().data, rtol=1e-12
    )
