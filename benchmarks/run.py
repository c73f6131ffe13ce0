"""Speed and memory of the gradient norm: fused kernel, np.gradient, the copy bound, dask.

Run by hand (never by pytest); on a machine that sets OpenBLAS tuning
variables, unset them for the run only::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py

Prints, measured in one process, for each field (float64):

* ``fieldgrad``: ``gradient_norm`` with the numba engine, warm (best of N);
* ``np.gradient``: the same norm from ``np.gradient`` (Cartesian:
  ``sqrt(sum(g * g))``; curved grids: divided by the scale factors);
* ``copy``: a parallel copy of the same array into a preallocated output
  (numba ``prange``) and ``np.copyto``, the faster taken as the bandwidth
  bound;
* the ratios, and the peak memory each allocates beyond its input
  (tracemalloc), relative to the output's size;
* ``out=``: the same operator writing into a preallocated output, which
  shows what the first touch of a new output array costs (the kernel
  zeroes and faults in its pages; ``np.gradient`` pays that too);
* ``touch``: that first touch alone, one write per page of a new array on
  every thread.

Then every operator (gradient, gradient_norm ord 1, 2, inf, divergence,
laplacian, curl) with the numba engine on every grid, as a ratio to the copy
bound measured in the same run, both returning a new array and writing into
a preallocated ``out=`` (float64 and float32).

Then the cold start of a fresh process (import and first ``gradient_norm``,
numba's cache warm) and a lazy 1024^3 field reduced to the maximum of its
gradient norm with the dask engine, one fresh process per chunking (dask's
default ``"auto"``, cubic, slabs, pencils), with the peak resident memory of
that process (its own high-water mark ``VmHWM``: ``resource.getrusage``
would count the resident memory of this process at the fork), and once on
a ``dask.distributed`` LocalCluster of 2 worker processes (peak resident
memory of each worker).
``--quick`` runs small sizes only, to check the script.

An operator writing into ``out=`` and its bound take turns (operator, bound,
operator, bound, ...; the best of each is kept), so that both see the same
state of this shared machine; calls that return a new array are timed each
on its own (see :func:`best_of_each`).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

# The bounds are numba parallel loops; with numba's OpenMP threading layer their
# threads spin for a while after each loop and would take the cores from the
# fieldgrad call timed next (its own thread pool): 13.8 ms for a 256^3
# gradient norm into out= on its own, 19 - 21 ms taking turns with a bound.
# Passive waiting removes that (14.0 ms taking turns); it must be set before
# the first parallel loop runs (numba loads its OpenMP layer then).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

import fieldgrad as fg  # noqa: E402

#: Timing repeats (the best is reported).
REPEATS = 7
GiB = 2**30


@njit(parallel=True, cache=True)
def parallel_copy(src: np.ndarray, dst: np.ndarray) -> None:
    """``dst[...] = src`` on every thread: the memory-bandwidth bound."""
    a = src.reshape(-1)
    b = dst.reshape(-1)
    for i in prange(a.size):
        b[i] = a[i]


@njit(parallel=True, cache=True)
def parallel_touch(dst: np.ndarray) -> None:
    """Write one element of every 4 KiB page of ``dst`` on every thread: in a new
    array, the cost of faulting in its pages (the operating system zeroes each
    on first touch), which a new output pays before any of its work."""
    b = dst.reshape(-1)
    step = max(1, 4096 // b.itemsize)
    for p in prange((b.size + step - 1) // step):
        b[p * step] = 0


#: Points per block of the stream bound (its output block stays in L2).
STREAM_BLOCK = 4096


@njit(parallel=True, cache=True)
def parallel_stream(inputs: np.ndarray, out: np.ndarray) -> None:
    """Read every input component once and write every output component once, on
    every thread, a block at a time: the memory traffic an operator must do at
    the least (component ``c`` gets input ``c``, the last one the sum of the rest)."""
    a = inputs.reshape(inputs.shape[0], -1)
    b = out.reshape(out.shape[0], -1)
    nin, nout, n = a.shape[0], b.shape[0], a.shape[1]
    for block in prange((n + STREAM_BLOCK - 1) // STREAM_BLOCK):
        lo = block * STREAM_BLOCK
        hi = min(lo + STREAM_BLOCK, n)
        for c in range(nout):
            b[c, lo:hi] = a[min(c, nin - 1), lo:hi]
        last = b[nout - 1, lo:hi]
        for k in range(nout, nin):
            more = a[k, lo:hi]
            for i in range(hi - lo):
                last[i] += more[i]


def best_of(func: Callable[[], object], repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls, in seconds."""
    return best_of_each({"": func}, repeats)[""]


