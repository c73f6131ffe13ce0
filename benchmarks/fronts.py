"""Travel times on a 1024^2 grid: fieldgrad.fronts against scikit-fmm, same process.

The problem has a closed form: a point source at (0.31, 0.27) of the unit
square in the medium v = 1 + z, where T = arccosh(1 + |x - s|^2 / (2 v(s) v(x))).
scikit-fmm starts from the zero contour of phi = |x - s| - r0 (a small circle
around the source, the usual way to give it a point source) and its time is
shifted by r0 / v(s); fieldgrad takes the off-grid point itself.  Both are
second order.  Printed: the best of ``--repeats`` wall-clock times, their
ratio, the max error of each against the closed form, and the grid on which
fieldgrad reaches scikit-fmm's error.

Run with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/fronts.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import fieldgrad as fg
from fieldgrad import fronts

SOURCE = np.array([0.31, 0.27])
V0, G = 1.0, 1.0


def exact(x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Closed-form travel time in v = V0 + G z from SOURCE."""
    dist2 = (x - SOURCE[0]) ** 2 + (z - SOURCE[1]) ** 2
    vs = V0 + G * SOURCE[1]
    return np.arccosh(1 + G**2 * dist2 / (2 * vs * (V0 + G * z))) / G


def best_time(func, repeats: int) -> tuple[float, np.ndarray]:
    """Best wall-clock time of ``func()`` and its last result."""
    best, out = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import skfmm

    n = args.size
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(n, n))
    x, z = (np.broadcast_to(c, grid.shape) for c in grid.to_cartesian())
    truth = exact(x, z)
    speed = V0 + G * z
    radius = 1.5 / n

    def ours() -> np.ndarray:
        return fronts.travel_time(grid, [SOURCE], speed=lambda x, y: V0 + G * y).data

    def theirs() -> np.ndarray:
        phi = np.hypot(x - SOURCE[0], z - SOURCE[1]) - radius
        t = np.asarray(skfmm.travel_time(phi, speed, dx=1 / n, order=2))
        return t + radius / (V0 + G * SOURCE[1])

    fronts.travel_time(fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(16, 16)), [SOURCE])
    t_ours, t_fg = best_time(ours, args.repeats)
    t_theirs, t_sk = best_time(theirs, args.repeats)
    err_ours = float(np.abs(t_fg - truth).max())
    err_theirs = float(np.abs(t_sk - truth).max())
    print(f"grid {n}x{n}, v = {V0:g} + {G:g} z, point source at {tuple(SOURCE)}")
    print(f"{'':14}{'time (s)':>10}{'max error':>12}")
    print(f"{'fieldgrad':14}{t_ours:10.3f}{err_ours:12.2e}")
    print(f"{'scikit-fmm':14}{t_theirs:10.3f}{err_theirs:12.2e}")
    print(f"time ratio fieldgrad / scikit-fmm: {t_ours / t_theirs:.2f}")
    # the coarsest grid on which fieldgrad is as accurate as scikit-fmm here
    for m in (16, 32, 64, 128, 256, 512, 1024):
        coarse = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(m, m))
        xc, zc = (np.broadcast_to(c, coarse.shape) for c in coarse.to_cartesian())
        start = time.perf_counter()
        tc = fronts.travel_time(coarse, [SOURCE], speed=lambda x, y: V0 + G * y).data
        elapsed = time.perf_counter() - start
        error = float(np.abs(tc - exact(xc, zc)).max())
        if error <= err_theirs:
            print(
                f"fieldgrad on {m}x{m}: error {error:.2e} <= scikit-fmm's on {n}x{n}, "
                f"in {elapsed:.3f} s ({elapsed / t_theirs:.3f} of scikit-fmm's time)"
            )
            break


if __name__ == "__main__":
    main()
