"""The floor of a 3-D stencil on this machine: a plain loop against the kernel.

Run by hand (never by pytest)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/floor.py [--size 256]

On a Cartesian 256^3 field, in float64 and float32, writing into an existing
output, prints the time of

* ``stream``: the bound of ``run.py`` (read the input once, write the
  output once, in parallel);
* ``plain``: a plain parallel triple loop of the same second-order stencil
  (the gradient norm, its 1-norm, the Laplacian) over the interior points,
  with its spacings as constants: no stencil tables, no one-sided ends, no
  metric factors, no points on the boundary;
* ``fieldgrad``: the operator with the numba engine into ``out=``;

taking turns (best of each), and the ratios to the stream.  ``plain /
stream`` is about the least this way of computing a 3-D stencil costs here,
whatever the kernel does; ``fieldgrad / plain`` is what the kernel's
generality (tables, ends, every grid) costs on top.
"""

from __future__ import annotations

import argparse

import numpy as np
from numba import njit, prange
from run import best_of_each, parallel_stream  # also sets OMP_WAIT_POLICY (see there)

import fieldgrad as fg

#: Plain loops: 2 = gradient norm, 1 = its 1-norm, 0 = Laplacian.
KINDS = {"gradient_norm ord 2": 2, "gradient_norm ord 1": 1, "laplacian": 0}


@njit(parallel=True, cache=True)
def plain(u: np.ndarray, out: np.ndarray, c: float, kind: int) -> None:
    """The stencil over the interior of ``u`` with one constant ``c`` per term
    (``1 / 2h`` for the gradient, ``1 / h^2`` for the Laplacian)."""
    n0, n1, n2 = u.shape
    for i in prange(1, n0 - 1):
        for j in range(1, n1 - 1):
            if kind == 2:
                for x in range(1, n2 - 1):
                    g0 = (u[i + 1, j, x] - u[i - 1, j, x]) * c
                    g1 = (u[i, j + 1, x] - u[i, j - 1, x]) * c
                    g2 = (u[i, j, x + 1] - u[i, j, x - 1]) * c
                    out[i, j, x] = np.sqrt(g0 * g0 + g1 * g1 + g2 * g2)
            elif kind == 1:
                for x in range(1, n2 - 1):
                    g0 = (u[i + 1, j, x] - u[i - 1, j, x]) * c
                    g1 = (u[i, j + 1, x] - u[i, j - 1, x]) * c
                    g2 = (u[i, j, x + 1] - u[i, j, x - 1]) * c
                    out[i, j, x] = abs(g0) + abs(g1) + abs(g2)
            else:
                for x in range(1, n2 - 1):
                    s = u[i + 1, j, x] + u[i - 1, j, x] + u[i, j + 1, x] + u[i, j - 1, x]
                    s += u[i, j, x + 1] + u[i, j, x - 1] - 6 * u[i, j, x]
                    out[i, j, x] = s * c


def operator(kind: int, field: fg.ScalarField, out: np.ndarray) -> None:
    """The fieldgrad operator of a plain loop's ``kind``, into ``out``."""
    if kind == 0:
        fg.laplacian(field, engine="numba", out=out)
    else:
        fg.gradient_norm(field, ord=kind, engine="numba", out=out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256, help="points per axis")
    parser.add_argument("--repeats", type=int, default=9, help="timing repeats (best)")
    args = parser.parse_args(argv)
    n = args.size
    grid = fg.CartesianGrid(bounds=[(0, 1)] * 3, shape=(n, n, n))
    h = 1.0 / (n - 1)
    print(f"{'field':24s} {'operator':22s} {'stream':>9s} {'plain':>9s} {'fieldgrad':>10s} "
          f"{'plain/stream':>13s} {'fieldgrad/stream':>17s} {'fieldgrad/plain':>16s}")  # fmt: skip
    for dtype in ("float64", "float32"):
        a = np.random.default_rng(0).standard_normal((n, n, n)).astype(dtype)
        field = fg.ScalarField(grid, a)
        out = np.empty_like(a)
        planes, inputs = out.reshape(1, n, n, n), a.reshape(1, n, n, n)
        for name, kind in KINDS.items():
            c = a.dtype.type(1 / h**2 if kind == 0 else 0.5 / h)
            plain(a, out, c, kind)  # compile or load
            operator(kind, field, out)
            t = best_of_each(
                {
                    "stream": lambda i=inputs, o=planes: parallel_stream(i, o),
                    "plain": lambda u=a, o=out, c=c, k=kind: plain(u, o, c, k),
                    "fieldgrad": lambda f=field, o=out, k=kind: operator(k, f, o),
                },
                args.repeats,
            )
            s, p, f = t["stream"], t["plain"], t["fieldgrad"]
            print(
                f"Cartesian {n}^3 {dtype:8s} {name:22s} {1e3 * s:7.1f}ms {1e3 * p:7.1f}ms "
                f"{1e3 * f:8.1f}ms {p / s:12.2f}x {f / s:16.2f}x {f / p:15.2f}x",
                flush=True,
            )


if __name__ == "__main__":
    main()
