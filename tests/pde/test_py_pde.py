"""The same periodic 2-D reaction-diffusion problem solved by py-pde and by fieldgrad.

Gray-Scott kinetics on a periodic square: both packages discretise the
Laplacian with the same five-point stencil on the same cell centres, so the
solutions agree to the time-stepping tolerance.  (py-pde's import name is
``pde``; fieldgrad's is ``fieldgrad.pde``.)
"""

from __future__ import annotations

import numpy as np
import pytest

import fieldgrad as fg
from fieldgrad import pde as fgpde

py_pde = pytest.importorskip("pde")

F, K, DU, DV = 0.04, 0.06, 0.02, 0.01
LENGTH, N, T_END = 2.5, 32, 20.0


def initial(x, y):
    return 0.25 * np.exp(-10 * ((x - 1.2) ** 2 + (y - 1.3) ** 2))


@pytest.mark.slow  # py-pde parses and compiles the equation: about a minute here
def test_gray_scott_agrees_with_py_pde() -> None:
    grid = py_pde.CartesianGrid([[0, LENGTH], [0, LENGTH]], [N, N], periodic=True)
    x, y = grid.cell_coords[..., 0], grid.cell_coords[..., 1]
    v0 = initial(x, y)
    state = py_pde.FieldCollection(
        [py_pde.ScalarField(grid, 1 - v0, label="u"), py_pde.ScalarField(grid, v0, label="v")]
    )
    eq = py_pde.PDE(
        {
            "u": f"{DU}*laplace(u) - u*v**2 + {F}*(1 - u)",
            "v": f"{DV}*laplace(v) + u*v**2 - {F + K}*v",
        }
    )
    theirs = eq.solve(
        state, t_range=T_END, solver="scipy", backend="numpy", tracker=None, rtol=1e-9, atol=1e-12
    )

    box = fg.CartesianGrid(bounds=[(0, LENGTH)] * 2, shape=(N, N), periodic=True)
    assert np.allclose(box.coords["x"], grid.axes_coords[0])
    mine = fgpde.solve(
        fgpde.ReactionDiffusion(
            diffusivity={"u": DU, "v": DV},
            reaction=lambda t, u, v: {"u": -u * v**2 + F * (1 - u), "v": u * v**2 - (F + K) * v},
        ),
        {"u": fg.ScalarField(box, 1 - v0), "v": fg.ScalarField(box, v0)},
        T_END,
        rtol=1e-7,
        atol=1e-10,
    )
    assert mine.success
    for i, name in enumerate("uv"):
        diff = np.abs(mine.final[name].data - theirs[i].data).max()
        assert diff < 1e-3, (name, diff)
        assert np.abs(theirs[i].data - state[i].data).max() > 1e-2  # the fields did evolve
