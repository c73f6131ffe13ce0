"""Getting started: a first field on each grid, its gradient norm and a plot.

Run it as ``python docs/tutorials/getting_started.py [figure.png]``: it
prints, for each grid, the largest error of the computed gradient norm
against the exact one, and ``draw()`` draws the five gradient norms in their
grids' true geometry (saved to ``figure.png`` when a file name is given).
"""

from __future__ import annotations

import sys

import matplotlib.pyplot as plt
import numpy as np

import fieldgrad as fg

# [grids]
cartesian = fg.CartesianGrid(bounds=[(-1, 1), (-1, 1)], shape=(64, 64))
polar = fg.PolarGrid(radius=(0, 1), shape=(48, 96))
pipe = fg.CylindricalGrid(radius=(0, 1), z=(0, 3), shape=(32, 96))
shell = fg.SphericalGrid(radius=(0.5, 2), shape=(48, 24, 48))
sphere = fg.SphereSurface(radius=1.0, shape=(90, 180))
# [/grids]

# [fields]
# A Gaussian hill on the square: |grad f| = 2 r exp(-r^2), with r the distance from the centre.
hill = fg.ScalarField.from_function(
    cartesian, lambda x, y: np.exp(-(x**2 + y**2)), name="exp(-x² - y²)"
)
# Four lobes around the origin: |grad T| = 4 r^3 at every angle, r = 0 included.
lobes = fg.ScalarField.from_function(
    polar, lambda r, theta: r**4 * np.cos(4 * theta), name="r⁴ cos 4θ"
)
# Heat in a pipe, the same at every angle about its axis:
# |grad T| = exp(-r^2) sqrt(4 r^2 cos^2 z + sin^2 z).
heat = fg.ScalarField.from_function(
    pipe, lambda r, z: np.exp(-(r**2)) * np.cos(z), name="exp(-r²) cos z"
)
# The potential of a point charge: |grad phi| = 1 / r^2.
potential = fg.ScalarField.from_function(shell, lambda r, theta, phi: 1 / r, name="1/r")
# Height above the equator, a function of x, y, z: |grad z| = sin(theta) on the sphere.
height = fg.ScalarField.from_function(sphere, lambda x, y, z: z, coords="cartesian", name="z")
# [/fields]

# [norms]
steepness = {
    "CartesianGrid": hill.gradient_norm(),
    "PolarGrid": lobes.gradient_norm(),
    "CylindricalGrid": heat.gradient_norm(),
    "SphericalGrid": potential.gradient_norm(),
    "SphereSurface": height.gradient_norm(),
}
# [/norms]

#: The exact gradient norms, as functions of each grid's coordinates.
EXACT = {
    "CartesianGrid": lambda x, y: 2 * np.hypot(x, y) * np.exp(-(x**2 + y**2)),
    "PolarGrid": lambda r, theta: 4 * r**3,
    "CylindricalGrid": lambda r, z: (
        np.exp(-(r**2)) * np.sqrt(4 * r**2 * np.cos(z) ** 2 + np.sin(z) ** 2)
    ),
    "SphericalGrid": lambda r, theta, phi: 1 / r**2,
    "SphereSurface": lambda theta, phi: np.sin(theta),
}


def max_errors() -> dict[str, float]:
    """Largest error of each computed gradient norm against the exact one."""
    errors = {}
    for name, norm in steepness.items():
        reference = fg.ScalarField.from_function(norm.grid, EXACT[name])
        errors[name] = float(np.max(np.abs(norm.data - reference.data)))
    return errors


def draw() -> plt.Figure:
    """The five gradient norms, each drawn in its grid's geometry."""
    fig, axes = plt.subplot_mosaic(
        [
            ["CartesianGrid", "PolarGrid", "CylindricalGrid"],
            ["SphericalGrid", "SphereSurface", "SphereSurface"],
        ],
        figsize=(15, 9.5),
        width_ratios=[1, 1, 1.2],
    )
    for name, norm in steepness.items():
        ax = axes[name]
        norm.plot(ax=ax)
        ax.set_title(f"{name}\n{norm.name}", fontsize=10)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    for name, error in max_errors().items():
        print(f"{name:<16} max |error| of the gradient norm: {error:.1e}")
    if len(sys.argv) > 1:
        draw().savefig(sys.argv[1])
