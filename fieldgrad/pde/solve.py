"""``pde.solve``: step an equation from a state to ``t_end``, storing snapshots.

The run is robust by construction: Ctrl-C stops it and keeps what was
stored (status ``"interrupted"``); a blow-up (a state that stops being
finite, a step size that collapses) stops it with status ``"failed"`` and a
message, keeping the last finite state.  Neither raises.
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path
from typing import Any

import numpy as np

from ..fields import ScalarField
from .equations import Equation
from .steppers import IMEX, ExplicitRK, Implicit, StepCollapse
from .system import System, pack, unpack

__all__ = ["solve", "Solution", "METHODS"]

#: Time-stepping methods of :func:`solve`.
METHODS = ("auto", "explicit", "imex", "implicit")
#: What ``method="auto"`` picks, by (a linear part, an explicit part): a linear
#: problem goes to BDF with its exact sparse Jacobian, diffusion with reactions
#: or fluxes to IMEX, pure reactions and advection to explicit Runge-Kutta.
AUTO = {
    (True, False): "implicit",
    (True, True): "imex",
    (False, True): "explicit",
    (False, False): "explicit",
}
#: Default absolute tolerance (as scipy's solve_ivp).
DEFAULT_ATOL = 1e-6


class Solution:
    """The result of :func:`solve`: snapshots, the final state and how the run ended.

    Attributes
    ----------
    final : ScalarField or dict of ScalarField
        The state at :attr:`t` (``t_end`` unless the run stopped early), of
        the same type as the initial state.
    t : float
        The time of :attr:`final`.
    times : ndarray
        Times of the stored snapshots (the initial state included).
    status : str
        ``"success"``, ``"interrupted"`` (Ctrl-C) or ``"failed"`` (blow-up).
    message : str
        What happened, in words.
    stats : dict
        ``steps``, ``rejected`` and (IMEX) ``factorisations``.

    Examples
    --------
    >>> import numpy as np
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(8,))
    >>> u = fg.ScalarField(line, np.ones(8), name="u")
    >>> sol = pde.solve(pde.Diffusion(1.0, decay=1.0), u, t_end=1.0, save_every=0.5)
    >>> sol.times, sol.status
    (array([0. , 0.5, 1. ]), 'success')
    >>> sol.to_xarray()["u"].dims
    ('time', 'x')
    """

    def __init__(
        self,
        system: System,
        like: Any,
        times: list[float],
        snapshots: list[np.ndarray],
        t: float,
        y: np.ndarray,
        status: str,
        message: str,
        stats: dict[str, int],
    ) -> None:
        self._system, self._like = system, like
        self.times = np.asarray(times, dtype=float)
        self._snapshots = snapshots
        self.t, self.status, self.message, self.stats = t, status, message, stats
        self.final = unpack(system, y, like)

    @property
    def success(self) -> bool:
        """Whether the run reached ``t_end``."""
        return self.status == "success"

    def __len__(self) -> int:
        return len(self.times)

    def __getitem__(self, index: int) -> Any:
        """The stored state number ``index`` (same type as the initial state)."""
        return unpack(self._system, self._snapshots[index], self._like)

    def to_xarray(self) -> Any:
        """An ``xarray.Dataset``: one variable per field, dims ``("time", *grid axes)``.

        Examples
        --------
        >>> import numpy as np
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> disk = fg.PolarGrid(radius=(0, 1), shape=(4, 8))
        >>> u = fg.ScalarField(disk, np.ones(disk.shape), name="u")
        >>> ds = pde.solve(pde.Diffusion(1.0), u, t_end=0.1, save_every=0.05).to_xarray()
        >>> ds["u"].shape
        (3, 4, 8)
        """
        import xarray as xr

        grid = self._system.grid
        variables = {}
        for i, name in enumerate(self._system.names):
            n = grid.size
            data = np.stack([y[i * n : (i + 1) * n].reshape(grid.shape) for y in self._snapshots])
            template = ScalarField(grid, data[0], name=name).to_xarray()
            variables[name] = xr.DataArray(
                data,
                dims=("time", *grid.axes),
                coords={"time": self.times, **template.coords},
                attrs=template.attrs,
            )
        return xr.Dataset(variables, attrs={"status": self.status, "message": self.message})

    def to_netcdf(self, path: str | Path) -> None:
        """Write :meth:`to_xarray` to a netCDF file (xarray's scipy writer).

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> import xarray as xr
        >>> import fieldgrad as fg
        >>> from fieldgrad import pde
        >>> line = fg.CartesianGrid(bounds=[(0, 1)], shape=(4,))
        >>> sol = pde.solve(pde.Diffusion(1.0), fg.ScalarField(line, np.ones(4), name="u"), 0.1)
        >>> with tempfile.TemporaryDirectory() as d:
        ...     sol.to_netcdf(os.path.join(d, "run.nc"))
        ...     xr.load_dataset(os.path.join(d, "run.nc"))["u"].shape
        (2, 4)
        """
        self.to_xarray().to_netcdf(path, engine="scipy")

    def __repr__(self) -> str:
        return (
            f"Solution(status={self.status!r}, t={self.t:g}, snapshots={len(self.times)}, "
            f"fields={self._system.names})"
        )


def _save_times(t_end: float, save_every: float | None) -> np.ndarray:
    if save_every is None:
        return np.array([0.0, t_end])
    every = float(save_every)
    if not (every > 0 and math.isfinite(every)):
        msg = f"save_every must be a time interval > 0 or None, got {save_every!r}"
        raise ValueError(msg)
    count = math.floor(t_end / every * (1 + 1e-12))
    times = every * np.arange(count + 1)
    if t_end - times[-1] > 1e-9 * every:
        times = np.append(times, t_end)
    times[-1] = t_end
    return times


def _check_options(t_end: Any, dt: Any, method: Any, rtol: Any, atol: Any) -> float:
    try:
        t_end = float(t_end)
    except (TypeError, ValueError):
        msg = f"t_end must be a number >= 0, got {t_end!r}"
        raise TypeError(msg) from None
    if not (t_end >= 0 and math.isfinite(t_end)):
        msg = f"t_end must be a finite number >= 0, got {t_end!r}"
        raise ValueError(msg)
    if dt is not None and not (
        isinstance(dt, numbers.Real) and float(dt) > 0 and math.isfinite(dt)
    ):
        msg = f"dt must be a number > 0 or None, got {dt!r}"
        raise ValueError(msg)
    if method not in METHODS:
        msg = f"method must be one of {METHODS}, got {method!r}"
        raise ValueError(msg)
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not (isinstance(value, numbers.Real) and float(value) > 0 and math.isfinite(value)):
            msg = f"{name} must be a number > 0, got {value!r}"
            raise ValueError(msg)
    return t_end


def solve(
    eq: Equation,
    state: Any,
    t_end: float,
    dt: float | None = None,
    method: str = "auto",
    save_every: float | None = None,
    progress: bool = False,
    rtol: float = 1e-4,
    atol: float = DEFAULT_ATOL,
    *,
    adaptive: bool = True,
    store: str | Path | None = None,
) -> Solution:
    """Step an equation from ``state`` at t = 0 to ``t_end``.

    Parameters
    ----------
    eq : Equation
        :class:`~fieldgrad.pde.Diffusion`, :class:`~fieldgrad.pde.FisherKPP`,
        :class:`~fieldgrad.pde.ReactionDiffusion`,
        :class:`~fieldgrad.pde.KellerSegel`, :class:`~fieldgrad.pde.Advection`.
    state : ScalarField or dict of ScalarField
        The initial state, all fields on one grid (which the equation uses).
    t_end : float
        Final time, >= 0.
    dt : float, optional
        The first step; with ``adaptive=False`` the fixed step (rounded down
        so that every output interval holds a whole number of steps).
    method : {"auto", "explicit", "imex", "implicit"}
        ``"explicit"``: Bogacki-Shampine 3(2), adaptive; ``"imex"``: implicit
        diffusion (sparse LU per step size), explicit reactions and fluxes,
        ARS(2,2,2) with step doubling; ``"implicit"``: scipy's BDF with a
        sparse Jacobian; ``"auto"``: ``"implicit"`` for a linear equation,
        ``"imex"`` for diffusion with reactions or fluxes, else ``"explicit"``
        (see :data:`AUTO`).
    save_every : float, optional
        Interval between stored snapshots (from 0 to ``t_end``, the last at
        ``t_end``); default: only the initial and final states.
    progress : bool
        Show a progress bar (tqdm).
    rtol, atol : float
        Tolerances of the local error per step, as in ``scipy.integrate.solve_ivp``.
    adaptive : bool, keyword-only
        ``False``: fixed steps ``dt`` (``"explicit"`` and ``"imex"``).
    store : str or Path, keyword-only
        A netCDF file rewritten with every snapshot as the run goes (a long
        run that is interrupted or fails keeps its snapshots on disk).

    Returns
    -------
    Solution
        ``final``, ``times``, ``status`` and ``message``, ``to_xarray()``,
        ``to_netcdf(path)``.

    Raises
    ------
    TypeError, ValueError
        Bad options, a state that is not finite or whose fields are on
        different grids, fields the equation does not know, a reaction that
        returns unknown names or wrong shapes.

    Examples
    --------
    The slowest mode of a disk with a cold rim decays at ``D j01**2``:

    >>> import numpy as np
    >>> from scipy.special import j0, jn_zeros
    >>> import fieldgrad as fg
    >>> from fieldgrad import pde
    >>> j01 = jn_zeros(0, 1)[0]
    >>> disk = fg.PolarGrid(radius=(0, 1), shape=(32, 8))
    >>> u = fg.ScalarField.from_function(disk, lambda r, theta: j0(j01 * r) + 0 * theta)
    >>> eq = pde.Diffusion(diffusivity=1.0, bc={"r+": ("dirichlet", 0.0)})
    >>> sol = pde.solve(eq, u, t_end=0.2, rtol=1e-6)
    >>> rate = -np.log(sol.final.data[0, 0] / u.data[0, 0]) / 0.2
    >>> bool(abs(rate / j01**2 - 1) < 2e-3)
    True
    """
    if not isinstance(eq, Equation):
        msg = f"eq must be a fieldgrad.pde equation (Diffusion, KellerSegel, ...), got {eq!r}"
        raise TypeError(msg)
    t_end = _check_options(t_end, dt, method, rtol, atol)
    grid, names, _ = pack(state)
    names = eq.field_names(names)
    _, _, y = pack(state, names)
    system = eq.system(grid, names)
    system.rhs(0.0, y)  # checks the reaction's names and shapes before any step
    if method == "auto":
        method = AUTO[(system.linear.nnz > 0, system.explicit is not None)]
    if not adaptive and dt is None:
        msg = "dt must be given with adaptive=False (the fixed step)"
        raise ValueError(msg)
    if not adaptive and method == "implicit":
        msg = "adaptive=False (fixed steps) needs method='explicit' or 'imex', got 'implicit'"
        raise ValueError(msg)
    stepper: Any
    options: dict[str, Any] = dict(
        rtol=float(rtol), atol=float(atol), dt=dt, adaptive=bool(adaptive)
    )
    if method == "explicit":
        stepper = ExplicitRK(system, **options)
    elif method == "imex":
        stepper = IMEX(system, **options)
    else:
        stepper = Implicit(system, **options, t_end=t_end)

    save = _save_times(t_end, save_every)
    times, snapshots = [0.0], [y.copy()]
    t, status, message = 0.0, "success", f"reached t_end = {t_end:g}"
    bar = _progress_bar(t_end) if progress else None
    try:
        for target in save[1:]:
            while t < target:
                t_new, y = stepper.step(t, y, float(target))
                if bar is not None:
                    bar.update(t_new - t)
                t = t_new
            times.append(float(target))
            snapshots.append(y.copy())
            if store is not None:
                partial = Solution(system, state, times, snapshots, t, y, "running", "", {})
                partial.to_netcdf(store)
    except KeyboardInterrupt:
        status, message = "interrupted", f"interrupted at t = {t:g}; stored snapshots kept"
    except StepCollapse as err:
        status, message = "failed", f"{err}; the last finite state (t = {t:g}) is kept"
    finally:
        if bar is not None:
            bar.close()
    stats = {"steps": stepper.steps, "rejected": stepper.rejected}
    if isinstance(stepper, IMEX):
        stats["factorisations"] = stepper.factorisations
    return Solution(system, state, times, snapshots, t, y, status, message, stats)


def _progress_bar(total: float) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm is optional
        msg = "progress=True needs tqdm (pip install tqdm)"
        raise ImportError(msg) from None
    return tqdm(total=total, unit="time", bar_format="{l_bar}{bar}| t={n:.4g}/{total:.4g}")
