"""Intrinsic reaction coordinate: Müller–Brown reference minima, arc length, bad saddles."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import root

from fieldgrad.landscapes import (
    MULLER_BROWN_MINIMA,
    MULLER_BROWN_SADDLES,
    irc,
    muller_brown,
    muller_brown_gradient,
)


def potential(p):
    return muller_brown(p[0], p[1])


def gradient(p):
    return muller_brown_gradient(p[0], p[1])


def refined(saddle):
    return root(gradient, saddle, tol=1e-12).x


@pytest.fixture(scope="module")
def first_saddle_irc():
    return irc(potential, refined(MULLER_BROWN_SADDLES[0]), grad=gradient, vectorized=True)


def nearest(point, candidates):
    return int(np.argmin(np.linalg.norm(candidates - point, axis=1)))


def test_muller_brown_irc_reaches_both_published_minima(first_saddle_irc):
    ends = first_saddle_irc.minima
    reached = sorted(nearest(e, MULLER_BROWN_MINIMA) for e in ends)
    assert reached == [0, 2]  # (-0.558, 1.442) and (-0.050, 0.467)
    for e in ends:
        assert np.linalg.norm(e - MULLER_BROWN_MINIMA[nearest(e, MULLER_BROWN_MINIMA)]) < 5e-3
    assert all(b.converged for b in first_saddle_irc.branches)


def test_second_saddle_joins_the_other_minima():
    res = irc(potential, refined(MULLER_BROWN_SADDLES[1]), grad=gradient)
    assert sorted(nearest(e, MULLER_BROWN_MINIMA) for e in res.minima) == [1, 2]
    for e in res.minima:
        assert np.linalg.norm(e - MULLER_BROWN_MINIMA[nearest(e, MULLER_BROWN_MINIMA)]) < 5e-3


def test_branches_are_arc_length_parametrised_descents(first_saddle_irc):
    step = 1e-3
    for branch in first_saddle_irc.branches:
        ds = np.diff(branch.s)
        chords = np.linalg.norm(np.diff(branch.points, axis=0), axis=1)
        assert np.allclose(ds, chords, rtol=1e-12)
        assert np.all((ds > 0) & (ds <= step * (1 + 1e-12)))
        # downhill all the way (near the minimum V may tie to rounding, 8 ulps)
        assert np.all(np.diff(branch.values) <= 8 * np.spacing(np.abs(branch.values[1:])))
        assert branch.grad_norms[0] < 1e-8  # zero at the saddle ...
        assert branch.grad_norms.max() > 50  # ... steep on the slope ...
        assert branch.grad_norms[-1] <= 1e-5  # ... and zero again in the minimum
        assert np.allclose(branch.values, potential(branch.points.T))


def test_branches_leave_along_the_negative_curvature_direction(first_saddle_irc):
    res = first_saddle_irc
    assert res.eigenvalues[0] < 0 < res.eigenvalues[1]
    assert np.linalg.norm(res.direction) == pytest.approx(1.0)
    for sign, branch in zip((1, -1), res.branches, strict=True):
        first = branch.points[1] - branch.points[0]
        assert np.allclose(first / np.linalg.norm(first), sign * res.direction)


def test_numerical_derivatives_give_the_same_minima(first_saddle_irc):
    numerical = irc(potential, first_saddle_irc.saddle, vectorized=True, step=4e-3)
    assert np.allclose(numerical.eigenvalues, first_saddle_irc.eigenvalues, rtol=1e-6)
    assert np.allclose(numerical.minima, first_saddle_irc.minima, atol=1e-4)


def test_double_well_is_symmetric():
    # V = (x^2 - 1)^2 + 2 y^2: saddle at 0, minima at (+-1, 0), the IRC is the x-axis
    res = irc(
        lambda p: (p[0] ** 2 - 1) ** 2 + 2 * p[1] ** 2,
        [0.0, 0.0],
        step=1e-2,
        hessian=np.diag([-4.0, 4.0]),
    )
    assert np.allclose(res.minima, [[1.0, 0.0], [-1.0, 0.0]], atol=1e-6)
    for branch in res.branches:
        assert np.allclose(branch.points[:, 1], 0.0)
        assert branch.s[-1] == pytest.approx(1.0, abs=1e-6)  # the path is the segment


@pytest.mark.parametrize(
    ("point", "match"),
    [
        (MULLER_BROWN_MINIMA[0], "exactly one negative Hessian eigenvalue, got 0"),
        ((-0.7, 0.9), "saddle must be stationary"),
    ],
)
def test_a_point_that_is_not_a_saddle_is_refused(point, match):
    with pytest.raises(ValueError, match=match):
        irc(potential, refined(point) if "eigenvalue" in match else point, grad=gradient)


def test_a_maximum_is_not_a_first_order_saddle():
    with pytest.raises(ValueError, match="exactly one negative Hessian eigenvalue, got 2"):
        irc(lambda p: -(p @ p), [0.0, 0.0], grad=lambda p: -2 * p)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="step must be a finite number > 0"):
        irc(potential, MULLER_BROWN_SADDLES[0], step=-1e-3)
    with pytest.raises(ValueError, match="saddle must be finite"):
        irc(potential, [np.nan, 0.6])
    with pytest.raises(ValueError, match=r"hessian must have shape \(2, 2\)"):
        irc(potential, refined(MULLER_BROWN_SADDLES[0]), grad=gradient, hessian=np.eye(3))
