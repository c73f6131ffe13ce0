"""Extend fieldgrad: a field of your own (a Yukawa potential) and a grid of your own (a torus).

Run it as ``python docs/tutorials/extend_fieldgrad.py [figure.png]``: it
prints the measured errors and convergence orders that the tutorial page
quotes; ``draw()`` makes the figure of the page (saved to ``figure.png``
when a file name is given).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import dask.array as da
import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg
from fieldgrad.grids import Grid, ordered_coords
from fieldgrad.testing import basis_vectors, convergence_order

# Part 1 --------------------------------------------------------- a field of your own

# [yukawa]
CHARGE = 1.0  # q
SCREENING_LENGTH = 0.5  # lambda


def yukawa(r, theta, phi):
    """The screened Coulomb (Yukawa) potential phi = q exp(-r / lambda) / r."""
    return CHARGE * np.exp(-r / SCREENING_LENGTH) / r


def yukawa_steepness(r):
    """|grad phi| = |d phi / d r| = q exp(-r / lambda) (1 / r^2 + 1 / (lambda r))."""
    return CHARGE * np.exp(-r / SCREENING_LENGTH) * (1 / r**2 + 1 / (SCREENING_LENGTH * r))


def shell(n: int) -> fg.SphericalGrid:
    """A spherical shell 1 <= r <= 2 with n radial cells (phi depends on r only)."""
    return fg.SphericalGrid(radius=(1.0, 2.0), shape=(n, 8, 16))


def yukawa_error(n: int, order: int) -> float:
    """Largest error of |grad phi| over the whole shell."""
    grid = shell(n)
    phi = fg.ScalarField.from_function(grid, yukawa, name="phi")
    r = grid.mesh()[0]
    return float(np.max(np.abs(phi.gradient_norm(order=order).data - yukawa_steepness(r))))


# [/yukawa]


# [yukawa-checks]
def yukawa_checks(n: int = 64) -> dict[str, float]:
    """The physics of the potential, on ``shell(n)``."""
    grid = shell(n)
    phi = fg.ScalarField.from_function(grid, yukawa, name="phi")
    # Away from the charge the Yukawa potential solves lap phi = phi / lambda^2.
    residual = phi.laplacian().data - phi.data / SCREENING_LENGTH**2
    # The field E = -grad phi points away from a positive charge, E_r = |grad phi|.
    field = -phi.gradient()
    e_r, e_theta, e_phi = field.data
    return {
        "screened_poisson_relative_residual": float(
            np.max(np.abs(residual)) / np.max(np.abs(phi.data / SCREENING_LENGTH**2))
        ),
        "radial_field_error": float(np.max(np.abs(e_r - yukawa_steepness(grid.mesh()[0])))),
        "angular_field_largest": float(max(np.max(np.abs(e_theta)), np.max(np.abs(e_phi)))),
    }


# [/yukawa-checks]

# Part 2 ---------------------------------------------------------- a grid of your own

# [torus]
TORUS_AXES = ("u", "v")


class TorusSurface(Grid):
    """The surface of a torus: a tube of radius ``minor`` around a circle of radius ``major``.

    ``u`` is the angle around the tube and ``v`` the angle around the torus's
    axis; both are periodic.  The scale factors are ``h_u = a`` and
    ``h_v = R + a cos u`` (``R = major``, ``a = minor``).
    """

    kind = "torus"  # the name under which Grid.rebuild (xarray, netCDF) finds the class
    angular_axes = TORUS_AXES
    xarray_dims = (TORUS_AXES,)  # a DataArray with dims ("u", "v") is read as a torus

    def __init__(self, major: float = 2.0, minor: float = 1.0, shape: Sequence[int] = (32, 64)):
        nu, nv = (int(n) for n in shape)
        centres = [(np.arange(n) + 0.5) * 2 * math.pi / n for n in (nu, nv)]
        bounds = [(0.0, 2 * math.pi)] * 2
        super().__init__(centres, TORUS_AXES, bounds, (True, True), major=major, minor=minor)

    def configure(self, *, major: float = 2.0, minor: float = 1.0, **options: Any) -> None:
        # Every constructor path (__init__, from_coords, rebuild) ends here.
        super().configure(**options)  # the base class rejects unknown options
        if not 0 < minor < major:
            msg = f"radii must satisfy 0 < minor < major, got major={major!r}, minor={minor!r}"
            raise ValueError(msg)
        self.major, self.minor = float(major), float(minor)

    def options(self) -> dict[str, Any]:
        # What configure() needs to rebuild the grid (saved in xarray and netCDF attributes).
        return {"major": self.major, "minor": self.minor}

    @classmethod
    def from_coords(
        cls,
        coords: Mapping[str, Any] | Sequence[Any],
        *,
        major: float = 2.0,
        minor: float = 1.0,
        bounds: Sequence | None = None,
        periodic: Sequence[bool] | None = (True, True),
        **options: Any,
    ) -> TorusSurface:
        """A torus from explicit, evenly spaced ``u`` and ``v`` covering the full circle.

        ``Grid.rebuild`` calls this, with the grid's :meth:`options`, to bring a
        torus back from an xarray DataArray or a netCDF file.
        """
        u, v = (np.asarray(c, dtype=float) for c in ordered_coords(coords, TORUS_AXES))
        if bounds is None:  # cell centres: the period starts half a step before the first
            bounds = [
                (x[0] - math.pi / x.size, x[0] - math.pi / x.size + 2 * math.pi) for x in (u, v)
            ]
        flags = (True, True) if periodic is None else periodic
        return cls.from_parts(
            [u, v], TORUS_AXES, bounds, flags, major=major, minor=minor, **options
        )

    def factor_functions(self) -> dict:
        # {(i, j): f_ij} with h_i = prod_j f_ij(x_j): h_u = a, h_v = R + a cos u, both
        # functions of u (axis 0).
        R, a = self.major, self.minor
        return {(0, 0): lambda u: np.full_like(u, a), (1, 0): lambda u: R + a * np.cos(u)}

    # edges(): the base class already says "periodic" on both sides of a periodic
    # axis. A grid that reaches an axis or a pole overrides edges() and returns a
    # fieldgrad.grids.Mirror for that side.

    def to_cartesian(self, *coords: Any) -> tuple[np.ndarray, ...]:
        """``(x, y, z)`` of points given as ``(u, v)`` (default: the grid's mesh)."""
        u, v = (np.asarray(c, dtype=float) for c in (coords if coords else self.mesh()))
        rho = self.major + self.minor * np.cos(u)  # distance from the torus's axis
        x, y, z = rho * np.cos(v), rho * np.sin(v), self.minor * np.sin(u)
        return tuple(np.broadcast_arrays(x, y, z))

    # Optional: the domain packages that move points around (landscapes, chemotaxis
    # agents) and the electrostatics flux also use basis() and from_cartesian().

    def basis(self, *coords: Any) -> np.ndarray:
        """Unit vectors ``e_u``, ``e_v`` in ``(x, y, z)`` components, shape ``(..., 2, 3)``."""
        u, v = np.broadcast_arrays(*(np.asarray(c, dtype=float) for c in coords))
        e_u = [-np.sin(u) * np.cos(v), -np.sin(u) * np.sin(v), np.cos(u)]
        e_v = [-np.sin(v), np.cos(v), np.zeros_like(v)]
        return np.stack([np.stack(e_u, axis=-1), np.stack(e_v, axis=-1)], axis=-2)

    def from_cartesian(self, *xyz: Any) -> tuple[np.ndarray, ...]:
        """``(u, v)`` of the point of the torus nearest to each ``(x, y, z)``."""
        x, y, z = (np.asarray(c, dtype=float) for c in xyz)
        u = np.arctan2(z, np.hypot(x, y) - self.major)
        v = np.arctan2(y, x)
        (u0, _), (v0, _) = self.bounds  # angles come back within the grid's period
        return (np.mod(u - u0, 2 * math.pi) + u0, np.mod(v - v0, 2 * math.pi) + v0)


# [/torus]


# [torus-field]
def ripple(u, v):
    """f(u, v) = sin(u) cos(2 v), a field on the torus."""
    return np.sin(u) * np.cos(2 * v)


def ripple_steepness(grid: TorusSurface) -> np.ndarray:
    """|grad f| from the scale factors: g_u = (1/a) df/du, g_v = (1/(R + a cos u)) df/dv."""
    u, v = grid.mesh()
    R, a = grid.major, grid.minor
    g_u = np.cos(u) * np.cos(2 * v) / a
    g_v = -2 * np.sin(u) * np.sin(2 * v) / (R + a * np.cos(u))
    return np.hypot(g_u, g_v)


def torus(n: int) -> TorusSurface:
    """A torus R = 3, a = 1 with n cells around the tube and 2 n around the axis."""
    return TorusSurface(major=3.0, minor=1.0, shape=(n, 2 * n))


def torus_error(n: int, order: int) -> float:
    """Largest error of |grad f| over the whole torus."""
    grid = torus(n)
    f = fg.ScalarField.from_function(grid, ripple, name="f")
    return float(np.max(np.abs(f.gradient_norm(order=order).data - ripple_steepness(grid))))


# [/torus-field]


# [torus-checks]
def torus_checks(n: int = 32) -> dict[str, float]:
    """Everything else that follows from the grid's description, on ``torus(n)``."""
    grid = torus(n)
    R, a = grid.major, grid.minor
    u = grid.mesh()[0]
    f = fg.ScalarField.from_function(grid, ripple, name="f")
    norm = f.gradient_norm()

    # The area from the volume element h_u h_v: 4 pi^2 R a.
    area = grid.cell_volumes().sum()
    # to_cartesian: the height z = a sin u climbs the tube with |grad z| = |cos u|.
    z = fg.ScalarField.from_function(grid, lambda x, y, z: z, coords="cartesian")
    # The Laplace-Beltrami operator integrates to zero over a closed surface.
    total = float(np.sum(f.laplacian().data * grid.cell_volumes()))
    # Every registered engine gives the reference engine's numbers, for every operator;
    # a lazy (dask) field stays lazy and is evaluated chunk by chunk.
    grad_f = f.gradient(engine="numpy")

    def operators(engine: str) -> list[Any]:
        return [
            np.asarray(result.compute().data)
            for result in (
                fg.gradient(f, engine=engine),
                fg.gradient_norm(f, engine=engine),
                fg.divergence(grad_f, engine=engine),
                fg.laplacian(f, engine=engine),
            )
        ]

    reference = operators("numpy")
    engine_difference = max(
        float(np.max(np.abs(result - ref)))
        for name in fg.engines.ENGINES
        for result, ref in zip(operators(name), reference, strict=True)
    )
    lazy = fg.ScalarField(grid, da.from_array(f.data, chunks=(n // 2, n)))
    lazy_norm = lazy.gradient_norm()
    # The optional geometry: basis() against the one computed from to_cartesian alone,
    # from_cartesian() as the inverse of to_cartesian().
    u_all, v_all = np.broadcast_arrays(*grid.mesh())
    numeric = np.stack([np.stack(e, axis=-1) for e in basis_vectors(grid)], axis=-2)
    back_uv = grid.from_cartesian(*grid.to_cartesian())
    # xarray: the grid travels in the attributes and comes back as a TorusSurface.
    back = fg.ScalarField.from_xarray(f.to_xarray())
    accessor = f.to_xarray().fieldgrad.gradient_norm()
    return {
        "area_relative_error": abs(area - 4 * math.pi**2 * R * a) / (4 * math.pi**2 * R * a),
        "height_gradient_error": float(np.max(np.abs(z.gradient_norm().data - np.abs(np.cos(u))))),
        "laplacian_integral": abs(total),
        "engines_max_difference": engine_difference,
        "lazy": float(lazy_norm.is_lazy),
        "lazy_max_difference": float(np.max(np.abs(lazy_norm.compute().data - norm.data))),
        "basis_error": float(np.max(np.abs(grid.basis(u_all, v_all) - numeric))),
        "from_cartesian_error": float(
            max(np.max(np.abs(back_uv[0] - u_all)), np.max(np.abs(back_uv[1] - v_all)))
        ),
        "round_trip": float(back.grid == grid and isinstance(back.grid, TorusSurface)),
        "accessor_max_difference": float(np.max(np.abs(accessor.values - norm.data))),
    }


# [/torus-checks]


# Part 3 ------------------------------------------------------------- measured orders

#: Cells n of each refinement: radial cells of the shell, cells around the torus's tube.
RESOLUTIONS = {"Yukawa potential, shell": (64, 128, 256), "sin u cos 2v, torus": (16, 32, 64)}
ORDERS = (2, 4)


# [measure]
def measure() -> dict[str, dict[int, tuple[list[float], float]]]:
    """Errors at each resolution and the fitted order, per quantity and accuracy order."""
    error_of = {"Yukawa potential, shell": yukawa_error, "sin u cos 2v, torus": torus_error}
    results: dict[str, dict[int, tuple[list[float], float]]] = {}
    for quantity, resolutions in RESOLUTIONS.items():
        spacings = [1 / n for n in resolutions]
        for order in ORDERS:
            errors = [error_of[quantity](n, order) for n in resolutions]
            results.setdefault(quantity, {})[order] = (errors, convergence_order(spacings, errors))
    return results


# [/measure]


def table(results: dict[str, dict[int, tuple[list[float], float]]]) -> str:
    """The measured orders and finest errors of the gradient norm as a Markdown table."""
    lines = [
        "| field, grid | cells n | order 2: measured | finest error "
        "| order 4: measured | finest error |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for quantity, by_order in results.items():
        cells = [f"{by_order[o][1]:.2f} | {by_order[o][0][-1]:.1e}" for o in ORDERS]
        cells.insert(0, ", ".join(map(str, RESOLUTIONS[quantity])))
        lines.append(f"| {quantity} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def draw() -> plt.Figure:
    """The Yukawa steepness against r, |grad f| on the torus, and the error against 1/n."""
    fig = plt.figure(figsize=(16, 4.8))
    ax1 = fig.add_subplot(1, 3, 1)
    grid = shell(32)
    r = grid.coords["r"]
    phi = fg.ScalarField.from_function(grid, yukawa)
    ax1.semilogy(r, phi.gradient_norm().data[:, 0, 0], "o", ms=4, label="fieldgrad, 32 cells")
    ax1.semilogy(r, yukawa_steepness(r), "k-", lw=1, label="exact")
    ax1.semilogy(r, CHARGE / r**2, "k:", lw=1, label="unscreened, q / r²")
    ax1.set(xlabel="r", ylabel="|grad φ|", title="Yukawa potential, λ = 0.5")
    ax1.legend()

    ax2 = fig.add_subplot(1, 3, 2, projection="3d")
    grid = torus(48)
    norm = fg.ScalarField.from_function(grid, ripple).gradient_norm()
    u, v = (np.append(c, c[0] + 2 * math.pi) - math.pi / c.size for c in grid.coords.values())
    x, y, z = grid.to_cartesian(*np.meshgrid(u, v, indexing="ij"))
    colours = plt.cm.ScalarMappable(cmap="viridis")
    colours.set_array(norm.data)
    ax2.plot_surface(x, y, z, facecolors=colours.to_rgba(norm.data), rstride=1, cstride=1)
    ax2.set_box_aspect((1, 1, 1 / 3), zoom=1.5)
    ax2.view_init(elev=35)
    ax2.set_axis_off()
    fig.colorbar(colours, ax=ax2, shrink=0.6, label="|grad f|")
    ax2.set_title("f = sin u cos 2v on a torus, R = 3, a = 1")

    ax3 = fig.add_subplot(1, 3, 3)
    for quantity, by_order in measure().items():
        for order, (errors, slope) in by_order.items():
            ax3.loglog(
                RESOLUTIONS[quantity], errors, "o-", label=f"{quantity}, order {order}: {slope:.2f}"
            )
    ticks = sorted({n for resolutions in RESOLUTIONS.values() for n in resolutions})
    ax3.set_xticks(ticks, labels=[str(n) for n in ticks], minor=False)
    ax3.set_xticks([], minor=True)
    ax3.set(xlabel="cells n", ylabel="largest error of |grad|", title="Measured convergence")
    ax3.legend(fontsize=7)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    print(table(measure()))
    for name, value in (yukawa_checks() | torus_checks()).items():
        print(f"{name:<34} {value:.2e}")
    if len(sys.argv) > 1:
        draw().savefig(sys.argv[1])
