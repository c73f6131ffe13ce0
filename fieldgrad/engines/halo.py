"""Halo exchange for chunked arrays that frees each input chunk early.

A stencil of reach ``d`` needs, for a chunk's output, ``d`` layers of each
neighbour.  If a chunk's whole output waited for its neighbours, every input
chunk would stay in memory until the chunks around it were made: with
cubic chunks a whole plane of them (dask's own overlap does this, and
moreover hands on views that keep whole chunks alive).

Here each chunk's output is split along every axis into a thin lower part
(``d`` layers), the interior and a thin upper part.  The interior needs the
chunk alone and runs as soon as the chunk exists; the thin parts read copies
of the chunk's outer layers (``2 d`` thick) and of the neighbours' faces
(``d`` thick).  Once its interior and its outer layers are done, a chunk is
freed, whatever its neighbours are doing.  Stencils run along one axis at a
time, so the corners of a part's input box are never read (they stay zero).

Coordinates below are indices into the array extended by ghosts (``E``),
where grid index ``g`` is ``g + lows[a]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["AxisPart", "axis_parts", "halo_map"]

#: Kinds of part along one axis.
LOWER, INTERIOR, UPPER, WHOLE = "lower", "interior", "upper", "whole"


@dataclass(frozen=True)
class AxisPart:
    """One part of a chunk's output along one axis (``E`` indices).

    ``out`` is the output range, ``need`` the input range its stencils read.

    Examples
    --------
    >>> from fieldgrad.engines.halo import axis_parts
    >>> [(p.kind, p.out, p.need) for p in axis_parts([0, 10, 20], lo=0, n=20, depth=2)[1]]
    [('lower', (10, 12), (8, 14)), ('interior', (12, 18), (10, 20)), ('upper', (18, 20), (16, 20))]
    """

    kind: str
    out: tuple[int, int]
    need: tuple[int, int]


def axis_parts(bounds: Sequence[int], *, lo: int, n: int, depth: int) -> list[list[AxisPart]]:
    """Parts of each chunk's output along one axis.

    ``bounds`` are the chunk boundaries of the extended axis, ``lo`` its ghosts
    below the grid, ``n`` the grid's points and ``depth`` the stencils' reach.

    Examples
    --------
    A chunk too thin to split is one part that reads both neighbours:

    >>> from fieldgrad.engines.halo import axis_parts
    >>> [[p.kind for p in parts] for parts in axis_parts([0, 8, 11, 20], lo=0, n=20, depth=2)]
    [['lower', 'interior', 'upper'], ['whole'], ['lower', 'interior', 'upper']]
    """
    total = bounds[-1]
    out = []
    for b0, b1 in zip(bounds[:-1], bounds[1:], strict=True):
        p, q = max(b0, lo), min(b1, lo + n)
        ranges = [(LOWER, p, p + depth), (INTERIOR, p + depth, q - depth), (UPPER, q - depth, q)]
        if q - p <= 2 * depth:
            ranges = [(WHOLE, p, q)]
        out.append(
            [
                AxisPart(kind, (r0, r1), (max(r0 - depth, 0), min(r1 + depth, total)))
                for kind, r0, r1 in ranges
            ]
        )
    return out


def _take(chunk: np.ndarray, index: tuple[slice, ...]) -> np.ndarray:
    """A C-contiguous copy of ``chunk[index]`` (a view would keep the chunk alive)."""
    return np.array(chunk[index], order="C")


def _assemble(
    shape: tuple[int, ...], copies: Sequence[tuple[tuple[slice, ...], tuple[slice, ...]]], *src: Any
) -> np.ndarray:
    """The input box of a part from the pieces it reads.  A box that is one
    whole chunk (an interior part) is that chunk itself: no copy, and the part
    holds it only while it runs."""
    if len(copies) == 1:
        piece = src[0][copies[0][1]]
        if piece.shape == tuple(shape) and piece.flags.c_contiguous:
            return piece
    box = np.zeros(shape, dtype=src[0].dtype)
    for (dst, sl), s in zip(copies, src, strict=True):
        box[dst] = s[sl]
    return box


def _part(
    run: Callable[..., np.ndarray],
    spec: tuple[Any, ...],
    tables: Any,
    *groups: Any,
) -> np.ndarray:
    """One output part: assemble each input's box, then ``run(boxes, begin, out, tables)``."""
    shape, begin, out, plans = spec
    boxes = [
        _assemble(shape, copies, *sources) for copies, sources in zip(plans, groups, strict=True)
    ]
    return run(boxes, begin, out, tables)


def _sl(r: tuple[int, int], base: int) -> slice:
    return slice(r[0] - base, r[1] - base)


