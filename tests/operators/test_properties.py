"""Property-based invariants of the operators (hypothesis)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import fieldgrad as fg

finite = st.floats(-10, 10, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    coeffs=st.lists(finite, min_size=4, max_size=4),
    n=st.integers(6, 20),
    order=st.sampled_from([2, 4]),
    stretch=st.floats(0.0, 0.3),
)
def test_gradient_of_an_affine_function_is_exact(coeffs, n, order, stretch):
    a, b, c, d = coeffs
    t = (np.arange(n) + 0.5) / n
    x = t + stretch * np.sin(np.pi * t) ** 2 * (1 - 2 * t) / 2  # uniform or stretched
    grid = fg.CartesianGrid.from_coords({"x": x, "y": 2 * t, "z": t - 1})
    f = fg.ScalarField.from_function(grid, lambda x, y, z: a * x + b * y + c * z + d)
    g = f.gradient(order=order)
    scale = 1 + abs(a) + abs(b) + abs(c) + abs(d)
    for comp, exact in zip(g.data, (a, b, c), strict=True):
        np.testing.assert_allclose(comp, exact, atol=1e-9 * scale * n)


@settings(max_examples=25, deadline=None)
@given(shift=st.integers(0, 31), order=st.sampled_from([2, 4]), seed=st.integers(0, 2**16))
def test_rotating_a_field_about_the_pole_rotates_its_gradient_norm(shift, order, seed):
    """A rotation by whole longitude steps maps the grid onto itself: the norm
    of the rotated field is the rotated norm, to round-off."""
    grid = fg.SphereSurface(radius=1.5, shape=(16, 32))
    data = np.random.default_rng(seed).normal(size=grid.shape)
    f = fg.ScalarField(grid, data)
    rotated = fg.ScalarField(grid, np.roll(data, shift, axis=1))
    np.testing.assert_allclose(
        rotated.gradient_norm(order=order).data,
        np.roll(f.gradient_norm(order=order).data, shift, axis=1),
        atol=1e-10,
    )


@settings(max_examples=20, deadline=None)
@given(
    angle=st.floats(0, 2 * math.pi),
    k=st.tuples(st.floats(-2, 2), st.floats(-2, 2)),
)
def test_gradient_norm_is_invariant_under_any_rotation_in_the_plane(angle, k):
    """On a disk, rotating a plane wave by any angle rotates its steepness field:
    compared along one ring, to discretisation accuracy.  The squared norm is
    compared because it is smooth (the norm itself has kinks where it vanishes,
    which interpolation cannot follow)."""
    grid = fg.PolarGrid(radius=(0, 1), shape=(48, 96))
    c, s = math.cos(angle), math.sin(angle)

    def wave(x, y):
        return np.sin(k[0] * x + k[1] * y)

    def rotated_wave(x, y):
        return wave(c * x + s * y, -s * x + c * y)

    a = fg.ScalarField.from_function(grid, wave, coords="cartesian").gradient_norm(order=4) ** 2
    b = fg.ScalarField.from_function(grid, rotated_wave, coords="cartesian")
    b = b.gradient_norm(order=4) ** 2
    theta = np.linspace(0, 2 * math.pi, 17)
    ring = np.stack([np.full_like(theta, 0.6), theta], axis=-1)
    turned = np.stack([np.full_like(theta, 0.6), theta + angle], axis=-1)
    np.testing.assert_allclose(
        b.interpolate(turned, method="cubic"), a.interpolate(ring, method="cubic"), atol=5e-4
    )


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16), kind=st.sampled_from(["cartesian", "polar", "spherical", "sphere"])
)
def test_norm_ordering_l1_ge_l2_ge_linf(seed, kind):
    grid = {
        "cartesian": lambda: fg.CartesianGrid(bounds=[(0, 1)] * 2, shape=(8, 9)),
        "polar": lambda: fg.PolarGrid(radius=(0, 1), shape=(8, 12)),
        "spherical": lambda: fg.SphericalGrid(radius=(0, 1), shape=(6, 6, 8)),
        "sphere": lambda: fg.SphereSurface(radius=2.0, shape=(8, 12)),
    }[kind]()
    f = fg.ScalarField(grid, np.random.default_rng(seed).normal(size=grid.shape))
    n1, n2, ninf = (f.gradient_norm(ord=o).data for o in (1, 2, np.inf))
    assert np.all(n1 >= n2 - 1e-12) and np.all(n2 >= ninf - 1e-12)
    assert np.all(n2 <= math.sqrt(grid.ndim) * ninf + 1e-12)