def best_of_each(funcs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Smallest wall time of ``repeats`` calls of each function, in seconds, the
    functions taking turns (A B C A B C ...): an operator and its bound then see
    the same state of the machine (other jobs), which changes by a third from
    one minute to the next on a shared machine.

    Only for calls that allocate nothing large.  A call that returns a new
    array is timed on its own, its repeats back to back (as in a loop that
    makes one result per step).  On the virtual machines these tables come
    from, memory given back to the operating system is handed on to the host
    after a while (free page reporting), and a new array that lands there
    costs far more to fault in: a new 4096^2 gradient norm took 17 - 19 ms
    back to back, 23 - 26 ms taking turns with the first touch of another
    new array, and 80 - 160 ms after a pause of 3 s."""
    best = dict.fromkeys(funcs, math.inf)
    for _ in range(repeats):
        for name, func in funcs.items():
            t0 = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def peak_extra(func: Callable[[], object]) -> int:
    """Peak bytes allocated (tracemalloc) while ``func`` runs, beyond what it started with."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    result = func()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak


# np.gradient baselines: the same norm, from numpy's own finite differences -----------
def baseline_cartesian(grid: fg.Grid, a: np.ndarray) -> np.ndarray:
    h = grid.spacing
    return np.sqrt(sum(g * g for g in np.gradient(a, *h)))


def baseline_curved(grid: fg.Grid, a: np.ndarray) -> np.ndarray:
    grads = np.gradient(a, *grid.coords.values())
    total = None
    for g, h in zip(grads, grid.scale_factors(), strict=True):
        term = (g / h) ** 2
        total = term if total is None else total + term
    return np.sqrt(total)


@dataclass
class Case:
    name: str
    grid: Callable[[tuple[int, ...]], fg.Grid]
    shape: tuple[int, ...]
    quick: tuple[int, ...]
    baseline: Callable[[fg.Grid, np.ndarray], np.ndarray]


CASES = [
    Case(
        "Cartesian 2-D",
        lambda s: fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=s),
        (4096, 4096),
        (512, 512),
        baseline_cartesian,
    ),
    Case(
        "Cartesian 3-D",
        lambda s: fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=s),
        (256, 256, 256),
        (64, 64, 64),
        baseline_cartesian,
    ),
    Case(
        "polar",
        lambda s: fg.PolarGrid(radius=(0, 1), shape=s),
        (4096, 4096),
        (512, 512),
        baseline_curved,
    ),
    Case(
        "spherical",
        lambda s: fg.SphericalGrid(radius=(0, 1), shape=s),
        (256, 256, 256),
        (64, 64, 64),
        baseline_curved,
    ),
    Case(
        "sphere",
        lambda s: fg.SphereSurface(radius=1.0, shape=s),
        (2048, 4096),
        (512, 1024),
        baseline_curved,
    ),
]


