"""Agent-steps per second of ChemotaxisAgents with secretion and uptake: 10^6 agents, 1024^2 grid.

Run by hand (never by pytest)::

    python benchmarks/agents.py [--agents 1000000] [--size 1024] [--steps 20]

One agent-step is one ``agents.advance(dt)`` (drift lookup, noise, move,
edges; ``step`` is the same plus a copy of the positions) plus one
``agents.exchange(field, dt)`` (secretion and uptake
deposited conservatively, uptake limited per cell) for one agent.  Rows:

* the fast path (2-D evenly spaced Cartesian grid, compiled, parallel over
  agents, per-thread deposition buffers) with the agents given in random
  order and in cell order (``np.lexsort`` of their starting cells; the fast
  path stores them by cell itself, so both should be alike), then its two
  halves alone (``advance``, ``exchange``) and the whole step on one thread
  (the core time per agent-step, the figure least sensitive to the load);
* the general path on the same grid and on a polar grid of the same size
  (numpy glue and coordinate maps; 10x fewer agents, scaled per agent);
* same-run baselines, to put the figures in proportion to what the machine
  delivers at that moment (it is shared and its load varies): a trivial
  parallel pass over the same position array (read, add, write), and the
  parallel speed-up of a pure compute loop split over the threads (2.0 when
  both cores are free; near 1 when another process holds one).

The target is 5e7 agent-steps per second with 10^6 agents on 2 cores.
Reported: the median over ``--steps`` steps, the load average before and
after, and the number of threads.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numba
import numpy as np

import fieldgrad as fg
from fieldgrad.biology import ChemotaxisAgents

TARGET = 5e7  # agent-steps per second
OPTIONS = {"sensitivity": 1e-3, "saturation": 0.5, "motility": 1e-6}
EXCHANGE = {"secretion": 1.0, "uptake": 0.1}


@numba.njit(parallel=True, cache=True)
def _trivial_pass(pos):  # pragma: no cover
    for k in numba.prange(pos.shape[0]):
        pos[k, 0] += 1e-300
        pos[k, 1] += 1e-300


@numba.njit(parallel=True, cache=True)
def _spin(chunks, n, out):  # pragma: no cover
    # a latency-bound loop in each chunk: no memory traffic, nothing shared
    for t in numba.prange(chunks):
        x = 0.0
        for _ in range(n):
            x = x * 1.0000001 + 1.0
        out[t] = x


def parallel_speedup(repeats: int = 5) -> float:
    """Work done per second by all threads over that of one, right now."""
    threads = numba.get_num_threads()
    out = np.zeros(threads)
    one = median_seconds(lambda: _spin(1, 10_000_000, out), repeats)
    every = median_seconds(lambda: _spin(threads, 10_000_000, out), repeats)
    return threads * one / every


def attractant(grid: fg.Grid) -> fg.ScalarField:
    return fg.ScalarField.from_function(
        grid, lambda x, y: np.exp(-((x - 0.3) ** 2 + (y - 0.2) ** 2) / 0.2), coords="cartesian"
    )


def median_seconds(func, steps: int) -> float:
    """Median seconds of ``func()`` (after one warm-up call that compiles)."""
    func()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def agent_step(agents: ChemotaxisAgents, field: fg.ScalarField, dt: float):
    def run() -> None:
        agents.advance(dt)
        agents.exchange(field, dt)

    return run


def halves(agents: ChemotaxisAgents, field: fg.ScalarField, dt: float) -> dict:
    return {"advance": lambda: agents.advance(dt), "exchange": lambda: agents.exchange(field, dt)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    load_before = os.getloadavg()
    rng = np.random.default_rng(0)
    n = args.agents
    square = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(args.size, args.size))
    disk = fg.PolarGrid(radius=(0, 1), shape=(args.size // 2, 2 * args.size))
    start = rng.uniform(-0.7, 0.7, (n, 2))
    h = 2.0 / args.size
    by_cell = start[np.lexsort((np.floor(start[:, 1] / h), np.floor(start[:, 0] / h)))]
    c_square, c_disk = attractant(square), attractant(disk)

    results = {}
    few = max(n // 10, 1)
    cases = (
        ("fast path, random order", square, c_square, start, True),
        ("fast path, cell order", square, c_square, by_cell, True),
        ("general path, Cartesian", square, c_square, start[:few], False),
        (
            "general path, polar",
            disk,
            c_disk,
            np.stack(disk.from_cartesian(*start[:few].T), 1),
            False,
        ),
    )
    speedup_before = parallel_speedup()

    def report(label: str, agents: int, per_step: float) -> None:
        rate = agents / per_step
        results[label] = {
            "agents": agents,
            "seconds_per_step": per_step,
            "agent_steps_per_second": rate,
        }
        print(f"{label:26s} {agents:8d} agents {per_step * 1e3:9.2f} ms/step", end=" ")
        print(f"{rate:10.3g} agent-steps/s")

    for label, _grid, field, pts, fast in cases:
        agents = ChemotaxisAgents(field, pts, seed=1, **OPTIONS, **EXCHANGE)
        agents._plane = agents._plane and fast  # force the general path for comparison
        report(label, len(pts), median_seconds(agent_step(agents, field, 0.1), args.steps))
        if label == "fast path, cell order":
            for part, func in halves(agents, field, 0.1).items():
                report(f"  its {part} alone", n, median_seconds(func, args.steps))
            threads = numba.get_num_threads()
            numba.set_num_threads(1)
            report("  one thread", n, median_seconds(agent_step(agents, field, 0.1), args.steps))
            numba.set_num_threads(threads)
    positions = np.array(start)
    trivial = median_seconds(lambda: _trivial_pass(positions), args.steps)
    results["trivial parallel pass"] = {
        "agents": n,
        "seconds_per_step": trivial,
        "agent_steps_per_second": n / trivial,
    }
    print(f"{'trivial parallel pass':26s} {n:8d} agents {trivial * 1e3:9.2f} ms/pass", end=" ")
    print(f"{n / trivial:10.3g} agents/s")
    speedup_after = parallel_speedup()
    load_after = os.getloadavg()
    best = max(results[k]["agent_steps_per_second"] for k in list(results)[:2])
    one = results["  one thread"]["seconds_per_step"] / n
    print(
        f"threads {numba.get_num_threads()}, load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after; parallel speed-up of a compute loop "
        f"{speedup_before:.2f} before, {speedup_after:.2f} after\n"
        f"best fast path {best:.3g} agent-steps/s = {best / (n / trivial):.3g} x the "
        f"trivial pass; one thread {one * 1e9:.1f} ns per agent-step; target {TARGET:.0e}: "
        f"{'met' if best >= TARGET else 'NOT met'}"
    )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(
                {
                    "size": args.size,
                    "threads": numba.get_num_threads(),
                    "load": [load_before, load_after],
                    "parallel_speedup": [speedup_before, speedup_after],
                    "results": results,
                },
                fh,
                indent=2,
            )


if __name__ == "__main__":
    main()
