"""Image gradients: central differences, Sobel and Scharr, after optional Gaussian smoothing.

All filtering is done by :mod:`scipy.ndimage`: a 1-D derivative stencil along
one axis and, for Sobel and Scharr, a 1-D smoothing stencil along the other.
Derivatives are returned in physical units (per pixel for arrays, per unit of
the grid coordinates for a :class:`~fieldgrad.ScalarField`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import ndimage

from fieldgrad.fields import ScalarField
from fieldgrad.grids import CartesianGrid
from fieldgrad.vision.color import to_luminance

__all__ = [
    "CENTRAL_DIFFERENCE",
    "GRADIENT_METHODS",
    "SCHARR_SMOOTHING",
    "SOBEL_SMOOTHING",
    "gradient_magnitude",
    "image_gradient",
]

#: Correlation weights of the second-order central difference, (f[i+1] - f[i-1]) / 2.
CENTRAL_DIFFERENCE = np.array([-0.5, 0.0, 0.5])
#: Sobel smoothing across the derivative direction, normalised to unit sum.
SOBEL_SMOOTHING = np.array([1.0, 2.0, 1.0]) / 4.0
#: Scharr smoothing across the derivative direction, normalised to unit sum.
SCHARR_SMOOTHING = np.array([3.0, 10.0, 3.0]) / 16.0
#: Cross-smoothing of each method (``None``: none).
GRADIENT_METHODS: dict[str, np.ndarray | None] = {
    "central": None,
    "sobel": SOBEL_SMOOTHING,
    "scharr": SCHARR_SMOOTHING,
}


def _as_image(image: Any) -> tuple[np.ndarray, tuple[float, float], tuple[str, str], Any]:
    """Split an array or a ScalarField into (2-D float data, spacing, boundary modes, field)."""
    if isinstance(image, ScalarField):
        grid = image.grid
        if not isinstance(grid, CartesianGrid) or grid.ndim != 2:
            msg = f"image field must live on a 2-D CartesianGrid, got {grid!r}"
            raise TypeError(msg)
        dy, dx = grid.spacing
        if not (isinstance(dy, float | int) and isinstance(dx, float | int) and min(dy, dx) > 0):
            msg = f"image grid must be uniform with spacing > 0 on both axes, got {grid.spacing!r}"
            raise ValueError(msg)
        modes = (
            "wrap" if grid.periodic[0] else "nearest",
            "wrap" if grid.periodic[1] else "nearest",
        )
        data = to_luminance(np.asarray(image.data))
        return data, (float(dy), float(dx)), modes, image
    data = to_luminance(image)
    return data, (1.0, 1.0), ("nearest", "nearest"), None


def _check_options(method: str, sigma: float) -> None:
    if method not in GRADIENT_METHODS:
        msg = f"method must be one of {sorted(GRADIENT_METHODS)}, got {method!r}"
        raise ValueError(msg)
    if not np.isfinite(sigma) or sigma < 0:
        msg = f"sigma must be a finite number >= 0, got {sigma!r}"
        raise ValueError(msg)


def _derivative(data: np.ndarray, axis: int, *, method: str, modes: tuple[str, str]) -> np.ndarray:
    """Derivative per pixel along `axis`; one-sided first differences at non-periodic edges."""
    out = ndimage.correlate1d(data, CENTRAL_DIFFERENCE, axis=axis, mode=modes[axis])
    if modes[axis] != "wrap":
        # With "nearest" the edge value is (f[1] - f[0]) / 2: double it to get
        # the one-sided difference f[1] - f[0], as numpy.gradient does.
        along = np.moveaxis(out, axis, 0)  # a view: edits reach `out`
        along[0] *= 2.0
        along[-1] *= 2.0
    smoothing = GRADIENT_METHODS[method]
    if smoothing is not None:
        other = 1 - axis
        mode = "wrap" if modes[other] == "wrap" else "reflect"
        out = ndimage.correlate1d(out, smoothing, axis=other, mode=mode)
    return out


def _gradient_arrays(
    data: np.ndarray,
    spacing: tuple[float, float],
    modes: tuple[str, str],
    *,
    method: str,
    sigma: float,
) -> tuple[np.ndarray, np.ndarray]:
    if min(data.shape) < 2:
        msg = f"image must have at least 2 pixels along each axis, got shape {data.shape!r}"
        raise ValueError(msg)
    if sigma > 0:
        data = ndimage.gaussian_filter(data, sigma, mode=list(modes))
    gy = _derivative(data, 0, method=method, modes=modes) / spacing[0]
    gx = _derivative(data, 1, method=method, modes=modes) / spacing[1]
    return gy, gx


def image_gradient(
    image: Any, *, method: str = "central", sigma: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Return the two components of an image's gradient, along axis 0 and axis 1.

    Parameters
    ----------
    image : array_like or ScalarField
        A 2-D array, a colour image ``(H, W, 3|4)`` (converted to Rec. 709
        luminance) or a :class:`~fieldgrad.ScalarField` on a 2-D uniform
        :class:`~fieldgrad.CartesianGrid` (pixel spacing taken from the grid,
        periodic axes wrap).
    method : {"central", "sobel", "scharr"}, keyword-only
        ``"central"``: second-order central differences, one-sided at the
        image border (identical to :func:`numpy.gradient`). ``"sobel"`` and
        ``"scharr"``: the same difference, smoothed across the derivative
        direction by :data:`SOBEL_SMOOTHING` or :data:`SCHARR_SMOOTHING`.
    sigma : float, keyword-only
        Standard deviation, in pixels, of a Gaussian smoothing applied first
        (0: none).

    Returns
    -------
    tuple of numpy.ndarray
        ``(d/d axis0, d/d axis1)`` in physical units, each of shape ``(H, W)``.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import image_gradient
    >>> y, x = np.mgrid[0:4, 0:5]
    >>> gy, gx = image_gradient(3.0 * x + 2.0 * y)
    >>> float(gy.mean()), float(gx.mean())
    (2.0, 3.0)
    """
    _check_options(method, sigma)
    data, spacing, modes, _ = _as_image(image)
    return _gradient_arrays(data, spacing, modes, method=method, sigma=sigma)


