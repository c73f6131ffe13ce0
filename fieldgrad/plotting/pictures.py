"""Each grid's geometry as a flat picture: cell corners, values, arrows, labels.

A polar field is a disk (or an annulus) in the plane, not an r-theta
rectangle; an axisymmetric pipe is its longitudinal section, mirrored to
negative r; a field on the sphere is a map in longitude and latitude; a
spherical (r, theta, phi) field is its meridional section; a 3-D Cartesian
or cylindrical field is a slice.  Each grid kind turns its data into a
:class:`Picture`; pictures are registered by grid kind
(:func:`register_picture`), so a new grid needs no change to the drawing
code.  This module knows geometry only; it never imports matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..grids.base import Grid

__all__ = ["PICTURES", "Picture", "cell_corners", "register_picture"]

#: Angular cells wider than this are subdivided so that arcs look round.
MAX_ARC_STEP = math.radians(2.0)
#: Beyond this ratio of extents a Cartesian picture is drawn with a free aspect ratio.
MAX_EQUAL_ASPECT = 8.0


@dataclass
class Picture:
    """A field as a flat picture: what :func:`plot_field` draws.

    Attributes
    ----------
    x, y : ndarray, shape (M + 1, N + 1)
        Cell corners in the plane of the figure.
    c : ndarray, shape (M, N)
        Cell values (masked where invalid or outside the domain).
    xm, ym, cm : ndarray, shape (m, n)
        Cell centres and values there, for contours.
    u, v : ndarray, shape (m, n), optional
        In-plane components of a vector field at the centres.
    xlabel, ylabel : str
        Axis labels.
    aspect : str or float
        ``"equal"``, ``"auto"`` or a number for ``Axes.set_aspect``.
    wrap : bool
        Whether axis 1 of the centres is periodic (contours close the seam).
    period : float
        How far ``xm`` moves over one period of a wrapped axis (0 when the
        coordinates in the plane repeat, 360 on a map in degrees).
    note : str
        Where the picture was cut, for the title (e.g. ``"z = 0.5"``).

    Examples
    --------
    A polar grid becomes a disk; its coarse angular cells are subdivided so
    that the rim looks round, while contours and arrows use the cell centres.

    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad.plotting import PICTURES
    >>> grid = fg.PolarGrid(radius=(0, 2), shape=(4, 8))
    >>> pic = PICTURES["polar"](grid, np.ones(grid.shape), None, at=None, geo=False)
    >>> float(np.round(pic.x.min(), 12)), float(np.round(pic.y.max(), 12)), pic.cm.shape
    (-2.0, 2.0, (4, 8))
    >>> pic.c.shape[1] > 8
    True
    """

    x: np.ndarray
    y: np.ndarray
    c: np.ndarray
    xm: np.ndarray
    ym: np.ndarray
    cm: np.ndarray
    u: np.ndarray | None = None
    v: np.ndarray | None = None
    xlabel: str = ""
    ylabel: str = ""
    aspect: str | float = "equal"
    wrap: bool = False
    period: float = 0.0
    note: str = ""


PictureFunc = Callable[..., Picture]
#: How fields on each kind of grid become a picture, by grid kind.
PICTURES: dict[str, PictureFunc] = {}


def register_picture(kind: str) -> Callable[[PictureFunc], PictureFunc]:
    """Register how fields on grids of ``kind`` become a :class:`Picture`.

    The function is called as ``func(grid, values, vector, at=..., geo=...)``
    with ``values`` of the grid's shape, ``vector`` of shape
    ``(ndim,) + shape`` or None, ``at`` the requested cut (or None) and
    ``geo`` whether the axes is a longitude-latitude projection.

    Examples
    --------
    >>> from fieldgrad.plotting import PICTURES
    >>> sorted(PICTURES)
    ['cartesian', 'coordinates', 'cylindrical', 'polar', 'sphere', 'spherical']
    """

    def decorate(func: PictureFunc) -> PictureFunc:
        PICTURES[kind] = func
        return func

    return decorate


def cell_corners(grid: Grid) -> tuple[np.ndarray, ...]:
    """Cell faces along each axis: the domain bounds and the midpoints between points.

    A periodic axis ends where it starts, one period on, so the mesh closes
    its seam.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> r, theta = cell_corners(fg.PolarGrid(radius=(0, 1), shape=(4, 8)))
    >>> r.tolist(), bool(np.isclose(theta[-1], 2 * np.pi))
    ([0.0, 0.25, 0.5, 0.75, 1.0], True)
    """
    out = []
    for x, (lo, hi) in zip(grid.coords.values(), grid.bounds, strict=True):
        out.append(np.concatenate([[lo], (x[1:] + x[:-1]) / 2, [hi]]))
    return tuple(out)


def _refine(corners: np.ndarray, data: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Subdivide angular cells wider than :data:`MAX_ARC_STEP` (values repeated)."""
    k = int(np.ceil(np.max(np.diff(corners)) / MAX_ARC_STEP))
    if k <= 1:
        return corners, data
    sub = corners[:-1, None] + np.diff(corners)[:, None] * (np.arange(k) / k)
    return np.append(sub.ravel(), corners[-1]), np.repeat(data, k, axis=axis)