def halo_map(
    xs: Sequence[Any],
    *,
    lows: Sequence[int],
    sizes: Sequence[int],
    depth: Sequence[int],
    run: Callable[..., np.ndarray],
    tables: Any,
    ncomp: int | None,
    dtype: np.dtype,
    name: str,
) -> Any:
    """``run`` over the parts of every chunk of the extended arrays ``xs``, lazily.

    ``run(boxes, begin, out, tables)`` returns the output of one part over the
    ``E`` ranges ``out``, whose input boxes start at ``E`` indices ``begin``;
    ``ncomp`` is the leading component axis of the output (None for none).
    Returns the dask array of the output over the grid (``sizes`` points per
    axis).

    Examples
    --------
    A centred difference along one axis, chunk by chunk:

    >>> import numpy as np
    >>> import dask.array as da
    >>> from fieldgrad.engines.halo import halo_map
    >>> def run(boxes, begin, out, tables):
    ...     (box,), (b0,), ((o0, o1),) = boxes, begin, out
    ...     return box[o0 - b0 + 1 : o1 - b0 + 1] - box[o0 - b0 - 1 : o1 - b0 - 1]
    >>> x = da.arange(20.0, chunks=((8, 6, 6),)) ** 2     # one ghost at each end
    >>> y = halo_map([x], lows=(1,), sizes=(18,), depth=(1,), run=run, tables=None,
    ...              ncomp=None, dtype=x.dtype, name="diff")
    >>> bool(np.allclose(y.compute(), 4 * np.arange(1.0, 19.0)))   # (e+1)^2 - (e-1)^2
    True
    """
    import dask.array as da
    from dask.highlevelgraph import HighLevelGraph

    ndim = len(sizes)
    x0 = xs[0]
    bounds = [np.concatenate([[0], np.cumsum(c)]).astype(int).tolist() for c in x0.chunks]
    plans = [axis_parts(bounds[a], lo=lows[a], n=sizes[a], depth=depth[a]) for a in range(ndim)]
    offsets = [np.concatenate([[0], np.cumsum([len(p) for p in pa])]).tolist() for pa in plans]
    dsk: dict[Any, Any] = {f"{name}-tables": tables}
    lead = () if ncomp is None else (0,)
    for b in np.ndindex(*x0.numblocks):
        chunk_range = [(bounds[a][b[a]], bounds[a][b[a] + 1]) for a in range(ndim)]
        for i, x in enumerate(xs):
            own = (x.name, *b)
            for a in range(ndim):
                k = b[a]
                parts = plans[a][k]
                for kind in (LOWER, UPPER) if parts[0].kind != WHOLE else ():
                    # the chunk's own outer layers, as thick as a thin part reads
                    part = parts[0] if kind == LOWER else parts[-1]
                    r = (chunk_range[a][0], part.need[1]) if kind == LOWER else (
                        part.need[0], chunk_range[a][1])  # fmt: skip
                    index = [slice(None)] * ndim
                    index[a] = _sl(r, chunk_range[a][0])
                    slab_key = (f"{name}-slab", i, a, kind, *b)
                    dsk[slab_key] = (_take, own, tuple(index))
                for side, step in ((LOWER, -1), (UPPER, 1)):
                    nb = list(b)
                    nb[a] += step
                    if not 0 <= nb[a] < x0.numblocks[a]:
                        continue
                    nb0, nb1 = bounds[a][nb[a]], bounds[a][nb[a] + 1]
                    index = [slice(None)] * ndim
                    index[a] = (
                        slice(nb1 - nb0 - depth[a], None) if side == LOWER else slice(0, depth[a])
                    )
                    face_key = (f"{name}-face", i, a, side, *b)
                    dsk[face_key] = (_take, (x.name, *nb), tuple(index))
        for choice in np.ndindex(*[len(plans[a][b[a]]) for a in range(ndim)]):
            parts = [plans[a][b[a]][c] for a, c in enumerate(choice)]
            need = [p.need for p in parts]
            shape = tuple(r1 - r0 for r0, r1 in need)
            begin = tuple(r0 for r0, _ in need)
            own_need = [
                (max(r0, c0), min(r1, c1))
                for (r0, r1), (c0, c1) in zip(need, chunk_range, strict=True)
            ]
            groups = []
            copies_all = []
            for i, x in enumerate(xs):
                copies, sources = [], []
                thin = [a for a, p in enumerate(parts) if p.kind in (LOWER, UPPER)]
                if thin:
                    a = thin[0]
                    kind = parts[a].kind
                    src_key = (f"{name}-slab", i, a, kind, *b)
                    base = [c0 for c0, _ in chunk_range]
                    if kind == UPPER:
                        base[a] = plans[a][b[a]][-1].need[0]
                else:
                    src_key = (x.name, *b)
                    base = [c0 for c0, _ in chunk_range]
                dst = tuple(_sl(r, n0) for r, (n0, _) in zip(own_need, need, strict=True))
                src = tuple(_sl(r, b0) for r, b0 in zip(own_need, base, strict=True))
                copies.append((dst, src))
                sources.append(src_key)
                for a in range(ndim):
                    c0, c1 = chunk_range[a]
                    for side, r in ((LOWER, (need[a][0], c0)), (UPPER, (c1, need[a][1]))):
                        if r[1] <= r[0]:
                            continue
                        region = list(own_need)
                        region[a] = r
                        face_base = [cr[0] for cr in chunk_range]
                        face_base[a] = c0 - depth[a] if side == LOWER else c1
                        dst = tuple(_sl(rr, n0) for rr, (n0, _) in zip(region, need, strict=True))
                        src = tuple(_sl(rr, f0) for rr, f0 in zip(region, face_base, strict=True))
                        copies.append((dst, src))
                        sources.append((f"{name}-face", i, a, side, *b))
                copies_all.append(tuple(copies))
                groups.append((tuple, sources))
            key = (name, *lead, *[offsets[a][b[a]] + c for a, c in enumerate(choice)])
            spec = (shape, begin, tuple(p.out for p in parts), tuple(copies_all))
            dsk[key] = (_part, run, spec, f"{name}-tables", *groups)
    chunks = tuple(
        tuple(p.out[1] - p.out[0] for parts in plans[a] for p in parts) for a in range(ndim)
    )
    if ncomp is not None:
        chunks = ((ncomp,), *chunks)
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=list(xs))
    return da.Array(graph, name, chunks, dtype=dtype)
