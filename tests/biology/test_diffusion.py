"""Steady and transient diffusion with decay against analytic profiles and mass balance."""

import numpy as np
import pytest
from scipy.special import i0, i1, k0, k1

import fieldgrad as fg
from fieldgrad.biology import Diffusion, decay_length, steady_diffusion

MIN_ORDER = 1.8
D, LAMBDA = 0.5, 2.0
ELL = np.sqrt(D / LAMBDA)  # 0.5
FLUX = 1.5  # released per area and time at the tumour surface


def fitted_order(resolutions, errors):
    return -np.polyfit(np.log(resolutions), np.log(errors), 1)[0]


def shell_profile(r, a):
    """Around a sphere of radius a releasing FLUX: c = C exp(-r/l) / r."""
    return FLUX * a**2 * np.exp(-(r - a) / ELL) / (D * (1 + a / ELL) * r)


def annulus_profile(r, a):
    """Around a disk of radius a releasing FLUX: c = C K0(r/l)."""
    return FLUX * ELL / (D * k1(a / ELL)) * k0(r / ELL)


def disk_source_profile(r, a, s):
    """A disk of radius a releasing s per area everywhere inside, in the whole plane."""
    alpha = a / ELL
    inside = s / LAMBDA * (1 - alpha * k1(alpha) * i0(r / ELL))
    outside = s / LAMBDA * alpha * i1(alpha) * k0(np.maximum(r, 1e-300) / ELL)
    return np.where(r < a, inside, outside)


def test_decay_length():
    assert decay_length(D, LAMBDA) == pytest.approx(ELL)
    with pytest.raises(ValueError, match="decay"):
        decay_length(1.0, 0.0)


def test_profile_in_a_line_converges():
    errors, ns = [], (32, 64, 128)
    for n in ns:
        grid = fg.CartesianGrid(bounds=[(0, 2)], shape=(n,))
        bc = {"x-": ("dirichlet", 1.0), "x+": ("dirichlet", np.exp(-2 / ELL))}
        c = steady_diffusion(grid, 0.0, D, LAMBDA, bc)
        errors.append(np.abs(c.data - np.exp(-grid.coords["x"] / ELL)).max())
    assert fitted_order(ns, errors) >= MIN_ORDER, errors


@pytest.mark.parametrize(
    ("make", "profile"),
    [
        (lambda n, a, b: fg.SphericalGrid(radius=(a, b), shape=(n, 2, 4)), shell_profile),
        (lambda n, a, b: fg.PolarGrid(radius=(a, b), shape=(n, 4)), annulus_profile),
    ],
    ids=["sphere-3d", "disk-2d"],
)
def test_profile_around_a_tumour_converges(make, profile):
    """Flux FLUX out of the tumour surface r = a, the exact value at r = b."""
    a, b = 0.3, 2.5
    errors, ns = [], (64, 128, 256)
    for n in ns:
        grid = make(n, a, b)
        bc = {"r-": ("neumann", FLUX / D), "r+": ("dirichlet", profile(b, a))}
        c = steady_diffusion(grid, 0.0, D, LAMBDA, bc)
        r = grid.mesh()[0]
        errors.append(np.abs(c.data - profile(r, a)).max() / profile(a, a))
    assert fitted_order(ns, errors) >= MIN_ORDER, errors


def test_profile_of_a_releasing_disk_converges_through_the_centre():
    """A disk tumour releasing everywhere inside, on a grid through r = 0, with
    angles resolved (the solution is checked in every cell, the centre ring too)."""
    a, b, s = 0.5, 2.0, 3.0
    errors, ns = [], (16, 32, 64)
    for n in ns:
        grid = fg.PolarGrid(radius=(0, b), shape=(n, 2 * n))  # a cell face at r = a
        r = grid.mesh()[0] + 0 * grid.mesh()[1]
        bc = {"r+": ("dirichlet", disk_source_profile(b, a, s))}
        c = steady_diffusion(grid, np.where(r < a, s, 0.0), D, LAMBDA, bc)
        errors.append(np.abs(c.data - disk_source_profile(r, a, s)).max())
    assert fitted_order(ns, errors) >= MIN_ORDER, errors


def _pulse(grid):
    return fg.ScalarField.from_function(
        grid, lambda x, y, z=0.0: np.exp(-8 * ((x - 0.3) ** 2 + y**2 + z**2)), coords="cartesian"
    )


@pytest.mark.parametrize("scheme", ["backward-euler", "crank-nicolson"])
@pytest.mark.parametrize(
    "grid",
    [
        fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(24, 24)),
        fg.PolarGrid(radius=(0, 1), shape=(16, 32)),
        fg.SphereSurface(radius=1.0, shape=(16, 32)),
        fg.SphericalGrid(radius=(0, 1), shape=(8, 8, 16)),
    ],
    ids=["cartesian", "polar", "sphere", "ball"],
)
def test_mass_balance_with_no_flux(grid, scheme, rng):
    """d/dt of the total = sources - decay - uptake, to solver precision."""
    source = np.where(rng.random(grid.shape) < 0.2, 2.0, 0.0)
    model = Diffusion(grid, D, LAMBDA, source=source, scheme=scheme)
    c = _pulse(grid)
    for _ in range(5):
        uptake = np.where(rng.random(grid.shape) < 0.1, 0.5 * c.data, 0.0)
        before = model.total(c)
        c = model.step(c, dt=0.1, uptake=uptake)
        budget = model.last_budget
        assert budget["boundary"] == pytest.approx(0.0, abs=1e-12 * before)
        expected = budget["source"] - budget["decay"] - budget["uptake"]
        assert (model.total(c) - before) / 0.1 == pytest.approx(expected, rel=1e-10, abs=1e-12)
        assert budget["uptake"] > 0 and budget["decay"] > 0


