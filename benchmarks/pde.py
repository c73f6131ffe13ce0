"""Fields that evolve: fieldgrad.pde against py-pde on the same problem, at the same accuracy.

Run by hand (never by pytest)::

    python benchmarks/pde.py [--size 64] [--t-end 200] [--target 1e-4]

1. The shared problem: Gray-Scott reaction-diffusion on a periodic square
   (both packages use the five-point Laplacian on the same cell centres, so
   they solve the same system of ODEs).  A reference solution comes from
   scipy's DOP853 at rtol 1e-11 on that system.  For each package and
   time-stepping method, the tolerance is loosened decade by decade while the
   maximum error at ``t_end`` stays below ``--target``; the fastest run that
   meets the target is reported (warm: py-pde's numba compilation and
   fieldgrad's first call are excluded, best of ``--repeats``).  The ratio
   py-pde / fieldgrad of the two best times is the speed-up.
2. What py-pde cannot do: Keller-Segel on a full disk whose cells are not
   radially symmetric (through r = 0) and on a sphere through its poles;
   py-pde's polar and spherical grids hold fields that depend on the radius
   only.  Printed: the time and the drift of the total number of cells.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

import fieldgrad as fg
from fieldgrad import pde

FEED, KILL, DU, DV, LENGTH = 0.04, 0.06, 2e-5 * 400, 1e-5 * 400, 2.5
TOLERANCES = (1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8)


def initial(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 0.25 * np.exp(-20 * ((x - 1.2) ** 2 + (y - 1.3) ** 2)) + 0.1 * np.exp(
        -30 * ((x - 0.5) ** 2 + (y - 2.0) ** 2)
    )


def gray_scott(t: float, u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
    uv2 = u * v * v
    return {"u": -uv2 + FEED * (1 - u), "v": uv2 - (FEED + KILL) * v}


def best_time(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    out, times = None, []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def fastest_within(
    label: str,
    make: Callable[[float], Callable[[], np.ndarray]],
    reference: np.ndarray,
    target: float,
    repeats: int,
) -> dict[str, Any]:
    """Loosest tolerance whose error is below target, and its time."""
    found: dict[str, Any] = {"method": label, "seconds": np.inf, "rtol": None, "error": None}
    for rtol in TOLERANCES:
        run = make(rtol)
        run()  # warm-up (compilation, caches)
        seconds, result = best_time(run, repeats)
        error = float(np.abs(result - reference).max())
        print(f"  {label:<28} rtol {rtol:7.0e}  error {error:9.2e}  {seconds:8.3f} s")
        if error <= target:
            if seconds < found["seconds"]:
                found = {"method": label, "seconds": seconds, "rtol": rtol, "error": error}
            break
    return found


def import_py_pde() -> Any:
    """py-pde, whose import name ``pde`` this script's own file name would shadow."""
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    return importlib.import_module("pde")