def gradient_magnitude(image: Any, *, method: str = "central", sigma: float = 0.0) -> Any:
    """Return the Euclidean norm of an image's gradient, ``|grad I|``, at every pixel.

    Parameters
    ----------
    image : array_like or ScalarField
        A 2-D array, a colour image ``(H, W, 3|4)`` (converted to Rec. 709
        luminance) or a :class:`~fieldgrad.ScalarField` on a 2-D uniform
        :class:`~fieldgrad.CartesianGrid`, whose spacing gives the pixel size.
    method : {"central", "sobel", "scharr"}, keyword-only
        Derivative stencil, see :func:`image_gradient`.
    sigma : float, keyword-only
        Standard deviation, in pixels, of a Gaussian pre-smoothing (0: none).

    Returns
    -------
    numpy.ndarray or ScalarField
        The gradient norm; a ScalarField on the same grid if a field was given.

    Raises
    ------
    ValueError
        For an unknown method, ``sigma < 0`` or an image that is neither 2-D
        nor ``(H, W, 3|4)``.
    TypeError
        For a non-numeric image or a field that is not on a 2-D CartesianGrid.

    Examples
    --------
    >>> import numpy as np
    >>> from fieldgrad.vision import gradient_magnitude
    >>> y, x = np.mgrid[0:5, 0:5]
    >>> mag = gradient_magnitude(3.0 * x + 4.0 * y, method="sobel")
    >>> float(mag[2, 2])
    5.0
    """
    _check_options(method, sigma)
    data, spacing, modes, field = _as_image(image)
    gy, gx = _gradient_arrays(data, spacing, modes, method=method, sigma=sigma)
    magnitude = np.hypot(gy, gx)
    if field is None:
        return magnitude
    return ScalarField(field.grid, magnitude, name="gradient_norm")
