"""Image gradients of fields on Cartesian grids: spacing, periodicity, return type."""

import numpy as np
import pytest

from fieldgrad.fields import ScalarField
from fieldgrad.grids import CartesianGrid, PolarGrid
from fieldgrad.vision import edges, gradient_magnitude, image_gradient


def test_field_uses_the_grid_spacing(rng):
    grid = CartesianGrid(bounds=[(0, 4), (0, 2)], shape=(8, 8))
    data = rng.standard_normal(grid.shape)
    result = gradient_magnitude(ScalarField(grid, data))
    assert isinstance(result, ScalarField)
    assert result.grid is grid
    d0, d1 = np.gradient(data, *grid.spacing)
    np.testing.assert_allclose(result.data, np.hypot(d0, d1), rtol=1e-13)


def test_periodic_axis_wraps():
    grid = CartesianGrid(bounds=[(0, 2 * np.pi), (0, 1)], shape=(64, 4), periodic=(True, False))
    x = grid.coords["x"][:, None] * np.ones(grid.shape)
    g0, g1 = image_gradient(ScalarField(grid, np.sin(x)), method="sobel")
    h = grid.spacing[0]
    # Central differences of sin: cos(x) sin(h) / h at every point, edges included.
    np.testing.assert_allclose(g0, np.cos(x) * np.sin(h) / h, atol=1e-13)
    np.testing.assert_allclose(g1, 0.0, atol=1e-13)


def test_edges_of_a_field_match_edges_of_its_array():
    grid = CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(24, 24))
    data = np.zeros(grid.shape)
    data[:, 10:] = 1.0
    np.testing.assert_array_equal(edges(ScalarField(grid, data)), edges(data))


def test_non_cartesian_field_is_rejected():
    grid = PolarGrid(radius=(0.5, 1.0), shape=(8, 16))
    with pytest.raises(TypeError, match="CartesianGrid"):
        gradient_magnitude(ScalarField(grid, np.zeros(grid.shape)))


def test_non_uniform_grid_is_rejected():
    grid = CartesianGrid.from_coords({"x": np.array([0.0, 0.1, 0.5, 1.0]), "y": np.arange(4.0)})
    with pytest.raises(ValueError, match="uniform"):
        gradient_magnitude(ScalarField(grid, np.zeros(grid.shape)))


def test_three_dimensional_grid_is_rejected():
    grid = CartesianGrid(bounds=[(0, 1)] * 3, shape=(4, 4, 4))
    with pytest.raises(TypeError, match="2-D CartesianGrid"):
        gradient_magnitude(ScalarField(grid, np.zeros(grid.shape)))
