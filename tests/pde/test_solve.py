"""pde.solve as an API: snapshots, xarray and netCDF, status on blow-up and Ctrl-C, bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import fieldgrad as fg
from fieldgrad import pde


@pytest.fixture
def disk() -> fg.PolarGrid:
    return fg.PolarGrid(radius=(0, 1), shape=(8, 16))


@pytest.fixture
def bump(disk) -> fg.ScalarField:
    return fg.ScalarField.from_function(disk, lambda r, theta: np.exp(-4 * r**2), name="u")


def test_snapshots_run_from_zero_to_t_end(bump) -> None:
    sol = pde.solve(pde.Diffusion(0.1), bump, t_end=1.0, save_every=0.3)
    assert np.allclose(sol.times, [0, 0.3, 0.6, 0.9, 1.0])
    assert sol.success and sol.t == 1.0
    assert isinstance(sol.final, fg.ScalarField) and sol.final.name == "u"
    np.testing.assert_array_equal(sol[len(sol) - 1].data, sol.final.data)
    np.testing.assert_array_equal(sol[0].data, bump.data)


def test_to_xarray_and_netcdf_round_trip(bump, tmp_path: Path) -> None:
    state = {"u": bump, "c": bump.copy()}
    eq = pde.KellerSegel(0.1, 1.0, 1.0, 1.0, 1.0)
    sol = pde.solve(eq, state, t_end=0.2, save_every=0.1)
    ds = sol.to_xarray()
    assert set(ds.data_vars) == {"u", "c"}
    assert ds["u"].dims == ("time", "r", "theta")
    np.testing.assert_array_equal(ds["c"].isel(time=-1).values, sol.final["c"].data)
    sol.to_netcdf(tmp_path / "run.nc")
    back = xr.load_dataset(tmp_path / "run.nc")
    np.testing.assert_allclose(back["u"].values, ds["u"].values)
    field = fg.ScalarField.from_xarray(back["u"].isel(time=-1, drop=True))
    assert field.grid == bump.grid


def test_store_writes_snapshots_as_the_run_goes(bump, tmp_path: Path) -> None:
    def reaction(t, u):
        if t > 0.3:
            raise KeyboardInterrupt
        return {"u": -u}

    eq = pde.ReactionDiffusion({"u": 0.1}, reaction=reaction)
    path = tmp_path / "run.nc"
    sol = pde.solve(eq, bump, t_end=1.0, save_every=0.1, method="imex", store=path)
    assert sol.status == "interrupted"
    on_disk = xr.load_dataset(path)
    np.testing.assert_allclose(on_disk["time"].values, sol.times)
    np.testing.assert_allclose(on_disk["u"].values[-1], sol[len(sol) - 1].data)


def test_a_blow_up_stops_with_a_status_and_keeps_the_last_finite_state(disk) -> None:
    u = fg.ScalarField(disk, np.full(disk.shape, 1.0), name="u")
    eq = pde.ReactionDiffusion({"u": 0.1}, reaction=lambda t, u: {"u": u**3})  # 1/(2 (0.5 - t))
    for method in pde.METHODS[1:]:
        sol = pde.solve(eq, u, t_end=1.0, method=method)
        assert sol.status == "failed", method
        assert "t =" in sol.message
        assert np.all(np.isfinite(sol.final.data))
        assert 0.3 < sol.t < 0.51  # the exact solution blows up at t = 0.5


def test_ctrl_c_keeps_what_was_stored(bump) -> None:
    calls = {"n": 0}

    def reaction(t, u):
        calls["n"] += 1
        if t > 0.55:
            raise KeyboardInterrupt
        return {"u": -u}

    eq = pde.ReactionDiffusion({"u": 0.1}, reaction=reaction)
    sol = pde.solve(eq, bump, t_end=1.0, save_every=0.25, method="imex")
    assert sol.status == "interrupted"
    assert np.allclose(sol.times, [0, 0.25, 0.5])
    assert 0.5 <= sol.t <= 0.6  # the last accepted step before the interrupt


def test_progress_bar_runs(bump, capsys) -> None:
    pytest.importorskip("tqdm")
    sol = pde.solve(pde.Diffusion(0.1), bump, t_end=0.1, progress=True)
    assert sol.success
    assert "t=" in capsys.readouterr().err


def test_advection_conserves_and_stays_positive_on_the_sphere() -> None:
    sphere = fg.SphereSurface(radius=1.0, shape=(16, 32))
    u = fg.ScalarField.from_function(
        sphere, lambda x, y, z: np.exp(-10 * ((x - 1) ** 2 + y**2 + z**2)), coords="cartesian"
    )
    theta = sphere.mesh()[0] + 0 * sphere.mesh()[1]
    # a flow over the poles: v = sin(phi) e_theta + cos(theta) cos(phi) e_phi is rotation about x
    phi = sphere.mesh()[1] + 0 * theta
    rotation = np.stack([-np.sin(phi), -np.cos(theta) * np.cos(phi)])
    vol = sphere.cell_volumes()
    sol = pde.solve(pde.Advection(velocity=rotation, diffusivity=1e-3), u, t_end=np.pi)
    assert sol.success
    assert abs((sol.final.data * vol).sum() / (u.data * vol).sum() - 1) < 1e-12
    assert sol.final.data.min() >= 0


def gray_scott(t, u, v):
    return {"u": -u * v**2 + 0.04 * (1 - u), "v": u * v**2 - 0.1 * v}


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda s: pde.Diffusion(-1.0), ValueError, "diffusivity"),
        (lambda s: pde.KellerSegel(1, -1, 1, 1, 1), ValueError, "chemical_diffusivity"),
        (lambda s: pde.ReactionDiffusion({"u": -1.0}, gray_scott), ValueError, "diffusivity"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, dt=0.0), ValueError, "dt"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, dt=-1.0), ValueError, "dt"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, -1.0), ValueError, "t_end"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, method="rk4"), ValueError, "method"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, save_every=0), ValueError, "save_every"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, rtol=0), ValueError, "rtol"),
        (lambda s: pde.solve("heat", s, 1.0), TypeError, "eq"),
        (lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, adaptive=False), ValueError, "dt"),
        (
            lambda s: pde.solve(pde.Diffusion(1.0), s, 1.0, 0.1, "implicit", adaptive=False),
            ValueError,
            "adaptive",
        ),
        (lambda s: pde.solve(pde.Diffusion(1.0), s.data, 1.0), TypeError, "state"),
        (lambda s: pde.solve(pde.KellerSegel(1, 1, 1, 1, 1), s, 1.0), ValueError, "state"),
    ],
)
def test_bad_input_names_the_argument(bump, call, error, words) -> None:
    with pytest.raises(error, match=words):
        call(bump)


def test_state_on_another_grid_or_with_nan_is_rejected(bump) -> None:
    other = fg.ScalarField(fg.PolarGrid(radius=(0, 2), shape=(8, 16)), bump.data)
    with pytest.raises(ValueError, match=r"state\['c'\].*same grid"):
        pde.solve(pde.KellerSegel(1, 1, 1, 1, 1), {"u": bump, "c": other}, 1.0)
    bad = bump.copy()
    bad.data[2, 3] = np.nan
    with pytest.raises(ValueError, match=r"state\['u'\].*finite"):
        pde.solve(pde.Diffusion(1.0), bad, 1.0)


def test_reaction_with_unknown_names_or_wrong_shapes_is_rejected(bump) -> None:
    state = {"u": bump, "v": bump.copy()}
    unknown = pde.ReactionDiffusion({"u": 1.0, "v": 1.0}, lambda t, u, v: {"w": u})
    with pytest.raises(ValueError, match=r"reaction returned unknown field names \['w'\]"):
        pde.solve(unknown, state, 1.0)
    shape = pde.ReactionDiffusion({"u": 1.0, "v": 1.0}, lambda t, u, v: {"u": u[0]})
    with pytest.raises(ValueError, match=r"reaction\['u'\].*shape"):
        pde.solve(shape, state, 1.0)