def shared_problem(size: int, t_end: float, target: float, repeats: int) -> dict[str, Any]:
    py_pde = import_py_pde()

    box = fg.CartesianGrid(bounds=[(0, LENGTH)] * 2, shape=(size, size), periodic=True)
    x, y = box.mesh()
    v0 = initial(x, y) + 0 * y
    state = {"u": fg.ScalarField(box, 1 - v0), "v": fg.ScalarField(box, v0)}
    eq = pde.ReactionDiffusion({"u": DU, "v": DV}, gray_scott)
    system = eq.system(box, ("u", "v"))
    y0 = np.concatenate([(1 - v0).ravel(), v0.ravel()])
    start = time.perf_counter()
    ref = solve_ivp(system.rhs, (0, t_end), y0, method="DOP853", rtol=1e-11, atol=1e-13).y[:, -1]
    print(f"reference (scipy DOP853, rtol 1e-11): {time.perf_counter() - start:.1f} s")
    reference = ref.reshape(2, size, size)
    print(f"the fields change by {np.abs(reference[1] - v0).max():.3f} (max |v(t_end) - v(0)|)")

    def fieldgrad_run(method: str) -> Callable[[float], Callable[[], np.ndarray]]:
        def make(rtol: float) -> Callable[[], np.ndarray]:
            def run() -> np.ndarray:
                sol = pde.solve(eq, state, t_end, method=method, rtol=rtol, atol=rtol * 1e-2)
                return np.stack([sol.final["u"].data, sol.final["v"].data])

            return run

        return make

    grid = py_pde.CartesianGrid([[0, LENGTH], [0, LENGTH]], [size, size], periodic=True)
    collection = py_pde.FieldCollection(
        [py_pde.ScalarField(grid, 1 - v0, label="u"), py_pde.ScalarField(grid, v0, label="v")]
    )
    their_eq = py_pde.PDE(
        {
            "u": f"{DU}*laplace(u) - u*v**2 + {FEED}*(1 - u)",
            "v": f"{DV}*laplace(v) + u*v**2 - {FEED + KILL}*v",
        }
    )
    assert np.allclose(grid.axes_coords[0], box.coords["x"])

    def py_pde_run(solver: str) -> Callable[[float], Callable[[], np.ndarray]]:
        def make(rtol: float) -> Callable[[], np.ndarray]:
            options = (
                {"rtol": rtol, "atol": rtol * 1e-2}
                if solver == "scipy"
                else {"adaptive": True, "tolerance": rtol, "dt": 1e-2}
            )

            def run() -> np.ndarray:
                out = their_eq.solve(collection, t_end, solver=solver, tracker=None, **options)
                return np.stack([out[0].data, out[1].data])

            return run

        return make

    print(f"Gray-Scott, periodic {size}x{size}, t_end = {t_end:g}, target max error {target:g}")
    ours = [
        fastest_within(f"fieldgrad {m}", fieldgrad_run(m), reference, target, repeats)
        for m in ("imex", "explicit", "implicit")
    ]
    theirs = [
        fastest_within(f"py-pde {s}", py_pde_run(s), reference, target, repeats)
        for s in ("scipy", "runge-kutta")
    ]
    best_ours = min(ours, key=lambda r: r["seconds"])
    best_theirs = min(theirs, key=lambda r: r["seconds"])
    ratio = best_theirs["seconds"] / best_ours["seconds"]
    print(
        f"best fieldgrad: {best_ours['method']} {best_ours['seconds']:.3f} s; best py-pde: "
        f"{best_theirs['method']} {best_theirs['seconds']:.3f} s; speed-up {ratio:.1f}x"
    )
    return {"fieldgrad": ours, "py-pde": theirs, "speed_up": ratio}


def beyond_py_pde(repeats: int) -> list[dict[str, Any]]:
    eq = pde.KellerSegel(0.1, 1.0, 5.0, 1.0, 1.0, saturation=1.0)
    cases = {
        "disk 64x128 (through r = 0)": (
            fg.PolarGrid(radius=(0, 1), shape=(64, 128)),
            lambda x, y, z=0: 1 + 0.2 * np.exp(-20 * ((x - 0.3) ** 2 + y**2)),
        ),
        "sphere 64x128 (through the poles)": (
            fg.SphereSurface(radius=1.0, shape=(64, 128)),
            lambda x, y, z: 1 + 0.2 * np.exp(-10 * ((x - 0.2) ** 2 + y**2 + (z - 0.97) ** 2)),
        ),
    }
    out = []
    for name, (grid, func) in cases.items():
        u = fg.ScalarField.from_function(grid, func, coords="cartesian")
        state = {"u": u, "c": fg.ScalarField(grid, np.ones(grid.shape))}
        seconds, sol = best_time(lambda state=state: pde.solve(eq, state, 2.0), repeats)
        vol = grid.cell_volumes()
        drift = abs((sol.final["u"].data * vol).sum() / (u.data * vol).sum() - 1)
        peak = float(sol.final["u"].data.max())
        print(
            f"Keller-Segel on a {name}: {seconds:.2f} s, "
            f"cell total drift {drift:.1e}, peak u {peak:.2f}"
        )
        out.append({"case": name, "seconds": seconds, "mass_drift": drift, "peak": peak})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--t-end", type=float, default=200.0)
    parser.add_argument("--target", type=float, default=1e-4)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = {
        "shared": shared_problem(args.size, args.t_end, args.target, args.repeats),
        "beyond_py_pde": beyond_py_pde(args.repeats),
    }
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2, default=float)


if __name__ == "__main__":
    main()
