"""Face couplings: the sparse Laplacian's face geometry, and a divergence that conserves."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import fieldgrad as fg
from fieldgrad.operators import laplacian_matrix
from fieldgrad.operators.finite_volume import face_couplings

GRIDS = {
    "disk": fg.PolarGrid(radius=(0, 1), shape=(8, 16)),
    "ball": fg.SphericalGrid(radius=(0, 2), shape=(4, 6, 8)),
    "sphere": fg.SphereSurface(radius=3.0, shape=(8, 16)),
    "pipe": fg.CylindricalGrid(radius=(0, 1), z=(0, 2), shape=(5, 7)),
    "box": fg.CartesianGrid(bounds=[(0, 1), (0, 2)], shape=(4, 6), periodic=(True, False)),
}


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_transmissibilities_rebuild_the_laplacian(name: str) -> None:
    grid = GRIDS[name]
    faces = face_couplings(grid)
    n = grid.size
    flux = sp.coo_matrix(
        (
            np.concatenate([faces.transmissibility] * 2),
            (np.concatenate([faces.left, faces.right]), np.concatenate([faces.right, faces.left])),
        ),
        shape=(n, n),
    ).tocsr()
    flux = flux - sp.diags_array(np.asarray(flux.sum(axis=1)).ravel())
    lap = laplacian_matrix(grid)
    rebuilt = sp.diags_array(1 / faces.volumes) @ flux
    assert abs(rebuilt - lap.matrix).max() < 1e-12 * abs(lap.matrix).max()


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_divergence_of_any_face_flux_integrates_to_zero(name: str, rng) -> None:
    faces = face_couplings(GRIDS[name])
    flux = rng.normal(size=faces.left.size)
    total = faces.volumes @ faces.divergence(flux)
    assert abs(total) < 1e-13 * np.abs(flux).sum()


def test_face_areas_are_circles_on_the_disk_and_the_sphere() -> None:
    disk = GRIDS["disk"]
    faces = face_couplings(disk)
    radial = faces.axis == 0
    r_face = disk.coords["r"][np.unravel_index(faces.left[radial], disk.shape)[0]] + 1 / 16
    for r in np.unique(r_face):
        assert faces.area[radial][r_face == r].sum() == pytest.approx(2 * np.pi * r, rel=1e-12)
    sphere = GRIDS["sphere"]
    faces = face_couplings(sphere)
    polar = faces.axis == 0
    i = np.unravel_index(faces.left[polar], sphere.shape)[0]
    theta_face = (i + 1) * np.pi / 8
    for t in np.unique(theta_face):
        length = faces.area[polar][theta_face == t].sum()
        assert length == pytest.approx(2 * np.pi * 3.0 * np.sin(t), rel=1e-12)
