"""Draw fields with matplotlib: colours, contours, arrows and colour bars on any picture.

:func:`plot_field` (and ``field.plot()``) asks the grid's registered picture
(:mod:`fieldgrad.plotting.pictures`) where every cell lies in the plane of
the figure and draws it the same way for every grid; :func:`plot_sphere_3d`
draws a field on the sphere as a globe.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from ..fields import ScalarField, VectorField, register_method
from .pictures import PICTURES, Picture, cell_corners

__all__ = ["plot_field", "plot_sphere_3d"]

#: Colour map of fields of one sign, and of fields of both signs (centred on 0).
SEQUENTIAL_CMAP, DIVERGING_CMAP = "viridis", "RdBu_r"
#: How vectors are drawn: arrows, or stream lines (rectilinear pictures only).
VECTOR_STYLES = ("quiver", "stream")
#: Arrows drawn along each axis of a picture (the field is subsampled).
ARROWS_PER_AXIS = 18
#: Matplotlib projections whose data coordinates are longitude and latitude in radians.
GEO_PROJECTIONS = ("mollweide", "hammer", "aitoff", "lambert")
#: Most ticks on a horizontal colour bar.
HORIZONTAL_COLORBAR_TICKS = 5
#: Spacing in degrees of the meridians and parallels drawn on a map projection.
GEO_GRID_DEGREES = (60, 30)
#: A picture drawn to scale that fills less than this share of its axes' height gets
#: its colour bar below.
WIDE_PICTURE = 0.5
#: Faces of the 3-D globe along each axis, at most (the data is subsampled).
GLOBE_FACES = (90, 180)


def _values(field: ScalarField | VectorField) -> np.ndarray:
    if isinstance(field, VectorField):
        return np.asarray(field.norm().compute().data, dtype=float)
    return np.asarray(field.compute().data, dtype=float)


def _vector_data(field: Any, vectors: Any) -> np.ndarray | None:
    if vectors is None or vectors is False:
        return None
    if isinstance(vectors, VectorField):
        if vectors.grid != field.grid:
            msg = "vectors must be a VectorField on the same grid as the field"
            raise ValueError(msg)
        return np.asarray(vectors.compute().data, dtype=float)
    if vectors is True or vectors == "gradient":
        vf = field if isinstance(field, VectorField) else field.gradient()
        if vectors == "gradient" and isinstance(field, VectorField):
            msg = "vectors='gradient' needs a ScalarField; a VectorField draws itself"
            raise ValueError(msg)
        return np.asarray(vf.compute().data, dtype=float)
    msg = f"vectors must be None, True, 'gradient' or a VectorField, got {vectors!r}"
    raise ValueError(msg)


def _label(field: Any) -> str:
    name = field.name or "value"
    if isinstance(field, VectorField):
        name = f"|{name}|"
    return f"{name} [{field.units}]" if field.units else name


def _new_axes(field: Any, projection: str | None) -> Any:
    import matplotlib.pyplot as plt

    if projection is None and field.grid.kind == "sphere" and field.grid.periodic[1]:
        projection = "mollweide"
    if projection in (None, "equirectangular"):
        projection = None
    fig = plt.figure(figsize=(8, 4.8) if projection in GEO_PROJECTIONS else (6.4, 5.2))
    return fig.add_subplot(projection=projection)


def _colour_options(values: np.ndarray, cmap: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """viridis for one sign; RdBu_r centred on zero when the data has both signs."""
    finite = values[np.isfinite(values)]
    both = finite.size and finite.min() < 0 < finite.max()
    user_limits = any(k in kwargs for k in ("norm", "vmin", "vmax"))
    options = dict(kwargs)
    if cmap is None:
        cmap = DIVERGING_CMAP if both and not user_limits else SEQUENTIAL_CMAP
        if both and not user_limits:
            vmax = float(np.abs(finite).max())
            options.update(vmin=-vmax, vmax=vmax)
    options["cmap"] = cmap
    return options


def _wrapped(pic: Picture) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not pic.wrap:
        return pic.xm, pic.ym, pic.cm
    close = [np.concatenate([a, a[:, :1]], axis=1) for a in (pic.xm, pic.ym, pic.cm)]
    close[0][:, -1] += pic.period
    return close[0], close[1], close[2]


def _draw_vectors(ax: Any, pic: Picture, style: str, unit_arrows: bool) -> Any:
    if pic.u is None or pic.v is None:
        return None
    u, v = np.ma.masked_invalid(pic.u), np.ma.masked_invalid(pic.v)
    if unit_arrows:
        size = np.ma.hypot(u, v)
        size = np.ma.masked_equal(size, 0.0)
        u, v = u / size, v / size
    if style == "stream":
        if np.allclose(pic.xm, pic.xm[:, :1]) and np.allclose(pic.ym, pic.ym[:1, :]):
            x, y, u, v = pic.xm[:, 0], pic.ym[0, :], u.T, v.T
        elif np.allclose(pic.xm, pic.xm[:1, :]) and np.allclose(pic.ym, pic.ym[:, :1]):
            x, y = pic.xm[0, :], pic.ym[:, 0]
        else:
            msg = "vector_style='stream' needs a rectilinear picture (Cartesian grid, pipe section)"
            raise ValueError(msg)
        return ax.streamplot(x, y, u, v, color="white", linewidth=0.8, density=1.3, zorder=3)
    keep = _spread(pic, ax)
    x, y, u, v = pic.xm.ravel()[keep], pic.ym.ravel()[keep], u.ravel()[keep], v.ravel()[keep]
    options: dict[str, Any] = {}
    if pic.aspect == "equal" and getattr(ax, "name", "") not in GEO_PROJECTIONS:
        # lengths in data units: the longest arrow spans most of the gap between arrows
        biggest = float(np.ma.max(np.ma.hypot(u, v))) if np.ma.count(u) else 0.0
        if biggest > 0:
            gap = max(np.ptp(pic.x), np.ptp(pic.y)) / ARROWS_PER_AXIS
            options = dict(angles="xy", scale_units="xy", scale=biggest / (0.9 * gap))
    return ax.quiver(
        x, y, u, v, color="white", edgecolor="black", linewidth=0.4, pivot="mid", zorder=3,
        **options,
    )  # fmt: skip


def _spread(pic: Picture, ax: Any) -> np.ndarray:
    """Indices of cell centres spread evenly over the drawing, about one per lattice cell.

    On a map projection the lattice is laid in the projected plane, so arrows
    do not crowd towards the poles.
    """
    x, y, cx, cy = pic.xm.ravel(), pic.ym.ravel(), pic.x.ravel(), pic.y.ravel()
    equal = pic.aspect == "equal"
    if getattr(ax, "name", "") in GEO_PROJECTIONS:
        x, y = ax.transProjection.transform(np.column_stack([x, y])).T
        cx, cy = ax.transProjection.transform(np.column_stack([cx, cy])).T
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(np.ma.filled(pic.cm, np.nan).ravel())
    wx, wy = np.ptp(cx[np.isfinite(cx)]), np.ptp(cy[np.isfinite(cy)])
    if equal:
        wx = wy = max(wx, wy)
    dx, dy = (max(w, 1e-300) / ARROWS_PER_AXIS for w in (wx, wy))
    fx, fy = (x - np.nanmin(cx)) / dx, (y - np.nanmin(cy)) / dy
    ix, iy = np.floor(np.nan_to_num(fx)), np.floor(np.nan_to_num(fy))
    dist = np.hypot(fx - ix - 0.5, fy - iy - 0.5)
    key = np.where(ok, ix * (4 * ARROWS_PER_AXIS) + iy, -1)
    order = np.lexsort((dist, key))
    _, first = np.unique(key[order], return_index=True)
    chosen = order[first]
    return chosen[key[chosen] >= 0]


def _colorbar(ax: Any, mappable: Any, label: str, pic: Picture, *, geo: bool) -> Any:
    """A colour bar beside the picture, or below a map or a wide picture drawn to scale."""
    horizontal, shrink = geo, 0.7 if geo else 0.9
    if pic.aspect == "equal" and not geo:
        box = ax.get_position(original=True)
        width, height = box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight()
        drawn = width * np.ptp(pic.y) / max(np.ptp(pic.x), 1e-300) / height  # share of the height
        if drawn < WIDE_PICTURE:
            horizontal, shrink = True, 0.9
            ax.set_anchor("S")  # the picture sits just above its colour bar
        else:
            shrink = float(np.clip(0.9 * drawn, 0.3, 0.9))
    bar = ax.figure.colorbar(
        mappable,
        ax=ax,
        label=label,
        orientation="horizontal" if horizontal else "vertical",
        shrink=shrink,
        pad=0.08 if geo else (0.12 if horizontal else 0.04),
        aspect=40 if horizontal else 20,
    )
    if horizontal and type(mappable.norm) is Normalize:
        bar.locator = MaxNLocator(nbins=HORIZONTAL_COLORBAR_TICKS)  # room for long labels
    return bar


@register_method("plot")
def plot_field(
    field: ScalarField | VectorField,
    ax: Any = None,
    *,
    contours: int | Sequence[float] | None = None,
    cmap: Any = None,
    colorbar: bool = True,
    vectors: Any = None,
    vector_style: str = "quiver",
    unit_arrows: bool = False,
    contour_field: ScalarField | None = None,
    at: float | None = None,
    projection: str | None = None,
    **kwargs: Any,
) -> Any:
    """Draw a field in its grid's true geometry.

    Parameters
    ----------
    field : ScalarField or VectorField
        The field; a vector field is drawn as its norm with arrows.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default (a Mollweide map for a field
        on the whole sphere).  On a longitude-latitude projection
        (``"mollweide"``, ``"hammer"``, ...) sphere fields use radians,
        elsewhere degrees.
    contours : int or sequence of float, optional, keyword-only
        Number of contour levels, or the levels.
    cmap : str or Colormap, optional, keyword-only
        Default ``"viridis"``, or ``"RdBu_r"`` centred on 0 for data of both signs.
    colorbar : bool, keyword-only
        Draw a colour bar labelled with the field's name and units.
    vectors : None, True, "gradient" or VectorField, keyword-only
        Arrows to draw over the colours: the field's gradient (``True`` or
        ``"gradient"`` for a scalar field), the field itself (``True`` for a
        vector field, the default there) or another vector field on the same
        grid.  Components are turned into directions in the figure's plane.
    vector_style : {"quiver", "stream"}, keyword-only
        Arrows, or stream lines (rectilinear pictures only).
    unit_arrows : bool, keyword-only
        Draw arrows of equal length (directions only).
    contour_field : ScalarField, optional, keyword-only
        Draw the contours of this field (same grid) instead of ``field``'s.
    at : float, optional, keyword-only
        Where to cut a 3-D grid: z of a Cartesian or cylindrical grid, the
        longitude phi of a spherical grid's meridional section (radians).
    projection : str, optional, keyword-only
        Projection of the new axes when ``ax`` is None (sphere fields:
        ``"mollweide"`` or ``"equirectangular"``).
    **kwargs
        Passed to ``pcolormesh`` (``vmin``, ``vmax``, ``norm``, ...) or, for
        1-D fields, to ``plot``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> grid = fg.PolarGrid(radius=(0, 1), shape=(32, 64))
    >>> T = fg.ScalarField.from_function(grid, lambda r, theta: r**4 * np.cos(4 * theta),
    ...                                  name="T", units="K")
    >>> ax = plot_field(T, contours=8, vectors="gradient")
    >>> mesh = ax.collections[0]
    >>> xy = mesh.get_coordinates()
    >>> float(np.round(xy[..., 0].min(), 6)), float(np.round(xy[..., 1].max(), 6))
    (-1.0, 1.0)
    >>> ax.figure.axes[-1].get_ylabel()
    'T [K]'
    """
    if not isinstance(field, ScalarField | VectorField):
        msg = f"field must be a ScalarField or VectorField, got {type(field).__name__}"
        raise TypeError(msg)
    grid = field.grid
    if vector_style not in VECTOR_STYLES:
        msg = f"vector_style must be one of {VECTOR_STYLES}, got {vector_style!r}"
        raise ValueError(msg)
    if contour_field is not None and contour_field.grid != grid:
        msg = "contour_field must be a ScalarField on the same grid as the field"
        raise ValueError(msg)
    if ax is None:
        ax = _new_axes(field, projection)
    if isinstance(field, VectorField) and vectors is None:
        vectors = True
    values = _values(field)
    if grid.ndim == 1:
        x = next(iter(grid.coords.values()))
        y = field.compute().data[0] if isinstance(field, VectorField) else values
        ax.plot(x, y, **kwargs)
        ax.set(xlabel=grid.axes[0], ylabel=_label(field))
        if field.name and not ax.get_title():
            ax.set_title(field.name)
        return ax
    style = grid.picture or "coordinates"
    if style not in PICTURES:
        msg = f"{type(grid).__name__}.picture must be one of {sorted(PICTURES)}, got {style!r}"
        raise ValueError(msg)
    picture = PICTURES[style]
    geo = getattr(ax, "name", "") in GEO_PROJECTIONS
    pic = picture(grid, values, _vector_data(field, vectors), at=at, geo=geo)
    options = _colour_options(pic.cm, cmap, kwargs)
    mesh = ax.pcolormesh(pic.x, pic.y, np.ma.masked_invalid(pic.c), shading="flat", **options)
    if contours is not None or contour_field is not None:
        if contour_field is not None:
            pic.cm = picture(grid, _values(contour_field), None, at=at, geo=geo).cm
        xm, ym, cm = _wrapped(pic)
        finite = cm[np.isfinite(cm)]
        if finite.size and finite.min() < finite.max():
            levels = 10 if contours is None else contours
            ax.contour(xm, ym, np.ma.masked_invalid(cm), levels=levels, colors="k",
                       linewidths=0.7, alpha=0.7)  # fmt: skip
    if pic.u is not None:
        _draw_vectors(ax, pic, vector_style, unit_arrows)
    if not geo:
        ax.set_aspect(pic.aspect)
    if colorbar:
        _colorbar(ax, mesh, _label(field), pic, geo=geo)
    ax.set_xlabel(pic.xlabel)
    ax.set_ylabel(pic.ylabel)
    if geo:
        ax.set_longitude_grid(GEO_GRID_DEGREES[0])
        ax.set_latitude_grid(GEO_GRID_DEGREES[1])
        ax.grid(True, alpha=0.4)
    if field.name and not ax.get_title():
        ax.set_title(f"{field.name} ({pic.note})" if pic.note else field.name)
    return ax


def plot_sphere_3d(
    field: ScalarField,
    ax: Any = None,
    *,
    cmap: Any = None,
    colorbar: bool = True,
    elev: float = 25.0,
    azim: float = -60.0,
    **kwargs: Any,
) -> Any:
    """Draw a field on a :class:`~fieldgrad.SphereSurface` as a coloured globe.

    Parameters
    ----------
    field : ScalarField
        A field on a sphere surface (the whole sphere or a patch).
    ax : 3-D matplotlib Axes, optional
        Default: a new figure with ``projection="3d"``.
    cmap, colorbar
        As in :func:`plot_field`.
    elev, azim : float, keyword-only
        Viewing angles in degrees.
    **kwargs
        Passed to ``plot_surface``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import fieldgrad as fg
    >>> grid = fg.SphereSurface(radius=2.0, shape=(18, 36))
    >>> f = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian", name="z")
    >>> ax = plot_sphere_3d(f)
    >>> ax.name
    '3d'
    """
    import matplotlib.pyplot as plt
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    grid = field.grid
    if grid.kind != "sphere":
        msg = f"field must live on a SphereSurface, got a {type(grid).__name__}"
        raise TypeError(msg)
    if ax is None:
        ax = plt.figure(figsize=(6, 5.5)).add_subplot(projection="3d")
    values = _values(field)
    step = max(1, math.ceil(max(n / f for n, f in zip(grid.shape, GLOBE_FACES, strict=True))))
    tc, pc = (c[::step] if (c.size - 1) % step == 0 else np.append(c[::step], c[-1])
              for c in cell_corners(grid))  # fmt: skip
    cells = values[::step, ::step][: tc.size - 1, : pc.size - 1]
    options = _colour_options(cells, cmap, {})
    norm = Normalize(options.get("vmin", np.nanmin(cells)), options.get("vmax", np.nanmax(cells)))
    mappable = ScalarMappable(norm=norm, cmap=options["cmap"])
    x, y, z = grid.to_cartesian(*np.meshgrid(tc, pc, indexing="ij"))
    faces = mappable.to_rgba(cells)
    ax.plot_surface(x, y, z, facecolors=faces, rstride=1, cstride=1, shade=False, **kwargs)
    ax.set_box_aspect((1, 1, 1))
    ax.view_init(elev=elev, azim=azim)
    ax.set(xlabel="x", ylabel="y", zlabel="z")
    ax.locator_params(nbins=4)
    if colorbar:
        ax.figure.colorbar(mappable, ax=ax, label=_label(field), shrink=0.6, pad=0.1)
    if field.name and not ax.get_title():
        ax.set_title(field.name)
    return ax