def measure(case: Case, shape: tuple[int, ...], repeats: int) -> dict:
    """One row of the in-memory table."""
    grid = case.grid(shape)
    a = np.random.default_rng(0).standard_normal(shape)
    out = np.empty_like(a)
    field = fg.ScalarField(grid, a)

    def norm() -> np.ndarray:
        return fg.gradient_norm(field, engine="numba").data

    def baseline() -> np.ndarray:
        return case.baseline(grid, a)

    def kernel_only() -> None:
        fg.gradient_norm(field, engine="numba", out=out)

    norm()  # compile or load the kernel, build the stencil tables
    parallel_copy(a, out)
    t = best_of_each(
        {
            "kernel": kernel_only,
            "copy": lambda: parallel_copy(a, out),
            "copyto": lambda: np.copyto(out, a),
        },
        repeats,
    )
    t_kernel, t_copy = t["kernel"], min(t["copy"], t["copyto"])
    t_fg = best_of(norm, repeats)
    t_alloc_copy = best_of(lambda: parallel_copy(a, np.empty_like(a)), repeats)
    t_touch = best_of(lambda: parallel_touch(np.empty_like(a)), repeats)
    t_np = best_of(baseline, max(2, repeats // 3))
    return {
        "field": f"{case.name} {'x'.join(map(str, shape))}",
        "fieldgrad_ms": 1e3 * t_fg,
        "kernel_ms": 1e3 * t_kernel,
        "np_gradient_ms": 1e3 * t_np,
        "copy_ms": 1e3 * t_copy,
        "alloc_copy_ms": 1e3 * t_alloc_copy,
        "touch_ms": 1e3 * t_touch,
        "vs_copy": t_fg / t_alloc_copy,
        "kernel_vs_copy": t_kernel / t_copy,
        "speedup": t_np / t_fg,
        "mem_fieldgrad": peak_extra(norm) / a.nbytes,
        "mem_np_gradient": peak_extra(baseline) / a.nbytes,
    }


def in_memory_table(quick: bool, repeats: int, grids: list[str] | None = None) -> list[dict]:
    rows = []
    for case in CASES:
        if grids is not None and case.name not in grids:
            continue
        rows.append(measure(case, case.quick if quick else case.shape, repeats))
        print_row(rows[-1])
    return rows


HEADER = (
    f"{'field':28s} {'fieldgrad':>10s} {'np.gradient':>12s} {'alloc+copy':>10s} {'ratio':>6s} "
    f"{'speed-up':>9s} {'mem fg':>7s} {'mem np':>7s} {'out=':>8s} {'copy':>8s} {'ratio':>6s} "
    f"{'touch':>8s}"
)


def print_row(r: dict) -> None:
    print(
        f"{r['field']:28s} {r['fieldgrad_ms']:8.1f}ms {r['np_gradient_ms']:10.1f}ms "
        f"{r['alloc_copy_ms']:8.1f}ms {r['vs_copy']:5.2f}x {r['speedup']:8.1f}x "
        f"{r['mem_fieldgrad']:6.2f}x {r['mem_np_gradient']:6.2f}x "
        f"{r['kernel_ms']:6.1f}ms {r['copy_ms']:6.1f}ms {r['kernel_vs_copy']:5.2f}x "
        f"{r['touch_ms']:6.1f}ms",
        flush=True,
    )


#: Every operator of the table: (name, call with engine and out, input is a vector field).
OPERATORS: list[tuple[str, Callable[..., object], bool]] = [
    ("gradient", lambda f, **kw: fg.gradient(f, **kw), False),
    ("gradient_norm ord 1", lambda f, **kw: fg.gradient_norm(f, ord=1, **kw), False),
    ("gradient_norm ord 2", lambda f, **kw: fg.gradient_norm(f, **kw), False),
    ("gradient_norm ord inf", lambda f, **kw: fg.gradient_norm(f, ord=math.inf, **kw), False),
    ("divergence", lambda f, **kw: fg.divergence(f, **kw), True),
    ("laplacian", lambda f, **kw: fg.laplacian(f, **kw), False),
    ("curl", lambda f, **kw: fg.curl(f, **kw), True),
]


def operator_rows(case: Case, shape: tuple[int, ...], dtype: str, repeats: int) -> list[dict]:
    """Each operator on one grid, returning a new array and writing into ``out=``,
    as ratios to its bounds measured in the same run: allocating the output and
    streaming the input through into it (new array), and the stream alone into
    an existing output (``out=``)."""
    grid = case.grid(shape)
    rng = np.random.default_rng(0)
    scalar = fg.ScalarField(grid, rng.standard_normal(shape).astype(dtype))
    vector = fg.VectorField(grid, rng.standard_normal((grid.ndim, *shape)).astype(dtype))
    rows = []
    for name, call, is_vector in OPERATORS:
        if name == "curl" and grid.ndim not in (2, 3):
            continue
        field = vector if is_vector else scalar
        inputs = field.data.reshape(-1, *shape)
        result = call(field, engine="numba")  # compile or load, build the tables
        out = np.empty_like(result.data)
        planes = out.reshape(-1, *shape)
        parallel_stream(inputs, planes)

        def bound_new(inputs=inputs, like=planes) -> None:
            parallel_stream(inputs, np.empty_like(like))

        t = best_of_each(
            {
                "stream": lambda i=inputs, o=planes: parallel_stream(i, o),
                "out": lambda c=call, f=field, o=out: c(f, engine="numba", out=o),
            },
            repeats,
        )
        t_stream, t_out = t["stream"], t["out"]
        t_alloc = best_of(bound_new, repeats)
        t_new = best_of(lambda c=call, f=field: c(f, engine="numba"), repeats)
        rows.append(
            {
                "field": f"{case.name} {'x'.join(map(str, shape))} {dtype}",
                "operator": name,
                "new_ms": 1e3 * t_new,
                "out_ms": 1e3 * t_out,
                "alloc_stream_ms": 1e3 * t_alloc,
                "stream_ms": 1e3 * t_stream,
                "new_vs_bound": t_new / t_alloc,
                "out_vs_bound": t_out / t_stream,
            }
        )
        r = rows[-1]
        print(
            f"{r['field']:34s} {name:22s} {r['new_ms']:8.1f}ms {r['alloc_stream_ms']:8.1f}ms "
            f"{r['new_vs_bound']:7.2f}x {r['out_ms']:8.1f}ms {r['stream_ms']:8.1f}ms "
            f"{r['out_vs_bound']:7.2f}x",
            flush=True,
        )
    return rows


def operator_table(quick: bool, repeats: int, grids: list[str] | None = None) -> list[dict]:
    print(
        f"{'field':34s} {'operator':22s} {'new':>10s} {'bound':>10s} {'ratio':>8s} "
        f"{'out=':>10s} {'bound':>10s} {'ratio':>8s}"
    )
    rows = []
    for dtype in ("float64", "float32"):
        for case in CASES:
            if grids is None or case.name in grids:
                rows += operator_rows(case, case.quick if quick else case.shape, dtype, repeats)
    return rows


COLD_START = textwrap.dedent(
    """
    import time
    t0 = time.perf_counter()
    import numpy as np
    import fieldgrad as fg
    grid = fg.PolarGrid(radius=(0, 1), shape=(512, 512))
    f = fg.ScalarField(grid, np.random.default_rng(0).standard_normal(grid.shape))
    f.gradient_norm()
    print(time.perf_counter() - t0)
    """
)


def cold_start(repeats: int) -> tuple[float, float]:
    """Best in-process time (import + first gradient_norm) and best process wall time."""
    inner, outer = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_START], capture_output=True, text=True, check=True
        )
        outer.append(time.perf_counter() - t0)
        inner.append(float(done.stdout.strip()))
    return min(inner), min(outer)


