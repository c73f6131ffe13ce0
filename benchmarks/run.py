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
* ``kernel``: the same compiled kernel writing into a preallocated output,
  which shows what the first touch of a new output array costs (the kernel
  zeroes and faults in its pages; ``np.gradient`` pays that too).

Then the cold start of a fresh process (import and first ``gradient_norm``,
numba's cache warm) and a lazy 1024^3 field reduced to the maximum of its
gradient norm with the dask engine, with the peak resident memory of that
process.  ``--quick`` runs small sizes only, to check the script.
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

import numba
import numpy as np
from numba import njit, prange

import fieldgrad as fg
from fieldgrad.engines.kernels import run_kernel
from fieldgrad.engines.tables import MODE_NORM2, kernel_tables

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


def best_of(func: Callable[[], object], repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


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
        (4096, 8192),
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
        run_kernel(tables, (a,), out[None], MODE_NORM2)

    norm()  # compile or load the kernel, build the stencil tables
    tables = kernel_tables(grid, "gradient", 2, "float64")
    parallel_copy(a, out)
    t_fg = best_of(norm, repeats)
    t_kernel = best_of(kernel_only, repeats)
    t_copy = min(
        best_of(lambda: parallel_copy(a, out), repeats),
        best_of(lambda: np.copyto(out, a), repeats),
    )
    t_np = best_of(baseline, max(2, repeats // 3))
    return {
        "field": f"{case.name} {'x'.join(map(str, shape))}",
        "fieldgrad_ms": 1e3 * t_fg,
        "kernel_ms": 1e3 * t_kernel,
        "np_gradient_ms": 1e3 * t_np,
        "copy_ms": 1e3 * t_copy,
        "vs_copy": t_fg / t_copy,
        "kernel_vs_copy": t_kernel / t_copy,
        "speedup": t_np / t_fg,
        "mem_fieldgrad": peak_extra(norm) / a.nbytes,
        "mem_np_gradient": peak_extra(baseline) / a.nbytes,
    }


def in_memory_table(quick: bool, repeats: int) -> list[dict]:
    rows = []
    for case in CASES:
        rows.append(measure(case, case.quick if quick else case.shape, repeats))
        print_row(rows[-1])
    return rows


HEADER = (
    f"{'field':28s} {'fieldgrad':>10s} {'np.gradient':>12s} {'copy':>8s} {'vs copy':>8s} "
    f"{'speed-up':>9s} {'mem fg':>7s} {'mem np':>7s} {'kernel':>8s} {'vs copy':>8s}"
)


def print_row(r: dict) -> None:
    print(
        f"{r['field']:28s} {r['fieldgrad_ms']:8.1f}ms {r['np_gradient_ms']:10.1f}ms "
        f"{r['copy_ms']:6.1f}ms {r['vs_copy']:7.2f}x {r['speedup']:8.1f}x "
        f"{r['mem_fieldgrad']:6.2f}x {r['mem_np_gradient']:6.2f}x "
        f"{r['kernel_ms']:6.1f}ms {r['kernel_vs_copy']:7.2f}x",
        flush=True,
    )


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
    import sys, time
    import numpy as np
    import fieldgrad as fg
    n = int(sys.argv[1])
    chunk = tuple(int(c) for c in sys.argv[2].split(","))
    grid = fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(n, n, n))
    f = fg.ScalarField.from_function(
        grid, lambda x, y, z: x * y + y * z * z + 0.5 * x * x, chunks=chunk
    )
    t0 = time.perf_counter()
    steepest = float(f.gradient_norm().data.max().compute(scheduler="threads"))
    elapsed = time.perf_counter() - t0
    with open("/proc/self/status") as status:
        peak = [line for line in status if line.startswith("VmHWM")][0].split()[1]
    print(elapsed, int(peak) * 1024, steepest)
    """
)


def dask_reduction(n: int, chunk: tuple[int, ...]) -> tuple[float, int, float]:
    """Seconds, peak RSS (bytes) and result of max |grad f| over a lazy n^3 field."""
    done = subprocess.run(
        [sys.executable, "-c", DASK_RUN, str(n), ",".join(map(str, chunk))],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed, peak, value = done.stdout.split()
    return float(elapsed), int(peak), float(value)


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
        default="64,64,1024",
        help="chunk shape of the lazy field (thin layers keep fewer chunks waiting for halos)",
    )
    args = parser.parse_args(argv)

    print(machine())
    print(HEADER)
    in_memory_table(args.quick, args.repeats)
    print("mem: peak allocation beyond the input, in units of the output's size")
    print("kernel: the same kernel writing into a preallocated output (no new array)")

    inner, outer = cold_start(3)
    print(f"cold start (import + first gradient_norm, cache warm): {inner:.2f} s")
    print(f"  whole process, interpreter start-up included: {outer:.2f} s")

    if not args.no_dask:
        n = 128 if args.quick else args.dask_size
        chunks = tuple(min(int(c), n) for c in args.dask_chunks.split(","))
        elapsed, peak, value = dask_reduction(n, chunks)
        points = n**3
        print(
            f"dask: max |grad f| of a lazy {n}^3 float64 field ({points * 8 / GiB:.1f} GiB), "
            f"chunks {'x'.join(map(str, chunks))}: {elapsed:.1f} s, "
            f"{points / elapsed / 1e6:.0f} Mpoints/s, peak RSS {peak / GiB:.2f} GiB "
            f"(max = {value:.6g})"
        )
        exact = math.sqrt(12.0)  # |grad f| at (1, 1, 1) of x y + y z^2 + x^2 / 2
        print(f"  (the steepest point of the test field has |grad f| = {exact:.6g})")


if __name__ == "__main__":
    main()