def _nearest(x: np.ndarray, at: float | None, default: int) -> int:
    return default if at is None else int(np.argmin(np.abs(x - at)))


def _mirror(
    corners: np.ndarray, centres: np.ndarray, upper: np.ndarray, lower: np.ndarray, axis: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Join a half plane (``upper``) and its mirror image (``lower``) along ``axis``.

    Returns signed corners, signed centres, values on the cells, values on the
    centres and the sign of each centre; a hole around 0 is masked.
    """
    lower = np.flip(lower, axis=axis)
    if corners[0] > 0:  # an annulus: a masked gap between the halves
        gap_shape = list(upper.shape)
        gap_shape[axis] = 1
        gap = np.full(gap_shape, np.nan)
        signed = np.concatenate([-corners[::-1], corners])
        mid = np.concatenate([-centres[::-1], [0.0], centres])
        values = np.concatenate([lower, gap, upper], axis=axis)
        sign = np.concatenate([-np.ones(centres.size), [0.0], np.ones(centres.size)])
        return signed, mid, values, values, sign
    signed = np.concatenate([-corners[::-1], corners[1:]])
    mid = np.concatenate([-centres[::-1], centres])
    values = np.concatenate([lower, upper], axis=axis)
    sign = np.concatenate([-np.ones(centres.size), np.ones(centres.size)])
    return signed, mid, values, values, sign


def _aspect(x: np.ndarray, y: np.ndarray) -> str:
    wx, wy = np.ptp(x), np.ptp(y)
    if wx == 0 or wy == 0 or max(wx / wy, wy / wx) > MAX_EQUAL_ASPECT:
        return "auto"
    return "equal"


# ------------------------------------------------------------------ pictures by grid
@register_picture("coordinates")
@register_picture("cartesian")
def _cartesian(grid: Grid, values: np.ndarray, vector: Any, *, at: Any, geo: bool) -> Picture:
    """The field in the grid's own coordinates (a slice of the last axis in 3-D)."""
    note = ""
    names = grid.axes
    if grid.ndim == 3:  # a slice z = at
        z = grid.coordinate(2)
        k = _nearest(z, at, z.size // 2)
        values = values[:, :, k]
        vector = None if vector is None else vector[:2, :, :, k]
        note = f"{names[2]} = {z[k]:.3g}"
    xc, yc = cell_corners(grid)[:2]
    x, y = np.meshgrid(xc, yc, indexing="ij")
    xm, ym = np.meshgrid(grid.coordinate(0), grid.coordinate(1), indexing="ij")
    u, v = (None, None) if vector is None else (vector[0], vector[1])
    return Picture(
        x, y, values, xm, ym, values, u, v, names[0], names[1], _aspect(xc, yc), note=note
    )


def _disk(
    rc: np.ndarray,
    tc: np.ndarray,
    r: np.ndarray,
    t: np.ndarray,
    values: np.ndarray,
    vector: Any,
    to_xy: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    periodic: bool,
) -> Picture:
    """An (r, theta) field as a disk, annulus or sector in the plane."""
    tc_fine, fine = _refine(tc, values, axis=1)
    x, y = to_xy(*np.meshgrid(rc, tc_fine, indexing="ij"))
    rm, tm = np.meshgrid(r, t, indexing="ij")
    xm, ym = to_xy(rm, tm)
    u = v = None
    if vector is not None:  # e_r = (cos, sin), e_theta = (-sin, cos)
        vr, vt = vector[0], vector[1]
        u = vr * np.cos(tm) - vt * np.sin(tm)
        v = vr * np.sin(tm) + vt * np.cos(tm)
    return Picture(x, y, fine, xm, ym, values, u, v, "x", "y", "equal", wrap=periodic)


@register_picture("polar")
def _polar(grid: Grid, values: np.ndarray, vector: Any, *, at: Any, geo: bool) -> Picture:
    rc, tc = cell_corners(grid)
    coords = grid.coords

    def to_xy(r: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = grid.to_cartesian(r, t)
        return x, y

    return _disk(rc, tc, coords["r"], coords["theta"], values, vector, to_xy, grid.periodic[1])


@register_picture("cylindrical")
def _cylindrical(grid: Grid, values: np.ndarray, vector: Any, *, at: Any, geo: bool) -> Picture:
    coords = grid.coords
    if grid.ndim == 3:  # a cross-section z = at: a disk
        z = coords["z"]
        k = _nearest(z, at, z.size // 2)
        rc, tc, _ = cell_corners(grid)

        def to_xy(r: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            x, y, _ = grid.to_cartesian(r, t, z[k])
            return x, y

        vec = None if vector is None else vector[:2, :, :, k]
        pic = _disk(rc, tc, coords["r"], coords["theta"], values[:, :, k], vec, to_xy, True)
        pic.note = f"z = {z[k]:.3g}"
        return pic
    # axisymmetric (r, z): the longitudinal section, mirrored to -r
    rc, zc = cell_corners(grid)
    sc, sm, c, cm, sign = _mirror(rc, coords["r"], values, values, axis=0)
    y, x = np.meshgrid(sc, zc, indexing="ij")
    ym, xm = np.meshgrid(sm, coords["z"], indexing="ij")
    u = v = None
    if vector is not None:
        vr = _mirror(rc, coords["r"], vector[0], vector[0], axis=0)[2]
        vz = _mirror(rc, coords["r"], vector[1], vector[1], axis=0)[2]
        u, v = vz, vr * sign[:, None]
    return Picture(x, y, c, xm, ym, cm, u, v, "z", "r", _aspect(zc, sc))


@register_picture("spherical")
def _spherical(grid: Grid, values: np.ndarray, vector: Any, *, at: Any, geo: bool) -> Picture:
    """The meridional section through the longitudes phi and phi + pi."""
    coords = grid.coords
    phi = coords["phi"]
    j = _nearest(phi, at, 0)
    rc, tc, _ = cell_corners(grid)
    half = grid.periodic[2] and phi.size % 2 == 0
    jj = (j + phi.size // 2) % phi.size if half else j
    upper, lower = values[:, :, j], values[:, :, jj]
    if half:
        sc, sm, c, cm, sign = _mirror(tc, coords["theta"], upper, lower, axis=1)
    else:
        sc, sm, c, cm, sign = tc, coords["theta"], upper, upper, np.ones(tc.size - 1)
    sc_fine, fine = _refine(sc, c, axis=1)
    r_c, s_c = np.meshgrid(rc, sc_fine, indexing="ij")
    r_m, s_m = np.meshgrid(coords["r"], sm, indexing="ij")
    u = v = None
    if vector is not None:  # in the plane: e_r = (sin s, cos s), e_s = (cos s, -sin s)
        parts = []
        for comp in vector[:2]:
            if half:
                parts.append(_mirror(tc, coords["theta"], comp[:, :, j], comp[:, :, jj], 1)[2])
            else:
                parts.append(comp[:, :, j])
        vr, vs = parts[0], parts[1] * sign[None, :]
        u = vr * np.sin(s_m) + vs * np.cos(s_m)
        v = vr * np.cos(s_m) - vs * np.sin(s_m)
    d0 = math.degrees(phi[j])
    xlabel = f"r sin θ   (right: φ = {d0:.0f}°" + (f", left: φ = {d0 + 180:.0f}°)" if half else ")")
    return Picture(
        r_c * np.sin(s_c),
        r_c * np.cos(s_c),
        fine,
        r_m * np.sin(s_m),
        r_m * np.cos(s_m),
        cm,
        u,
        v,
        xlabel,
        "z = r cos θ",
        "equal",
    )


@register_picture("sphere")
def _sphere_map(grid: Grid, values: np.ndarray, vector: Any, *, at: Any, geo: bool) -> Picture:
    """Longitude and latitude: radians on a map projection, degrees otherwise."""
    tc, pc = cell_corners(grid)
    theta, phi = grid.coords["theta"], grid.coords["phi"]
    east = north = None
    if vector is not None:
        east, north = vector[1], -vector[0]
    full = grid.periodic[1]
    if full or geo:  # start the columns at the antimeridian: longitudes in [-pi, pi)
        k = int(np.searchsorted(pc[:-1], math.pi))
        if full:
            pc = np.concatenate([pc[k:] - 2 * math.pi, pc[1 : k + 1]])
            phi = np.concatenate([phi[k:] - 2 * math.pi, phi[:k]])
            roll = np.r_[np.arange(k, phi.size), np.arange(k)]
            values = values[:, roll]
            if east is not None and north is not None:
                east, north = east[:, roll], north[:, roll]
        else:
            pc, phi = (np.mod(a + math.pi, 2 * math.pi) - math.pi for a in (pc, phi))
    lat_c, lat = math.pi / 2 - tc, math.pi / 2 - theta
    fine = values
    aspect: str | float = "equal"
    if geo:  # curved parallels and meridians on the projection
        lat_c, fine = _refine(tc, fine, axis=0)
        lat_c = math.pi / 2 - lat_c
        pc, fine = _refine(pc, fine, axis=1)
        scale = 1.0
    else:
        scale = 180 / math.pi
        if not full and np.min(pc) >= math.pi:
            pc, phi = pc - 2 * math.pi, phi - 2 * math.pi
        mid = 0.0 if full else float(np.mean(lat))
        aspect = 1.0 / max(math.cos(mid), 0.1)  # locally true to shape
    y, x = np.meshgrid(lat_c * scale, pc * scale, indexing="ij")
    ym, xm = np.meshgrid(lat * scale, phi * scale, indexing="ij")
    labels = ("longitude (°)", "latitude (°)")
    period = 2 * math.pi * scale
    return Picture(x, y, fine, xm, ym, values, east, north, *labels, aspect, full, period)