DASK_RUN = textwrap.dedent(
    """
    import resource, sys, time
    import fieldgrad as fg

    def peak_rss():
        # this process's own high-water mark, in bytes: Linux's ru_maxrss
        # of a child started by fork and exec counts the parent's resident
        # memory at the fork, VmHWM only the child's
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    n = int(sys.argv[1])
    spec = sys.argv[2]
    chunk = "auto" if spec == "auto" else tuple(int(c) for c in spec.split(","))
    grid = fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(n, n, n))
    f = fg.ScalarField.from_function(
        grid, lambda x, y, z: x * y + y * z * z + 0.5 * x * x, chunks=chunk
    )
    steepness = f.gradient_norm().data.max()
    field_alone = 0.0
    for _ in range(2 if sys.argv[3] == "threads" else 0):  # the second run is warm
        t0 = time.perf_counter()
        float(f.data.max().compute(scheduler="threads"))
        field_alone = time.perf_counter() - t0
    t0 = time.perf_counter()
    if sys.argv[3] == "threads":
        steepest = float(steepness.compute(scheduler="threads"))
        workers = []
    else:
        from dask.distributed import Client, LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          memory_limit=0, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                steepest = float(steepness.compute())
                workers = sorted(client.run(peak_rss).values())
    elapsed = time.perf_counter() - t0
    print(elapsed, peak_rss(), steepest, "x".join(map(str, f.data.chunksize)),
          ",".join(str(w) for w in workers) or "-", field_alone)
    """
)

#: Chunkings of the lazy field: dask's default, cubes, slabs, pencils.
DASK_CHUNKS = {"default": "auto", "cubic": "128,128,128", "slab": "16,1024,1024",
               "pencil": "64,64,1024"}  # fmt: skip


