"""Shortest paths: straight lines in the plane, great circles on the sphere."""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad import fronts


def unit(grid, point):
    return np.array([float(c) for c in grid.to_cartesian(*point)])


@pytest.mark.parametrize(
    ("source", "start"),
    [((0.6, 0.3), (1.9, 5.5)), ((0.3, 0.0), (0.4, np.pi)), ((2.8, 1.0), (2.5, 4.0))],
    ids=["across-seam", "over-north-pole", "over-south-pole"],
)
def test_great_circle_on_the_sphere(source, start) -> None:
    grid = fg.SphereSurface(radius=1.0, shape=(90, 180))
    d = fronts.distance(grid, [source])
    path = fronts.shortest_path(d, start)
    xyz = np.stack(grid.to_cartesian(*path.T), axis=-1)
    a, b = unit(grid, source), unit(grid, start)
    normal = np.cross(a, b)
    normal /= np.linalg.norm(normal)
    # every point on the plane of the great circle through start and source
    assert np.abs(xyz @ normal).max() < 0.01
    # it ends at the source and is as long as the geodesic
    assert np.linalg.norm(xyz[-1] - a) < 0.03
    length = np.linalg.norm(np.diff(xyz, axis=0), axis=1).sum()
    geodesic = np.arccos(np.clip(a @ b, -1, 1))
    assert abs(length + np.linalg.norm(xyz[-1] - a) - geodesic) < 0.02


def test_straight_line_through_the_origin_of_a_disk() -> None:
    grid = fg.PolarGrid(radius=(0, 1), shape=(48, 96))
    source, start = (0.7, 0.2), (0.8, 0.2 + np.pi)  # the segment passes r = 0
    path = fronts.shortest_path(fronts.distance(grid, [source]), start)
    x, y = grid.to_cartesian(*path.T)
    direction = np.array([np.cos(0.2), np.sin(0.2)])
    across = -x * direction[1] + y * direction[0]
    assert np.abs(across).max() < 0.01
    assert np.hypot(x[-1] - 0.7 * direction[0], y[-1] - 0.7 * direction[1]) < 0.05


def test_bad_start_names_the_argument() -> None:
    grid = fg.CartesianGrid(bounds=[(0, 1), (0, 1)], shape=(8, 8))
    d = fronts.distance(grid, [[0.5, 0.5]])
    with pytest.raises(ValueError, match="start"):
        fronts.shortest_path(d, [2.0, 0.5])
    with pytest.raises(ValueError, match="start"):
        fronts.shortest_path(d, [0.5])
    with pytest.raises(ValueError, match="step"):
        fronts.shortest_path(d, [0.2, 0.2], step=0.0)