def test_mass_balance_counts_the_boundary():
    grid = fg.PolarGrid(radius=(0, 1), shape=(16, 32))
    model = Diffusion(grid, D, LAMBDA, {"r+": ("dirichlet", 0.0)}, source=1.0)
    c = model.step(_pulse(grid), dt=0.05)
    budget = model.last_budget
    assert budget["boundary"] < 0  # leaks out through the rim
    total = budget["source"] - budget["decay"] - budget["uptake"] + budget["boundary"]
    assert budget["change"] == pytest.approx(total, rel=1e-10)
    assert np.all(np.isfinite(c.data))


def test_far_above_the_explicit_limit_it_settles_on_the_steady_state():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(64, 64))
    explicit_limit = (1 / 64) ** 2 / (4 * D)
    dt = 1000 * explicit_limit
    source = fg.ScalarField.from_function(grid, lambda x, y: np.where(x > 0.8, 5.0, 0.0))
    model = Diffusion(grid, D, LAMBDA, {"x-": ("dirichlet", 0.0)}, source=source)
    steady = model.steady()
    c = fg.ScalarField(grid, np.zeros(grid.shape))
    for _ in range(60):
        c = model.step(c, dt)
        assert np.all(c.data >= -1e-12) and np.all(c.data <= steady.data.max() * (1 + 1e-9))
    assert np.abs(c.data - steady.data).max() < 1e-6 * steady.data.max()


@pytest.mark.parametrize(("scheme", "order"), [("backward-euler", 1), ("crank-nicolson", 2)])
def test_time_accuracy(scheme, order):
    """A periodic cosine decays by the exact factor of the semi-discrete system."""
    n = 32
    h = 1 / n
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(n,), periodic=True)
    x = grid.coords["x"]
    mu = D * (2 * np.cos(2 * np.pi * h) - 2) / h**2 - LAMBDA  # eigenvalue of the matrix
    t_end, errors, steps = 0.05, [], (10, 20, 40)
    for k in steps:
        model = Diffusion(grid, D, LAMBDA, scheme=scheme)
        c = model.run(np.cos(2 * np.pi * x), dt=t_end / k, steps=k)
        errors.append(np.abs(c.data - np.exp(mu * t_end) * np.cos(2 * np.pi * x)).max())
    assert fitted_order(steps, errors) == pytest.approx(order, abs=0.15), errors


def test_uptake_is_capped_so_nothing_goes_negative():
    grid = fg.CartesianGrid(bounds=[(0, 1)], shape=(16,))
    model = Diffusion(grid, D, 0.0)
    c = model.step(np.ones(16), dt=1.0, uptake=np.full(16, 100.0))
    assert np.all(c.data >= -1e-12)
    assert model.last_budget["uptake"] == pytest.approx(1.0)


def test_field_metadata_and_sources_by_function():
    grid = fg.PolarGrid(radius=(0, 1), shape=(8, 16))
    c = steady_diffusion(grid, lambda r, theta: 1.0 + 0 * r * theta, D, LAMBDA, units="ng/mL")
    assert c.units == "ng/mL" and c.grid is grid
    assert np.allclose(c.data, 1 / LAMBDA)
    as_field = steady_diffusion(grid, fg.ScalarField(grid, np.ones(grid.shape)), D, LAMBDA)
    assert np.allclose(as_field.data, c.data)
    assert "Diffusion" in repr(Diffusion(grid, D, LAMBDA))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"diffusivity": -1.0}, ValueError, "diffusivity"),
        ({"diffusivity": 0.0}, ValueError, "diffusivity"),
        ({"diffusivity": "fast"}, TypeError, "diffusivity"),
        ({"decay": -0.1}, ValueError, "decay"),
        ({"decay": 0.0}, ValueError, "Dirichlet"),
        ({"source": np.ones(3)}, ValueError, "source"),
        ({"source": np.nan}, ValueError, "finite"),
        ({"grid": np.zeros((4, 4))}, TypeError, "Grid"),
    ],
)
def test_steady_bad_input(kwargs, error, match):
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    args = {"grid": grid, "source": 1.0, "diffusivity": 1.0, "decay": 1.0} | kwargs
    with pytest.raises(error, match=match):
        steady_diffusion(**args)


def test_transient_bad_input():
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(4, 4))
    other = fg.CartesianGrid(bounds=[(0, 2), (0, 1)], shape=(4, 4))
    with pytest.raises(ValueError, match="scheme"):
        Diffusion(grid, 1.0, scheme="euler")
    with pytest.raises(ValueError, match="diffusivity"):
        Diffusion(grid, -1.0)
    model = Diffusion(grid, 1.0, 1.0)
    with pytest.raises(ValueError, match="dt"):
        model.step(np.ones(grid.shape), dt=0.0)
    with pytest.raises(ValueError, match="uptake"):
        model.step(np.ones(grid.shape), dt=1.0, uptake=-np.ones(grid.shape))
    with pytest.raises(ValueError, match="same grid"):
        model.step(fg.ScalarField(other, np.ones(other.shape)), dt=1.0)
    with pytest.raises(ValueError, match="steps"):
        model.run(np.ones(grid.shape), dt=1.0, steps=-1)
