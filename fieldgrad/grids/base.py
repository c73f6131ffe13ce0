"""The grid base class: coordinates, metric and what lies beyond each edge.

Every grid in fieldgrad is a rectangular box in its own orthogonal
coordinates.  A grid describes itself by

* one strictly increasing 1-D coordinate array per axis,
* the domain ``bounds`` per axis (for cell-centred grids the cell faces),
* separable scale factors: ``h_i = prod_j f_ij(x_j)``, a product of 1-D
  functions, one per axis (:meth:`Grid.factor_functions`),
* what lies beyond each edge of each axis: nothing (one-sided stencils), the
  grid itself (periodic), or the far side of an axis or pole
  (:class:`Mirror`: an index map plus a shift by half a period)
  (:meth:`Grid.edges`).

From this description alone the operators build every stencil, so a new grid
is a new set of coordinates and factors, never new numerics.

The extension contract
----------------------
A new grid is one subclass of :class:`Grid` that

* sets the class attributes ``kind`` (a unique name, used to rebuild grids
  from saved metadata), and optionally ``angular_axes``, ``xarray_dims``
  (axis-name tuples under which a plain DataArray is read as this grid) and
  ``picture`` (how :mod:`fieldgrad.plotting` draws it);
* calls ``super().__init__(coords, axes, bounds, periodic, **options)`` from
  its constructor, and implements :meth:`Grid.configure` (store and check its
  own options) and :meth:`Grid.options` (return them) if it has any;
* overrides :meth:`Grid.factor_functions` (and :meth:`Grid.volume_functions`
  for an axisymmetric volume element) and :meth:`Grid.edges` where an edge is
  an axis or a pole;
* implements :meth:`Grid.from_coords` with :meth:`Grid.from_parts`, and
  :meth:`Grid.to_cartesian`, :meth:`Grid.from_cartesian`, :meth:`Grid.basis`.

Every method named here is public; engines and operators use nothing else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..units import check_length_units

__all__ = ["FULL_CIRCLE", "Grid", "Mirror", "cell_centres", "ordered_coords"]

FULL_CIRCLE = 2 * math.pi
#: Relative tolerance used to decide that a range covers the full circle.
_ANGLE_RTOL = 1e-9
#: Gauss-Legendre points per cell for the exact integral of the volume element.
_VOLUME_QUADRATURE_POINTS = 6

Factor = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Mirror:
    """The far side of a coordinate axis (r = 0) or a pole.

    Beyond the edge at coordinate ``at`` the grid continues into itself:
    the point with coordinate ``2 * at - x`` along the axis is the point ``x``
    with every axis in ``shift`` rolled by half its period and every axis in
    ``flip`` reversed.  ``signs`` are the signs picked up by the orthonormal
    vector components across the edge (``e_r`` becomes ``-e_r`` across r = 0).

    Examples
    --------
    Across r = 0 of a polar grid, ``f(-r, theta) = f(r, theta + pi)``:

    >>> from fieldgrad.grids.base import Mirror
    >>> Mirror(at=0.0, shift=(1,), signs=(-1.0, -1.0))
    Mirror(at=0.0, shift=(1,), flip=(), signs=(-1.0, -1.0))
    """

    at: float
    shift: tuple[int, ...] = ()
    flip: tuple[int, ...] = ()
    signs: tuple[float, ...] = ()


Edge = Mirror | str | None  # None: one-sided; "periodic"; Mirror


def _as_coordinate(name: str, values: Any) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 1:
        msg = f"coordinate {name!r} must be a non-empty 1-D array, got shape {x.shape}"
        raise ValueError(msg)
    if not np.all(np.isfinite(x)):
        msg = f"coordinate {name!r} must be finite"
        raise ValueError(msg)
    if x.size > 1 and not np.all(np.diff(x) > 0):
        msg = f"coordinate {name!r} must be strictly increasing (no duplicates)"
        raise ValueError(msg)
    return x


def _as_bounds(name: str, value: Any) -> tuple[float, float]:
    """A ``(lo, hi)`` pair of finite numbers with ``lo <= hi``."""
    try:
        if isinstance(value, (str, bytes)):
            raise TypeError
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        msg = f"{name} must be a (start, stop) pair of numbers, got {value!r}"
        raise TypeError(msg) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
        msg = f"{name} must be finite with start <= stop, got {value!r}"
        raise ValueError(msg)
    return (lo, hi)


def cell_centres(lo: float, hi: float, n: int) -> np.ndarray:
    """Centres of ``n`` equal cells covering ``[lo, hi]``.

    Examples
    --------
    >>> from fieldgrad.grids import cell_centres
    >>> cell_centres(0.0, 1.0, 4).tolist()
    [0.125, 0.375, 0.625, 0.875]
    """
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def check_shape(shape: Any, ndim: int | Sequence[int]) -> tuple[int, ...]:
    """Validate a grid shape: a tuple of positive integers of an allowed length.

    Examples
    --------
    >>> from fieldgrad.grids.base import check_shape
    >>> check_shape((8, 16), 2)
    (8, 16)
    >>> check_shape((8.7, 8), 2)
    Traceback (most recent call last):
    ...
    TypeError: shape must be a tuple of integers, got (8.7, 8)
    """
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    try:
        entries = list(np.atleast_1d(np.asarray(shape, dtype=object)))
        if not all(
            not isinstance(n, (bool, np.bool_)) and float(n) == int(n) and not isinstance(n, str)
            for n in entries
        ):
            raise ValueError
        shape = tuple(int(n) for n in entries)
    except (TypeError, ValueError, OverflowError):
        msg = f"shape must be a tuple of integers, got {shape!r}"
        raise TypeError(msg) from None
    if len(shape) not in allowed or any(n < 1 for n in shape):
        msg = f"shape must be {' or '.join(map(str, allowed))} positive integers, got {shape!r}"
        raise ValueError(msg)
    return shape


def check_range(name: str, value: Any, *, lo: float = -np.inf, hi: float = np.inf) -> tuple:
    """Validate a ``(start, stop)`` range of numbers with ``lo <= start < stop <= hi``.

    Examples
    --------
    >>> from fieldgrad.grids.base import check_range
    >>> check_range("radius", (0, 1), lo=0.0)
    (0.0, 1.0)
    >>> check_range("radius", "01")
    Traceback (most recent call last):
    ...
    TypeError: radius must be a (start, stop) pair of numbers, got '01'
    """
    try:
        if isinstance(value, (str, bytes)) or any(isinstance(v, (str, bytes)) for v in value):
            raise TypeError
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        msg = f"{name} must be a (start, stop) pair of numbers, got {value!r}"
        raise TypeError(msg) from None
    if not (math.isfinite(a) and math.isfinite(b)):
        msg = f"{name} must be finite, got {value!r}"
        raise ValueError(msg)
    if not (lo <= a < b <= hi):
        msg = f"{name} must satisfy {lo:g} <= start < stop <= {hi:g}, got {value!r}"
        raise ValueError(msg)
    return (a, b)


def check_angle_range(name: str, value: Any) -> tuple[float, float]:
    """Validate an angular ``(start, stop)`` range in radians: at most the full circle.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.grids.base import check_angle_range
    >>> check_angle_range("angle", (0, np.pi))
    (0.0, 3.141592653589793)
    """
    start = check_range(name, value)[0]
    return check_range(name, value, hi=start + FULL_CIRCLE * (1 + 1e-12))


def covers_circle(lo: float, hi: float) -> bool:
    """Whether the angular range ``[lo, hi]`` is the full circle."""
    return math.isclose(hi - lo, FULL_CIRCLE, rel_tol=_ANGLE_RTOL)


def wrap_angle(angle: Any, start: float) -> np.ndarray:
    """Angles mapped into ``[start, start + 2 pi)``."""
    return start + np.mod(np.asarray(angle, dtype=float) - start, FULL_CIRCLE)


def stack_basis(vectors: Sequence[Sequence[Any]]) -> np.ndarray:
    """Basis vectors given as rows of Cartesian components, shape ``(..., ndim, ncart)``."""
    rows = [np.broadcast_arrays(*row) for row in vectors]
    shape = np.broadcast_shapes(*(r[0].shape for r in rows))
    return np.stack([np.stack([np.broadcast_to(c, shape) for c in r], -1) for r in rows], -2)


def infer_bounds(x: np.ndarray) -> tuple[float, float]:
    """Domain bounds of explicit coordinates: the first and last point."""
    return (float(x[0]), float(x[-1]))


def centred_on(x: np.ndarray, at: float) -> bool:
    """Whether ``at`` is a grid point or half a spacing beyond the first point.

    This is how explicit coordinates say that an axis or a pole is the edge of
    the domain: a grid point on it, or cell centres placed symmetrically about it.
    """
    if x.size < 2:
        return False
    d0 = abs(x[0] - at)
    step = abs(x[1] - x[0])
    return bool(d0 <= 1e-12 * max(1.0, step) or math.isclose(d0, step / 2, rel_tol=1e-6))


def radial_bounds(r: np.ndarray) -> tuple[float, float]:
    """Bounds of explicit radii: the axis r = 0 is the lower edge when the radii
    start on it or half a step from it (cell centres), else the first radius."""
    if r[0] < 0:
        msg = f"radius coordinates must be >= 0, got first value {r[0]!r}"
        raise ValueError(msg)
    if centred_on(r, 0.0):
        hi = r[-1] + (r[-1] - r[-2]) / 2 if r[0] > 0 else r[-1]
        return (0.0, float(hi))
    return infer_bounds(r)


def angle_bounds(x: np.ndarray) -> tuple[tuple[float, float], bool]:
    """Bounds and periodicity of explicit angles: evenly spaced angles whose
    steps add up to the full circle are periodic."""
    if x.size > 2:
        step = x[1] - x[0]
        even = np.allclose(np.diff(x), step, rtol=1e-9, atol=0)
        if even and math.isclose(step * x.size, FULL_CIRCLE, rel_tol=1e-9):
            return (float(x[0] - step / 2), float(x[0] - step / 2 + FULL_CIRCLE)), True
    return infer_bounds(x), False


def colatitude_bounds(theta: np.ndarray) -> tuple[float, float]:
    """Bounds of explicit colatitudes: a pole is an edge when the points start on
    it or half a step from it."""
    if theta[0] < 0 or theta[-1] > math.pi:
        msg = f"colatitude must lie within [0, pi], got [{theta[0]!r}, {theta[-1]!r}]"
        raise ValueError(msg)
    lo = 0.0 if centred_on(theta, 0.0) else float(theta[0])
    hi = math.pi if centred_on(theta[::-1], math.pi) else float(theta[-1])
    return (lo, hi)


def require_pairs(name: str, n: int) -> None:
    """Stencils across an axis or pole pair each angle with the opposite one."""
    if n % 2:
        msg = (
            f"the number of points along {name!r} must be even when the grid reaches "
            f"an axis or pole (each angle is paired with the opposite one), got {n}"
        )
        raise ValueError(msg)


def ordered_coords(coords: Mapping[str, Any] | Sequence[Any], names: Sequence[str]) -> list[Any]:
    """Coordinate arrays in axis order from a mapping by name or a sequence.

    Examples
    --------
    >>> from fieldgrad.grids import ordered_coords
    >>> ordered_coords({"theta": [0, 1], "r": [2, 3]}, ("r", "theta"))
    [[2, 3], [0, 1]]
    >>> ordered_coords({"q": [0]}, ("r", "theta"))
    Traceback (most recent call last):
    ...
    ValueError: coordinate names must be among ('r', 'theta'), got ['q']
    """
    if isinstance(coords, Mapping):
        unknown = set(coords) - set(names)
        if unknown:
            msg = f"coordinate names must be among {tuple(names)}, got {sorted(unknown)}"
            raise ValueError(msg)
        present = [n for n in names if n in coords]
        if present != list(names[: len(present)]):
            msg = f"coordinates must be given for the leading axes of {tuple(names)}, got {present}"
            raise ValueError(msg)
        return [coords[n] for n in present]
    return list(coords)


class Grid:
    """Base class of every fieldgrad grid.

    Subclasses set ``kind`` and implement :meth:`factor_functions`,
    :meth:`edges`, :meth:`from_coords` and :meth:`to_cartesian` (the module
    docstring lists the whole contract).  Everything else (stencils,
    operators, interpolation, xarray round trips) follows from these.

    Parameters
    ----------
    coords : sequence of array_like
        One strictly increasing 1-D coordinate array per axis.
    axes : sequence of str
        Axis names, e.g. ``("r", "theta")``.
    bounds : sequence of (float, float)
        Domain bounds per axis.
    periodic : sequence of bool
        Whether each axis wraps around.
    units : str, optional, keyword-only
        The length unit of the coordinates (and of a sphere's radius), a
        string pint parses such as ``"m"``; angles are in radians.
    **options
        The subclass's own options (e.g. a sphere's ``radius``), passed to
        :meth:`configure`.

    Examples
    --------
    What a polar disk says about itself: ``h_theta = r``, the origin below
    ``r`` and the periodic seam of ``theta``.

    >>> import fieldgrad as fg
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
    >>> isinstance(disk, fg.Grid), disk.kind
    (True, 'polar')
    >>> disk.factor(1, 0).tolist()          # h_theta's factor along r: r itself
    [0.125, 0.375, 0.625, 0.875]
    >>> disk.edges("r")[0], disk.edges("theta")
    (Mirror(at=0.0, shift=(1,), flip=(), signs=(-1.0, -1.0)), ('periodic', 'periodic'))
    >>> fg.Grid.rebuild(list(disk.coords.values()), disk.describe()) == disk
    True

    A new grid on the public contract only (here a flat torus of side ``L``):

    >>> import numpy as np
    >>> from fieldgrad.grids.base import cell_centres
    >>> class FlatTorus(fg.Grid):
    ...     kind = "flat-torus-doc"
    ...     def __init__(self, side, n):
    ...         x = cell_centres(0.0, side, n)
    ...         super().__init__([x, x], ("u", "v"), [(0.0, side)] * 2, (True, True))
    >>> FlatTorus(1.0, 4).edges(0)
    ('periodic', 'periodic')
    """

    kind: ClassVar[str] = "grid"
    #: registry of grid classes by kind, used to rebuild grids from metadata
    registry: ClassVar[dict[str, type[Grid]]] = {}
    #: axes whose coordinate is an angle in radians
    angular_axes: ClassVar[tuple[str, ...]] = ()
    #: dimension names (in axis order) under which a DataArray without fieldgrad
    #: metadata is read as this kind of grid
    xarray_dims: ClassVar[tuple[tuple[str, ...], ...]] = ()
    #: how :mod:`fieldgrad.plotting` draws fields on this grid (a registered
    #: picture); None draws in the grid's own coordinates
    picture: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Grid.registry[cls.kind] = cls

    def __init__(
        self,
        coords: Sequence[Any],
        axes: Sequence[str],
        bounds: Sequence[tuple[float, float]],
        periodic: Sequence[bool],
        *,
        units: str | None = None,
        **options: Any,
    ) -> None:
        self.units = check_length_units(units, name="units")
        self._axes = tuple(str(a) for a in axes)
        if len(set(self._axes)) != len(self._axes):
            msg = f"axes must be distinct names, got {self._axes}"
            raise ValueError(msg)
        try:
            coords, bounds, periodic = list(coords), list(bounds), list(periodic)
        except TypeError:
            msg = "coords, bounds and periodic must be sequences with one entry per axis"
            raise TypeError(msg) from None
        bounds = [_as_bounds(f"bounds[{i}]", b) for i, b in enumerate(bounds)]
        if not len(coords) == len(bounds) == len(periodic) == len(self._axes):
            msg = (
                f"coords, bounds and periodic must have one entry per axis {self._axes}, got "
                f"{len(coords)}, {len(bounds)} and {len(periodic)}"
            )
            raise ValueError(msg)
        xs = [_as_coordinate(a, c) for a, c in zip(self._axes, coords, strict=True)]
        for x in xs:
            x.flags.writeable = False
        self._coords = tuple(xs)
        self._shape = tuple(x.size for x in xs)
        self._bounds = tuple((float(lo), float(hi)) for lo, hi in bounds)
        self._periodic = tuple(bool(p) for p in periodic)
        self._hash: int | None = None
        for name, x, (lo, hi), per in zip(
            self._axes, xs, self._bounds, self._periodic, strict=True
        ):
            if not (lo <= x[0] + 1e-12 * abs(x[0]) and x[-1] <= hi + 1e-12 * abs(hi)):
                msg = f"coordinate {name!r} must lie within its bounds ({lo:g}, {hi:g})"
                raise ValueError(msg)
            if per and x.size > 1 and not np.allclose(np.diff(x), (hi - lo) / x.size):
                msg = f"periodic coordinate {name!r} must be evenly spaced over its period"
                raise ValueError(msg)
        self.configure(**options)

    @classmethod
    def from_parts(
        cls,
        coords: Sequence[Any],
        axes: Sequence[str],
        bounds: Sequence[tuple[float, float]],
        periodic: Sequence[bool],
        **options: Any,
    ) -> Any:
        """A grid of this class from its parts, bypassing the subclass's own constructor.

        This is how :meth:`from_coords` builds a grid from explicit coordinates
        when the subclass's constructor takes ranges and cell counts instead.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> theta = np.linspace(0, 2 * np.pi, 8, endpoint=False)
        >>> disk = fg.PolarGrid.from_parts(
        ...     [np.linspace(0.5, 1, 3), theta], ("r", "theta"),
        ...     [(0.5, 1.0), (0.0, 2 * np.pi)], (False, True))
        >>> type(disk).__name__, disk.shape
        ('PolarGrid', (3, 8))
        """
        grid = cls.__new__(cls)
        Grid.__init__(grid, coords, axes, bounds, periodic, **options)
        return grid

    def configure(self, **options: Any) -> None:
        """Store and check the subclass's own options (called by every constructor).

        The base grid takes no options; a subclass with options (a sphere's
        ``radius``) overrides this and :meth:`options`.  Checks that need the
        coordinates (an even number of angles at an axis) belong here too.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.PolarGrid(radius=(0, 1), shape=(4, 7))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: the number of points along 'theta' must be even when the grid reaches ..., got 7
        """
        if options:
            msg = f"{type(self).__name__} takes no options, got {sorted(options)}"
            raise TypeError(msg)

    def options(self) -> dict[str, Any]:
        """The subclass's own options, as :meth:`configure` and :meth:`from_coords` take them.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.SphereSurface(radius=2.0, shape=(4, 8)).options()
        {'radius': 2.0}
        """
        return {}

    @classmethod
    def options_from_attrs(cls, attrs: Mapping[str, Any]) -> dict[str, Any]:
        """Options of a grid inferred from a plain DataArray's attributes.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.SphereSurface.options_from_attrs({"radius": 3})
        {'radius': 3.0}
        """
        return {}

    # ------------------------------------------------------------------ geometry
    def factor_functions(self) -> Mapping[tuple[int, int], Factor]:
        """Separable scale factors: ``{(i, j): f}`` with ``h_i = prod_j f_ij(x_j)``.

        Missing entries are 1.  Each ``f`` is a vectorised 1-D function that
        must also accept coordinates beyond the grid's edges (ghost points).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> sorted(fg.SphericalGrid(radius=(0.5, 1), shape=(2, 2, 4)).factor_functions())
        [(1, 0), (2, 0), (2, 1)]
        """
        return {}

    def volume_functions(self) -> Mapping[int, Factor]:
        """Extra 1-D factors of the volume element beyond ``prod_i h_i``, by axis.

        Axisymmetric grids leave out the angle but keep its scale factor in
        the volume element (``dV = 2 pi r dr dz``).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> list(fg.CylindricalGrid(radius=(0, 1), z=(0, 1), shape=(4, 4)).volume_functions())
        [0]
        """
        return {}

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """Cartesian coordinates of points given in grid coordinates.

        Called without arguments it converts the grid's own :meth:`mesh`.
        """
        raise NotImplementedError

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """Grid coordinates of points given in Cartesian coordinates (the inverse of
        :meth:`to_cartesian`); full-circle angles come back within their period."""
        raise NotImplementedError

    def basis(self, *coords: Any) -> np.ndarray:
        """Orthonormal basis vectors ``e_i`` at points given in grid coordinates.

        Shape ``(..., ndim, ncart)``: row ``i`` holds the Cartesian components
        of ``e_i``, the direction of the gradient component ``i``.  On an axis
        or pole the limit along the point's own angles is returned.
        """
        raise NotImplementedError

    # ----------------------------------------------------------- public surface
    @property
    def axes(self) -> tuple[str, ...]:
        """Axis names, in array order."""
        return self._axes

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return len(self._axes)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of points along each axis."""
        return self._shape

    @property
    def size(self) -> int:
        """Total number of grid points."""
        return math.prod(self.shape)

    @property
    def coords(self) -> dict[str, np.ndarray]:
        """Coordinate arrays by axis name (copies)."""
        return {a: x.copy() for a, x in zip(self._axes, self._coords, strict=True)}

    @property
    def bounds(self) -> tuple[tuple[float, float], ...]:
        """Domain bounds per axis."""
        return self._bounds

    @property
    def periodic(self) -> tuple[bool, ...]:
        """Whether each axis wraps around."""
        return self._periodic

    @property
    def uniform(self) -> tuple[bool, ...]:
        """Whether each axis is evenly spaced."""
        return tuple(
            x.size < 3 or bool(np.allclose(np.diff(x), x[1] - x[0], rtol=1e-9, atol=0))
            for x in self._coords
        )

    @property
    def spacing(self) -> tuple[float | np.ndarray, ...]:
        """Grid spacing per axis: a float for an evenly spaced axis, else the array of steps."""
        out: list[float | np.ndarray] = []
        for x, uni, (lo, hi) in zip(self._coords, self.uniform, self._bounds, strict=True):
            if x.size == 1:
                out.append(hi - lo)
            elif uni:
                out.append(float((x[-1] - x[0]) / (x.size - 1)))
            else:
                out.append(np.diff(x))
        return tuple(out)

    def axis_index(self, axis: int | str) -> int:
        """Index of an axis given by name or number."""
        if isinstance(axis, str):
            if axis not in self._axes:
                msg = f"axis must be one of {self._axes}, got {axis!r}"
                raise ValueError(msg)
            return self._axes.index(axis)
        if not -self.ndim <= int(axis) < self.ndim:
            msg = f"axis must be in [0, {self.ndim}), got {axis!r}"
            raise ValueError(msg)
        return int(axis) % self.ndim

    def edges(self, axis: int | str) -> tuple[Edge, Edge]:
        """What lies beyond the lower and upper edge of ``axis``.

        Each entry is ``None`` (a real edge: one-sided stencils), ``"periodic"``
        or a :class:`Mirror` (an axis or a pole).  Subclasses override this for
        their axes and poles and call ``super().edges(axis)`` for the rest.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.CartesianGrid(bounds=[(0, 1)], shape=(4,), periodic=True).edges("x")
        ('periodic', 'periodic')
        """
        i = self.axis_index(axis)
        return ("periodic", "periodic") if self._periodic[i] else (None, None)

    def coordinate(self, axis: int | str) -> np.ndarray:
        """The 1-D coordinate array of one axis (read-only, not a copy).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.PolarGrid(radius=(0, 1), shape=(2, 4)).coordinate("r").tolist()
        [0.25, 0.75]
        """
        return self._coords[self.axis_index(axis)]

    def broadcast(self, axis: int | str, values: Any) -> np.ndarray:
        """1-D ``values`` along ``axis`` reshaped to broadcast against the grid's arrays.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(2, 4))
        >>> grid.broadcast("theta", np.arange(4)).shape
        (1, 4)
        """
        values = np.asarray(values)
        shape = [1] * self.ndim
        shape[self.axis_index(axis)] = values.size
        return values.reshape(shape)

    def factor(self, component: int, axis: int, x: np.ndarray | None = None) -> np.ndarray | None:
        """The 1-D factor of ``h_component`` that depends on ``axis`` (None if constant 1).

        ``x`` defaults to the grid's coordinates along ``axis``; ghost coordinates
        beyond an edge may be passed too.
        """
        f = self.factor_functions().get((component, axis))
        if f is None:
            return None
        x = self._coords[axis] if x is None else np.asarray(x, dtype=float)
        return np.broadcast_to(np.asarray(f(x), dtype=float), x.shape)

    def volume_factor(self, axis: int, x: np.ndarray | None = None) -> np.ndarray | None:
        """1-D factor of the volume element ``J = prod_i h_i * extra`` along ``axis``."""
        x = self._coords[axis] if x is None else np.asarray(x, dtype=float)
        out = None
        funcs = [self.factor_functions().get((i, axis)) for i in range(self.ndim)]
        funcs.append(self.volume_functions().get(axis))
        for f in funcs:
            if f is not None:
                v = np.broadcast_to(np.asarray(f(x), dtype=float), x.shape)
                out = v if out is None else out * v
        return out

    def volume_function(self, axis: int) -> Factor | None:
        """The 1-D factor of the volume element along ``axis`` as a function."""
        funcs = [self.factor_functions().get((i, axis)) for i in range(self.ndim)]
        funcs.append(self.volume_functions().get(axis))
        present: list[Factor] = [f for f in funcs if f is not None]
        if not present:
            return None

        def product(x: np.ndarray) -> np.ndarray:
            out = np.ones_like(np.asarray(x, dtype=float))
            for f in present:
                out = out * np.asarray(f(x), dtype=float)
            return out

        return product

    def scale_factors(self) -> tuple[np.ndarray, ...]:
        """Lamé coefficients ``h_i`` as arrays broadcastable to :attr:`shape`.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
        >>> h_r, h_theta = grid.scale_factors()
        >>> h_theta.shape
        (4, 1)
        """
        out = []
        for i in range(self.ndim):
            h = np.ones([1] * self.ndim)
            for j in range(self.ndim):
                f = self.factor(i, j)
                if f is not None:
                    h = h * self.broadcast(j, f)
            out.append(h)
        return tuple(out)

    @property
    def is_cartesian(self) -> bool:
        """Whether every scale factor is identically one."""
        return not self.factor_functions() and not self.volume_functions()

    def mesh(self) -> tuple[np.ndarray, ...]:
        """Broadcastable coordinate arrays, one per axis (like ``np.ix_``)."""
        return tuple(self.broadcast(i, x) for i, x in enumerate(self._coords))

    def cell_volumes(self) -> np.ndarray:
        """Volume (area, length) of the cell around each point, with the metric.

        Cell faces are midway between points and at the domain bounds; the
        volume is the exact integral of the volume element over the cell.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
        >>> bool(np.isclose(grid.cell_volumes().sum(), np.pi))
        True
        """
        nodes, weights = np.polynomial.legendre.leggauss(_VOLUME_QUADRATURE_POINTS)
        vol = np.ones([1] * self.ndim)
        for j, x in enumerate(self._coords):
            lo, hi = self._bounds[j]
            faces = np.concatenate([[lo], (x[1:] + x[:-1]) / 2, [hi]])
            widths = np.diff(faces)
            f = self.volume_function(j)
            if f is not None:
                mid = (faces[1:] + faces[:-1]) / 2
                pts = mid[:, None] + widths[:, None] / 2 * nodes[None, :]
                widths = widths / 2 * (f(pts) * weights).sum(axis=1)
            vol = vol * self.broadcast(j, widths)
        return np.broadcast_to(vol, self.shape).copy()

    # ---------------------------------------------------------------- builders
    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        bounds: Sequence[tuple[float, float]] | None = None,
        periodic: Sequence[bool] | None = None,
        **options: Any,
    ) -> Grid:
        """Build a grid of this kind from explicit 1-D coordinate arrays.

        Parameters
        ----------
        coords : mapping or sequence
            Coordinates by axis name, or one array per axis in order.
            Uniform or not (e.g. a log-spaced radius).
        bounds : sequence of (float, float), keyword-only
            Domain bounds per axis (default: inferred, an axis or a pole is an
            edge when the points start on it or half a step from it).
        periodic : sequence of bool, keyword-only
            Whether each axis wraps around (default: inferred, evenly spaced
            angles over the full circle are periodic).
        **options
            The grid's own options (:meth:`options`, e.g. a sphere's ``radius``);
            unknown names raise a TypeError.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> r = np.geomspace(0.1, 10, 50)
        >>> theta = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        >>> fg.PolarGrid.from_coords({"r": r, "theta": theta}).periodic
        (False, True)
        """
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        """Everything besides the coordinates that :meth:`rebuild` needs."""
        info = {
            "kind": self.kind,
            "axes": list(self._axes),
            "bounds": [list(b) for b in self._bounds],
            "periodic": list(self._periodic),
        }
        if self.units is not None:
            info["units"] = self.units
        info.update(self.options())
        return info

    @staticmethod
    def check_description(info: Any) -> Mapping[str, Any]:
        """Check that ``info`` has the shape :meth:`describe` gives (a mapping with
        ``kind``, ``axes``, ``bounds`` and ``periodic``).

        Examples
        --------
        >>> import fieldgrad as fg
        >>> fg.Grid.check_description({"kind": "polar", "axes": ["r", "theta"]})
        Traceback (most recent call last):
        ...
        ValueError: grid description is missing ['bounds', 'periodic']
        """
        if not isinstance(info, Mapping):
            msg = f"grid description must be a mapping, got {type(info).__name__}"
            raise TypeError(msg)
        missing = {"kind", "axes", "bounds", "periodic"} - set(info)
        if missing:
            msg = f"grid description is missing {sorted(missing)}"
            raise ValueError(msg)
        return info

    @classmethod
    def rebuild(cls, coords: Sequence[np.ndarray], info: Mapping[str, Any]) -> Grid:
        """Rebuild a grid from coordinates and :meth:`describe` metadata.

        Examples
        --------
        >>> import fieldgrad as fg
        >>> sphere = fg.SphereSurface(radius=2.0, shape=(4, 8))
        >>> fg.Grid.rebuild(list(sphere.coords.values()), sphere.describe()) == sphere
        True
        >>> info = {"kind": "moebius", "axes": [], "bounds": [], "periodic": []}
        >>> fg.Grid.rebuild([], info)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: grid kind must be one of [...'polar', 'sphere', 'spherical'], got 'moebius'
        """
        info = cls.check_description(info)
        kind = info["kind"]
        if kind not in Grid.registry:
            known = sorted(
                k for k, c in Grid.registry.items() if c.__module__.startswith("fieldgrad")
            )
            msg = f"grid kind must be one of {known}, got {kind!r}"
            raise ValueError(msg)
        sub = Grid.registry[kind]
        options = {k: v for k, v in info.items() if k not in ("kind", "axes")}
        try:
            options["bounds"] = [tuple(b) for b in info["bounds"]]
            axes = list(info["axes"])
        except TypeError:
            msg = "grid description's axes and bounds must be lists"
            raise TypeError(msg) from None
        if len(axes) != len(coords):
            msg = f"grid description names {len(axes)} axes, got {len(coords)} coordinate arrays"
            raise ValueError(msg)
        return sub.from_coords(dict(zip(axes, coords, strict=True)), **options)

    # ----------------------------------------------------------------- dunders
    def __eq__(self, other: object) -> bool:
        if other is self:  # the common case, e.g. every per-grid cache lookup
            return True
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Grid)
        return self.describe() == other.describe() and all(
            a.shape == b.shape and np.array_equal(a, b)
            for a, b in zip(self._coords, other._coords, strict=True)
        )

    def __hash__(self) -> int:
        if self._hash is None:  # a grid is immutable: hash its coordinates once
            self._hash = hash((self.kind, self.shape, tuple(x.tobytes() for x in self._coords)))
        return self._hash

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{a}=[{x[0]:.4g}..{x[-1]:.4g}]x{x.size}"
            for a, x in zip(self._axes, self._coords, strict=True)
        )
        return f"{type(self).__name__}({parts})"