def dask_reduction(n: int, chunk: str, scheduler: str = "threads") -> dict:
    """Seconds, peak RSS (bytes; of the process, and of each worker) and result of
    max |grad f| over a lazy n^3 field, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", DASK_RUN, str(n), chunk, scheduler],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed, peak, value, chunksize, workers, field_alone = done.stdout.split()
    return {
        "seconds": float(elapsed),
        "field_seconds": float(field_alone),
        "peak": int(peak),
        "value": float(value),
        "chunks": chunksize,
        "workers": [] if workers == "-" else [int(w) for w in workers.split(",")],
    }


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return (
        f"{model}, {os.cpu_count()} cores, {pages / GiB:.1f} GiB; "
        f"numba {numba.__version__} ({numba.get_num_threads()} threads), numpy {np.__version__}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timing repeats (best)")
    parser.add_argument("--no-dask", action="store_true", help="skip the lazy 1024^3 run")
    parser.add_argument("--dask-size", type=int, default=1024, help="points per axis")
    parser.add_argument(
        "--dask-chunks",
        default=",".join(DASK_CHUNKS),
        help=f"chunkings to run, from {sorted(DASK_CHUNKS)}, or one chunk shape such as 32,512,512",
    )
    parser.add_argument("--no-distributed", action="store_true", help="skip the LocalCluster run")
    parser.add_argument("--no-operators", action="store_true", help="skip the operator table")
    parser.add_argument(
        "--grids", help=f"comma-separated grids to time, from {[c.name for c in CASES]}"
    )
    parser.add_argument("--no-cold-start", action="store_true", help="skip the cold start")
    args = parser.parse_args(argv)
    grids = None if args.grids is None else args.grids.split(",")

    print(machine())
    print(HEADER)
    in_memory_table(args.quick, args.repeats, grids)
    print("ratio: fieldgrad to allocating a new output and copying the input into it")
    print("mem: peak allocation beyond the input, in units of the output's size")
    print("out=: the same operator writing into a preallocated output (no new array)")
    print("touch: faulting in the pages of a new output, on every thread (part of 'fieldgrad')")

    if not args.no_operators:
        operator_table(args.quick, args.repeats, grids)
        print("bound (new): allocate the output and stream every input component into it")
        print("bound (out=): the same stream into an existing output")

    if not args.no_cold_start:
        inner, outer = cold_start(3)
        print(f"cold start (import + first gradient_norm, cache warm): {inner:.2f} s")
        print(f"  whole process, interpreter start-up included: {outer:.2f} s")

    if not args.no_dask:
        n = 128 if args.quick else args.dask_size
        parts = args.dask_chunks.split(",")
        shape_given = all(p.isdigit() for p in parts)
        runs = [(args.dask_chunks, "threads")] if shape_given else [(c, "threads") for c in parts]
        if not args.no_distributed:
            runs.append(("default", "distributed"))
        for label, scheduler in runs:
            spec = DASK_CHUNKS.get(label, label)
            if spec != "auto":
                spec = ",".join(str(min(int(c), n)) for c in spec.split(","))
            r = dask_reduction(n, spec, scheduler)
            workers = "".join(f", worker {w / GiB:.2f} GiB" for w in r["workers"])
            print(
                f"dask ({scheduler}): max |grad f| of a lazy {n}^3 float64 field "
                f"({n**3 * 8 / GiB:.1f} GiB), {label} chunks {r['chunks']}: "
                f"{r['seconds']:.1f} s, {n**3 / r['seconds'] / 1e6:.0f} Mpoints/s, "
                f"peak RSS {r['peak'] / GiB:.2f} GiB{workers} (max = {r['value']:.6g})",
                flush=True,
            )
            if r["field_seconds"]:
                rest = r["seconds"] - r["field_seconds"]
                print(
                    f"  the field alone (its own max): {r['field_seconds']:.1f} s; the gradient "
                    f"norm beyond it: {rest:.1f} s, {n**3 / rest / 1e6:.0f} Mpoints/s",
                    flush=True,
                )
        exact = math.sqrt(12.0)  # |grad f| at (1, 1, 1) of x y + y z^2 + x^2 / 2
        print(f"  (the steepest point of the test field has |grad f| = {exact:.6g})")


if __name__ == "__main__":
    main()
