"""Agent-steps per second of ChemotaxisAgents: 10^5 agents on a 1024^2 grid.

Run by hand (never by pytest)::

    python benchmarks/agents.py [--agents 100000] [--size 1024] [--steps 30]

Prints the median time per step and agent-steps per second for

* the fast path: a 2-D evenly spaced Cartesian grid, one compiled pass per
  step (drift lookup, Euler-Maruyama update, edges) with the agents visited
  in cell order, noise from numpy's generator;
* the general path on the same grid (lookup kernel plus numpy glue), which
  every other grid uses;
* the general path on a polar grid of the same size (coordinate maps
  to and from Cartesian space at every step).

The target is 10^7 agent-steps per second for the fast path on a 2-core
machine.  Timings on a shared machine vary; the median of many steps is
reported.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import fieldgrad as fg
from fieldgrad.biology import ChemotaxisAgents

TARGET = 1e7  # agent-steps per second


def attractant(grid: fg.Grid) -> fg.ScalarField:
    return fg.ScalarField.from_function(
        grid, lambda x, y: np.exp(-((x - 0.3) ** 2 + (y - 0.2) ** 2) / 0.2), coords="cartesian"
    )


def measure(agents: ChemotaxisAgents, steps: int, dt: float) -> float:
    """Median seconds per step (after a warm-up step that compiles the kernels)."""
    agents.step(dt)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        agents.step(dt)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    square = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(args.size, args.size))
    disk = fg.PolarGrid(radius=(0, 1), shape=(args.size // 2, 2 * args.size))
    start_xy = rng.uniform(-0.7, 0.7, (args.agents, 2))
    start_polar = np.stack(disk.from_cartesian(*start_xy.T), axis=-1)
    options = {"sensitivity": 1e-3, "saturation": 0.5, "motility": 1e-6}

    results = {}
    for label, grid, start, fast in (
        ("cartesian, fast path", square, start_xy, True),
        ("cartesian, general path", square, start_xy, False),
        ("polar, general path", disk, start_polar, False),
    ):
        setup = time.perf_counter()
        agents = ChemotaxisAgents(attractant(grid), start, seed=1, **options)
        setup = time.perf_counter() - setup
        agents._plane = agents._plane and fast  # force the general path for comparison
        per_step = measure(agents, args.steps, dt=0.1)
        results[label] = {
            "seconds_per_step": per_step,
            "agent_steps_per_second": args.agents / per_step,
            "field_update_seconds": setup,
        }
        print(
            f"{label:26s} {per_step * 1e3:8.2f} ms/step  "
            f"{args.agents / per_step:10.3g} agent-steps/s  (gradient + table {setup:.2f} s)"
        )
    best = results["cartesian, fast path"]["agent_steps_per_second"]
    print(f"target {TARGET:.0e} agent-steps/s: {'met' if best >= TARGET else 'NOT met'}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"agents": args.agents, "size": args.size, "results": results}, fh, indent=2)


if __name__ == "__main__":
    main()
